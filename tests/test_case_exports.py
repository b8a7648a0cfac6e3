"""``casebook export``: a case handed to the tools others use, each format read back with its
own ecosystem's library — openpyxl and ``casebook import`` (the round trip), networkx's
GraphML reader, ``prov``, ``followthemoney`` — and every format redacted with ``--redact``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from followthemoney import model as ftm_model
from prov.model import ProvDocument

from casebook.cli import main
from casebook.model.load import load_case
from tests.conftest import WILLIAMS, identity_leaks

SUFFIX = {"xlsx": ".xlsx", "csv": "", "docx": ".docx", "timelinejs": ".json",
          "graphml": ".graphml", "prov": ".json", "ftm": ".ftm.json"}
FORMATS = tuple(SUFFIX)


@pytest.fixture(scope="module")
def williams() -> Any:
    return load_case(WILLIAMS)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Williams in every format, as counsel gets it, and redacted."""
    out = tmp_path_factory.mktemp("exports")
    paths = {}
    for fmt in FORMATS:
        for redact in (False, True):
            path = out / ((f"{fmt}-redacted" if redact else fmt) + SUFFIX[fmt])
            assert main(["export", str(WILLIAMS), "--to", fmt, "-o", str(path),
                         *(["--redact"] if redact else [])]) == 0
            paths[f"{fmt}-redacted" if redact else fmt] = path
    return paths


def _same_case(a: Any, b: Any, exercises: bool) -> None:
    """The loaded models agree: every event with its dates, sources (and pinpoints) and
    facts with their claims — so disputes too — and the sources, actors and evidence."""
    assert [e.id for e in b.events] == [e.id for e in a.events]
    for x, y in zip(a.events, b.events, strict=True):
        assert [c.model_dump() for c in y.when] == [c.model_dump() for c in x.when], x.id
        assert [str(s) for s in y.sources] == [str(s) for s in x.sources], x.id
        assert [s.pin for s in y.sources] == [s.pin for s in x.sources], x.id
        assert {k: [c.model_dump() for c in v] for k, v in y.facts.items()} == \
            {k: [c.model_dump() for c in v] for k, v in x.facts.items()}, x.id
        assert a.when_disputed(x) == b.when_disputed(y)
        assert {n: a.fact(x, n).disputed for n in x.facts} == \
            {n: b.fact(y, n).disputed for n in y.facts}
    dump = {"exercises"} if not exercises else set()
    assert b.file.model_dump(exclude=dump) == a.file.model_dump(exclude=dump)


def test_williams_exported_to_xlsx_and_imported_back_is_the_same_case(
        williams: Any, exported: dict[str, Path], tmp_path: Path) -> None:
    back = tmp_path / "back.yaml"
    assert main(["import", str(exported["xlsx"]), "-o", str(back)]) == 0
    _same_case(williams, load_case(back), exercises=False)
    disputed = [e.id for e in williams.events if williams.when_disputed(e)]
    assert disputed  # the comparison covered disputed dates


def test_the_trainer_export_keeps_the_exercises_too(williams: Any, tmp_path: Path) -> None:
    path, back = tmp_path / "w.xlsx", tmp_path / "back.yaml"
    assert main(["export", str(WILLIAMS), "--to", "xlsx", "--audience", "trainer",
                 "-o", str(path)]) == 0
    assert main(["import", str(path), "-o", str(back)]) == 0
    _same_case(williams, load_case(back), exercises=True)


def test_an_edit_in_a_spreadsheet_program_survives_the_round_trip(
        williams: Any, exported: dict[str, Path], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(exported["xlsx"])
    events = book["Events"]
    headers = [c.value for c in events[1]]
    for row in events.iter_rows(min_row=2):
        if row[headers.index("id")].value == "offense":
            row[headers.index("note")].value = "Checked against the complaint."
    edited, back = tmp_path / "edited.xlsx", tmp_path / "back.yaml"
    book.save(edited)
    assert main(["import", str(edited), "-o", str(back)]) == 0
    assert load_case(back).event_by_id["offense"].note == "Checked against the complaint."


def test_the_csv_export_imports_back_with_its_companion_files(
        williams: Any, exported: dict[str, Path], tmp_path: Path) -> None:
    folder = exported["csv"]
    back = tmp_path / "back.yaml"
    args = ["import", str(folder / "events.csv"), "-o", str(back)]
    for name in ("case", "sources", "actors", "evidence", "claims"):
        args += [f"--{name}", str(folder / f"{name}.csv")]
    assert main(args) == 0
    _same_case(williams, load_case(back), exercises=False)


def test_the_report_writes_a_case_workbook_that_imports_back(williams: Any,
                                                             tmp_path: Path) -> None:
    from casebook.notebook.workbook import Workbook

    written = Workbook.open(str(WILLIAMS)).export(tmp_path / "report")
    assert tmp_path / "report" / "case.xlsx" in written
    back = tmp_path / "back.yaml"
    assert main(["import", str(tmp_path / "report" / "case.xlsx"), "-o", str(back)]) == 0
    _same_case(williams, load_case(back), exercises=False)


def test_the_reading_workbook_and_a_redacted_one_are_refused(
        exported: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from casebook.notebook.workbook import Workbook

    Workbook.open(str(WILLIAMS)).export(tmp_path / "report")
    out = tmp_path / "x.yaml"
    assert main(["import", str(tmp_path / "report" / "workbook.xlsx"), "-o", str(out)]) == 1
    assert "workbook.xlsx:Chronology!A1: this is a report's workbook" in capsys.readouterr().err
    assert main(["import", str(exported["xlsx-redacted"]), "-o", str(out)]) == 1
    assert "this workbook is redacted" in capsys.readouterr().err
    assert not out.exists()


def test_graphml_read_back_by_networkx(williams: Any, exported: dict[str, Path]) -> None:
    g = nx.read_graphml(exported["graphml"])
    events = {e.id for e in williams.events}
    evidence = set(williams.evidence)
    assert events | evidence <= set(g.nodes)
    assert {n for n, d in g.nodes(data=True) if d["node_type"] == "event"} == events
    assert {n for n, d in g.nodes(data=True) if d["node_type"] == "evidence"} == evidence
    for eid in events:
        lo, hi = williams.bounds(eid)
        assert g.nodes[eid].get("earliest", "") == ("" if lo == date.min else lo.isoformat())
        assert g.nodes[eid].get("latest", "") == ("" if hi == date.max else hi.isoformat())
        assert g.nodes[eid]["type"] == williams.event_by_id[eid].type
    fr_outputs = [i for i, item in williams.evidence.items()
                  if williams.vocabulary.evidence_kinds[item.kind].fr_output]
    assert fr_outputs and all(g.nodes[i]["fr_derived"] is True for i in fr_outputs)
    assert g.nodes["store-video"]["fr_derived"] is False  # recorded before any search
    assert any(d.get("violation") for _n, d in g.nodes(data=True))
    uses = sum(len(e.uses) for e in williams.events)
    assert sum(1 for *_e, d in g.edges(data=True) if d["edge_type"] == "uses") == uses


def test_prov_read_back_by_the_prov_package(williams: Any, exported: dict[str, Path]) -> None:
    doc = ProvDocument.deserialize(content=exported["prov"].read_text(encoding="utf-8"),
                                   format="json")
    records = doc.get_records()
    ids = {str(r.identifier).split(":", 2)[-1]: r for r in records if r.identifier}
    kinds = {type(r).__name__ for r in records}
    assert {"ProvActivity", "ProvEntity", "ProvAgent", "ProvUsage", "ProvGeneration",
            "ProvDerivation", "ProvAssociation", "ProvDelegation"} <= kinds
    for ev in williams.events:
        assert type(ids[ev.id]).__name__ == "ProvActivity"
    for item in williams.evidence:
        assert type(ids[item]).__name__ == "ProvEntity"
    for aid in williams.actors:
        assert type(ids[aid]).__name__ == "ProvAgent"
    usages = [r for r in records if type(r).__name__ == "ProvUsage"]
    assert len(usages) == sum(len(e.uses) for e in williams.events)
    derived_from_sources = {str(r.args[1]) for r in records
                            if type(r).__name__ == "ProvDerivation" and "source/" in
                            str(r.args[1])}
    cited = {s for e in williams.events for s in e.sources}
    assert {d.rsplit("/", 1)[-1] for d in derived_from_sources} >= cited


def test_ftm_read_back_by_followthemoney(williams: Any, exported: dict[str, Path]) -> None:
    lines = exported["ftm"].read_text(encoding="utf-8").splitlines()
    proxies = [ftm_model.get_proxy(json.loads(line)) for line in lines]
    by_schema: dict[str, list[Any]] = {}
    for p in proxies:
        by_schema.setdefault(p.schema.name, []).append(p)
    assert len(by_schema["Event"]) == len(williams.events)
    assert len(by_schema["Documentation"]) >= sum(len(e.sources) for e in williams.events)
    people = [a for a in williams.actors.values() if a.kind == "person"]
    assert len(by_schema["Person"]) == len(people)
    offense = next(p for p in by_schema["Event"] if p.id.endswith("-event-offense"))
    # the offense's date is disputed: shown as its bounds, never as one day
    lo, hi = williams.bounds("offense")
    assert offense.get("startDate") == [lo.isoformat()]
    assert offense.get("endDate") == [hi.isoformat()]


def test_timelinejs_has_every_dated_event(williams: Any, exported: dict[str, Path]) -> None:
    doc = json.loads(exported["timelinejs"].read_text(encoding="utf-8"))
    slides = {s["unique_id"]: s for s in doc["events"]}
    assert set(slides) == {e.id for e in williams.events}
    for ev in williams.events:
        lo, hi = williams.bounds(ev)
        first = lo if lo != date.min else hi  # an open start: the latest day it can be
        start = slides[ev.id]["start_date"]
        assert (start["year"], start["month"], start["day"]) == \
            (first.year, first.month, first.day)
        assert start["display_date"] == williams.date_text(ev)
        if lo != hi and date.min < lo and hi < date.max:
            end = slides[ev.id]["end_date"]
            assert (end["year"], end["month"], end["day"]) == (hi.year, hi.month, hi.day)
        else:
            assert "end_date" not in slides[ev.id]
    assert any("media" in s and s["media"]["url"].startswith("http") for s in doc["events"])


def test_timelinejs_escapes_what_a_case_says(write_case: Any, tmp_path: Path) -> None:
    from tests.conftest import FIXTURES

    source = (FIXTURES / "cases" / "minimal--valid.yaml").read_text(encoding="utf-8")
    hostile = source.replace("summary: Lineup", 'summary: "<img src=x onerror=alert(1)>"')
    assert hostile != source
    case = write_case(hostile)
    out = tmp_path / "t.json"
    assert main(["export", str(case), "--to", "timelinejs", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "<img" not in text and "&lt;img" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_redact_applies_to_every_format(fmt: str, exported: dict[str, Path]) -> None:
    path = exported[f"{fmt}-redacted"]
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    assert files
    for file in files:
        if file.suffix in (".xlsx", ".docx") or fmt in ("xlsx", "docx"):
            import zipfile

            with zipfile.ZipFile(file) as z:
                text = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            text = file.read_text(encoding="utf-8")
        assert identity_leaks(text, WILLIAMS) == [], file.name
    unredacted = exported[fmt]
    plain = unredacted if unredacted.is_file() else unredacted / "actors.csv"
    if plain.suffix not in (".xlsx", ".docx"):
        assert identity_leaks(plain.read_text(encoding="utf-8"), WILLIAMS)  # the test bites


def test_an_audience_without_exports_and_an_unknown_format_are_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.json"
    assert main(["export", str(WILLIAMS), "--to", "prov", "--audience", "student",
                 "-o", str(out)]) == 2
    assert "no exports" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["export", str(WILLIAMS), "--to", "pdf", "-o", str(out)])
    assert info.value.code == 2
    assert main(["export", str(WILLIAMS), "--to", "xlsx", "-o", str(out)]) == 2
    assert "the xlsx export is a .xlsx file (e.g. x.xlsx)" in capsys.readouterr().err
    out.write_text("{}", encoding="utf-8")
    assert main(["export", str(WILLIAMS), "--to", "csv", "-o", str(out)]) == 2
    assert "csv writes a folder of files" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "{}"


def test_every_case_format_has_its_page_saying_what_maps_to_what() -> None:
    from casebook.exports import FORMATS, load_formats
    from tests.conftest import ROOT

    load_formats()
    index = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    for name, fmt in FORMATS.items():
        if fmt.write_case is None:
            continue
        row = next(line for line in index.splitlines() if line.startswith(f"| `{name}` |"))
        page = row.rsplit("](", 1)[1].split(")", 1)[0]
        assert "| the case" in (ROOT / "docs" / page).read_text(encoding="utf-8"), page
