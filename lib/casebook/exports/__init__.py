"""Output formats, one registry: every table casebook writes goes through a format here.

Like followthemoney's ``export`` package: one module per format, registered by name, used by
the Workbook (a report's tables), the corpus notebook and the batch alike. A format writes a
:class:`~casebook.exports.tables.TableSet` into a folder, each file atomically, and returns
the files it wrote. Formats: ``csv`` (a file per table), ``xlsx`` (one workbook, a sheet per
table), ``docx`` (the chronology as a Word table), ``summary`` (the counts a batch index
shows, as JSON). ``casebook export`` writes a whole case (:mod:`.case_export`) in ``xlsx``
(a workbook to edit and import back), ``csv``, ``docx``, ``timelinejs``, ``graphml``,
``prov`` and ``ftm``.
"""

from __future__ import annotations

from pathlib import Path

from .registry import FORMATS, ExportFormat, register, register_case
from .tables import Table, TableSet

__all__ = ["FORMATS", "ExportFormat", "Table", "TableSet", "export", "load_formats", "register",
           "register_case"]


def load_formats() -> None:
    """Import every format module, so each registers itself (lazily: some libraries are
    slow to import)."""
    from . import (  # noqa: F401  (they register)
        case_workbook,
        csv_tables,
        docx_chronology,
        ftm_entities,
        graphml,
        prov_json,
        summary_json,
        timelinejs,
        xlsx_workbook,
    )


def export(tables: TableSet, folder: str | Path, formats: tuple[str, ...]) -> list[Path]:
    """Write ``tables`` into ``folder`` in each of ``formats``; the files written."""
    load_formats()
    out = Path(folder)
    written: list[Path] = []
    for name in formats:
        if name not in FORMATS:
            raise ValueError(f"unknown export format {name!r}; known: {', '.join(FORMATS)}")
        written += FORMATS[name].write(tables, out)
    return written
