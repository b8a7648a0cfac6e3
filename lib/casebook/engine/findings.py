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
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

import pandas as pd

from ..model.case import AgencyView, Case
from ..model.casefile import Event
from ..model.dates import Edtf, in_force_on, parse_edtf
from .checks import PREMISES, CheckContext, Outcome
from .graph import build_graph, fr_derived
from .protocols import HOLDERS, Binds, Protocol, Rule, load_protocols

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


CASE_AGENCY_ROLES = ("investigating-agency", "prosecuting-agency")


def _views(case: Case, actor_ids: Iterable[str]) -> list[AgencyView]:
    """The agencies of these actors. A company or a private person of no agency — a store, a
    casino — stands as a private party, whom no public standard binds; a person whose agency
    the record does not give is left out (not known to be private)."""
    out: dict[str, AgencyView] = {}
    for aid in actor_ids:
        if aid not in case.actors:
            continue
        actor = case.actors[aid]
        view = case.agency(aid)
        if view is None and (actor.kind in ("organization", "vendor") or actor.private):
            view = AgencyView(aid, actor.label(), None, "private", None, False)
        if view is not None:
            out.setdefault(view.id, view)
    return list(out.values())


def acting_agency_views(case: Case, event: Event) -> list[list[AgencyView]]:
    """Who acted at a step, as alternatives: the agencies (and courts) of its acting
    participants; else one alternative per account of who ran it (the ``run_by`` fact, which
    may be disputed); else, where the record names no one, the agencies the case records as
    investigating and prosecuting it."""
    acting = _views(case, (a.id for a in case.participants(event, *ACTING_ROLES)))
    if acting:
        return [acting]
    ran = case.fact(event, "run_by")
    accounts = [_views(case, [v]) for v in ran.values if isinstance(v, str)]
    if accounts and all(accounts):
        return accounts
    return [case.once("case agencies", lambda: _views(
        case, (a.id for a in case.actors.values() if set(a.roles) & set(CASE_AGENCY_ROLES))))]


def _registry_chain(case: Case, rid: str) -> set[str]:
    chain: set[str] = set()
    cur: str | None = rid
    while cur and cur not in chain:
        chain.add(cur)
        cur = case.registry.actors[cur].affiliation
    return chain


def _binds(case: Case, proto: Protocol, alternatives: list[list[AgencyView]]) -> Tri:
    """Does the standard reach the agencies acting at the step (its ``binds``, as its text
    names whom)? A national standard reaches every US prosecution. Where the accounts differ
    on who acted, yes only if it reaches every account's agency."""
    b = proto.binds
    if b.national:
        return "yes" if case.file.case.country == "US" else "no"
    verdicts = {_binds_one(b, case, agencies) for agencies in alternatives}
    return verdicts.pop() if len(verdicts) == 1 else "uncertain"


def _binds_one(b: Binds, case: Case, agencies: list[AgencyView]) -> Tri:
    if not agencies:
        return "uncertain" if (b.agencies or b.states or b.federal) else "no"
    maybe = False
    for a in agencies:
        if a.registered and _registry_chain(case, a.id) & set(b.agencies):
            return "yes"
        if b.federal and a.level == "federal":
            return "yes"
        if a.state in b.states and a.level != "federal":
            if a.branch in b.branches:
                return "yes"
            maybe = maybe or a.branch is None
    return "uncertain" if maybe else "no"


def _basis(outcome: Outcome) -> str:
    if outcome.status not in ("pass", "fail"):
        return ""
    if outcome.disputed:
        return "disputed"
    partisan = outcome.accounts & PARTISAN.keys()
    if len(partisan) == 1 and not outcome.accounts - partisan:
        return PARTISAN[next(iter(partisan))]
    return "undisputed"


@dataclass(frozen=True)
class _EventInfo:
    earliest: date
    latest: date
    date_text: str
    agencies: list[list[AgencyView]]  # alternatives: one per account of who acted
    offense: Edtf | None  # the dates the offense (upstream, else the case's) can have
    window: Edtf
    binds: dict[str, Tri]  # by protocol id, filled as the rules are judged
    holders: dict[str, str]  # by holder role, filled likewise


def _offense_window(case: Case, event: Event, upstream: set[str]) -> Edtf | None:
    offenses = case.once("offenses", lambda: [e for e in case.events
                                              if e.type == "offense" and not e.context])
    near = [e for e in offenses if e.id in upstream] or offenses
    if not near:
        return None
    lo = min(case.bounds(e)[0] for e in near)
    hi = max(case.bounds(e)[1] for e in near)
    return Edtf("offense", lo, hi, "span")


def _event_info(case: Case, event: Event, upstream: set[str]) -> _EventInfo:
    lo, hi = case.bounds(event)
    text = case.date_text(event)
    return _EventInfo(lo, hi, text, acting_agency_views(case, event),
                      _offense_window(case, event, upstream), Edtf(text, lo, hi, "span"), {},
                      {})


def _both(a: Tri, b: Tri) -> Tri:
    if "no" in (a, b):
        return "no"
    return "yes" if a == b == "yes" else "uncertain"


def in_force_for(proto: Protocol, rule: Rule, when: Edtf, offense: Edtf | None) -> Tri:
    """Is the rule in force on ``when`` for an offense on ``offense`` — its own dates, and the
    standard's condition on the offense date (``offenses_from``) where it has one. An unknown
    offense date leaves such a condition uncertain."""
    start, until, offenses_from = proto.timing(rule)
    in_force = in_force_on(start, until, when)
    if offenses_from is None:
        return in_force
    if offense is None:
        return _both(in_force, "uncertain")
    return _both(in_force, in_force_on(offenses_from, None, offense))


def _holder(case: Case, role: str, info: _EventInfo) -> str:
    """The actor of this case who fills the role a rule names as a record's holder."""
    if role not in info.holders:
        info.holders[role] = _find_holder(case, role, info)
    return info.holders[role]


def _find_holder(case: Case, role: str, info: _EventInfo) -> str:
    wanted = {"investigating-agency": "investigating-agency", "prosecuting-agency":
              "prosecuting-agency", "fr-operator": "fr-operator", "fr-vendor": "fr-vendor"}
    if role == "acting-agency" and info.agencies and info.agencies[0]:
        return info.agencies[0][0].name
    if role in wanted:
        for actor in case.actors.values():
            if wanted[role] in actor.roles:
                return actor.label()
    if role == "court":
        courts = [a for a in case.actors.values() if a.kind == "court"]
        if courts:
            return courts[0].label()
    if role in ("acting-agency", "fr-operator", "custodian"):
        police = [a for a in case.actors.values() if "investigating-agency" in a.roles]
        if police:
            return police[0].label()
    return f"{HOLDERS[role]} (not named in the record)"


#: Columns that depend on the lens; every other column is the record's judgement.
LENS_COLUMNS = ("in_force", "counts", "violation", "lens", "as_of")


def _scoped(outcome: Outcome, rule: Rule, proto: Protocol, binds: Tri) -> Outcome:
    """What the record may say of a rule: only a failure of a rule a court must finish
    deciding (``court_decides``); and of a rule of another jurisdiction, never that it was
    met, nor what to ask for."""
    status, text = outcome.status, outcome.explanation
    foreign = proto.binds.jurisdictional and binds == "no" and status in ("pass", "unknown")
    if not rule.court_decides and not foreign:
        return outcome
    if rule.court_decides:
        if status == "pass":
            status = "not_applicable"
            text += (" The record shows no failure of this rule; whether it was met is for "
                     "a court.")
        if status in ("fail", "not_applicable", "unknown"):
            text += f" For a court: {rule.court_decides}"
    if proto.binds.jurisdictional and binds == "no" and status in ("pass", "unknown"):
        status = "not_applicable" if status == "pass" else status
        text += (f" {proto.short} binds {proto.binds.description.rstrip('.')}, not the "
                 "agencies of this step: it is a benchmark here.")
        return replace(outcome, status=status, explanation=text, ask=None,
                       decided_by=outcome.decided_by)
    return replace(outcome, status=status, explanation=text)


def _row(case: Case, proto: Protocol, rule: Rule, event: Event, outcome: Outcome,
         info: _EventInfo) -> dict[str, Any]:
    """One finding as the record decides it, whatever the lens."""
    binds = info.binds.get(proto.id)
    if binds is None:
        binds = info.binds[proto.id] = _binds(case, proto, info.agencies)
    outcome = _scoped(outcome, rule, proto, binds)
    unknown = outcome.status == "unknown"
    foreign = proto.binds.jurisdictional and binds == "no"
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
        "in_force": in_force_for(proto, rule, info.window, info.offense),
        "binds": binds,
        "authority": proto.authority,
        "rule_confidence": rule.confidence,
        "severity": rule.severity,
        "explanation": outcome.explanation,
        "decided_by": "; ".join(" → ".join(chain) for chain in outcome.decided_by),
        "citation": rule.citation.text,
        "citation_url": rule.citation.url,
        "sources": "; ".join(sorted(outcome.sources)),
        "discovery_record": (outcome.ask or rule.decides_unknown.record)
        if unknown and not foreign else "",
        "discovery_held_by": _holder(case, rule.decides_unknown.held_by, info)
        if unknown and not foreign else "",
    }


def _premise(ctx: CheckContext, event: Event, names: Iterable[str | None]) -> Outcome | None:
    """The first premise (of the standard, the rule, the check, the event type) that settles
    the finding; each premise is judged once per step."""
    for name in dict.fromkeys(n for n in names if n):
        key = (name, event.id)
        if key not in ctx.premises:
            ctx.premises[key] = PREMISES[name](ctx, event)
        if ctx.premises[key] is not None:
            return ctx.premises[key]
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
    info: dict[str, _EventInfo] = {}
    rows = []
    for proto in protos:
        for rule in proto.rules:
            check, params = proto.check_of(rule)
            for etype in vocab.event_types_of(rule.applies_to):
                for ev in by_type.get(etype, []):
                    premises = (*proto.premises(rule), check.premise,
                                vocab.event_types[ev.type].premise)
                    outcome = _premise(ctx, ev, premises) or check.run(ctx, ev, params)
                    if ev.id not in info:
                        info[ev.id] = _event_info(case, ev, ctx.ancestors(ev.id))
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
    ``as_of`` (now: the same conduct under the rules of that day, an offense-date condition
    read against ``as_of`` too); ``counts`` — best: always, else in force and binding; a
    violation is a fail that counts."""
    frame = judged.copy()
    if lens == "now":
        now = {r.id: in_force_for(p, r, as_of, as_of) for p in protocols for r in p.rules}
        frame["in_force"] = frame["rule"].map(now)
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
