"""``graphml``: the event graph for Gephi and yEd, written with networkx.

Nodes are the case's events and evidence items (as in the event graph) and its actors; edges
are the graph's own (``uses``, ``produces``, ``derived_from``, ``follows``), an actor's part in
an event (``by``, ``requested_by``, … from ``participants``) and whom an item ``implicates``.
Every node carries ``label`` and ``node_type``; events their ``type``, ``stage``, the date as
recorded (``when``), its ``earliest`` and ``latest`` possible days (ISO), ``when_disputed``,
``context``, ``harm``; evidence its ``kind`` and ``fr_output``; events and evidence
``fr_derived`` (derived from, or following from, a face-recognition output) and — for the
audiences that see findings — ``violation`` and ``violated_rules`` under the lens. Actors
carry ``kind``, ``roles`` and ``private`` (an actor whose id is also an event's or an
item's is the node ``actor:ID``); a redacted export names private persons by role.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_bytes_atomic
from .case_export import CaseExport
from .registry import register_case

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["export_graph"]


def _iso(day: date) -> str:
    return "" if day in (date.min, date.max) else day.isoformat()


def _plain(attrs: dict[str, Any]) -> dict[str, Any]:
    """GraphML holds text, numbers and booleans; nothing empty."""
    return {k: v for k, v in attrs.items() if v is not None and v != ""}


def export_graph(source: CaseExport) -> nx.MultiDiGraph:
    """The graph as written: events, evidence and actors, every attribute a plain value."""
    import networkx as nx

    case = source.case
    g = source.graph
    derived = source.fr_derived()
    violations = source.violations()
    verdicts = source.shows_verdicts
    out = nx.MultiDiGraph(name=case.title)
    for node, data in g.nodes(data=True):
        if data["node_type"] == "event":
            ev = case.event_by_id[node]
            if ev.context and not source.viewer.sees("context-events"):
                continue
            attrs = {"node_type": "event", "label": ev.label or ev.summary,
                     "summary": ev.summary, "type": ev.type, "stage": data["stage"],
                     "when": data["when"], "when_text": case.date_text(ev),
                     "earliest": _iso(data["earliest"]), "latest": _iso(data["latest"]),
                     "when_disputed": bool(data["when_disputed"]),
                     "context": bool(ev.context), "harm": data.get("harm"),
                     "sources": ", ".join(ev.sources)}
        else:
            item = case.evidence[node]
            attrs = {"node_type": "evidence", "label": item.label or item.summary or node,
                     "summary": item.summary, "kind": item.kind,
                     "fr_output": bool(data.get("fr_output")),
                     "sources": ", ".join(item.sources)}
        attrs["fr_derived"] = node in derived
        if verdicts:
            rules = violations.get(node, [])
            attrs["violation"] = bool(rules)
            attrs["violated_rules"] = ", ".join(rules)
        out.add_node(node, **_plain(attrs))
    for u, v, data in g.edges(data=True):
        if u in out and v in out:
            out.add_edge(u, v, label=data["label"], edge_type=data["label"])
    node_of = {aid: aid if aid not in out else f"actor:{aid}" for aid in case.actors}
    for aid, actor in case.actors.items():
        out.add_node(node_of[aid], **_plain({"node_type": "actor", "label": source.label(aid),
                                    "kind": actor.kind, "roles": ", ".join(actor.roles),
                                    "private": bool(actor.private or actor.actor.minor)}))
    for ev in case.events:
        if ev.id not in out:
            continue
        for role, ids in ev.participants.items():
            for aid in ids:
                if aid in node_of:
                    out.add_edge(node_of[aid], ev.id, label=role, edge_type="participant")
    for eid, item in case.evidence.items():
        for aid in item.implicates:
            if aid in node_of and eid in out:
                out.add_edge(eid, node_of[aid], label="implicates", edge_type="implicates")
    return out


@register_case("graphml", "GraphML for Gephi and yEd: events, evidence and actors", ".graphml")
def write_graphml(source: CaseExport, path: Path) -> list[Path]:
    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(export_graph(source), buf, named_key_ids=True)
    write_bytes_atomic(path, buf.getvalue())
    return [path]
