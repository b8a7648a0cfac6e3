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

__all__ = ["header_text", "sheet_title", "write_xlsx", "xlsx_bytes"]

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
_HEADER, _WRAPPED = "casebook header", "casebook wrapped"


def _cell(sheet: Worksheet, value: Any, as_date: bool = False, wrap: bool = False,
          bold: bool = False) -> Cell:
    """One cell: Yes/No for a boolean, a date cell for an ISO day in a date column, a list
    one item per line, a citation linked to its source; text as a string, never a formula
    (openpyxl reads a leading ``=`` as one), quote-prefixed where a spreadsheet would run it
    once edited."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    link = None
    if isinstance(value, list | tuple):
        links = [getattr(v, "url", None) for v in value]
        link = links[0] if len(value) == 1 else None
        value = "\n".join(str(v) for v in value)
    elif hasattr(value, "url") and hasattr(value, "text"):
        link, value = value.url, value.text
    if isinstance(value, bool):
        cell.value = "Yes" if value else "No"
    elif as_date and isinstance(value, str) and _ISO_DAY.match(value):
        cell.value = date.fromisoformat(value)
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, str):
        cell.value = _text(value)
        cell.data_type = "s"
        if _URL.match(value):
            link = value
    else:
        cell.value = value
    if link and _URL.match(link):
        cell.hyperlink = link
        cell.style = "Hyperlink"
    elif bold:
        cell.style = _HEADER
    elif wrap:
        cell.style = _WRAPPED  # a named style: one lookup, not a style object per cell
    if isinstance(cell.value, str) and starts_like_formula(cell.value):
        cell.quotePrefix = True  # after the style, which would reset it
    return cell


@register("xlsx", "one Excel workbook, a sheet per table, laid out for reading")
def write_xlsx(tables: TableSet, folder: Path) -> list[Path]:
    path = folder / f"{tables.workbook}.xlsx"
    write_bytes_atomic(path, xlsx_bytes(tables))
    return [path]


def xlsx_bytes(tables: TableSet, headers: dict[str, str] | None = None) -> bytes:
    """The workbook of ``tables``, a sheet each; ``headers`` maps a column to the header
    shown (default: :func:`header_text`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, NamedStyle
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)  # streamed: a fraction of the full model's time
    top = Alignment(vertical="top", wrap_text=True)
    book.add_named_style(NamedStyle(name=_HEADER, font=Font(bold=True), alignment=top))
    book.add_named_style(NamedStyle(name=_WRAPPED, alignment=top))
    for name, table in tables.tables.items():
        sheet = book.create_sheet(title=sheet_title(name))
        shown = [(headers or {}).get(c) or header_text(c) for c in table.columns]
        widths = [len(h) for h in shown]
        for row in table.rows:
            for n, column in enumerate(table.columns):
                text = str(_shown(row.get(column)))
                widths[n] = max(widths[n], max(len(line) for line in text.split("\n")))
        for n, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(n)].width = \
                max(8, min(width + 2, _MAX_WIDTH))
        wrap = [width > _MAX_WIDTH - 2 for width in widths]
        sheet.freeze_panes = "A2"
        sheet.append([_cell(sheet, h, bold=True) for h in shown])
        for row in table.rows:
            sheet.append([_cell(sheet, row.get(c), c in DATE_COLUMNS, wrap[n])
                          for n, c in enumerate(table.columns)])
        last = get_column_letter(max(len(table.columns), 1))
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _shown(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    if value is None:
        return ""
    return value
