"""The classroom edition's notebook and its answer key.

The case-study notebook shows a lesson's decision points from one cell; for a classroom,
:func:`lesson_notebook` expands that cell into one cell per decision point, each headed
"Decision point N: …" and carrying ``{"casebook": {"decision_point": N, "event": ID}}`` in its
metadata, so a trainer in JupyterLab runs them one at a time and papermill runs the whole like
any other notebook. :func:`answer_key` takes the trainer's executed notebook and keeps only the
lesson — questions and answers, open, no figures — for the page printed apart from the
students' handout.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

__all__ = ["EXPAND", "answer_key", "decision_cells", "lesson_notebook", "lesson_points",
           "write_lesson_notebook"]

if TYPE_CHECKING:
    from ..model.case import Case
    from ..views.audience import Audience

#: The ``casebook.expand`` metadata of the cell that becomes one cell per decision point.
EXPAND = "decision-points"


def _expanded(cell: Any) -> bool:
    return bool(cell.get("metadata", {}).get("casebook", {}).get("expand") == EXPAND)


def lesson_notebook(template: Any, points: Sequence[tuple[int, str]],
                    viewer: Audience | None = None) -> Any:
    """A copy of ``template`` (the case-study notebook, an nbformat node) with its
    decision-point cell replaced by one cell per ``(number, event id)``; with ``viewer``, only
    the cells that audience sees (a student's notebook holds nothing of the whole case)."""
    import nbformat

    nb = copy.deepcopy(template)
    cells = []
    for cell in nb.cells:
        if viewer is not None and not viewer.keeps_cell(cell.metadata.get("tags", [])):
            continue
        if not _expanded(cell):
            cells.append(cell)
            continue
        tags = [t for t in cell.metadata.get("tags", [])]
        for number, event in points:
            new = nbformat.v4.new_code_cell(
                f"lesson.show({number})",
                metadata={"tags": [*tags, "decision-point"],
                          "casebook": {"decision_point": number, "event": event}})
            new["id"] = f"decision-point-{number}"
            cells.append(new)
    nb.cells = cells
    return nb


def lesson_points(case: Case, *, protocols: str = "all", lens: str = "then",
                  as_of: str | None = None, audience: str = "trainer", redact: bool = False
                  ) -> list[tuple[int, str]]:
    """(number, event id) of each decision point of the lesson of a loaded case, as the
    notebook will plan it from the same parameters (ids aliased when redacted)."""
    from ..notebook.lesson import Classroom
    from ..notebook.workbook import Workbook

    wb = Workbook.of(case, protocols=protocols, lens=lens, as_of=as_of, audience=audience,
                     redact=redact)
    return [(p.number, p.event) for p in Classroom.of(wb).points]


def decision_cells(nb: Any) -> list[Any]:
    """The decision-point cells of a notebook, in order."""
    return [c for c in nb.cells if "decision_point" in c.get("metadata", {}).get("casebook", {})]


def write_lesson_notebook(case: str | Path, out: str | Path, *, protocols: str = "all",
                          lens: str = "then", as_of: str | None = None,
                          audience: str = "trainer", redact: bool = False) -> Path:
    """The case-study notebook expanded for ``case`` (see :func:`lesson_notebook`), its
    parameters set to these, written atomically to ``out`` — to open in JupyterLab."""
    import nbformat

    from ..atomic import write_text_atomic
    from ..model.load import load_case
    from ..paths import repo_root, resolve
    from ..views.audience import audience as audience_named
    from .inputs import CASE_NOTEBOOK

    path = resolve(case)
    points = lesson_points(load_case(path), protocols=protocols, lens=lens, as_of=as_of,
                           audience=audience, redact=redact)
    template = nbformat.read(repo_root() / CASE_NOTEBOOK, as_version=4)
    nb = lesson_notebook(template, points, audience_named(audience))
    values = {"case": str(path), "protocols": protocols, "lens": lens, "as_of": as_of or "",
              "audience": audience, "redact": redact}
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = "\n".join(_set_parameter(line, values)
                                    for line in cell.source.splitlines())
    target = Path(out)
    write_text_atomic(target, nbformat.writes(nb))
    return target


def _set_parameter(line: str, values: dict[str, Any]) -> str:
    """``name: type = default  # help`` with the default replaced by ``values[name]``."""
    name = line.split(":", 1)[0].strip()
    if name not in values or "=" not in line:
        return line
    head, rest = line.split("=", 1)
    comment = rest[rest.index("#"):] if "#" in rest else ""
    value = values[name]
    literal = repr(value) if isinstance(value, bool) else json.dumps(str(value))
    return f"{head}= {literal}" + (f"  {comment}" if comment else "")


def answer_key(nb: Any) -> Any:
    """The trainer's executed notebook reduced to the lesson: its introduction, each decision
    point's heading, questions and answer (opened, for print), no figures, and the
    discussion."""
    key = copy.deepcopy(nb)
    kept = []
    for cell in key.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "teaching" not in tags:
            continue
        if cell.cell_type == "code":
            outputs = []
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                if "application/vnd.plotly.v1+json" in data:
                    continue
                if "text/html" in data:
                    html = data["text/html"]
                    html = "".join(html) if isinstance(html, list) else html
                    data["text/html"] = html.replace('<details class="casebook-answer"',
                                                     '<details class="casebook-answer" open')
                outputs.append(out)
            cell.outputs = outputs
        kept.append(cell)
    key.cells = kept
    return key
