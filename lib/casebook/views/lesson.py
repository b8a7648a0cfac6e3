"""A lesson over a case: where the class stops, what it is shown there, what it is asked.

:func:`plan_lesson` turns a case, its findings and the standards into a :class:`Lesson` — the
decision points in time order, each with the events known by then (what its figures are cut
to), its questions, and what only the trainer sees: the model answers, the standards that
apply with how the record fared, and what happened next. A case file's ``teaching:`` block
says where to stop and what to bring; without one, the key steps of the case are chosen,
with other steps any standard speaks to whether or not the record met it, so the choice tells
nothing of the outcome (``data/teaching.yaml``). Authored exercises come first; a point
without one gets a question drawn from the standards.

Nothing here draws: :mod:`casebook.notebook.lesson` shows a lesson, per audience.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import networkx as nx
import pandas as pd
from pydantic import BaseModel, ConfigDict

from ..engine.graph import build_graph, time_order
from ..engine.protocols import Protocol, Rule
from ..model.case import Case
from ..model.cut import cut_at
from ..model.definitions import cached_by_stamp, read_definition
from ..paths import teaching_path
from .findings_view import node_label

__all__ = ["Answer", "DecisionPoint", "Lesson", "Question", "Standard", "plan_lesson",
           "teaching_rules"]


class TeachingRules(BaseModel):
    """``data/teaching.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    teaching: int
    decision_stages: list[str]
    max_points: int
    standards_question: str
    open_question: str
    title: str
    summary: str
    dispute_prompt: str
    hindsight_facts: list[str]


@cached_by_stamp
def _load(path: Path) -> TeachingRules:
    return read_definition(path, TeachingRules)[1]


def teaching_rules() -> TeachingRules:
    return _load(teaching_path())


@dataclass(frozen=True)
class Question:
    """A question asked at a decision point; ``answer`` and ``rules`` are for trainers."""

    text: str
    answer: str
    rules: tuple[str, ...] = ()
    hint: str | None = None
    authored: bool = True


@dataclass(frozen=True)
class Standard:
    """A rule that speaks to the step — one that counts under the lens, or one an exercise
    here teaches: what students may see (id, title, citation, text) and how the record fared
    (``status``, ``counts``, ``explanation``), for trainers."""

    rule: str
    title: str
    citation: str
    text: str
    status: str
    counts: bool
    explanation: str
    in_force: str = "yes"            # at the step under the lens: yes, no or uncertain


@dataclass(frozen=True)
class Answer:
    """What the trainer reveals at a point."""

    standards: tuple[Standard, ...]
    next_events: tuple[str, ...]     # event ids, up to the next decision point


@dataclass(frozen=True)
class DecisionPoint:
    number: int
    event: str
    heading: str
    date: str
    summary: str
    known: tuple[str, ...]           # the events its figures show (all known by then)
    objectives: tuple[str, ...]
    minutes: int | None
    debrief: str | None
    questions: tuple[Question, ...]
    answer: Answer


@dataclass
class Lesson:
    """A case taught decision point by decision point."""

    case: Case
    title: str
    summary: str
    notes: str | None
    points: list[DecisionPoint]

    def cut(self, point: DecisionPoint) -> Case:
        """The case as known at ``point``: its figures are built from this, and nothing else."""
        return cut_at(self.case, point.event, point.known, title=self.title,
                      summary=self.summary, leave_out=teaching_rules().hindsight_facts)

    @cached_property
    def last_known(self) -> tuple[str, ...]:
        """Every event known at the last point (the discussion draws only on these)."""
        return self.points[-1].known if self.points else ()


def _step(case: Case, event_id: str) -> str:
    return node_label(case, event_id)


def _neutral(case: Case, rules: TeachingRules, order: Sequence[str]) -> tuple[str, str]:
    """The lesson's title and summary: the author's, else the templates of teaching.yaml."""
    teaching = case.file.teaching
    core = [e for e in order if not case.event_by_id[e].context]
    first = case.bounds(core[0] if core else order[0])[0] if order else None
    values = {"place": case.file.case.jurisdiction,
              "year": str(first.year) if first else "an unknown year"}
    title = (teaching.title if teaching and teaching.title else rules.title.format(**values))
    summary = (teaching.summary if teaching and teaching.summary
               else rules.summary.format(**values))
    return title, summary


def _spread(items: Sequence[str], k: int) -> list[str]:
    """``k`` of ``items``, evenly spread, first and last included."""
    if k >= len(items):
        return list(items)
    if k == 1:
        return [items[0]]
    return [items[round(i * (len(items) - 1) / (k - 1))] for i in range(k)]


def choose_points(case: Case, findings: pd.DataFrame, order: Sequence[str],
                  rules: TeachingRules) -> list[str]:
    """The decision points when the lesson names none: key steps and steps with exercises
    first, then other steps any standard applies to (met or not), evenly spread in time."""
    limit = case.file.teaching.max_points if case.file.teaching else rules.max_points
    vocab = case.vocabulary
    applies = set(findings.loc[findings["status"] != "not_applicable", "event"])
    exercised = {ex.at for ex in case.file.exercises}
    candidates = [e for e in order if not case.event_by_id[e].context
                  and vocab.event_types[case.event_by_id[e].type].stage in rules.decision_stages
                  and (e in applies or e in exercised
                       or case.event_by_id[e].type in vocab.key_steps)]
    first = [e for e in candidates
             if e in exercised or case.event_by_id[e].type in vocab.key_steps]
    chosen = set(_spread(first, limit))
    rest = [e for e in candidates if e not in chosen]
    chosen |= set(_spread(rest, limit - len(chosen))) if limit > len(chosen) else set()
    return [e for e in candidates if e in chosen]


def _known(case: Case, g: nx.DiGraph, order: Sequence[str], position: dict[str, int],
           event_id: str) -> tuple[str, ...]:
    """What a point shows: of the events the chronology puts up to it, those linked to it in
    the event graph through what was known by then, and the background. A point's cost is
    what it shows, however long the case."""
    upto = position[event_id]
    stack, seen = [event_id], {event_id}
    while stack:
        node = stack.pop()
        for other in (*g.predecessors(node), *g.successors(node)):
            if other in seen:
                continue
            if other in position and position[other] > upto:
                continue                      # a later event: not known yet
            seen.add(other)
            stack.append(other)
    context = [e for e in order[:upto] if case.event_by_id[e].context]
    linked = {n for n in seen if n in position}
    return tuple(e for e in order[:upto + 1] if e in linked or e in context)


def _standards(here: pd.DataFrame, rule_by_id: Mapping[str, Rule]) -> tuple[Standard, ...]:
    out = []
    for row in here.drop_duplicates("rule").itertuples():
        rule = rule_by_id.get(str(row.rule))
        out.append(Standard(str(row.rule), str(row.rule_title), str(row.citation),
                            rule.text if rule else "", str(row.status), bool(row.counts),
                            str(row.explanation), str(row.in_force)))
    return tuple(out)


def _generated(case: Case, event_id: str, standards: Sequence[Standard],
               rules: TeachingRules) -> Question:
    """The question of a point with no exercise, answered from the rule texts, their
    citations and this case's findings."""
    step = _step(case, event_id)
    if not standards:
        return Question(rules.open_question.format(step=step), "No standard casebook holds "
                        "speaks to this step; discuss what a careful investigator would check.",
                        (), None, False)
    words = {"fail": "the record shows it was not met", "pass": "the record shows it was met",
             "unknown": "the record cannot tell"}
    parts = [f"{s.rule} ({s.citation}): {s.text} Here, {words.get(s.status, s.status)}"
             + ("" if s.counts or s.status != "fail" else ", though it did not bind the "
                "agency at the time under this lens")
             + (f": {s.explanation}" if s.explanation else ".") for s in standards]
    return Question(rules.standards_question.format(step=step), " ".join(parts),
                    tuple(s.rule for s in standards), None, False)


def plan_lesson(case: Case, findings: pd.DataFrame, protocols: Sequence[Protocol]) -> Lesson:
    """The lesson of ``case`` (see the module docstring). ``findings`` are the case's under
    the lesson's lens (:func:`casebook.engine.findings.evaluate`)."""
    rules = teaching_rules()
    g = build_graph(case)
    order = time_order(g)
    position = {e: i for i, e in enumerate(order)}
    title, summary = _neutral(case, rules, order)
    teaching = case.file.teaching
    authored = {p.at: p for p in teaching.points} if teaching else {}
    events = list(authored) if authored else choose_points(case, findings, order, rules)
    events.sort(key=lambda e: position[e])
    rule_by_id = {r.id: r for p in protocols for r in p.rules}
    exercise_by_id = {ex.id: ex for ex in case.file.exercises if ex.id}
    applicable = findings[findings["status"] != "not_applicable"]
    by_event = {str(e): rows for e, rows in applicable.groupby("event", sort=False)}
    points = []
    for n, eid in enumerate(events, start=1):
        ev = case.event_by_id[eid]
        spec = authored.get(eid)
        exercises = [ex for ex in case.file.exercises if ex.at == eid]
        exercises += [exercise_by_id[x] for x in (spec.exercises if spec else [])
                      if exercise_by_id[x] not in exercises]
        taught = {r for ex in exercises for r in ex.rules}
        here = by_event.get(eid, findings.iloc[0:0])
        standards = _standards(here[here["counts"].astype(bool) | here["rule"].isin(taught)],
                               rule_by_id)
        questions = [Question(ex.question, ex.answer, tuple(ex.rules), ex.hint)
                     for ex in exercises] or [_generated(case, eid, standards, rules)]
        upto = position[events[n]] if n < len(events) else len(order)
        later = tuple(e for e in order[position[eid] + 1: upto + 1]
                      if not case.event_by_id[e].context)
        heading = spec.heading if spec and spec.heading else \
            case.vocabulary.event_types[ev.type].label
        points.append(DecisionPoint(
            n, eid, heading, case.date_text(ev), ev.summary,
            _known(case, g, order, position, eid),
            tuple(spec.objectives) if spec else (), spec.minutes if spec else None,
            spec.debrief if spec else None, tuple(questions),
            Answer(standards, later[:12])))
    return Lesson(case, title, summary, teaching.notes if teaching else None, points)
