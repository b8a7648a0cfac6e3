"""Tables a reader looks at: cast, exhibit list, evidence, chronology, disputes, findings by
standard, lenses.

Each view is a pandas DataFrame built from a :class:`~casebook.case.Case` (and findings), so
the notebook, the CSV/Excel exports and the tests read the same thing. Dates are shown as
recorded (with their precision and bounds), disputed facts with every account side by side.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..engine.findings import evaluate
from ..engine.graph import build_graph, time_order
from ..engine.protocols import Protocol
from ..model.case import Case, FactView
from ..model.casefile import Claim, Event
from ..model.dates import parse_edtf
from .citations import citation, citations

__all__ = ["cast_table", "chronology_table", "disputes_table", "evidence_table", "facts_table",
           "findings_by_standard", "lens_comparison", "sources_table"]


def cast_table(case: Case, redact: bool = False) -> pd.DataFrame:
    """Who is who: named or described by role, kind, roles, agency."""
    rows = []
    for actor in case.actors.values():
        aff = actor.actor.affiliation
        affiliation = case.actors[aff].label(redact) if aff else ""
        if not affiliation and actor.actor.ref:
            parent = case.registry.actors[actor.actor.ref].affiliation
            affiliation = case.registry.actors[parent].name if parent else ""
        rows.append({
            "actor": actor.label(redact),
            "named": "named" if actor.named and not (redact and actor.private) else "unnamed",
            "kind": actor.kind,
            "roles": ", ".join(r.replace("-", " ") for r in actor.roles),
            "agency": affiliation,
            "private": "private person" if actor.private else "",
            "note": actor.actor.note or "",
            "id": actor.id,
        })
    return pd.DataFrame(rows).sort_values(["kind", "actor"], kind="stable").reset_index(drop=True)


def _supported(case: Case) -> dict[str, list[str]]:
    """What each source supports: the events it is cited on (for the event or one of its
    facts or dates), then evidence items and people, by id, in time order."""
    out: dict[str, list[str]] = {}

    def add(refs: Sequence[str], what: str) -> None:
        for ref in refs:
            items = out.setdefault(str(ref), [])
            if what not in items:
                items.append(what)

    for ev in (case.event_by_id[e] for e in time_order(build_graph(case))):
        add(ev.sources, ev.id)
        for claims in [*ev.facts.values(), ev.when]:
            for claim in claims:
                add(claim.sources, ev.id)
    owners: list[tuple[str, Any]] = [*case.evidence.items(),
                                     *((a.id, a.actor) for a in case.actors.values())]
    for name, owner in owners:
        add(owner.sources, name)
        for claims in owner.facts.values():
            for claim in claims:
                add(claim.sources, name)
    return out


def sources_table(case: Case, redact: bool = False) -> pd.DataFrame:
    """The exhibit list: every source, its exhibit number and short citation, whose account
    it carries, how reliable it is, what it supports, the author's note."""
    supported = _supported(case)
    rows = []
    for sid, src in case.sources.items():
        backs = supported.get(sid, [])
        rows.append({
            "exhibit": src.exhibit or "",
            "citation": citation(case, sid).text,
            "title": src.title,
            "publisher": src.publisher,
            "date": parse_edtf(src.date).human() if src.date is not None else "",
            "account": src.account,
            "reliability": src.reliability + (f" (mirror of {src.mirror_of})"
                                              if src.mirror_of else ""),
            "supports": len(backs),
            "supports what": ", ".join(backs),
            "note": src.note or "",
            "url": "" if redact else (src.url or ""),
            "source": sid,
        })
    table = pd.DataFrame(rows)
    table["_order"] = table["exhibit"].map(lambda e: (e == "", _exhibit_key(e)))
    return table.sort_values(["_order", "supports", "source"], ascending=[True, False, True],
                             kind="stable").drop(columns="_order").reset_index(drop=True)


def _exhibit_key(exhibit: str) -> tuple[int, str]:
    """"Ex. 2" before "Ex. 10"."""
    digits = "".join(c for c in exhibit if c.isdigit())
    return (int(digits) if digits else 0, exhibit)


def evidence_table(case: Case, redact: bool = False) -> pd.DataFrame:
    """Every evidence item: what it is, what it derives from, whom it points at, who holds
    it, its sources and the author's note."""
    rows = []
    for eid, item in case.evidence.items():
        rows.append({
            "item": eid,
            "kind": item.kind.replace("-", " "),
            "what": item.summary or "",
            "derived from": ", ".join(item.derived_from),
            "implicates": ", ".join(case.actors[a].label(redact) for a in item.implicates),
            "held by": case.actors[item.held_by].label(redact) if item.held_by else "",
            "sources": citations(case, item.sources),
            "note": item.note or "",
        })
    return pd.DataFrame(rows, columns=["item", "kind", "what", "derived from", "implicates",
                                       "held by", "sources", "note"])


def _claim_text(case: Case, claim: Claim, owner_sources: Sequence[str]) -> str:
    value = claim.value if not isinstance(claim.value, list) else ", ".join(claim.value)
    accounts = ", ".join(sorted(case.claim_accounts(claim, owner_sources)))
    sources = "; ".join(map(str, citations(case, claim.sources or owner_sources)))
    return f"{value} ({accounts}: {sources})"


def _disputed(case: Case, event: Event) -> str:
    parts = []
    views = [FactView("when", tuple(event.when)),
             *(case.fact(event, n) for n in event.facts)]
    for view in views:
        if view.disputed:
            claims = " | ".join(_claim_text(case, c, event.sources) for c in view.live)
            parts.append(f"{view.name}: {claims}")
    return "; ".join(parts)


def chronology_table(case: Case, redact: bool = False) -> pd.DataFrame:
    """The events in time order, each with its date as recorded and its accounts."""
    graph = build_graph(case)
    rows = []
    for eid in time_order(graph):
        ev = case.event_by_id[eid]
        dates = case.dates(ev)
        lo, hi = case.bounds(ev)
        who = "; ".join(f"{role.replace('_', ' ')}: "
                        + ", ".join(case.actors[a].label(redact) for a in ids)
                        for role, ids in ev.participants.items())
        accounts = sorted({ev.account} if ev.account else case.accounts(ev.sources))
        rows.append({
            "when": case.date_text(ev),
            "recorded as": " | ".join(str(c.value) for c in ev.when if c.rejected is None),
            "precision": ", ".join(dict.fromkeys(d.kind for d in dates)),
            "earliest": lo.isoformat(),
            "latest": hi.isoformat(),
            "event": eid,
            "type": ev.type,
            "what": ev.summary,
            "who": who,
            "account": ", ".join(accounts),
            "sources": citations(case, ev.sources),
            "source ids": ", ".join(ev.sources),
            "single source": "yes" if ev.confidence == "single-source" else "",
            "disputed": _disputed(case, ev),
            "note": ev.note or "",
            "context": "context" if ev.context else "",
        })
    return pd.DataFrame(rows)


def disputes_table(case: Case, redact: bool = False) -> pd.DataFrame:
    """Every disputed fact, one row per claim, the accounts side by side."""
    rows = []
    owners: list[tuple[str, str, Any, Sequence[str]]] = []
    for ev in case.events:
        owners.append(("event", ev.id, ev, ev.sources))
    for eid, item in case.evidence.items():
        owners.append(("evidence", eid, item, item.sources))
    for actor in case.actors.values():
        owners.append(("actor", actor.label(redact), actor.actor, actor.actor.sources))
    for kind, name, owner, sources in owners:
        views = [case.fact(owner, n) for n in owner.facts]
        if kind == "event":
            views.insert(0, FactView("when", tuple(owner.when)))
        for view in views:
            if not view.disputed:
                continue
            for claim in view.claims:
                value = claim.value if not isinstance(claim.value, list) \
                    else ", ".join(claim.value)
                rows.append({
                    "about": f"{kind} {name}", "fact": view.name, "value": str(value),
                    "account": ", ".join(sorted(case.claim_accounts(claim, sources))),
                    "sources": citations(case, claim.sources or sources),
                    "status": f"rejected: {claim.rejected}" if claim.rejected else
                    ("single source" if claim.confidence == "single-source" else ""),
                    "note": claim.note or "",
                })
    return pd.DataFrame(rows, columns=["about", "fact", "value", "account", "sources", "status",
                                       "note"])


def facts_table(case: Case, redact: bool = False) -> pd.DataFrame:
    """Every recorded fact, one row per claim: what it is about, its value, whose account,
    its sources with their pinpoints, whether it is disputed, single-source or rejected, and
    the author's note — so every fact carries its source."""
    graph = build_graph(case)
    owners: list[tuple[str, Any, Sequence[str]]] = [
        (f"{case.date_text(case.event_by_id[e])}: {e}", case.event_by_id[e],
         case.event_by_id[e].sources) for e in time_order(graph)]
    owners += [(f"evidence {eid}", item, item.sources) for eid, item in case.evidence.items()]
    owners += [(actor.label(redact), actor.actor, actor.actor.sources)
               for actor in case.actors.values()]
    rows = []
    for about, owner, sources in owners:
        views = [case.fact(owner, name) for name in owner.facts]
        if isinstance(owner, Event):
            views.insert(0, FactView("when", tuple(owner.when)))
        for view in views:
            name = view.name
            for claim in view.claims:
                value = claim.value if not isinstance(claim.value, list) \
                    else ", ".join(claim.value)
                status = ("rejected: " + claim.rejected if claim.rejected else
                          "disputed" if view.disputed else
                          "single source" if claim.confidence == "single-source" else "")
                rows.append({
                    "about": about, "fact": name.replace("_", " "), "value": str(value),
                    "account": ", ".join(sorted(case.claim_accounts(claim, sources))),
                    "sources": citations(case, claim.sources or sources),
                    "status": status, "note": claim.note or "",
                })
    return pd.DataFrame(rows, columns=["about", "fact", "value", "account", "sources", "status",
                                       "note"])


def findings_by_standard(findings: pd.DataFrame, protocols: Sequence[Protocol]) -> pd.DataFrame:
    """Per standard: authority, how many findings fail, count, are unknown, pass."""
    violations = Counter(findings["protocol"][findings["violation"].astype(bool)])
    statuses = Counter(zip(findings["protocol"], findings["status"], strict=True))
    rows = []
    for proto in protocols:
        rows.append({
            "standard": proto.short,
            "title": proto.title,
            "authority": proto.authority.replace("-", " "),
            "text known": proto.text_known.replace("-", " "),
            "violations": violations[proto.id],
            "fail": statuses[proto.id, "fail"],
            "unknown": statuses[proto.id, "unknown"],
            "pass": statuses[proto.id, "pass"],
            "not checkable": len(proto.not_checkable),
        })
    return pd.DataFrame(rows)


def lens_comparison(case: Case, protocols: Sequence[Protocol], as_of: str | None = None,
                    known: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Each failing or unknown finding under then / now / best, side by side. ``known``
    passes findings already computed for a lens, so they are not computed again."""
    known = known or {}
    frames = {lens: known[lens] if lens in known else evaluate(case, protocols, lens=lens,
                                                                as_of=as_of)
              for lens in ("then", "now", "best")}
    base = frames["best"]
    keep = base[base["status"].isin(["fail", "unknown"])][
        ["rule", "rule_title", "event", "event_date", "status", "basis"]].copy()
    for lens, frame in frames.items():
        counted = dict(zip(zip(frame["rule"], frame["event"], strict=True), frame["counts"],
                           strict=True))
        keep[f"counts {lens}"] = [("yes" if counted[(r, e)] else "no")
                                  for r, e in zip(keep["rule"], keep["event"], strict=True)]
    return keep.reset_index(drop=True)
