"""``xlsx``: one workbook, a sheet per table, written with XlsxWriter and atomically — a
spreadsheet a person reads, not a data dump.

Each sheet has readable headers in bold, a frozen header row, an autofilter, column widths
from the content, wrapped long text; booleans as Yes/No; an ISO date (``2020-01-09``) as a
date cell, so it sorts and filters as a date, while an uncertain date stays text beside its
earliest and latest days; a column of URLs, and a cell citing one source, as hyperlinks. Text
is always stored as text: never a formula (:mod:`.cells`). Ids and raw EDTF stay in their own
columns, so the workbook can be read back (with openpyxl, as ``casebook import`` does).

XlsxWriter, not openpyxl, writes: a report's findings sheet is some 17,000 cells, and it
writes them in a third of the time. Excel's own limits are kept in view, not left to the
writer's warnings: a text longer than a cell holds is cut with a note saying so, and a link
Excel would refuse (too long, or past the count a sheet allows) stays text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_bytes_atomic
from .cells import starts_like_formula, xml_text
from .registry import register
from .tables import Table, TableSet

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

__all__ = ["header_text", "sheet_title", "write_xlsx", "xlsx_bytes"]

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_MAX_WIDTH = 60
#: Cells above which rows go to a temporary file as they are written (XlsxWriter's
#: ``constant_memory``): a 5,000-event case's findings held in memory take hundreds of MB;
#: below it, a workbook is kept in memory, a third faster.
STREAM_ABOVE = 250_000
#: Excel's limits: characters in a cell, characters in a link, links on a sheet.
CELL_CHARS, URL_CHARS, SHEET_LINKS = 32_767, 2_079, 65_530
_CUT = (" … [cut here: an Excel cell holds at most {n:,} characters; the case file and the CSV "
        "export hold the whole text]")


def sheet_title(name: str) -> str:
    """``chronology`` → ``Chronology``; at most 31 characters, as Excel allows."""
    return name.replace("_", " ").replace("-", " ").capitalize()[:31]


def header_text(column: str) -> str:
    """``rule_title`` → ``Rule title``: how a person reads a column name."""
    text = column.replace("_", " ")
    return text[:1].upper() + text[1:]


#: Columns holding a day as ISO text that become date cells; elsewhere an EDTF value that
#: happens to be a day (``recorded as``) stays the text the case file wrote.
DATE_COLUMNS = frozenset({"earliest", "latest", "event_earliest", "event_latest"})


@register("xlsx", "one Excel workbook, a sheet per table, laid out for reading")
def write_xlsx(tables: TableSet, folder: Path) -> list[Path]:
    path = folder / f"{tables.workbook}.xlsx"
    write_bytes_atomic(path, xlsx_bytes(tables))
    return [path]


def xlsx_bytes(tables: TableSet, headers: dict[str, str] | None = None) -> bytes:
    """The workbook of ``tables``, a sheet each; ``headers`` maps a column to the header
    shown (default: :func:`header_text`)."""
    import xlsxwriter

    buf = io.BytesIO()
    cells = sum(len(t.rows) * len(t.columns) for t in tables.tables.values())
    book = xlsxwriter.Workbook(buf, {"in_memory": True} if cells <= STREAM_ABOVE
                               else {"constant_memory": True})
    formats: dict[tuple[str, bool], Format] = {}

    def style(kind: str, quoted: bool = False) -> Format:
        """One format per kind of cell (and its quote-prefixed twin), made once."""
        if (kind, quoted) not in formats:
            props: dict[str, Any] = {"valign": "top", **_KINDS[kind]}
            if quoted:
                props["quote_prefix"] = True  # stays text even when edited
            formats[kind, quoted] = book.add_format(props)
        return formats[kind, quoted]

    for name, table in tables.tables.items():
        _write_sheet(book.add_worksheet(sheet_title(name)), table,
                     [(headers or {}).get(c) or header_text(c) for c in table.columns], style)
    book.close()
    return buf.getvalue()


_KINDS: dict[str, dict[str, Any]] = {
    "header": {"bold": True, "text_wrap": True},
    "text": {},
    "wrapped": {"text_wrap": True},
    "date": {"num_format": "yyyy-mm-dd"},
    "link": {"font_color": "blue", "underline": 1},
}


def _write_sheet(sheet: Worksheet, table: Table, shown: list[str],
                 style: Callable[[str, bool], Format]) -> None:
    """The header row, then the rows in one pass; each column as wide as its longest line
    (within bounds)."""
    widths = [len(h) for h in shown]
    sheet.freeze_panes(1, 0)
    for n, header in enumerate(shown):
        text = _cell_text(header)
        sheet.write_string(0, n, text, style("header", starts_like_formula(text)))
    dates = [c in DATE_COLUMNS for c in table.columns]
    links = 0
    for r, row in enumerate(table.rows, start=1):
        for n, column in enumerate(table.columns):
            width, linked = _write_cell(sheet, r, n, row.get(column), dates[n], style,
                                        links < SHEET_LINKS)
            links += linked
            if width > widths[n]:
                widths[n] = width
    for n, width in enumerate(widths):
        sheet.set_column(n, n, max(8, min(width + 2, _MAX_WIDTH)))
    sheet.autofilter(0, 0, len(table.rows), max(len(table.columns), 1) - 1)


def _write_cell(sheet: Worksheet, r: int, n: int, value: Any, as_date: bool,
                style: Callable[[str, bool], Format], may_link: bool) -> tuple[int, int]:
    """One cell: Yes/No for a boolean, a date cell for an ISO day in a date column, a list
    one item per line, a citation linked to its source; text always as a string, never a
    formula, quote-prefixed where a spreadsheet would run it once edited, wrapped when it
    has several lines or one longer than a column grows. Returns the width of its longest
    line and the number of links written (0 or 1)."""
    link = None
    if isinstance(value, list | tuple):
        link = getattr(value[0], "url", None) if len(value) == 1 else None
        value = "\n".join(str(v) for v in value)
    elif hasattr(value, "url") and hasattr(value, "text"):
        link, value = value.url, value.text
    if value is None:
        return 0, 0
    if isinstance(value, bool):
        value = "Yes" if value else "No"
    elif isinstance(value, int | float):
        if value == value and abs(value) != float("inf"):  # Excel has no NaN or infinity
            sheet.write_number(r, n, value)
            return len(str(value)), 0
        value = str(value)
    elif as_date and isinstance(value, str) and _ISO_DAY.match(value):
        sheet.write_datetime(r, n, date.fromisoformat(value), style("date", False))
        return len(value), 0
    text = _cell_text(value)
    lines = "\n" in text
    width = max(map(len, text.split("\n"))) if lines else len(text)
    quoted = starts_like_formula(text)
    if link is None and _URL.match(text):
        link = text
    if (may_link and isinstance(link, str) and _URL.match(link)
            and len(link.encode("utf-16-le")) // 2 <= URL_CHARS):
        sheet.write_url(r, n, link, style("link", quoted), string=text)
        return width, 1
    kind = "wrapped" if lines or width > _MAX_WIDTH - 2 else "text"
    sheet.write_string(r, n, text, style(kind, quoted) if quoted or kind != "text" else None)
    return width, 0


def _cell_text(value: Any) -> str:
    """Text a cell can hold: no character XML forbids, and no more than Excel allows (cut,
    saying so)."""
    text = xml_text(value)
    if len(text) > CELL_CHARS:
        cut = _CUT.format(n=CELL_CHARS)
        text = text[:CELL_CHARS - len(cut)] + cut
    return text
