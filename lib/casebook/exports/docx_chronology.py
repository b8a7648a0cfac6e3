"""``docx``: the chronology as a Word table a lawyer pastes into a brief — date, event, who,
sources with their pinpoints — with the case's title and the statement that a protocol
failure is not a finding of unlawfulness.

Written from the ``chronology`` table of a :class:`~casebook.exports.tables.TableSet`; a set
without one writes nothing.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_bytes_atomic
from .cells import xml_text
from .registry import register, register_case
from .tables import Table, TableSet, plain

if TYPE_CHECKING:
    from .case_export import CaseExport

__all__ = ["docx_bytes", "write_docx"]

#: The chronology's columns in the Word table, with their headings.
COLUMNS = (("when", "Date"), ("what", "Event"), ("who", "Who"), ("sources", "Sources"))


def _text(value: Any) -> str:
    return xml_text(plain(value) or "")


@register("docx", "the chronology as a Word table (date, event, who, sources with pinpoints)")
def write_docx(tables: TableSet, folder: Path) -> list[Path]:
    if "chronology" not in tables.tables:
        return []
    path = folder / "chronology.docx"
    write_bytes_atomic(path, docx_bytes(tables))
    return [path]


@register_case("docx", "the chronology as a Word table", ".docx")
def write_case_docx(source: CaseExport, path: Path) -> list[Path]:
    from ..engine.findings import DISCLAIMER
    from ..views.tables import chronology_table

    frame = chronology_table(source.case, redact=source.redacted)
    if not source.viewer.sees("context-events"):
        frame = frame[frame["context"] != "context"]
    tables = TableSet({"chronology": Table.from_frame(frame)},
                      meta={**source.meta(), "disclaimer": DISCLAIMER})
    write_bytes_atomic(path, docx_bytes(tables))
    return [path]


def docx_bytes(tables: TableSet) -> bytes:
    """The Word document of the ``chronology`` table."""
    table = tables.tables["chronology"]
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    title = str(tables.meta.get("title") or tables.meta.get("case") or "Chronology")
    doc.add_heading(_text(f"Chronology: {title}"), level=1)
    if tables.meta.get("lens"):
        doc.add_paragraph(_text(f"Dates as recorded in the case file; sources with their "
                                f"pinpoints. Prepared with casebook ({tables.meta['lens']} "
                                "lens)."))
    grid = doc.add_table(rows=1, cols=len(COLUMNS))
    grid.style = "Table Grid"
    size = Pt(9)
    for cell, (_key, heading) in zip(grid.rows[0].cells, COLUMNS, strict=True):
        run = cell.paragraphs[0].add_run(heading)
        run.bold, run.font.size = True, size
    for row in table.rows:  # each cell's text one run, sized as it is made
        cells = grid.add_row().cells
        for cell, (key, _heading) in zip(cells, COLUMNS, strict=True):
            cell.paragraphs[0].add_run(_text(row.get(key))).font.size = size
    doc.add_paragraph(_text(tables.meta.get("disclaimer") or ""))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
