"""Reading a spreadsheet someone handed us: a CSV file or an Excel workbook, as untrusted
input.

Only a regular file, read to a bound (:mod:`casebook.model.untrusted`). A workbook is a zip of
XML: its members are counted and their unzipped size bounded before anything is parsed, the
XML is parsed by openpyxl with defusedxml (no entity expansion, no external entities), and
only the values cached in the cells are read — a formula is never evaluated and never carried
over. The apostrophe a CSV export puts before text a spreadsheet would run is removed
(:func:`.formulas.without_guard`). Every cell keeps its place, so a problem can name it:
``chronology.csv:14:when`` or ``chronology.xlsx:Events!C14``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CONTROL, Problem, display_path, printable
from ..model.untrusted import UntrustedFileError, read_untrusted
from .formulas import without_guard
from .layout import header_key

__all__ = ["MAX_BYTES", "MAX_CELLS", "MAX_UNZIPPED", "Cell", "Sheet", "Spreadsheet",
           "SpreadsheetProblem", "read_spreadsheet"]

MAX_BYTES = 20 * 1024 * 1024
#: What a workbook may unzip to, all members together, and how many members it may have.
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_CELLS = 2_000_000


class SpreadsheetProblem(Problem):
    """A problem located in a spreadsheet: ``file.csv:14:when: …`` (the line and the
    column's header) or ``file.xlsx:Events!C14: when: …`` (the sheet and cell)."""

    __slots__ = ()

    def with_message(self, message: str, suggestion: str | None = None
                     ) -> SpreadsheetProblem:
        return SpreadsheetProblem(self.path, self.line, self.column, self.field, message,
                                  suggestion)

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if not self.line else \
            f"{self.path}{self.field}: {self.message}"
        if self.suggestion:
            text += f" (did you mean `{self.suggestion}`?)"
        return printable(text)


@dataclass(frozen=True)
class Cell:
    """A cell's value and where it is."""

    path: str
    sheet: str | None  # None for a CSV file
    row: int  # the CSV line or the sheet row, 1-based
    column: int  # 1-based
    header: str
    value: Any

    @property
    def where(self) -> str:
        """``:14:when`` (CSV) or ``:Events!C14`` (a sheet): what follows the file's name."""
        if self.sheet is None:
            return f":{self.row}:{header_key(self.header) or self.column}"
        from openpyxl.utils import get_column_letter

        return f":{self.sheet}!{get_column_letter(self.column)}{self.row}"

    def problem(self, message: str, suggestion: str | None = None) -> SpreadsheetProblem:
        if self.sheet is not None and self.header:
            message = f"{header_key(self.header)}: {message}"
        return SpreadsheetProblem(self.path, self.row, self.column, self.where, message,
                                  suggestion)

    @property
    def text(self) -> str:
        return "" if self.value is None else str(self.value).strip()


@dataclass
class Sheet:
    """A sheet's header row and its non-empty rows, each a mapping of header key to cell."""

    name: str
    path: str
    csv: bool
    headers: list[Cell]
    rows: list[dict[str, Cell]] = field(default_factory=list)
    header_row: int = 1

    def place(self) -> SpreadsheetProblem:
        """The sheet as a whole, for a problem of the sheet (a missing column)."""
        where = ":1" if self.csv else f":{self.name}!A1"
        return SpreadsheetProblem(self.path, 1, 1, where, "")


@dataclass
class Spreadsheet:
    path: str
    sheets: dict[str, Sheet]  # by header_key of the sheet's name
    problems: list[Problem] = field(default_factory=list)


def read_spreadsheet(path: str | Path, sheet_for_csv: str = "Events") -> Spreadsheet:
    """Every sheet of a ``.xlsx`` workbook, or a ``.csv`` file as the sheet
    ``sheet_for_csv``; problems (the file unreadable, a control character in a cell) in
    ``problems``."""
    shown = display_path(path)
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        return Spreadsheet(shown, {}, [Problem(shown, 0, 0, "", "not a .csv or .xlsx file: "
                                               "save the sheet as CSV (UTF-8) or Excel "
                                               "workbook (.xlsx)")])
    try:
        raw = read_untrusted(Path(path), MAX_BYTES)
    except UntrustedFileError as err:
        return Spreadsheet(shown, {}, [Problem(shown, 0, 0, "", str(err))])
    if suffix == ".csv":
        return _read_csv(raw, shown, sheet_for_csv)
    return _read_xlsx(raw, shown)


def _cleaned(value: Any, cell: Cell, problems: list[Problem]) -> Any:
    if isinstance(value, str):
        if cell.sheet is None:
            value = without_guard(value)
        bad = CONTROL.search(value)
        if bad:
            problems.append(cell.problem(f"a control character ({bad.group()!r}) in the text: "
                                         "remove it"))
            value = CONTROL.sub("", value)
        value = value.strip()
        return value or None
    return value


def _sheet(name: str, path: str, is_csv: bool, records: list[tuple[int, list[Any]]],
           problems: list[Problem]) -> Sheet:
    sheet_name = None if is_csv else name
    if not records:
        return Sheet(name, path, is_csv, [])
    first_row, first = records[0]
    texts = ["" if v is None else str(v).strip() for v in first]
    headers = [Cell(path, sheet_name, first_row, n, text, text)
               for n, text in enumerate(texts, start=1)]
    sheet = Sheet(name, path, is_csv, headers, header_row=first_row)
    seen: dict[str, Cell] = {}
    for h in headers:
        key = header_key(h.text)
        if not key:
            continue
        if key in seen:
            problems.append(h.problem(f"column {h.text!r} appears twice (first at "
                                      f"{seen[key].where.lstrip(':')})"))
        else:
            seen[key] = h
    for row_number, values in records[1:]:
        row: dict[str, Cell] = {}
        for n, value in enumerate(values, start=1):
            header = headers[n - 1].text if n <= len(headers) else ""
            cell = Cell(path, sheet_name, row_number, n, header, value)
            value = _cleaned(value, cell, problems)
            if value is None:
                continue
            if not header_key(header):
                problems.append(cell.problem("a value in a column without a header: give the "
                                             "column a header, or clear the cell"))
                continue
            if header_key(header) not in row:
                row[header_key(header)] = Cell(path, sheet_name, row_number, n, header, value)
        if row:
            sheet.rows.append(row)
    return sheet


def _read_csv(raw: bytes, shown: str, name: str) -> Spreadsheet:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        return Spreadsheet(shown, {}, [Problem(shown, line, 0, "", f"not UTF-8 text (byte "
                                               f"0x{raw[err.start]:02x}): save the sheet as "
                                               "CSV UTF-8")])
    problems: list[Problem] = []
    records: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for values in reader:
            records.append((start, list(values)))
            start = reader.line_num + 1
    except csv.Error as err:
        return Spreadsheet(shown, {}, [Problem(shown, reader.line_num, 0, "",
                                               f"not readable as CSV: {err}")])
    sheet = _sheet(name, shown, True, records, problems)
    return Spreadsheet(shown, {header_key(name): sheet}, problems)


def _read_xlsx(raw: bytes, shown: str) -> Spreadsheet:
    def fail(message: str) -> Spreadsheet:
        return Spreadsheet(shown, {}, [Problem(shown, 0, 0, "", message)])

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        return fail(f"not an Excel workbook (.xlsx is a zip archive): {err}")
    if len(members) > MAX_MEMBERS:
        return fail(f"the workbook holds {len(members):,} parts; the limit is {MAX_MEMBERS:,}")
    unzipped = sum(m.file_size for m in members)
    if unzipped > MAX_UNZIPPED:
        return fail(f"the workbook unzips to {unzipped:,} bytes; the limit is "
                    f"{MAX_UNZIPPED:,}")
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False,
                             keep_vba=False)
    except Exception as err:  # openpyxl raises many kinds for a broken file
        return fail(f"not a readable Excel workbook: {type(err).__name__}: {err}")
    problems: list[Problem] = []
    sheets: dict[str, Sheet] = {}
    cells = 0
    try:
        for ws in book.worksheets:
            records: list[tuple[int, list[Any]]] = []
            for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells += len(values)
                if cells > MAX_CELLS:
                    return fail(f"more than {MAX_CELLS:,} cells; split the workbook")
                if any(v is not None and str(v).strip() for v in values) or not records:
                    records.append((n, list(values)))
            sheets[header_key(ws.title)] = _sheet(ws.title, shown, False, records, problems)
    except Exception as err:
        return fail(f"not a readable Excel workbook: {type(err).__name__}: {err}")
    finally:
        book.close()
    return Spreadsheet(shown, sheets, problems)
