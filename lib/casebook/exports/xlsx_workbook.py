"""``xlsx``: one workbook, a sheet per table, written with openpyxl and atomically — a
spreadsheet a person reads, not a data dump.

Each sheet has readable headers in bold, a frozen header row, an autofilter, column widths
from the content, wrapped long text; booleans as Yes/No; an ISO date (``2020-01-09``) as a
date cell, so it sorts and filters as a date, while an uncertain date stays text beside its
earliest and latest days; a column of URLs, and a cell citing one source, as hyperlinks. Text
is always stored as text: never a formula (:mod:`.cells`). Ids and raw EDTF stay in their own
columns, so the workbook can be read back.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_bytes_atomic
from .cells import starts_like_formula
from .registry import register
from .tables import TableSet

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["header_text", "sheet_title", "write_xlsx"]

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_MAX_WIDTH = 60


def sheet_title(name: str) -> str:
    """``chronology`` → ``Chronology``; at most 31 characters, as Excel allows."""
    return name.replace("_", " ").replace("-", " ").capitalize()[:31]


def header_text(column: str) -> str:
    """``rule_title`` → ``Rule title``: how a person reads a column name."""
    text = column.replace("_", " ")
    return text[:1].upper() + text[1:]


def _text(value: Any) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


#: Columns holding a day as ISO text that become date cells; elsewhere an EDTF value that
#: happens to be a day (``recorded as``) stays the text the case file wrote.
DATE_COLUMNS = frozenset({"earliest", "latest", "event_earliest", "event_latest"})


def _put(cell: Cell, value: Any, as_date: bool = False) -> None:
    """One cell: Yes/No for a boolean, a date cell for an ISO day in a date column, a list
    one item per line,
    a citation linked to its source; text as a string, never a formula (openpyxl reads a
    leading ``=`` as one), quote-prefixed where a spreadsheet would run it once edited."""
    if isinstance(value, list | tuple):
        links = [getattr(v, "url", None) for v in value]
        if len(value) == 1 and links[0] and _URL.match(links[0]):
            cell.hyperlink = links[0]
            cell.style = "Hyperlink"
        value = "\n".join(str(v) for v in value)
    elif hasattr(value, "url") and hasattr(value, "text"):
        if value.url and _URL.match(value.url):
            cell.hyperlink = value.url
            cell.style = "Hyperlink"
        value = value.text
    if isinstance(value, bool):
        cell.value = "Yes" if value else "No"
    elif as_date and isinstance(value, str) and _ISO_DAY.match(value):
        cell.value = date.fromisoformat(value)
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, str):
        cell.value = _text(value)
        cell.data_type = "s"
        if starts_like_formula(value):
            cell.quotePrefix = True
        if _URL.match(value):
            cell.hyperlink = value
            cell.style = "Hyperlink"
    else:
        cell.value = value


def _layout(sheet: Worksheet, widths: list[int]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for n, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = max(8, min(width + 2, _MAX_WIDTH))
        if width > _MAX_WIDTH - 2:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=n, max_col=n):
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    if sheet.max_row >= 1 and sheet.max_column >= 1:
        sheet.auto_filter.ref = sheet.dimensions


@register("xlsx", "one Excel workbook, a sheet per table, laid out for reading")
def write_xlsx(tables: TableSet, folder: Path) -> list[Path]:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, table in tables.tables.items():
        sheet = book.create_sheet(title=sheet_title(name))
        widths = [len(header_text(c)) for c in table.columns]
        for c, column in enumerate(table.columns, start=1):
            _put(sheet.cell(row=1, column=c), header_text(column))
        for r, row in enumerate(table.rows, start=2):
            for c, column in enumerate(table.columns, start=1):
                value = row.get(column)
                _put(sheet.cell(row=r, column=c), value, column in DATE_COLUMNS)
                longest = max((len(line) for line in str(_shown(value)).split("\n")), default=0)
                widths[c - 1] = max(widths[c - 1], longest)
        _layout(sheet, widths)
    buf = io.BytesIO()
    book.save(buf)
    path = folder / f"{tables.workbook}.xlsx"
    write_bytes_atomic(path, buf.getvalue())
    return [path]


def _shown(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    if value is None:
        return ""
    return value
