"""A case cut at a decision point: only what was known then, as a case of its own.

A lesson stops at a step of the case and asks what should happen next; everything it shows
there must come from a case that holds nothing later. :func:`cut_at` builds that case — the
step and the events before it, the evidence they used or made, the people in them, the facts
known by then (a claim's ``known_from``, else its event's date) — so that a figure or table
built from it cannot leak what came after, whatever it draws. Sources written later keep their
ids (references still resolve) but lose their title, publisher, address and date; the case's
title and summary are replaced by neutral ones and its tags dropped; authors' notes, written
with hindsight, are left out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from .case import Case
from .casefile import Casefile, Claim
from .dates import DateSyntaxError, parse_edtf

__all__ = ["WITHHELD_SOURCE", "cut_at"]

#: The title a source written after the cut date carries in the cut case.
WITHHELD_SOURCE = "A source written later (withheld until the debrief)"


def _known_by(claim: Claim, cut: date) -> bool:
    """A claim's ``known_from`` is not after the cut (absent: its event's date, already shown)."""
    if claim.known_from is None:
        return True
    try:
        return parse_edtf(str(claim.known_from)).earliest <= cut
    except DateSyntaxError:
        return False


def _facts(facts: dict[str, list[Claim]], cut: date, leave_out: Collection[str]
           ) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for name, claims in facts.items():
        if name in leave_out:
            continue
        kept = [c.model_dump(mode="python", exclude={"note"}) for c in claims
                if _known_by(c, cut)]
        if kept:
            out[name] = kept
    return out


def _source_date(value: str | int | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_edtf(str(value)).latest
    except DateSyntaxError:
        return None


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def cut_at(case: Case, event_id: str, known: Iterable[str], *, title: str,
           summary: str, leave_out: Collection[str] = ()) -> Case:
    """The case as known at the step ``event_id`` (see the module docstring): the events
    ``known`` (the step and those the chronology puts before it), facts known by the step's
    last possible day, except the facts named in ``leave_out`` (characterisations made with
    hindsight). ``title`` and ``summary`` replace the case's own, which tell how it ended."""
    if event_id not in case.event_by_id:
        raise KeyError(f"no event {event_id!r} in case {case.id!r}")
    wanted = set(known) | {event_id}
    shown = [ev for ev in case.events if ev.id in wanted]
    cut = case.bounds(event_id)[1]
    ids = {ev.id for ev in shown}
    events = []
    for ev in shown:
        data = ev.model_dump(mode="python", exclude={"note"})
        data["follows"] = [f for f in ev.follows if f in ids]
        data["facts"] = _facts(ev.facts, cut, leave_out)
        events.append(data)

    items: set[str] = {i for ev in shown for i in (*ev.uses, *ev.produces)}
    stack = list(items)
    while stack:
        for parent in case.evidence[stack.pop()].derived_from:
            if parent not in items:
                items.add(parent)
                stack.append(parent)
    evidence = {}
    for iid in sorted(items):
        item = case.evidence[iid]
        data = item.model_dump(mode="python", exclude={"note"})
        data["facts"] = _facts(item.facts, cut, leave_out)
        evidence[iid] = data

    people: set[str] = set()
    for ev in shown:
        people.update(a for ids_ in ev.participants.values() for a in ids_)
    for iid in items:
        item = case.evidence[iid]
        people.update(item.implicates)
        if item.held_by:
            people.add(item.held_by)
    for facts in [ev["facts"] for ev in events] + [it["facts"] for it in evidence.values()]:
        for claims in facts.values():
            people.update(v for c in claims for v in _strings(c["value"])
                          if v in case.file.actors)
    stack = list(people)
    while stack:
        affiliation = case.file.actors[stack.pop()].affiliation
        if affiliation and affiliation not in people:
            people.add(affiliation)
            stack.append(affiliation)
    actors = {}
    for aid in case.file.actors:
        if aid in people:
            actor = case.file.actors[aid]
            data = actor.model_dump(mode="python", exclude={"note"})
            data["facts"] = _facts(actor.facts, cut, leave_out)
            actors[aid] = data

    sources = {}
    for sid, src in case.sources.items():
        data = src.model_dump(mode="python")
        written = _source_date(src.date)
        if written is None or written > cut:
            data.update(title=WITHHELD_SOURCE, publisher="withheld", date=None, url=None,
                        accessed=None, author=None, exhibit=None, cite=None, note=None,
                        mirror_of=None)
        else:
            data["note"] = None
        sources[sid] = data

    info = case.file.case.model_dump(mode="python")
    info.update(title=title, summary=summary, tags=[])
    file = Casefile.model_validate({
        "casebook": 1, "case": info, "sources": sources, "actors": actors,
        "evidence": evidence, "events": events, "exercises": [], "teaching": None})
    return Case(path=case.path, display_path=case.display_path, file=file,
                vocabulary=case.vocabulary, registry=case.registry, raw=case.raw)
