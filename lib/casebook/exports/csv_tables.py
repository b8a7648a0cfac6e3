"""``csv``: one CSV file per table, UTF-8, a header row, written atomically; no cell a
spreadsheet would run as a formula (:mod:`.cells`)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..atomic import write_text_atomic
from .cells import csv_cell
from .registry import register
from .tables import Table, TableSet, plain

__all__ = ["table_csv", "write_csv"]


def table_csv(table: Table) -> str:
    """The table as CSV text (``None`` as an empty cell, booleans as ``True``/``False``, text
    that would run as a formula behind an apostrophe)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[csv_cell(c) for c in table.columns],
                            extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in table.rows:
        writer.writerow({csv_cell(k): "" if v is None else csv_cell(plain(v))
                         for k, v in row.items()})
    return buf.getvalue()


@register("csv", "one CSV file per table")
def write_csv(tables: TableSet, folder: Path) -> list[Path]:
    written = []
    for name, table in tables.tables.items():
        path = folder / f"{name}.csv"
        write_text_atomic(path, table_csv(table))
        written.append(path)
    return written
