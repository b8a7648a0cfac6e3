"""``evaluate``: a case against protocols, under a lens — one finding per (rule, event).

The record decides the **status** (pass / fail / unknown / not_applicable), the same under
every lens: :func:`judge` judges a case's record once per set of protocols (kept with the
case), and a lens only decides whether a finding **counts**:

- ``then`` — the standard was in force on the event's date and bound the acting agency;
- ``now`` — it is in force on ``as_of`` (default: today) and would bind that agency;
- ``best`` — every standard as a benchmark, whoever it binds.

``in_force`` and ``binds`` are yes / no / uncertain, from date bounds and the registry, never
guessed. A **violation** is a ``fail`` that counts. The result is a tidy pandas DataFrame with
the columns in :data:`COLUMNS`; the JSON output of ``casebook check`` uses the same names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import pandas as pd

from ..model.case import Case
from ..model.casefile import Event
from ..model.dates import Edtf, in_force_on, parse_edtf
from .checks import PREMISES, CheckContext, Outcome
from .graph import build_graph, fr_derived
from .protocols import Protocol, Rule, load_protocols

__all__ = ["ACTING_ROLES", "COLUMNS", "DISCLAIMER", "LENSES", "acting_agencies", "apply_lens",
           "evaluate", "judge"]

LENSES = ("then", "now", "best")
Lens = Literal["then", "now", "best"]
Tri = Literal["yes", "no", "uncertain"]
DISCLAIMER = ("A protocol failure is not by itself a finding that anything was unlawful: it "
              "compares the record with a written standard, on the accounts shown.")
ACTING_ROLES = ("by", "requested_by", "run_by", "prepared_by", "administered_by",
                "approved_by", "signed_by", "reviewed_by")
PARTISAN = {"plaintiff": "the plaintiff's account", "police": "the police account",
            "prosecutor": "the prosecutor's account", "vendor": "the vendor's account",
            "defense": "the defense's account"}

COLUMNS = [
    "case", "protocol", "protocol_short", "rule", "rule_title", "event", "event_type",
    "event_date", "event_earliest", "status", "basis", "in_force", "binds", "authority",
    "counts", "violation", "lens", "as_of", "rule_confidence", "severity", "explanation",
    "decided_by", "citation", "citation_url", "sources", "discovery_record",
    "discovery_held_by",
]


def acting_agencies(case: Case, event: Event) -> set[str]:
    """Registry ids of the agencies acting in an event, through people's affiliations."""
    out: set[str] = set()
    for actor in case.participants(event, *ACTING_ROLES):
        seen: set[str] = set()
        cur = actor.actor
        aid = actor.id
        while aid not in seen:
            seen.add(aid)
            if cur.ref:
                ref: str | None = cur.ref
                while ref and ref not in out:
                    out.add(ref)
                    ref = case.registry.actors[ref].affiliation
                break
            if not cur.affiliation:
                break
            aid = cur.affiliation
            cur = case.actors[aid].actor
    return out


def _binds(case: Case, proto: Protocol, agencies: frozenset[str]) -> Tri:
    b = proto.binds
    if case.file.case.state and case.file.case.state in b.states:
        return "yes"
    if agencies & set(b.agencies):
        return "yes"
    if b.federal and any(case.registry.actors[a].kind == "agency"
                         and (case.registry.actors[a].jurisdiction or "") == "United States"
                         for a in agencies):
        return "yes"
    if not agencies and (b.agencies or b.states or b.federal):
        return "uncertain"
    return "no"


def _basis(outcome: Outcome) -> str:
    if outcome.status not in ("pass", "fail"):
        return ""
    if outcome.disputed:
        return "disputed"
    partisan = outcome.accounts & PARTISAN.keys()
    if len(partisan) == 1 and not outcome.accounts - partisan:
        return PARTISAN[next(iter(partisan))]
    return "undisputed"


def _holder_name(case: Case, held_by: str) -> str:
    entry = case.registry.actors.get(held_by)
    return entry.name if entry else held_by


@dataclass(frozen=True)
class _EventInfo:
    earliest: date
    latest: date
    date_text: str
    agencies: frozenset[str]


def _event_info(case: Case, event: Event) -> _EventInfo:
    lo, hi = case.bounds(event)
    return _EventInfo(lo, hi, case.date_text(event), frozenset(acting_agencies(case, event)))


#: Columns that depend on the lens; every other column is the record's judgement.
LENS_COLUMNS = ("in_force", "counts", "violation", "lens", "as_of")


def _row(case: Case, proto: Protocol, rule: Rule, event: Event, outcome: Outcome,
         info: _EventInfo) -> dict[str, Any]:
    """One finding as the record decides it, whatever the lens."""
    unknown = outcome.status == "unknown"
    window = Edtf(info.date_text, info.earliest, info.latest, "span")
    return {
        "case": case.id,
        "protocol": proto.id,
        "protocol_short": proto.short,
        "rule": rule.id,
        "rule_title": rule.title,
        "event": event.id,
        "event_type": event.type,
        "event_date": info.date_text,
        "event_earliest": info.earliest,
        "status": outcome.status,
        "basis": _basis(outcome),
        "in_force": in_force_on(proto.start, proto.until, window),
        "binds": _binds(case, proto, info.agencies),
        "authority": proto.authority,
        "rule_confidence": rule.confidence,
        "severity": rule.severity,
        "explanation": outcome.explanation,
        "decided_by": "; ".join(" → ".join(chain) for chain in outcome.decided_by),
        "citation": rule.citation.text,
        "citation_url": rule.citation.url,
        "sources": "; ".join(sorted(outcome.sources)),
        "discovery_record": (outcome.ask or rule.decides_unknown.record) if unknown else "",
        "discovery_held_by": _holder_name(case, rule.decides_unknown.held_by) if unknown
        else "",
    }


def _premise(ctx: CheckContext, event: Event, names: Iterable[str | None]) -> Outcome | None:
    """The first premise (of the check, of the event type) that settles the finding."""
    for name in dict.fromkeys(n for n in names if n):
        settled = PREMISES[name](ctx, event)
        if settled is not None:
            return settled
    return None


def judge(case: Case, protocols: Sequence[Protocol] | Iterable[str] | None = None
          ) -> pd.DataFrame:
    """The record against every rule at every step it applies to — status, basis, deciding
    chain, in force at the event, binds — judged once per case and set of protocols and kept
    with the case. Lens columns are left out: :func:`apply_lens` adds them."""
    protos = _protocols(protocols)
    key = ("judgement", tuple(map(id, protos)))
    return case.once(key, lambda: (_judge(case, protos), protos))[0]


def _judge(case: Case, protos: Sequence[Protocol]) -> pd.DataFrame:
    graph = build_graph(case)
    ctx = CheckContext(case, graph, fr_derived(graph))
    vocab = case.vocabulary
    by_type: dict[str, list[Event]] = {}
    for ev in case.events:
        if not ev.context:
            by_type.setdefault(ev.type, []).append(ev)
    info = {ev.id: _event_info(case, ev) for ev in case.events}
    rows = []
    for proto in protos:
        for rule in proto.rules:
            check, params = proto.check_of(rule)
            for etype in rule.applies_to:
                for ev in by_type.get(etype, []):
                    outcome = (_premise(ctx, ev, (check.premise,
                                                  vocab.event_types[ev.type].premise))
                               or check.run(ctx, ev, params))
                    rows.append(_row(case, proto, rule, ev, outcome, info[ev.id]))
    judged = [c for c in COLUMNS if c not in LENS_COLUMNS or c == "in_force"]
    frame = pd.DataFrame(rows, columns=judged)
    if not frame.empty:
        frame = frame.sort_values(["event_earliest", "event", "protocol", "rule"],
                                  kind="stable").reset_index(drop=True)
    return frame


def apply_lens(judged: pd.DataFrame, protocols: Sequence[Protocol], lens: Lens,
               as_of: Edtf) -> pd.DataFrame:
    """The judged findings under a lens: ``in_force`` at the event (then, best) or on
    ``as_of`` (now); ``counts`` — best: always, else in force and binding; a violation is a
    fail that counts."""
    frame = judged.copy()
    if lens == "now":
        now = {p.id: in_force_on(p.start, p.until, as_of) for p in protocols}
        frame["in_force"] = frame["protocol"].map(now)
    frame["counts"] = True if lens == "best" else \
        (frame["in_force"] == "yes") & (frame["binds"] == "yes")
    frame["counts"] = frame["counts"].astype(bool)
    frame["violation"] = (frame["status"] == "fail") & frame["counts"]
    frame["lens"] = lens
    frame["as_of"] = as_of.earliest.isoformat() if lens == "now" else ""
    return frame[COLUMNS]


def evaluate(case: Case, protocols: Sequence[Protocol] | Iterable[str] | None = None,
             lens: Lens = "then", as_of: str | date | None = None) -> pd.DataFrame:
    """Every (rule, matching event) finding of ``case`` under ``lens``, as a DataFrame."""
    if lens not in LENSES:
        raise ValueError(f"lens must be one of {', '.join(LENSES)}, not {lens!r}")
    protos = _protocols(protocols)
    when = parse_edtf((as_of or date.today()).isoformat() if isinstance(as_of, date | None)
                      else as_of)
    return apply_lens(judge(case, protos), protos, lens, when)


def _protocols(protocols: Sequence[Protocol] | Iterable[str] | None) -> list[Protocol]:
    if protocols is None:
        return load_protocols()
    items = list(protocols)
    if all(isinstance(p, Protocol) for p in items):
        return [p for p in items if isinstance(p, Protocol)]
    ids = [str(p) for p in items]
    return load_protocols() if ids in ([], ["all"]) else load_protocols(ids=ids)
