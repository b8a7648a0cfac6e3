"""Synthetic case files, for benchmarks and batch tests.

A synthetic case is a chain of *incidents*, each the shape of a facial-recognition wrongful
arrest: offense → video → probe still → FR search → candidate → lineup → pick → warrant
request → warrant → arrest → detention → dismissal. Dates, facts and sources vary with the
seed; the output is plain YAML text that the loader must accept. This module writes data
only: it imports nothing from the loader, the graph or any engine, so what it produces can be
used to test them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import yaml

__all__ = ["INCIDENT_EVENTS", "SynthCase", "synth_case"]

#: Events per incident (the unit a synthetic case is built from).
INCIDENT_EVENTS = 12

_ACCOUNTS = ["neutral", "plaintiff", "police", "prosecutor"]


@dataclass(frozen=True, slots=True)
class SynthCase:
    case_id: str
    text: str
    events: int


def _day(d: date) -> str:
    return d.isoformat()


def _month(d: date) -> str:
    return d.isoformat()[:7]


def _incident(k: int, rng: random.Random, start: date, sources: list[str]) -> tuple[
        dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """The actors, events and evidence of one incident, ids suffixed with ``k``."""
    s = f"-{k}"

    def src() -> list[str]:
        return rng.sample(sources, k=min(len(sources), rng.randint(1, 3)))

    def at(days: int) -> date:
        return start + timedelta(days=days)

    actors = {
        f"accused{s}": {"kind": "person", "roles": ["accused"], "private": True,
                        "description": f"the accused in incident {k}"},
        f"witness{s}": {"kind": "person", "roles": ["witness"],
                        "description": f"the identifying witness in incident {k}",
                        "facts": {"present_at_offense": rng.choice([True, False, "unknown"])}},
    }
    evidence = {
        f"video{s}": {"kind": "surveillance-video", "sources": src()},
        f"still{s}": {"kind": "probe-image", "derived_from": [f"video{s}"],
                      "facts": {"probe_quality": rng.choice(["low", "adequate", "unknown"])}},
        f"candidate{s}": {"kind": "fr-candidate", "derived_from": [f"still{s}"],
                          "implicates": [f"accused{s}"]},
        f"pick{s}": {"kind": "identification", "implicates": [f"accused{s}"]},
        f"warrant{s}": {"kind": "warrant"},
    }
    t = [0, rng.randint(1, 20), rng.randint(30, 150), rng.randint(160, 260),
         rng.randint(270, 330), rng.randint(340, 420)]
    t.sort()
    when_offense: Any = _day(at(t[0]))
    if rng.random() < 0.2:  # a disputed date: two accounts
        when_offense = [{"value": _day(at(t[0])), "sources": src()[:1]},
                        {"value": _month(at(t[0])), "sources": src()[:1],
                         "account": rng.choice(_ACCOUNTS)}]
    events: list[dict[str, Any]] = [
        {"id": f"offense{s}", "type": "offense", "when": when_offense,
         "summary": f"Offense {k}.", "sources": src(), "produces": [f"video{s}"],
         "facts": {"offense_category": rng.choice(["part1-property", "part1-violent",
                                                   "home-invasion"])}},
        {"id": f"handover{s}", "type": "evidence-handover", "when": _month(at(t[1])),
         "summary": "Video handed to police.", "sources": src(), "uses": [f"video{s}"]},
        {"id": f"probe{s}", "type": "probe-extraction", "when": _month(at(t[2])),
         "summary": "Still taken from the video.", "sources": src(),
         "uses": [f"video{s}"], "produces": [f"still{s}"]},
        {"id": f"search{s}", "type": "fr-search", "when": _month(at(t[2])),
         "summary": "Face search run.", "sources": src(), "uses": [f"still{s}"],
         "produces": [f"candidate{s}"], "follows": [f"probe{s}"],
         "facts": {"peer_reviewed": rng.choice([True, False, "unknown"]),
                   "probe_is_still": True}},
        {"id": f"lineup{s}", "type": "photo-lineup", "when": _month(at(t[3])) + "~",
         "summary": "Photo array shown.", "sources": src(), "uses": [f"candidate{s}"],
         "produces": [f"pick{s}"], "participants": {"witness": [f"witness{s}"]},
         "facts": {"blind_administration": rng.choice([True, False, "unknown"]),
                   "confidence_recorded": rng.choice([True, False, "unknown"])}},
        {"id": f"request{s}", "type": "warrant-request",
         "when": f"[{_month(at(t[3]))}..{_day(at(t[4]))}]", "summary": "Warrant requested.",
         "sources": src(), "uses": [f"pick{s}", f"candidate{s}"],
         "facts": {"fr_use_disclosed": rng.choice([True, False, "unknown"])}},
        {"id": f"issued{s}", "type": "warrant-issued", "when": _day(at(t[4])),
         "summary": "Warrant approved.", "sources": src(), "follows": [f"request{s}"],
         "produces": [f"warrant{s}"]},
        {"id": f"arrest{s}", "type": "arrest", "when": _day(at(t[5])), "summary": "Arrest.",
         "sources": src(), "uses": [f"warrant{s}"],
         "participants": {"subject": [f"accused{s}"]}},
        {"id": f"detention{s}", "type": "detention",
         "when": f"{_day(at(t[5]))}/{_day(at(t[5] + 1))}", "summary": "Held overnight.",
         "sources": src(), "follows": [f"arrest{s}"]},
        {"id": f"interrogation{s}", "type": "interrogation", "when": _day(at(t[5] + 1)),
         "summary": "Questioned.", "sources": src(), "follows": [f"arrest{s}"]},
        {"id": f"release{s}", "type": "release", "when": _day(at(t[5] + 1)),
         "summary": "Released.", "sources": src(), "follows": [f"detention{s}"]},
        {"id": f"dismissal{s}", "type": "dismissal", "when": _month(at(t[5] + 14)),
         "summary": "Case dismissed.", "sources": src(), "follows": [f"arrest{s}"],
         "facts": {"with_prejudice": rng.choice([True, False])}},
    ]
    assert len(events) == INCIDENT_EVENTS
    return actors, events, evidence


def synth_case(n_events: int, seed: int = 0, case_id: str | None = None) -> SynthCase:
    """A valid case file of about ``n_events`` events (a multiple of INCIDENT_EVENTS)."""
    rng = random.Random(seed)
    cid = case_id or f"synthetic-{seed}-{n_events}"
    n_sources = max(3, n_events // 10)
    sources = {
        f"source-{i}": {
            "title": f"Report {i}", "publisher": rng.choice(["Paper A", "Paper B", "Agency"]),
            "date": _day(date(2020, 1, 1) + timedelta(days=rng.randint(0, 900))),
            "url": f"https://example.org/{cid}/{i}", "kind": "news-report",
            "account": rng.choice(_ACCOUNTS), "reliability": "secondary"}
        for i in range(n_sources)
    }
    source_ids = list(sources)
    actors: dict[str, Any] = {"police": {"ref": "detroit-police-department",
                                         "roles": ["investigating-agency"]}}
    evidence: dict[str, Any] = {}
    events: list[dict[str, Any]] = []
    start = date(2015, 1, 1)
    for k in range(max(1, round(n_events / INCIDENT_EVENTS))):
        a, ev, ed = _incident(k, rng, start + timedelta(days=rng.randint(0, 2000)), source_ids)
        actors.update(a)
        evidence.update(ed)
        events.extend(ev)
    rng.shuffle(events)
    data = {
        "casebook": 1,
        "case": {"id": cid, "title": f"Synthetic case {cid}", "jurisdiction": "Nowhere",
                 "summary": "Generated for benchmarks and tests."},
        "sources": sources, "actors": actors, "evidence": evidence, "events": events,
    }
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return SynthCase(cid, text, len(events))
