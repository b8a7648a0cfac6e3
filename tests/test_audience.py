"""The audience table (data/audiences.yaml) is what decides what each edition gets."""

from __future__ import annotations

import json

import pytest

from casebook import load_case
from casebook.views.audience import audience, audience_names
from casebook.views.graph_figure import graph_figure
from tests.conftest import ROOT, WILLIAMS

PAPERMILL_TAGS = {"parameters", "injected-parameters", "setup"}


def test_the_audiences() -> None:
    assert audience_names() == ("counsel", "filing", "trainer", "student")
    with pytest.raises(ValueError, match="counsel, filing, trainer, student"):
        audience("press")


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_every_cell_tag_is_a_section_of_the_table(notebook) -> None:
    table = audience("counsel")
    sections = table.sections | table.hidden_sections
    tags = {t for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
            for t in c.get("metadata", {}).get("tags", [])}
    assert tags - PAPERMILL_TAGS <= sections, tags - PAPERMILL_TAGS - sections


def test_what_the_student_edition_leaves_out() -> None:
    student = audience("student")
    for element in ("findings", "figure-verdicts", "fr-derivation", "model-answers",
                    "exports"):
        assert not student.sees(element), element
    assert not student.keeps_cell(["analysis"]) and student.keeps_cell(["teaching"])
    assert student.keeps_cell([]) and student.keeps_cell(["setup"])
    assert audience("trainer").sees("model-answers") and audience("counsel").sees("findings")
    assert not audience("counsel").keeps_cell(["teaching"])
    with pytest.raises(KeyError):
        student.sees("no-such-element")


def test_the_graph_marks_no_face_recognition_derivation_when_told_not_to() -> None:
    case = load_case(WILLIAMS)
    marked = {t.name for t in graph_figure(case).data}
    assert any("face-recognition" in (n or "") for n in marked)
    plain = graph_figure(case, show_fr=False)
    names = {t.name or "" for t in plain.data}
    hovers = " ".join(" ".join(t.hovertext or ()) for t in plain.data
                      if getattr(t, "hovertext", None))
    assert not any("face-recognition" in n or "FR" in n for n in names), names
    assert "face-recognition output" not in hovers
