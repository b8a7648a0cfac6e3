"""The classroom edition's one object: a lesson shown decision point by decision point.

``Classroom.open(...)`` takes the same parameters as the case study. The lesson notebook
(generated for each case by :func:`casebook.run.lesson.lesson_notebook`) calls
:meth:`Classroom.introduction`, then :meth:`Classroom.show` once per decision point — one cell
each, so a trainer in JupyterLab steps through them — then :meth:`Classroom.discussion`.

Each point shows only what was known there: its timeline and event graph are built from the
case cut at that step (:func:`casebook.model.cut.cut_at`), so nothing later reaches the page,
and carry no verdict and no face-recognition marking in any edition (a trainer projects them).
Students get the questions, the objectives and the standards that apply (never how the record
fared); trainers also get, behind a click, the model answers, each standard with its outcome,
what happened next and their debrief notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import display

from ..engine.findings import DISCLAIMER
from ..model.case import Case
from ..views.display import escape, table_html
from ..views.lesson import DecisionPoint, Lesson, plan_lesson, teaching_rules
from ..views.tables import disputes_table
from .workbook import Figure, Html, Workbook

__all__ = ["Classroom"]

_STATUS_WORDS = {"fail": "not met on the record", "pass": "met on the record",
                 "unknown": "the record cannot tell"}


def _para(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _items(values: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{v}</li>" for v in values) + "</ul>"


@dataclass
class Classroom:
    """A case as a lesson, for a trainer (answers behind a click) or a student (none)."""

    workbook: Workbook
    lesson: Lesson

    @classmethod
    def open(cls, case: str | Path, protocols: str = "all", lens: str = "then",
             as_of: str | None = None, audience: str = "student", redact: bool = False
             ) -> Classroom:
        """Load the case and plan its lesson, from the notebook's parameters."""
        return cls.of(Workbook.open(case, protocols=protocols, lens=lens, as_of=as_of,
                                    audience=audience, redact=redact))

    @classmethod
    def of(cls, wb: Workbook) -> Classroom:
        """The lesson of an open workbook: the same case, standards, lens and findings."""
        return cls(wb, plan_lesson(wb.case, wb.findings, wb.protocols))

    @property
    def numbers(self) -> list[int]:
        """The decision points' numbers, from 1."""
        return [p.number for p in self.points]

    @property
    def answers(self) -> bool:
        """Does this edition carry the answers (the trainer's)?"""
        return self.workbook.viewer.sees("model-answers")

    @property
    def points(self) -> list[DecisionPoint]:
        return self.lesson.points

    def _text(self, text: str) -> str:
        return self.workbook._text(text)

    # -- the introduction ----------------------------------------------------------------
    def introduction(self) -> Html:
        """The neutral title and summary, how the lesson runs, and — for the trainer — the
        plan: each point, its timing and objectives."""
        title = escape(self._text(self.lesson.title))
        parts = [f"<h3>The lesson: {title}</h3>" if self.answers else f"<h1>{title}</h1>",
                 _para(self._text(self.lesson.summary)),
                 _para(f"{len(self.points)} decision points. At each, look at what was known "
                       "then, answer the questions, and only then go on.")]
        if self.answers:
            rows = [f"<strong>{p.number}. {escape(self._text(p.heading))}</strong> "
                    f"({escape(p.date)})" + (f", {p.minutes} min" if p.minutes else "")
                    + ("" if not p.objectives else ": " + escape(self._text(
                        "; ".join(p.objectives)))) for p in self.points]
            parts.append("<h3>Trainer's plan</h3>" + _items(rows))
            if self.lesson.notes:
                parts.append(_para(self._text(self.lesson.notes)))
        return Html("".join(parts))

    # -- a decision point ----------------------------------------------------------------
    def cut(self, number: int) -> Case:
        """The case as known at decision point ``number`` (from 1)."""
        return self.lesson.cut(self._point(number))

    def _point(self, number: int) -> DecisionPoint:
        if not 1 <= number <= len(self.points):
            raise IndexError(f"decision point {number}: this lesson has 1 to "
                             f"{len(self.points)}")
        return self.points[number - 1]

    def parts(self, number: int) -> list[Html | Figure]:
        """Decision point ``number``: its heading (carrying the event id), what happened,
        the timeline and event graph as known then, the questions and — for trainers, behind
        a click — the answer."""
        from ..views.graph_figure import graph_figure, graph_key
        from ..views.timeline import timeline_figure

        point = self._point(number)
        cut = self.cut(number)
        redact = self.workbook.redact
        head = (f'<h2 class="decision-point" data-event="{escape(point.event)}" '
                f'data-decision-point="{point.number}">Decision point {point.number}: '
                f"{escape(self._text(point.heading))} ({escape(point.date)})</h2>"
                + _para(self._text(point.summary)))
        key = graph_key(cut)
        after = table_html(pd.DataFrame(key, columns=["number", "node"])) if key else ""
        figures: list[Html | Figure] = [
            Figure(timeline_figure(cut, None, redact=redact, show_verdicts=False), "timeline"),
            Figure(graph_figure(cut, None, redact=redact, show_fr=False, show_verdicts=False),
                   "graph", after)]
        return [Html(head), *figures, Html(self._questions(point) + self._answer(point))]

    def show(self, number: int) -> None:
        """Display decision point ``number`` (the lesson notebook's cell for it)."""
        for part in self.parts(number):
            display(part)

    def _questions(self, point: DecisionPoint) -> str:
        out = []
        if point.objectives:
            out.append("<p><strong>Objectives.</strong></p>" + _items(
                [escape(self._text(o)) for o in point.objectives]))
        for i, q in enumerate(point.questions, start=1):
            out.append(f'<p class="question"><strong>Question {point.number}.{i}.</strong> '
                       f"{escape(self._text(q.text))}</p>")
            if q.hint:
                out.append(f"<p><em>Hint: {escape(self._text(q.hint))}</em></p>")
        # a student is shown the standards of the time only: a later one (a settlement, a
        # review made after this case) would tell how the case went
        standards = [s for s in point.answer.standards if self.answers or s.in_force != "no"]
        if standards:
            out.append("<p><strong>Which standards apply here?</strong> These speak to this "
                       "step:</p>" + _items([
                           f"{escape(s.rule)}: {escape(self._text(s.title))}"
                           + (f" <small>({escape(s.citation)})</small>" if self.answers
                              else "")  # a citation can name how the case ended
                           for s in standards]))
        out.append('<p class="answer-space">Your answer:</p>'
                   '<div class="answer-lines" aria-hidden="true"></div>')
        return f'<div class="casebook-questions">{"".join(out)}</div>'

    def _answer(self, point: DecisionPoint) -> str:
        """The trainer's answer, in a ``<details>`` that opens on a click (no script)."""
        if not self.answers:
            return ""
        out = []
        for i, q in enumerate(point.questions, start=1):
            source = "Model answer" if q.authored else "Model answer (from the standards)"
            out.append(f"<p><strong>{source} {point.number}.{i}.</strong> "
                       f"{escape(self._text(q.answer))}</p>")
            if q.rules:
                out.append(_para("Rules it teaches: " + ", ".join(q.rules)))
        if point.answer.standards:
            rows = [f"{escape(s.rule)} — {escape(_STATUS_WORDS.get(s.status, s.status))}"
                    + ("" if s.counts else " (did not count under this lens)")
                    + f": {escape(self._text(s.explanation))}" for s in point.answer.standards]
            out.append(f"<p><strong>How the record fared under the "
                       f"'{escape(self.workbook.lens)}' lens.</strong></p>" + _items(rows))
        case = self.workbook.case
        if point.answer.next_events:
            out.append("<p><strong>What happened next.</strong></p>" + _items([
                f"{escape(case.date_text(e))}: {escape(self._text(case.event_by_id[e].summary))}"
                for e in point.answer.next_events]))
        if point.debrief:
            out.append(f"<p><strong>Debrief.</strong> {escape(self._text(point.debrief))}</p>")
        out.append(f"<p><em>{escape(DISCLAIMER)}</em></p>")
        return (f'<details class="casebook-answer" data-event="{escape(point.event)}">'
                f"<summary>Show the answer to decision point {point.number}</summary>"
                f'{"".join(out)}</details>')

    # -- the discussion ------------------------------------------------------------------
    def discussion(self) -> Html:
        """Each disputed fact, among those known by the last point, as a prompt: the accounts
        side by side, never resolved."""
        rules = teaching_rules()
        cut = self.cut(len(self.points)) if self.points else None
        prompts = []
        if cut is not None:
            table = disputes_table(cut, redact=self.workbook.redact)
            for (about, fact), rows in table.groupby(["about", "fact"], sort=False):
                live = rows[~rows["status"].str.startswith("rejected")]
                accounts = "; ".join(f"{_account(str(r.account))} says "
                                     f"{_value(cut, str(r.value), self.workbook.redact)}"
                                     for r in live.itertuples())
                what = f"{'the date' if fact == 'when' else str(fact).replace('_', ' ')} " \
                       f"of the {_about(cut, str(about))}"
                prompts.append(escape(self._text(rules.dispute_prompt.format(
                    what=what, accounts=accounts))))
        if not prompts:
            return Html(_para("The record known by the last decision point disputes no fact."))
        return Html(_items(prompts))

    def export(self, folder: str | Path) -> list[Path]:
        """The trainer's tables (as the case study writes them); none for students."""
        return self.workbook.export(folder)


def _account(account: str) -> str:
    names = [a.strip() for a in account.split(",") if a.strip()]
    words = {"plaintiff": "the plaintiff's account", "police": "the police account",
             "prosecutor": "the prosecutor's account", "court": "the court record",
             "neutral": "neutral reporting", "vendor": "the vendor's account",
             "defense": "the defense's account"}
    return " and ".join(words.get(a, a) for a in names) or "one source"


def _about(case: Case, about: str) -> str:
    kind, _, name = about.partition(" ")
    if kind == "event" and name in case.event_by_id:
        return case.vocabulary.event_types[case.event_by_id[name].type].label.lower()
    if kind == "evidence" and name in case.evidence:
        found = case.vocabulary.evidence_kinds.get(case.evidence[name].kind)
        return found.label if found and found.label else name
    return name


def _value(case: Case, value: str, redact: bool) -> str:
    """A claimed value as a reader says it: people and items by name, not by id."""
    words = []
    for part in value.split(", "):
        if part in case.actors:
            words.append(case.actors[part].label(redact))
        elif part in case.evidence:
            words.append(_about(case, f"evidence {part}"))
        else:
            words.append(part)
    return ", ".join(words)
