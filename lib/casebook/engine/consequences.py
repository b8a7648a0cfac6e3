"""What each violation led to: failure chains, the earliest preventable point, counterfactuals,
and the discovery list of what the record cannot tell.

A *harm* is an event whose type the vocabulary marks as one (warrant, charge, arrest,
detention, interrogation). The harms of a violation are the harm events reachable from its
event in the event graph (its own event included). The *earliest preventable point* is the
earliest violation on which every harm of the case depends. Counterfactual sentences are
worded from the rule's template when it has one; they say what could not have rested on the
failed step, never that the outcome would certainly have differed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
import pandas as pd

from ..model.case import Case
from ..model.quantities import parse_quantity
from .findings import DISCLAIMER
from .protocols import Protocol

__all__ = ["DISCLAIMER", "Consequences", "consequences", "custody", "discovery_list"]


@dataclass(frozen=True)
class Consequences:
    """Failure chains (one row per violation), the earliest preventable point, and one
    counterfactual sentence per standard that was violated."""

    chains: pd.DataFrame
    earliest: dict[str, str] | None
    counterfactuals: dict[str, str]
    harms: list[str]


def _harm_events(graph: nx.DiGraph) -> list[str]:
    return sorted(n for n, d in graph.nodes(data=True)
                  if d.get("node_type") == "event" and d.get("harm") and not d.get("context"))


def _harms_from(graph: nx.DiGraph, event: str, harms: list[str]) -> list[str]:
    reach = nx.descendants(graph, event) | {event}
    return [h for h in harms if h in reach]


def _event_words(case: Case, event: str) -> str:
    ev = case.event_by_id[event]
    dates = " / ".join(case.date_forms(ev))
    return f"the {ev.type.replace('-', ' ')} of {dates}"


def _harm_list(case: Case, harms: list[str]) -> str:
    words = [case.event_by_id[h].type.replace("-", " ") for h in harms]
    words = list(dict.fromkeys(words))
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def consequences(case: Case, findings: pd.DataFrame, protocols: list[Protocol]
                 ) -> Consequences:
    """Chains, earliest preventable point and counterfactuals for the violations found."""
    from .graph import build_graph

    graph = build_graph(case)
    harms = _harm_events(graph)
    violations = findings[findings["violation"]] if not findings.empty else findings
    rows = []
    for _, v in violations.iterrows():
        reached = _harms_from(graph, v["event"], harms)
        rows.append({"rule": v["rule"], "protocol": v["protocol"], "event": v["event"],
                     "event_date": v["event_date"], "event_earliest": v["event_earliest"],
                     "harms": reached, "all_harms": set(reached) == set(harms),
                     "basis": v["basis"], "severity": v["severity"],
                     "binding": v["binds"] == "yes" and v["in_force"] == "yes"})
    chains = pd.DataFrame(rows, columns=["rule", "protocol", "event", "event_date",
                                         "event_earliest", "harms", "all_harms", "basis",
                                         "severity", "binding"])
    earliest = None
    if harms and not chains.empty:
        order = {n: i for i, n in enumerate(nx.topological_sort(graph))}
        full = chains[chains["all_harms"]]
        if not full.empty:
            # a standard that bound the step is the point a trainer would teach; a benchmark
            # from elsewhere comes first only where no binding standard failed
            best = min(full.itertuples(), key=lambda r: (not r.binding, case.bounds(r.event),
                                                         order[r.event], r.rule))
            bench = "" if best.binding else (
                " (a benchmark here: the standard did not bind the agency at that step "
                "or was not in force)")
            earliest = {"event": best.event, "rule": best.rule, "protocol": best.protocol,
                        "event_date": best.event_date, "binding": bool(best.binding),
                        "sentence": f"Every harm in this case ({_harm_list(case, harms)}) "
                                    f"depends on {_event_words(case, best.event)}, where "
                                    f"{best.rule} was not met{bench}."}
    by_id = {p.id: p for p in protocols}
    counterfactuals: dict[str, str] = {}
    for proto_id, group in chains.groupby("protocol", sort=True):
        first = min(group.itertuples(), key=lambda r: (case.bounds(r.event), r.rule))
        proto = by_id[str(proto_id)]
        rule = next(r for r in proto.rules if r.id == first.rule)
        harm_text = _harm_list(case, list(first.harms)) or "nothing later"
        values = {"event": case.event_by_id[first.event].type.replace("-", " "),
                  "date": first.event_date, "harms": harm_text, "rule": rule.id}
        if rule.counterfactual:
            sentence = rule.counterfactual.format(**values)
        else:
            sentence = (f"Had {proto.short} been met at {_event_words(case, first.event)} "
                        f"({rule.id}), the {harm_text} could not have rested on that step "
                        "as it did.")
        counterfactuals[str(proto_id)] = sentence
    return Consequences(chains, earliest, counterfactuals, harms)


def discovery_list(findings: pd.DataFrame) -> pd.DataFrame:
    """Every ``unknown`` as a request: which record, held by whom, deciding which rules."""
    cols = ["held_by", "record", "rules", "events"]
    if findings.empty:
        return pd.DataFrame(columns=cols)
    unknown = findings[(findings["status"] == "unknown") & (findings["discovery_record"] != "")]
    rows = []
    for (holder, record), group in unknown.groupby(["discovery_held_by", "discovery_record"],
                                                   sort=True):
        rows.append({"held_by": holder, "record": record,
                     "rules": ", ".join(sorted(set(group["rule"]))),
                     "events": ", ".join(sorted(set(group["event"])))})
    return pd.DataFrame(rows, columns=cols)



def custody(case: Case) -> dict[str, int | str] | None:
    """How long the accused was held — detention and prison together — as the fewest and
    most days the record allows, or None when it says nothing of it. A stay counts what the
    sources say it lasted (``hours_in_custody``, ``days_in_custody``, ``years_imprisoned``,
    ranges kept) or, with both ends dated, from its latest possible start to its earliest
    possible end (fewest) and from its earliest start to its latest end (most), overlaps
    counted once — whichever is narrower; a stay with an open end and no stated length adds
    nothing: never an invented end."""
    spans: list[tuple[date, date, date, date]] = []
    lasted: list[tuple[float, float]] = []
    members = set(case.vocabulary.event_types_of(["custody"]))
    for ev in case.events:
        if ev.type not in members or ev.context:
            continue
        said = _stated_duration(case, ev)
        closed = []
        for d in case.dates(ev):
            start, end = (d.start, d.end) if d.is_span else (d, d)
            if start is not None and end is not None and date.min not in (
                    start.earliest, end.earliest) and date.max not in (start.latest,
                                                                        end.latest):
                closed.append((start.earliest, start.latest, end.earliest, end.latest))
        dated = (_union_days([(s[1], s[2]) for s in closed]),
                 _union_days([(s[0], s[3]) for s in closed])) if closed else None
        if said is not None and (dated is None or said[1] - said[0] <= dated[1] - dated[0]):
            lasted.append(said)  # the narrower of what the sources say and what the dates allow
        else:
            spans += closed
    if not spans and not lasted:
        return None
    least = _union_days([(s[1], s[2]) for s in spans]) + sum(lo for lo, _ in lasted)
    most = _union_days([(s[0], s[3]) for s in spans]) + sum(hi for _, hi in lasted)
    return {"min_days": math.floor(least), "max_days": math.ceil(most),
            "text": _days_text(least, most)}


def _stated_duration(case: Case, event: Any) -> tuple[float, float] | None:
    """What the sources say a stay in custody lasted, in days (a range)."""
    for fact, per_day in (("hours_in_custody", 1 / 24), ("days_in_custody", 1.0),
                          ("years_imprisoned", 365.25)):
        view = case.fact(event, fact)
        if view.unknown:
            continue
        bounds = [parse_quantity(v) for v in view.values if isinstance(v, int | float | str)]
        if bounds:
            low = min(q.low for q in bounds)
            high = max(q.high for q in bounds)
            if high == float("inf"):
                high = low
            return max(low, 0) * per_day, high * per_day
    return None


def _union_days(spans: list[tuple[date, date]]) -> int:
    total, end = 0, date.min
    for lo, hi in sorted(spans):
        if hi < lo:
            continue
        if lo > end:
            total += (hi - lo).days + 1
        elif hi > end:
            total += (hi - end).days
        end = max(end, hi)
    return total


def _days_text(lo: float, hi: float) -> str:
    def one(days: float) -> str:
        if days < 2:
            hours = round(days * 24)
            return f"{hours} hour{'s' if hours != 1 else ''}"
        days = round(days)
        if days >= 730:
            return f"{days / 365.25:.1f} years"
        if days >= 60:
            return f"{round(days / 30.44)} months"
        return f"{days} day{'s' if days != 1 else ''}"
    return one(lo) if one(lo) == one(hi) else f"{one(lo)} to {one(hi)}"
