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

from dataclasses import dataclass

import networkx as nx
import pandas as pd

from ..model.case import Case
from .findings import DISCLAIMER
from .protocols import Protocol

__all__ = ["DISCLAIMER", "Consequences", "consequences", "discovery_list"]


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
                     "basis": v["basis"], "severity": v["severity"]})
    chains = pd.DataFrame(rows, columns=["rule", "protocol", "event", "event_date",
                                         "event_earliest", "harms", "all_harms", "basis",
                                         "severity"])
    earliest = None
    if harms and not chains.empty:
        order = {n: i for i, n in enumerate(nx.topological_sort(graph))}
        full = chains[chains["all_harms"]]
        if not full.empty:
            best = min(full.itertuples(), key=lambda r: (case.bounds(r.event), order[r.event],
                                                         r.rule))
            earliest = {"event": best.event, "rule": best.rule, "protocol": best.protocol,
                        "event_date": best.event_date,
                        "sentence": f"Every harm in this case ({_harm_list(case, harms)}) "
                                    f"depends on {_event_words(case, best.event)}, where "
                                    f"{best.rule} was not met."}
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
    unknown = findings[findings["status"] == "unknown"]
    rows = []
    for (holder, record), group in unknown.groupby(["discovery_held_by", "discovery_record"],
                                                   sort=True):
        rows.append({"held_by": holder, "record": record,
                     "rules": ", ".join(sorted(set(group["rule"]))),
                     "events": ", ".join(sorted(set(group["event"])))})
    return pd.DataFrame(rows, columns=cols)

