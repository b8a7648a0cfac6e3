"""``xlsx``: one workbook, a sheet per table, written with openpyxl and atomically. Text is
always stored as text: never a formula (:mod:`.cells`)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_bytes_atomic
from .cells import starts_like_formula
from .registry import register
from .tables import TableSet

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["write_xlsx"]


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> None:
    """One cell; text as a string, never a formula (openpyxl reads a leading ``=`` as one),
    with the quote prefix where a spreadsheet would run it once edited."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
        if starts_like_formula(value):
            cell.quotePrefix = True
    else:
        cell.value = value


@register("xlsx", "one Excel workbook, a sheet per table")
def write_xlsx(tables: TableSet, folder: Path) -> list[Path]:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, table in tables.tables.items():
        sheet = book.create_sheet(title=name[:31])
        for c, column in enumerate(table.columns, start=1):
            _put(sheet, 1, c, column)
        for r, row in enumerate(table.rows, start=2):
            for c, column in enumerate(table.columns, start=1):
                _put(sheet, r, c, row.get(column))
    buf = io.BytesIO()
    book.save(buf)
    path = folder / f"{tables.workbook}.xlsx"
    write_bytes_atomic(path, buf.getvalue())
    return [path]
