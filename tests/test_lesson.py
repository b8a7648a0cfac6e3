"""The classroom edition's lesson: where it stops, what each stop shows, what it asks.

Expected values come from the case files and the protocol files read here, or from the
findings' status column — never from the lesson code under test."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
import yaml

from casebook import load_case
from casebook.engine.findings import evaluate
from casebook.engine.protocols import load_protocols
from casebook.notebook.lesson import Classroom
from casebook.paths import case_files
from casebook.run.lesson import decision_cells, lesson_notebook
from casebook.views.lesson import plan_lesson
from tests.conftest import FIXTURES, ROOT, WILLIAMS

AUTHORED = FIXTURES / "lessons" / "authored-lesson.yaml"
CASES = case_files(ROOT / "casefile")
#: How casebook's figures say that a step fared against a standard, or mark what derives from
#: the face-recognition output (a case's own text may say "violation": a court did).
VERDICT_WORDS = ("No violation", "Violation, ", "Violation (", "<b>violation</b>",
                 "Failed a rule", "failed, not counting", "most severe violation",
                 "derived from the face-recognition output", "FR-derived",
                 "downstream of the face-recognition output", "<b>rested on</b>")


def _figure_json(parts: list) -> str:
    return " ".join(str(p.fig.to_dict()) for p in parts if hasattr(p, "fig"))


@pytest.fixture(scope="module")
def protocols() -> list:
    return load_protocols()


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_case_has_a_lesson_that_shows_nothing_later(path: Path, protocols: list) -> None:
    case = load_case(path)
    for lens in ("then", "now", "best"):
        found = evaluate(case, protocols, lens=lens, as_of="2026-11-22")
        lesson = plan_lesson(case, found, protocols)
        assert 1 <= len(lesson.points) <= 12, lens
        assert [p.number for p in lesson.points] == list(range(1, len(lesson.points) + 1))
        for point in lesson.points:
            ev = case.event_by_id[point.event]
            assert not ev.context
            last_day = case.bounds(ev)[1]
            for shown in point.known:
                assert case.bounds(shown)[0] <= last_day, (lens, point.event, shown)
        starts = [case.bounds(p.event)[0] for p in lesson.points]
        ends = [case.bounds(p.event)[1] for p in lesson.points]
        assert all(a <= b for a, b in zip(starts, ends[1:], strict=False)), "time order"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_each_point_draws_only_its_cut(path: Path) -> None:
    """Every figure of every decision point names only events known at it, and no figure
    carries a verdict or a face-recognition marking, whoever it is for."""
    lesson = Classroom.open(path, audience="trainer")
    for point in lesson.points:
        text = _figure_json(lesson.parts(point.number))
        for word in VERDICT_WORDS:
            assert word not in text, (point.event, word)
        events = {e for e in lesson.workbook.case.event_by_id if repr(e) in text}
        assert events <= set(point.known), (point.event, events - set(point.known))
        assert point.event in events


def test_at_least_two_williams_decision_points_are_steps_where_nothing_failed(
        protocols: list) -> None:
    case = load_case(WILLIAMS)
    found = evaluate(case, protocols, lens="then")
    points = [p.event for p in plan_lesson(case, found, protocols).points]
    failed = set(found.loc[found["status"] == "fail", "event"])
    clean = [p for p in points if p not in failed]
    assert len(clean) >= 2, (points, clean)
    assert {"fr-search", "photo-lineup", "arrest"} <= set(points)  # its key steps


def test_an_authored_lesson_is_followed(protocols: list) -> None:
    raw = yaml.safe_load(AUTHORED.read_text(encoding="utf-8"))
    lesson = Classroom.open(AUTHORED, audience="trainer")
    assert [p.event for p in lesson.points] == [p["at"] for p in raw["teaching"]["points"]]
    lineup = lesson.points[1]
    assert lineup.heading == "The lineup" and lineup.minutes == 20
    # authored exercises first, the one placed here from another step after its own
    asked = [q.text for q in lineup.questions]
    assert asked == [raw["exercises"][0]["question"], raw["exercises"][1]["question"]]
    assert all(q.authored for q in lineup.questions)
    intro = lesson.introduction().markup
    assert raw["teaching"]["title"] in intro and raw["teaching"]["notes"] in intro
    first = "".join(p.markup for p in lesson.parts(1) if hasattr(p, "markup"))
    assert raw["teaching"]["points"][0]["debrief"] in first
    assert raw["teaching"]["points"][0]["objectives"][0] in first
    student = Classroom.open(AUTHORED, audience="student")
    first = "".join(p.markup for p in student.parts(1) if hasattr(p, "markup"))
    assert raw["teaching"]["points"][0]["debrief"] not in first
    assert raw["exercises"][1]["answer"] not in first
    assert raw["teaching"]["points"][0]["objectives"][0] in first


def test_a_point_without_an_exercise_asks_about_the_standards_and_answers_from_them(
        protocols: list) -> None:
    lesson = Classroom.open(AUTHORED, audience="trainer")
    arrest = lesson.points[2]
    assert len(arrest.questions) == 1 and not arrest.questions[0].authored
    question = arrest.questions[0]
    assert question.text.startswith("Which standards apply here")
    assert "arrest" in question.text
    rules = {r.id: r for p in protocols for r in p.rules}
    found = lesson.workbook.findings
    here = found[(found["event"] == "arrest") & (found["status"] != "not_applicable")
                 & found["counts"].astype(bool)]
    assert set(question.rules) == set(here["rule"]) and question.rules
    for rule_id in question.rules:
        assert rules[rule_id].text in question.answer
        assert rules[rule_id].citation.text in question.answer
    for explanation in here["explanation"]:
        assert explanation in question.answer


def test_what_was_known_follows_known_from_dates() -> None:
    lesson = Classroom.open(AUTHORED, audience="trainer")
    # the guard's absence from the store was learned in 2020 (known_from): not at the lineup
    at_lineup = lesson.cut(2)
    assert "present_at_offense" not in at_lineup.file.actors["guard"].facts
    assert lesson.workbook.case.file.actors["guard"].facts["present_at_offense"]
    # sources written later keep their ids but nothing that would tell the outcome
    later = at_lineup.sources["complaint"]
    assert later.title != "Complaint in the wrongful-arrest lawsuit" and later.url is None
    assert at_lineup.sources["police-report"].title == "Police report of the theft"
    assert at_lineup.title == "A watch theft in Detroit, 2019" and at_lineup.file.case.tags == []
    assert {"dismissal", "lawsuit-filed", "arrest"}.isdisjoint(at_lineup.event_by_id)


def test_student_parts_hold_no_answer_and_no_outcome() -> None:
    raw = yaml.safe_load(AUTHORED.read_text(encoding="utf-8"))
    student = Classroom.open(AUTHORED, audience="student")
    text = "".join(p.markup if hasattr(p, "markup") else p.fig.to_json()
                   for n in student.numbers for p in student.parts(n))
    text += student.introduction().markup + student.discussion().markup
    for ex in raw["exercises"]:
        assert ex["answer"] not in text
    for word in ("settlement", "settled", "wrongful", "lawsuit", "dismiss", "Model answer",
                 "not met", "met on the record", "cannot tell", raw["case"]["title"]):
        assert word not in text, word
    assert "<details" not in text


def test_the_lesson_notebook_has_one_cell_per_decision_point() -> None:
    template = nbformat.read(ROOT / "notebooks" / "case-study.ipynb", as_version=4)
    points = [(1, "fr-search"), (2, "photo-lineup"), (3, "arrest")]
    nb = lesson_notebook(template, points)
    cells = decision_cells(nb)
    assert [(c.metadata["casebook"]["decision_point"], c.metadata["casebook"]["event"])
            for c in cells] == points
    assert [c.source for c in cells] == ["lesson.show(1)", "lesson.show(2)", "lesson.show(3)"]
    assert all("teaching" in c.metadata["tags"] for c in cells)
    assert not any("expand" in c.metadata.get("casebook", {}) for c in nb.cells)
    nbformat.validate(nb)
    assert len(nb.cells) == len(template.cells) + len(points) - 1
    json.dumps(nb)  # serialisable as it is written


def test_teaching_yaml_names_facts_of_the_vocabulary() -> None:
    from casebook.model.vocabulary import load_vocabulary
    from casebook.views.lesson import teaching_rules

    rules = teaching_rules()
    vocab = load_vocabulary()
    assert set(rules.hindsight_facts) <= set(vocab.facts)
    assert set(rules.decision_stages) <= set(vocab.stages)


def test_casebook_lesson_writes_the_notebook_to_step_through(tmp_path: Path, capsys) -> None:
    from casebook.cli import main

    out = tmp_path / "lesson.ipynb"
    assert main(["lesson", str(AUTHORED), "-o", str(out), "--audience", "student"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    nb = nbformat.read(out, as_version=4)
    raw = yaml.safe_load(AUTHORED.read_text(encoding="utf-8"))
    assert [c.metadata["casebook"]["event"] for c in decision_cells(nb)] == \
        [p["at"] for p in raw["teaching"]["points"]]
    params = next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert f'case: str = "{AUTHORED}"' in params and 'audience: str = "student"' in params
    assert main(["lesson", str(FIXTURES / "invalid" / "teaching--error.yaml"), "-o",
                 str(tmp_path / "x.ipynb")]) == 2
    assert "teaching.points[2].at: no event with id 'lineupp'" in capsys.readouterr().err
    assert main(["lesson", str(AUTHORED), "-o", str(tmp_path / "y.ipynb"), "--audience",
                 "counsel"]) == 2
    assert not (tmp_path / "x.ipynb").exists() and not (tmp_path / "y.ipynb").exists()


def test_a_students_notebook_holds_nothing_of_the_whole_case(tmp_path: Path) -> None:
    from casebook.run.lesson import write_lesson_notebook

    nb = nbformat.read(write_lesson_notebook(AUTHORED, tmp_path / "s.ipynb",
                                             audience="student"), as_version=4)
    sources = "\n".join(c.source for c in nb.cells)
    for call in ("wb.summary()", "wb.chronology()", "wb.timeline()", "wb.key_violations()",
                 "wb.sources()", "wb.export("):
        assert call not in sources, call
    assert "lesson.show(3)" in sources and "lesson.discussion()" in sources
    trainer = nbformat.read(write_lesson_notebook(AUTHORED, tmp_path / "t.ipynb"),
                            as_version=4)
    assert "wb.chronology()" in "\n".join(c.source for c in trainer.cells)


def test_a_redacted_lesson_names_no_private_person() -> None:
    from tests.conftest import identity_leaks

    for audience in ("student", "trainer"):
        lesson = Classroom.open(WILLIAMS, audience=audience, redact=True)
        text = lesson.introduction().markup + lesson.discussion().markup + "".join(
            p.markup if hasattr(p, "markup") else str(p.fig.to_dict())
            for n in lesson.numbers for p in lesson.parts(n))
        assert "Decision point 2:" in text
        assert identity_leaks(text, WILLIAMS) == [], audience
    plain = Classroom.open(WILLIAMS, audience="student")
    text = "".join(p.markup for p in plain.parts(1) if hasattr(p, "markup"))
    assert identity_leaks(text, WILLIAMS)  # the check does find the name when not redacted
