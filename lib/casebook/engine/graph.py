"""The event graph: events and evidence as one directed acyclic graph.

Contract (in the spirit of networkx's ``dag.py``):

- Nodes are event ids and evidence ids (one namespace). Every node has ``node_type``
  (``"event"`` or ``"evidence"``) and ``label``. Event nodes also carry ``type``, ``stage``,
  ``harm`` (or None), ``context``, ``earliest`` and ``latest`` (datetime.date bounds),
  ``when`` (the date as recorded), ``when_disputed`` and ``actors`` (role → actor ids).
  Evidence nodes carry ``kind``, ``fr_output`` and ``implicates`` (actor ids).
- Edges point the way support flows, each labelled in ``label``: ``derived_from``
  (source item → derived item), ``uses`` (item → event), ``produces`` (event → item),
  ``follows`` (earlier event → later event).
- So the *support chain* under a node is its ancestors and the *consequences* of a node are
  its descendants. The graph is a DAG; the loader has already refused loops, naming their ids.
- Building is deterministic in the file's content, not its order: shuffling events or
  evidence in the file gives an equal graph.

All helpers return materialised lists or sets, never lazy generators.
"""

from __future__ import annotations

import weakref
from datetime import date
from typing import Any

import networkx as nx

from ..model.case import Case
from ..model.edges import graph_edges

__all__ = [
    "build_graph",
    "downstream",
    "event_projection",
    "fr_derived",
    "fr_downstream",
    "graph_summary",
    "support_chain",
    "time_order",
]


def build_graph(case: Case) -> nx.DiGraph:
    """The case's event graph (see the module docstring for the contract), built once per
    loaded case and frozen: every caller shares it, none can change it."""
    return case.once("graph", lambda: nx.freeze(_build(case)))


def _build(case: Case) -> nx.DiGraph:
    vocab = case.vocabulary
    g = nx.DiGraph(case=case.id)
    for eid, item in case.evidence.items():
        g.add_node(eid, node_type="evidence", label=item.summary or eid, kind=item.kind,
                   fr_output=vocab.evidence_kinds[item.kind].fr_output,
                   implicates=tuple(item.implicates))
    for ev in case.events:
        etype = vocab.event_types[ev.type]
        earliest, latest = case.bounds(ev)
        g.add_node(ev.id, node_type="event", label=ev.summary, type=ev.type, stage=etype.stage,
                   harm=etype.harm, context=ev.context, earliest=earliest, latest=latest,
                   when=" | ".join(str(c.value) for c in ev.when if c.rejected is None),
                   when_disputed=case.when_disputed(ev),
                   actors={r: tuple(ids) for r, ids in ev.participants.items()})
    for u, v, label in graph_edges(case.evidence, case.events):
        g.add_edge(u, v, label=label)
    return g


def support_chain(g: nx.DiGraph, node: str) -> list[str]:
    """Everything ``node`` rests on (its ancestors), in topological order."""
    nodes = nx.ancestors(g, node)
    return [n for n in nx.topological_sort(g.subgraph(nodes))]


def downstream(g: nx.DiGraph, node: str) -> set[str]:
    """Everything that follows from ``node`` (its descendants)."""
    return set(nx.descendants(g, node))


def fr_downstream(g: nx.DiGraph) -> set[str]:
    """Every node reachable from a facial-recognition output, the outputs included: what
    followed from the FR result in any way (consequences)."""
    out: set[str] = set()
    for n, data in g.nodes(data=True):
        if data.get("fr_output") and n not in out:
            out.add(n)
            out |= nx.descendants(g, n)
    return out


def fr_derived(g: nx.DiGraph) -> set[str]:
    """Evidence whose *content* derives from a facial-recognition output (provenance).

    An item is derived when it is an FR output, when anything in its ``derived_from`` is
    derived, or — when it declares no ``derived_from`` — when an event that produced it used a
    derived item. Declared provenance is complete: a fingerprint match made *because of* an FR
    lead but derived from latent prints is not FR-derived. Events are never in this set.
    """
    derived: set[str] = set()
    for n in nx.topological_sort(g):
        data = g.nodes[n]
        if data["node_type"] != "evidence":
            continue
        if data.get("fr_output"):
            derived.add(n)
            continue
        sources = [u for u, _v, d in g.in_edges(n, data=True) if d["label"] == "derived_from"]
        if sources:
            if any(u in derived for u in sources):
                derived.add(n)
            continue
        producers = [u for u, _v, d in g.in_edges(n, data=True) if d["label"] == "produces"]
        if any(u2 in derived for p in producers for u2, _v, d in g.in_edges(p, data=True)
               if d["label"] == "uses"):
            derived.add(n)
    return derived


def event_projection(g: nx.DiGraph) -> nx.DiGraph:
    """Events only: an edge a → b when b rests on a directly or through evidence alone."""
    p = nx.DiGraph(**g.graph)
    events = [n for n, d in g.nodes(data=True) if d["node_type"] == "event"]
    p.add_nodes_from((n, g.nodes[n]) for n in events)
    for a in events:
        stack, seen = list(g.successors(a)), set()
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            if g.nodes[n]["node_type"] == "event":
                p.add_edge(a, n)
            else:
                stack.extend(g.successors(n))
    return p


#: What is derived from a frozen (shared, unchangeable) graph, kept while the graph lives.
_DERIVED: weakref.WeakKeyDictionary[nx.DiGraph, dict[str, Any]] = weakref.WeakKeyDictionary()


def time_order(g: nx.DiGraph) -> list[str]:
    """Events in an order that respects both the edges and the date bounds.

    A topological order that, among the events free to come next, takes the one with the
    earliest bounds first; ties break on the id so the order is reproducible. Computed once
    per case graph (the frozen one :func:`build_graph` returns).
    """
    if not nx.is_frozen(g):
        return _time_order(g)
    derived = _DERIVED.setdefault(g, {})
    if "time_order" not in derived:
        derived["time_order"] = _time_order(g)
    return list(derived["time_order"])


def _time_order(g: nx.DiGraph) -> list[str]:
    p = event_projection(g)

    def key(n: str) -> tuple[date, date, str]:
        return (p.nodes[n]["earliest"], p.nodes[n]["latest"], n)

    return list(nx.lexicographical_topological_sort(p, key=key))


def graph_summary(g: nx.DiGraph) -> dict[str, Any]:
    """Counts a reader wants first: nodes, edges, harms, and how much rests on FR."""
    kinds: dict[str, int] = {}
    for _n, data in g.nodes(data=True):
        kinds[data["node_type"]] = kinds.get(data["node_type"], 0) + 1
    labels: dict[str, int] = {}
    for _u, _v, data in g.edges(data=True):
        labels[data["label"]] = labels.get(data["label"], 0) + 1
    derived = fr_downstream(g)
    harms = [n for n, d in g.nodes(data=True) if d.get("harm")]
    return {
        "events": kinds.get("event", 0),
        "evidence": kinds.get("evidence", 0),
        "edges": dict(sorted(labels.items())),
        "fr_outputs": sorted(n for n, d in g.nodes(data=True) if d.get("fr_output")),
        "fr_downstream_events": sorted(n for n in derived if g.nodes[n]["node_type"] == "event"),
        "harms": sorted(harms),
        "harms_downstream_of_fr": sorted(h for h in harms if h in derived),
        "is_dag": nx.is_directed_acyclic_graph(g),
    }
