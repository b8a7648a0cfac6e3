"""Exhibits a lawyer can file: sources cited with their pinpoints, every author note shown,
an exhibit list and an evidence table.

Expected texts are read from the case files as plain YAML, never produced by the code under
test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from casebook import load_case
from casebook.notebook.workbook import Workbook
from casebook.views.tables import chronology_table, evidence_table, sources_table
from tests.conftest import FIXTURES, ROOT

CLEAN = FIXTURES / "cases" / "clean-investigation--clean.yaml"
WILLIAMS = ROOT / "casefile" / "williams-shinola.yaml"


def _raw(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _lineup_pin() -> tuple[str, dict]:
    raw = _raw(CLEAN)
    lineup = next(e for e in raw["events"] if e["id"] == "photo-lineup")
    (pin,) = [s for s in lineup["sources"] if isinstance(s, dict)]
    return lineup["id"], pin


def test_a_pinpoint_reaches_the_chronology_and_the_findings() -> None:
    event, pin = _lineup_pin()
    source = _raw(CLEAN)["sources"][pin["id"]]
    expected = f"p. {pin['page']}, ¶ {pin['paragraph']}"
    table = chronology_table(load_case(CLEAN))
    (cited,) = table[table["event"] == event]["sources"].iloc[0]
    assert expected in cited.text and source["exhibit"] in cited.text
    assert source["cite"] in cited.text
    book = Workbook.open(CLEAN, lens="best")
    rows = book._cited(book.findings)
    at_lineup = rows[rows["event"] == event]["sources"]
    assert any(expected in c.text for cites in at_lineup for c in cites)


def test_the_exhibit_list_numbers_cites_and_notes_every_source() -> None:
    raw = _raw(WILLIAMS)
    table = sources_table(load_case(WILLIAMS))
    assert sorted(table["source"]) == sorted(raw["sources"])
    by_id = table.set_index("source")
    for sid, src in raw["sources"].items():
        assert by_id.loc[sid, "note"] == (src.get("note") or "").strip()
        assert by_id.loc[sid, "title"] == src["title"].strip()
    assert (table["supports"] == table["supports what"].map(
        lambda s: len(s.split(", ")) if s else 0)).all()
    first = table["supports what"].iloc[0].split(", ")
    events = {e["id"] for e in raw["events"]}
    assert set(first) & events


def test_the_evidence_table_lists_every_item_with_its_note() -> None:
    raw = _raw(WILLIAMS)
    table = evidence_table(load_case(WILLIAMS)).set_index("item")
    assert set(table.index) == set(raw["evidence"])
    for eid, item in raw["evidence"].items():
        assert table.loc[eid, "note"] == (item.get("note") or "").strip()


def test_event_and_claim_notes_reach_the_chronology_and_disputes() -> None:
    raw = _raw(WILLIAMS)
    table = chronology_table(load_case(WILLIAMS)).set_index("event")
    for ev in raw["events"]:
        if ev.get("note"):
            assert table.loc[ev["id"], "note"] == " ".join(ev["note"].split()) or \
                table.loc[ev["id"], "note"] == ev["note"].strip()


def test_the_workbook_is_laid_out_for_people(tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import load_workbook

    Workbook.open(WILLIAMS, lens="then").export(tmp_path)
    book = load_workbook(tmp_path / "workbook.xlsx")
    assert book.sheetnames == ["Chronology", "Findings", "Sources", "Cast", "Evidence",
                               "Disputes", "Facts", "Discovery"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == sheet.dimensions, sheet.title
        assert all(c.font.bold for c in sheet[1]), sheet.title
    chronology = book["Chronology"]
    headers = [c.value for c in chronology[1]]
    assert "Earliest" in headers and "Recorded as" in headers and "Event" in headers
    earliest = headers.index("Earliest") + 1
    assert isinstance(chronology.cell(row=2, column=earliest).value, datetime)
    recorded = headers.index("Recorded as") + 1
    assert isinstance(chronology.cell(row=2, column=recorded).value, str)  # raw EDTF kept
    findings = book["Findings"]
    f_headers = [c.value for c in findings[1]]
    values = {findings.cell(row=r, column=f_headers.index("Violation") + 1).value
              for r in range(2, findings.max_row + 1)}
    assert values <= {"Yes", "No"} and "Yes" in values
    sources = book["Sources"]
    s_headers = [c.value for c in sources[1]]
    urls = [sources.cell(row=r, column=s_headers.index("Url") + 1)
            for r in range(2, sources.max_row + 1)]
    linked = [c for c in urls if c.value]
    assert linked and all(c.hyperlink is not None and c.hyperlink.target == c.value
                          for c in linked)
    raw = _raw(WILLIAMS)
    assert sources.max_row - 1 == len(raw["sources"])


@pytest.mark.parametrize("streamed", [False, True])
def test_the_workbook_keeps_within_what_excel_opens(tmp_path: Path, streamed: bool,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Text longer than a cell holds is cut, saying so; a link Excel would refuse (too long,
    or past the count a sheet allows) stays text; characters XML forbids are dropped; a
    number Excel cannot hold is text; long or several-line text wraps, a short line not."""
    import re
    import zipfile

    from openpyxl import load_workbook

    from casebook.exports import Table, TableSet, export, xlsx_workbook

    if streamed:  # as a large case's workbook is written: rows to disk as they come
        monkeypatch.setattr(xlsx_workbook, "STREAM_ABOVE", 0)

    long_text, long_url = "x" * 40_000, "https://example.org/" + "a" * 3_000
    rows = [{"text": long_text, "url": long_url, "n": float("nan")},
            {"text": "bell\x07 and form feed\x0c gone", "url": "https://example.org/ok",
             "n": 3},
            {"text": ["one line", "and another"], "url": None, "n": None}]
    export(TableSet({"limits": Table.of(["text", "url", "n"], rows)}, workbook="w"), tmp_path,
           ("xlsx",))
    sheet = load_workbook(tmp_path / "w.xlsx")["Limits"]
    cut = sheet["A2"].value
    assert len(cut) == 32_767 and cut.startswith("x" * 32_000)
    assert cut.endswith("the case file and the CSV export hold the whole text]")
    assert sheet["B2"].value == long_url and sheet["B2"].hyperlink is None
    assert sheet["C2"].value == "nan" and sheet["C2"].data_type == "s"
    assert sheet["A3"].value == "bell and form feed gone"
    assert sheet["B3"].hyperlink.target == "https://example.org/ok" and sheet["C3"].value == 3
    assert sheet["A2"].alignment.wrap_text and not sheet["A3"].alignment.wrap_text
    assert sheet["A4"].value == "one line\nand another" and sheet["A4"].alignment.wrap_text
    many = [{"url": f"https://example.org/{i}"} for i in range(65_532)]
    export(TableSet({"links": Table.of(["url"], many)}, workbook="many"), tmp_path, ("xlsx",))
    with zipfile.ZipFile(tmp_path / "many.xlsx") as z:  # read as XML: openpyxl takes a minute
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    linked = re.findall(r'<hyperlink ref="A(\d+)"', xml)
    assert len(linked) == 65_530 and linked[-1] == "65531"  # Excel's most a sheet holds
    assert re.search(r'<c r="A65533" [^>]*t="(s|inlineStr)"', xml)  # the rest: text, still there


def test_the_word_chronology_cites_with_pinpoints(tmp_path: Path) -> None:
    import docx

    Workbook.open(CLEAN, lens="best").export(tmp_path)
    document = docx.Document(tmp_path / "chronology.docx")
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == ["Date", "Event", "Who", "Sources"]
    assert len(table.rows) - 1 == len(_raw(CLEAN)["events"])
    _event, pin = _lineup_pin()
    assert any(f"p. {pin['page']}, ¶ {pin['paragraph']}" in row.cells[3].text
               for row in table.rows)
    runs = [(r, run) for r, row in enumerate(table.rows) for cell in row.cells
            for p in cell.paragraphs for run in p.runs]
    assert runs and all(run.font.size.pt == 9 for _r, run in runs)  # a compact table
    assert all(bool(run.bold) == (r == 0) for r, run in runs)  # headings bold, only they


def test_explanations_name_values_in_words_and_leave_labels_alone() -> None:
    from casebook.views.findings_view import plain_explanation

    case = load_case(CLEAN)
    labels = case.vocabulary.facts["offense_category"].value_labels
    text = ("offense was part1-property, not part2 (fr-candidate → photo-array); "
            "part1-property-like stays")
    assert plain_explanation(case, text) == (
        f"offense was {labels['part1-property']}, not {labels['part2']}; "
        "part1-property-like stays")
