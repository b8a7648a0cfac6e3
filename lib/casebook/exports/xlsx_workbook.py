"""``xlsx``: one workbook, a sheet per table, written with openpyxl and atomically."""

from __future__ import annotations

import io
from pathlib import Path

from ..atomic import write_bytes_atomic
from .registry import register
from .tables import TableSet

__all__ = ["write_xlsx"]


@register("xlsx", "one Excel workbook, a sheet per table")
def write_xlsx(tables: TableSet, folder: Path) -> list[Path]:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, table in tables.tables.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append(list(table.columns))
        for row in table.rows:
            sheet.append([row.get(c) for c in table.columns])
    buf = io.BytesIO()
    book.save(buf)
    path = folder / f"{tables.workbook}.xlsx"
    write_bytes_atomic(path, buf.getvalue())
    return [path]
