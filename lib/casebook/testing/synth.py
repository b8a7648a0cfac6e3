"""Synthetic case files, for benchmarks and for testing the engine against planted failures.

A synthetic case is a chain of *incidents*, each the shape of a facial-recognition arrest:
offense → video → probe still → FR search → candidate → lineup → pick → warrant request →
warrant → arrest → … The output is plain YAML text that the loader must accept. This module
writes data only: it imports nothing from the loader, the graph, the protocols or the engine
(``casebook.load``, ``.graph``, ``.protocols``, ``.checks``, ``.findings``), so what it produces
can be used to test them.

Two generators:

- :func:`synth_case` ``(n_events, seed=0, case_id=None) -> SynthCase`` — for the benchmarks
  (``bench/load.py``, ``bench/engine.py``). Facts are drawn at random, so its findings are not
  known in advance. Unchanged; ``INCIDENT_EVENTS`` (12) events per incident.
- :func:`synth_planted` ``(n_events, seed=0, case_id=None, *, failure_rate, unknown_rate,
  dispute_rate, force, plan) -> PlantedCase`` — for tests. Every incident
  (``PLANTED_INCIDENT_EVENTS``, 13 events) starts from a fully clean investigation, the shape of
  ``tests/fixtures/cases/clean-investigation--clean.yaml``: a violent offense, a still-image
  search with two approvals and peer review, a fingerprint match derived from latent prints
  (not from the candidate) before a blind, recorded lineup shown to an eyewitness who was
  present, a warrant request disclosing the search and its limits, and complete ``rested_on``
  accounts. Then, chosen by the seed, some rows of :data:`PLANTS` are planted in each incident:
  as a failure (``fail``), as a failure one account denies (``disputed``: still ``fail``), or
  with the fact written ``unknown`` (``unknown``). ``PlantedCase.expected`` says what the
  engine must find: every planted ``(rule, event)`` that must ``fail``, every one that must be
  ``unknown``, and — because the baseline is clean — nothing else fails or is unknown.
- :func:`write_planted` ``(out_dir, cases, events, seed, …) -> list[Path]`` — what
  ``casebook synth`` runs: ``<case>.yaml`` and ``<case>.expected.json`` per case, and
  ``manifest.json`` (generator, seed, parameters, files). Same arguments, same bytes.

:data:`PLANTS` says what each row plants; the rules it trips are read from
``data/protocols/*.yaml`` as plain YAML, never by running the engine. Dates are EDTF, ordered
along every ``uses`` / ``produces`` / ``follows`` edge, some uncertain (months, ``~``, ranges,
spans), some disputed (two accounts).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from ..atomic import write_text_atomic
from .plants import (
    PLANT_BY_NAME,
    PLANT_STATES,
    PLANTED_INCIDENT_EVENTS,
    PLANTED_INCIDENT_TYPES,
    PLANTS,
    Rules,
    Scalar,
)

__all__ = [
    "INCIDENT_EVENTS",
    "PlantedCase",
    "SynthCase",
    "expected_findings",
    "synth_case",
    "synth_planted",
    "write_planted",
]


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


_SLUG_ID = "abcdefghijklmnopqrstuvwxyz0123456789-"


#: libyaml's emitter when installed: several times faster than PyYAML's own, and the same
#: text for these files (tests/test_synth.py checks), so output does not depend on it.
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


_FAILED = ("fail", "disputed")


@dataclass(frozen=True, slots=True)
class PlantedCase:
    """A case file with planted failures, and what the engine must find in it."""

    case_id: str
    seed: int
    text: str
    events: int
    expected: dict[str, Any] = field(repr=False)

    def expected_json(self) -> str:
        """The sidecar ``<case>.expected.json``."""
        return json.dumps(self.expected, indent=2, ensure_ascii=False) + "\n"


def expected_findings(expected: Mapping[str, Any]) -> tuple[set[tuple[str, str]],
                                                            set[tuple[str, str]]]:
    """The ``(rule, event)`` pairs a sidecar says must ``fail`` and must be ``unknown``."""
    fails = {(f["rule"], f["event"]) for e in expected["failures"] for f in e["findings"]}
    unknown = {(f["rule"], f["event"]) for e in expected["unknowns"] for f in e["findings"]}
    return fails, unknown


def _check_force(force: Mapping[str, str]) -> None:
    for name, state in force.items():
        if name not in PLANT_BY_NAME:
            raise ValueError(f"no plant {name!r}; known: {', '.join(PLANT_BY_NAME)}")
        if state not in PLANT_STATES:
            raise ValueError(f"plant state {state!r} is not one of {', '.join(PLANT_STATES)}")
        plant = PLANT_BY_NAME[name]
        if state == "disputed" and plant.graph:
            raise ValueError(f"{name!r} is a provenance row; it cannot be disputed")
        if state != "clean":
            if plant.requires and force.get(plant.requires) == "clean":
                raise ValueError(f"{name!r} requires {plant.requires!r}, forced clean")
            clash = [o.name for o in PLANTS if o.group and o.group == plant.group
                     and o.name != name and force.get(o.name, "clean") != "clean"]
            if clash:
                raise ValueError(f"{name!r} and {clash[0]!r} exclude each other")


def _choose(rng: random.Random, failure_rate: float, unknown_rate: float,
            dispute_rate: float, force: Mapping[str, str]) -> tuple[dict[str, str],
                                                                    dict[str, float]]:
    """The state of every row of PLANTS for one incident, and how each value is written."""
    states: dict[str, str] = {}
    forms: dict[str, float] = {}
    for plant in PLANTS:  # always three draws per row: a forced row leaves the rest unchanged
        r, d, forms[plant.name] = rng.random(), rng.random(), rng.random()
        state = ("fail" if r < failure_rate else
                 "unknown" if r < failure_rate + unknown_rate else "clean")
        if state == "fail" and not plant.graph and d < dispute_rate:
            state = "disputed"
        states[plant.name] = force.get(plant.name, state)
    taken = {PLANT_BY_NAME[n].group for n, s in force.items() if s != "clean"}
    for plant in PLANTS:
        if plant.group and plant.name not in force and states[plant.name] != "clean":
            if plant.group in taken:
                states[plant.name] = "clean"
            else:
                taken.add(plant.group)
    for plant in PLANTS:
        if plant.requires and states[plant.name] != "clean" \
                and states[plant.requires] == "clean":
            if force.get(plant.requires) == "clean":
                states[plant.name] = "clean"
            else:
                states[plant.requires] = "fail"
    return states, forms


def _td(rng: random.Random, lo: int, hi: int) -> timedelta:
    return timedelta(days=rng.randint(lo, hi))


def _written(rng: random.Random, d: date, forms: Sequence[str]) -> str:
    """An EDTF form of day ``d`` whose bounds contain ``d`` (so edges stay ordered)."""
    form = rng.choice(list(forms))
    if form == "month":
        return _month(d)
    if form == "month~":
        return _month(d) + "~"
    if form == "day~":
        return _day(d) + "~"
    if form == "range":
        return f"[{_day(d - _td(rng, 1, 6))}..{_day(d + _td(rng, 1, 6))}]"
    return _day(d)


def _incident_planted(k: int, rng: random.Random, start: date, cid: str,
                      states: Mapping[str, str], forms: Mapping[str, float]
                      ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any],
                                 list[dict[str, Any]]]:
    """Sources, actors, evidence and events of one planted incident, ids suffixed ``-k``."""

    def i(name: str) -> str:
        return f"{name}-{k}"

    police, prosecutor, docket = i("police-report"), i("prosecutor-statement"), i("docket")
    complaint, news = i("complaint"), i("news-report")
    pro_source = {"warrant-issued": prosecutor, "arraignment": prosecutor,
                  "expungement": docket}

    def value(name: str, clean: Scalar | None = None) -> Any:
        """How row ``name``'s fact is written in its state (see PLANT_STATES)."""
        plant, state, form = PLANT_BY_NAME[name], states[name], forms[name]
        good: Scalar | None = plant.clean if clean is None else clean
        bad: Scalar | None = plant.failing
        if plant.graph:  # the closing account: rested_on_complete
            good = bad = True
        pro = pro_source.get(next(iter(plant.fails), ""), police)
        con = prosecutor if name == "witness-not-present" else complaint
        if state == "clean":
            return good
        if state == "unknown":
            return "unknown"
        if state == "disputed":
            return [{"value": good, "sources": [pro]}, {"value": bad, "sources": [con]}]
        return bad if form < 0.5 else {"value": bad, "sources": [con if form < 0.8 else pro]}

    lineup_on_fr = states["lineup-on-fr-lead"] != "clean"
    basis = ("fr-and-lineup" if states["warrant-on-fr-and-lineup"] != "clean" else
             "fr-alone" if states["warrant-on-fr-alone"] != "clean" else "clean")
    prints_match = basis != "fr-and-lineup"

    # -- the true days, non-decreasing along every edge; written forms contain them
    t: dict[str, date] = {"offense": start}
    t["witness-interview"] = start + _td(rng, 0, 1)
    t["probe-extraction"] = start + _td(rng, 2, 20)
    t["fr-search"] = t["probe-extraction"] + _td(rng, 0, 7)
    # an array built on the FR lead comes before the print result, which it did not rest on
    first, then = (("photo-lineup", "print-comparison") if lineup_on_fr
                   else ("print-comparison", "photo-lineup"))
    t[first] = t["fr-search"] + _td(rng, 2, 25)
    t[then] = t[first] + _td(rng, 1, 30)
    t["warrant-request"] = t[then] + _td(rng, 1, 20)
    t["warrant-issued"] = t["warrant-request"] + _td(rng, 0, 10)
    t["arrest"] = t["warrant-issued"] + _td(rng, 1, 40)
    custody = rng.randint(1, 3)
    t["arraignment"] = t["arrest"] + _td(rng, 1, custody)
    t["dismissal"] = t["arraignment"] + _td(rng, 14, 200)
    t["expungement"] = t["dismissal"] + _td(rng, 30, 365)

    sources: dict[str, Any] = {
        police: {"title": f"Investigative report, incident {k}",
                 "publisher": "Detroit Police Department", "date": _day(t["arrest"]),
                 "kind": "police-report", "account": "police", "reliability": "primary"},
        prosecutor: {"title": f"Prosecutor's statement on incident {k}",
                     "publisher": "Wayne County Prosecutor's Office",
                     "date": _day(t["dismissal"]), "kind": "official-statement",
                     "account": "prosecutor", "reliability": "primary"},
        docket: {"title": f"Court docket, incident {k}", "publisher": "District court",
                 "date": _day(t["expungement"]), "kind": "court-record", "account": "court",
                 "reliability": "primary"},
        complaint: {"title": f"Civil complaint over incident {k}",
                    "publisher": "Counsel for the accused",
                    "date": _day(t["expungement"] + _td(rng, 10, 90)), "kind": "court-filing",
                    "account": "plaintiff", "reliability": "primary"},
        news: {"title": f"Arrest in incident {k}", "publisher": rng.choice(
                   ["Paper A", "Paper B", "Broadcaster C"]),
               "date": _day(t["arrest"] + _td(rng, 1, 30)),
               "url": f"https://example.org/{cid}/incident-{k}", "kind": "news-report",
               "account": "neutral", "reliability": "secondary"},
    }

    # -- people
    w_state = states["witness-not-present"]
    witness: dict[str, Any] = {
        "kind": "person",
        "roles": {"clean": ["eyewitness", "witness"], "fail": ["witness", "loss-prevention"]
                  }.get(w_state, ["witness"]),
        "description": {"clean": "the store clerk who saw the offense",
                        "fail": "a loss-prevention contractor who saw only the video"
                        }.get(w_state, "the person shown the photo array"),
        "facts": {"present_at_offense": value("witness-not-present")},
    }
    if w_state in ("clean", "fail"):
        witness["facts"]["saw_offense_only_on_video"] = w_state == "fail"
    actors: dict[str, Any] = {
        i("detective"): {"kind": "person", "roles": ["investigator"], "affiliation": "dpd",
                         "description": f"the investigating detective in incident {k}"},
        i("administrator"): {"kind": "person", "roles": ["lineup-administrator"],
                             "affiliation": "dpd",
                             "description": "an officer not involved in the case"},
        i("examiner"): {"kind": "person", "roles": ["fr-examiner"],
                        "affiliation": rng.choice(["dpd", "msp"]),
                        "description": "a trained face examiner"},
        i("witness"): witness,
        i("accused"): {"kind": "person", "roles": ["accused"], "private": True,
                       "description": f"the person arrested in incident {k}"},
        i("apa"): {"kind": "person", "roles": ["prosecutor"], "affiliation": "wcpo",
                   "description": "an assistant prosecutor"},
    }
    accused = i("accused")

    # -- evidence
    basis_items = {"clean": [i("print-result"), i("lineup-pick")],
                   "fr-and-lineup": [i("fr-candidate"), i("lineup-pick")],
                   "fr-alone": [i("fr-candidate")]}[basis]
    array_facts = {"fillers": value("too-few-fillers"),
                   "suspects_in_array": value("two-suspects"),
                   "suspect_stands_out": value("suspect-stands-out"),
                   "fillers_fit_description": value("fillers-do-not-fit")}
    evidence: dict[str, Any] = {
        i("store-video"): {"kind": "surveillance-video", "summary": "The store's camera video"},
        i("latent-prints"): {"kind": "physical-evidence",
                             "summary": "Prints lifted at the scene"},
        i("witness-statement"): {"kind": "witness-statement",
                                 "summary": "The witness's description of the culprit"},
        i("probe-still"): {"kind": "probe-image", "derived_from": [i("store-video")],
                           "facts": {"probe_quality": rng.choice(["adequate", "high"])}},
        i("fr-candidate"): {"kind": "fr-candidate", "derived_from": [i("probe-still")],
                            "implicates": [accused],
                            "facts": {"lead_only_warning": True,
                                      "candidate_rank": rng.randint(1, 3)}},
        i("print-result"): {"kind": "physical-evidence", "derived_from": [i("latent-prints")],
                            "implicates": [accused] if prints_match else [],
                            "summary": "The prints match the accused's" if prints_match
                            else "The comparison was inconclusive"},
        i("booking-photo"): {"kind": "gallery-image",
                             "summary": "An earlier booking photo of the accused"},
        i("photo-array"): {"kind": "photo-array",
                           "derived_from": [i("fr-candidate")] if lineup_on_fr
                           else [i("booking-photo"), i("witness-statement")],
                           "summary": "Photos built around the face-search candidate"
                           if lineup_on_fr else "Photos chosen from the witness's description",
                           "facts": dict(array_facts)},
        i("lineup-pick"): {"kind": "identification", "derived_from": [i("photo-array")],
                           "implicates": [accused]},
        i("warrant"): {"kind": "warrant", "derived_from": list(basis_items),
                       "implicates": [accused]},
    }

    # -- events
    category = rng.choice(["part1-violent", "home-invasion"])
    offense_state = states["property-offense"]
    offense_summary = {
        "clean": {"part1-violent": "A man robbed a store clerk at gunpoint.",
                  "home-invasion": "A man broke into an occupied home."}[category],
        "fail": "Watches were taken from a store.",
    }.get(offense_state, "An offense at a store; the accounts of what it was differ or are "
                         "missing.")
    offense_facts: dict[str, Any] = {"offense_category": value("property-offense", category)}
    if offense_state == "fail":
        offense_facts["stolen_value_usd"] = rng.randint(500, 5000)
    offense_when: Any = _day(t["offense"])
    if rng.random() < 0.25:  # a disputed date: two accounts
        other = rng.choice([_month(t["offense"]), _day(t["offense"] - _td(rng, 1, 3))])
        offense_when = [{"value": _day(t["offense"]), "sources": [police]},
                        {"value": other, "sources": [complaint]}]
    arrest_when: Any = _day(t["arrest"])
    if rng.random() < 0.2:
        arrest_when = [{"value": _day(t["arrest"]), "sources": [police]},
                       {"value": _day(t["arrest"] - _td(rng, 1, 2)), "sources": [news]}]
    hours = custody * 24 + rng.randint(-6, 6)
    hours_claim: Any = hours
    if rng.random() < 0.3:
        hours_claim = [{"value": hours, "sources": [police]},
                       {"value": hours + rng.randint(4, 20), "sources": [complaint]}]

    blind_state = states["lineup-not-blind"]
    lineup_facts: dict[str, Any] = {
        "blind_administration": value("lineup-not-blind"),
        "witness_instructed": value("no-instructions"),
        "confidence_recorded": value("no-confidence-statement"),
        "procedure_recorded": value("procedure-not-recorded"),
        "suspicion_documented": value("suspicion-not-documented"),
        "eyewitness_interviewed": value("witness-not-interviewed"),
        "witness_picked_suspect": True,
        **array_facts,
        "video_recorded": value("not-video-recorded"),
        "repeat_identification": value("repeat-identification"),
        "suggestive_conduct": value("suggestive-lineup"),
        "sequential_presentation": value("photos-shown-together"),
        "witness_prepared": value("witness-prepared"),
        "feedback_given": value("feedback-given"),
        "witness_impaired": value("witness-impaired"),
        "prior_nonidentification": False,
        "viewing_conditions_recorded": value("viewing-not-recorded"),
    }
    if w_state in ("clean", "fail"):
        lineup_facts["eyewitness_shown"] = w_state == "clean"
    if lineup_on_fr:
        lineup_facts["rested_on"] = [i("photo-array")]
        lineup_facts["rested_on_complete"] = value("lineup-on-fr-lead")
    closing = value(f"warrant-on-{basis}") if basis != "clean" else True
    disclosure = {"fr_use_disclosed": value("fr-use-not-disclosed"),
                  "fr_limits_disclosed": value("fr-limits-not-disclosed"),
                  "affidavit_false_or_omission": value("false-affidavit"),
                  "affidavit_knowing_or_reckless": value("false-affidavit")}
    request_facts: dict[str, Any] = dict(disclosure)
    if w_state == "clean":
        request_facts["witness_limits_disclosed"] = True
    request_facts.update({
        "lead_report_attached": True, "supervisory_review": value("no-supervisory-review"),
        "alibi_checked": True, "captains_reviewed": value("one-captain"),
        "beyond_candidate_examined": value("candidate-list-only"),
        "rested_on": list(basis_items), "rested_on_complete": closing})
    issued_facts: dict[str, Any] = {
        "supervisory_review": value("no-supervisory-review"), **disclosure,
        "captains_reviewed": value("one-captain"), "rested_on": list(basis_items),
        "rested_on_complete": closing}

    detective, dpd = [i("detective")], ["dpd"]
    events: list[dict[str, Any]] = [
        {"id": i("offense"), "type": "offense", "when": offense_when,
         "summary": offense_summary, "sources": [police, news],
         "produces": [i("store-video"), i("latent-prints")], "facts": offense_facts},
        {"id": i("witness-interview"), "type": "investigative-step",
         "when": _written(rng, t["witness-interview"], ["day", "day", "day~"]),
         "summary": "The witness described the culprit to a detective.", "sources": [police],
         "participants": {"by": detective, "witness": [i("witness")]},
         "follows": [i("offense")], "produces": [i("witness-statement")]},
        {"id": i("probe-extraction"), "type": "probe-extraction",
         "when": _written(rng, t["probe-extraction"], ["day", "day", "month"]),
         "summary": "A still was taken from the video.", "sources": [police],
         "participants": {"by": [i("examiner")]}, "uses": [i("store-video")],
         "produces": [i("probe-still")]},
        {"id": i("fr-search"), "type": "fr-search",
         "when": _written(rng, t["fr-search"], ["day", "day", "month"]),
         "summary": "The still was searched; candidates were returned as a lead.",
         "sources": [police],
         "participants": {"requested_by": detective, "run_by": [i("examiner")]},
         "uses": [i("probe-still")], "produces": [i("fr-candidate")],
         "facts": {"probe_is_still": value("video-probe"),
                   "surveillance_use": value("surveillance-search"),
                   "mobile_fr": value("mobile-search"), "private_search": False,
                   "examiner_assessed_quality": value("quality-not-assessed"),
                   "peer_reviewed": value("no-peer-review"),
                   "candidates_returned": value("single-candidate"),
                   "search_approvals": value("search-not-approved")}},
        {"id": i("print-comparison"), "type": "investigative-step",
         "when": _written(rng, t["print-comparison"], ["day", "day", "range"]),
         "summary": "The lifted prints were compared with the candidate's.",
         "sources": [police], "participants": {"by": detective},
         "uses": [i("latent-prints"), i("fr-candidate")], "produces": [i("print-result")],
         "facts": {"alibi_checked": True}},
        {"id": i("photo-lineup"), "type": "photo-lineup",
         "when": _written(rng, t["photo-lineup"], ["day", "day", "month", "month~"]),
         "summary": "A photo array was shown to the witness, who picked the suspect.",
         "sources": [police, prosecutor],
         "participants": {"prepared_by": detective,
                          "administered_by": detective if blind_state == "fail"
                          else [i("administrator")],
                          "witness": [i("witness")], "subject": [accused]},
         "uses": [i("photo-array")] if lineup_on_fr else [i("photo-array"), i("print-result")],
         "produces": [i("lineup-pick")], "facts": lineup_facts},
        {"id": i("warrant-request"), "type": "warrant-request",
         "when": _written(rng, t["warrant-request"], ["day", "day", "range"]),
         "summary": "The detective asked the prosecutor for an arrest warrant.",
         "sources": [police, prosecutor], "participants": {"requested_by": detective},
         "uses": list(basis_items), "facts": request_facts},
        {"id": i("warrant-issued"), "type": "warrant-issued", "when": _day(t["warrant-issued"]),
         "summary": "An assistant prosecutor approved the warrant.",
         "sources": [prosecutor, docket], "participants": {"approved_by": [i("apa")]},
         "follows": [i("warrant-request")], "produces": [i("warrant")], "facts": issued_facts},
        {"id": i("arrest"), "type": "arrest", "when": arrest_when,
         "summary": "The accused was arrested on the warrant.", "sources": [police, news],
         "participants": {"by": dpd, "subject": [accused]}, "uses": [i("warrant")],
         "facts": {"reason_given_at_arrest": value("reason-not-given")}},
        {"id": i("detention"), "type": "detention",
         "when": f"{_day(t['arrest'])}/{_day(t['arrest'] + timedelta(days=custody))}",
         "summary": "The accused was held in custody.", "sources": [police, complaint],
         "participants": {"by": dpd, "subject": [accused]}, "follows": [i("arrest")],
         "facts": {"hours_in_custody": hours_claim}},
        {"id": i("arraignment"), "type": "arraignment", "when": _day(t["arraignment"]),
         "summary": "The accused was arraigned.", "sources": [docket],
         "participants": {"subject": [accused]}, "follows": [i("arrest")],
         "facts": {"fr_use_disclosed_to_defense": value("not-disclosed-to-defense"),
                   "bond_usd": rng.choice([500, 1000, 2500, 5000])}},
        {"id": i("dismissal"), "type": "dismissal",
         "when": _written(rng, t["dismissal"], ["day", "day", "month"]),
         "summary": "The case was dismissed.", "sources": [docket, prosecutor],
         "participants": {"subject": [accused]}, "follows": [i("arraignment")],
         "facts": {"with_prejudice": rng.choice([True, False]),
                   "dismissal_reason": rng.choice(["insufficient evidence",
                                                   "the witness withdrew the identification",
                                                   "the prosecutor's review"])}},
        {"id": i("expungement"), "type": "expungement",
         "when": _written(rng, t["expungement"], ["day", "month"]),
         "summary": "The arrest record was expunged.", "sources": [docket],
         "participants": {"subject": [accused]}, "follows": [i("dismissal")],
         "facts": {"biometrics_purged": value("biometrics-kept"),
                   "completed": _day(t["expungement"])}},
    ]
    assert [e["id"] for e in events] == [i(n) for n in PLANTED_INCIDENT_TYPES]
    return sources, actors, evidence, events


def _expected_of(k: int, states: Mapping[str, str]) -> tuple[list[dict[str, Any]],
                                                              list[dict[str, Any]]]:
    """The sidecar entries of incident ``k``: planted failures and planted unknowns."""
    failures: list[dict[str, Any]] = []
    unknowns: list[dict[str, Any]] = []

    def pairs(table: Mapping[str, Rules]) -> list[tuple[str, str]]:
        return [(r, f"{ev}-{k}") for ev, rules in table.items() for r in rules]

    for plant in PLANTS:
        state = states[plant.name]
        if state == "clean":
            continue
        failing = pairs(plant.fails)
        if state == "unknown":
            unknown = pairs(plant.unknowns)
            failing = [p for p in failing if p not in unknown]
            unknowns.append({"plant": plant.name, "incident": k, "fact": plant.fact,
                             "on": [f"{n}-{k}" for n in plant.on],
                             "findings": [{"rule": r, "event": e} for r, e in unknown]})
        if failing:
            failures.append({"plant": plant.name, "incident": k, "state": state,
                             "summary": plant.summary,
                             "findings": [{"rule": r, "event": e} for r, e in failing]})
    return failures, unknowns


def synth_planted(n_events: int, seed: int = 0, case_id: str | None = None, *,
                  failure_rate: float = 0.12, unknown_rate: float = 0.05,
                  dispute_rate: float = 0.25, force: Mapping[str, str] | None = None,
                  plan: Sequence[Mapping[str, str]] | None = None) -> PlantedCase:
    """A valid case of about ``n_events`` events with planted failures (module docstring).

    Each row of :data:`PLANTS` is, per incident, planted as a failure with probability
    ``failure_rate`` (a ``dispute_rate`` share of those written as two accounts), written
    ``unknown`` with probability ``unknown_rate``, else left clean; ``force`` fixes rows
    (name → state, see :data:`PLANT_STATES`) in every incident. ``plan`` gives one such
    mapping per incident instead, and then sets the number of incidents (``n_events`` is
    ignored). A case with ``failure_rate > 0`` always has at least one planted failure;
    ``failure_rate=0, unknown_rate=0`` gives a fully clean case unless rows are forced.
    """
    force = dict(force or {})
    plans = [{**force, **p} for p in plan] if plan is not None else None
    for forced in plans or [force]:
        _check_force(forced)
    cid = case_id or f"planted-{seed}-{n_events}"
    if not cid or cid[0] == "-" or cid[-1] == "-" or "--" in cid or \
            any(c not in _SLUG_ID for c in cid):
        raise ValueError(f"case id {cid!r} is not a lower-case slug")
    rng = random.Random(seed)
    if plans is None:
        plans = [force] * max(1, round(n_events / PLANTED_INCIDENT_EVENTS))
    if not plans:
        raise ValueError("a plan needs at least one incident")
    n_incidents = len(plans)
    chosen = [_choose(rng, failure_rate, unknown_rate, dispute_rate, p) for p in plans]
    if failure_rate > 0 and not any(s in _FAILED for st, _f in chosen for s in st.values()):
        states = rng.choice(chosen)[0]  # plant one fact failure: every case fails something
        spare = [p.name for p in PLANTS if not p.graph and not p.requires
                 and all(p.name not in forced for forced in plans)]
        if spare:
            states[rng.choice(spare)] = "fail"
    sources: dict[str, Any] = {}
    actors: dict[str, Any] = {
        "dpd": {"ref": "detroit-police-department", "roles": ["investigating-agency"]},
        "wcpo": {"ref": "wayne-county-prosecutor", "roles": ["prosecuting-agency"]},
        "msp": {"ref": "michigan-state-police", "roles": ["fr-operator"]},
    }
    evidence: dict[str, Any] = {}
    events: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    unknowns: list[dict[str, Any]] = []
    for k, (states, forms) in enumerate(chosen, start=1):
        start = date(2018, 1, 1) + timedelta(days=rng.randint(0, 6 * 365))
        s, a, ev, e = _incident_planted(k, rng, start, cid, states, forms)
        sources.update(s)
        actors.update(a)
        evidence.update(ev)
        events.extend(e)
        f, u = _expected_of(k, states)
        failures.extend(f)
        unknowns.extend(u)
    data = {
        "casebook": 1,
        "case": {"id": cid, "title": f"Synthetic case {cid} (planted failures)",
                 "jurisdiction": "Detroit, Michigan", "state": "MI",
                 "summary": f"{n_incidents} invented face-recognition investigation"
                            f"{'s' if n_incidents > 1 else ''}, clean except for the failures "
                            f"planted by casebook.synth (seed {seed}).",
                 "tags": ["synthetic"]},
        "sources": sources, "actors": actors, "evidence": evidence, "events": events,
    }
    header = (f"# Generated by casebook.synth.synth_planted (seed {seed}); do not edit.\n"
              f"# What was planted, and what the engine must find: {cid}.expected.json\n")
    text = header + yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True,
                              width=100)
    expected = {
        "case": cid, "seed": seed, "events": len(events), "incidents": n_incidents,
        "note": "Statuses are the same under every lens. Every (rule, event) listed under "
                "failures must be `fail` and every one under unknowns `unknown`; the baseline "
                "is clean, so no other finding fails or is unknown.",
        "failures": failures, "unknowns": unknowns,
    }
    return PlantedCase(cid, seed, text, len(events), expected)


def _case_seed(seed: int, index: int) -> int:
    digest = hashlib.sha256(f"casebook-synth:{seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def write_planted(out_dir: str | Path, cases: int, events: int, seed: int = 0, *,
                  failure_rate: float = 0.12, unknown_rate: float = 0.05,
                  dispute_rate: float = 0.25) -> list[Path]:
    """Write ``cases`` planted cases into ``out_dir`` (``casebook synth``); return their paths.

    Beside each ``<case>.yaml`` its ``<case>.expected.json``, and a ``manifest.json`` of the
    seed, the parameters and the files. Case ``i`` is ``synth_planted(events, seed_i, id_i)``
    with ``seed_i`` and ``id_i`` as listed in the manifest. Deterministic in the arguments.
    """
    if cases < 1 or events < 1:
        raise ValueError("cases and events must be at least 1")
    if seed < 0:
        raise ValueError("the seed must not be negative")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(cases)))
    paths: list[Path] = []
    files: list[dict[str, Any]] = []
    for index in range(cases):
        cid = f"synth-{seed}-{index + 1:0{width}d}"
        planted = synth_planted(events, _case_seed(seed, index), cid,
                                failure_rate=failure_rate, unknown_rate=unknown_rate,
                                dispute_rate=dispute_rate)
        path = out / f"{cid}.yaml"
        write_text_atomic(path, planted.text)
        write_text_atomic(out / f"{cid}.expected.json", planted.expected_json())
        paths.append(path)
        fails, unknown = expected_findings(planted.expected)
        files.append({"case": cid, "file": path.name, "expected": f"{cid}.expected.json",
                      "seed": planted.seed, "events": planted.events,
                      "failing_findings": len(fails), "unknown_findings": len(unknown)})
    manifest = {
        "generator": "casebook.synth.synth_planted", "format": 1, "seed": seed,
        "parameters": {"cases": cases, "events": events, "failure_rate": failure_rate,
                       "unknown_rate": unknown_rate, "dispute_rate": dispute_rate},
        "plants": [p.name for p in PLANTS],
        "files": files,
    }
    write_text_atomic(out / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return paths
