"""The event-graph figure of a case.

The causal core reads first: background events collapse into one "Background" node and the
aftermath (publicity, complaints, lawsuits, reforms) into one "Aftermath" node, each with its
count; ``collapse=False`` draws every event. Nodes are named as people name them — a short
``label``, else the summary cut short, never an id — in at most two lines; a graph too large to
label legibly at the page's width gets numbered markers and a key instead.

:func:`graph_figure` — the event graph of :func:`casebook.graph.build_graph`, left to right:
events keep :func:`casebook.graph.time_order` (concurrent ones may share a column), evidence
sits between what it rests on and the first event that uses it, so every edge runs left to
right. Each node gets the row nearest its predecessors where its label collides with no other.
Events are circles, evidence squares; purple marks evidence derived from a face-recognition
output (provenance) and events downstream of one (consequences); a red outline marks a failed
rule, a thick one a violation. Edge styles differ by label.

What both figures share (findings, ``upto``, redaction, escaping, widths) is in
:mod:`casebook.views.figure_parts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from ..engine.graph import build_graph, fr_derived, fr_downstream, time_order
from ..model.case import Case
from .figure_parts import (
    CHAR,
    CONTEXT,
    EVIDENCE,
    FAIL_LINE,
    FONT,
    FR_COLOUR,
    MIN_WIDTH,
    NEUTRAL,
    _esc,
    _event_hover,
    _heading,
    _legend,
    _legend_only,
    _short,
    _Verdict,
    _verdicts,
    _wrap,
    known_at,
    node_name,
)

__all__ = ["graph_figure", "graph_key"]

GR_MARGIN = {"l": 12, "r": 12}
#: Room (px) beside the first and last columns for half of the widest label.
EDGE_PX = 60
#: Above this many nodes the labels give way to numbers and a key.
NUMBERED_ABOVE = 70
GROUPS = (("background", "Background"), ("aftermath", "Aftermath"))
GR_ROW_PX, NODE_PX, LABEL_GAP = 52, 13, 6
_EDGE_STYLES = {"produces": ("#666666", "solid", 1.2), "uses": ("#999999", "solid", 1.0),
                "derived_from": ("#666666", "dot", 1.5), "follows": ("#bbbbbb", "dash", 0.8)}


def _visible(g: nx.DiGraph, events: set[str]) -> set[str]:
    """Known events, plus the evidence that exists by then: items whose makers and sources are
    all known, and items nothing made (a licence photo) once a known node uses them."""
    roots = {n for n, d in g.nodes(data=True) if d["node_type"] == "evidence" and
             g.in_degree(n) == 0}
    keep = set(events)
    for n in nx.topological_sort(g):
        if g.nodes[n]["node_type"] == "evidence" and n not in roots and all(
                p in keep or p in roots for p in g.predecessors(n)):
            keep.add(n)
    return keep | {r for r in roots if any(s in keep for s in g.successors(r))}


def _columns(g: nx.DiGraph) -> tuple[list[str], dict[str, int]]:
    """Left-to-right order and column of every node. Events keep ``time_order`` (concurrent
    ones share a column); an item goes right after what it rests on; an item nothing made goes
    just before its first user. Every edge then runs strictly left to right."""
    order: list[str] = time_order(g)
    later: list[str] = []
    for n in nx.topological_sort(g):
        if g.nodes[n]["node_type"] != "evidence":
            continue
        placed = [order.index(p) for p in g.predecessors(n) if p in order]
        if placed:
            order.insert(max(placed) + 1, n)
        else:
            later.append(n)
    for n in reversed(later):
        users = [order.index(s) for s in g.successors(n) if s in order]
        order.insert(min(users) if users else len(order), n)
    col: dict[str, int] = {}
    last_event = 0
    for n in order:
        c = max((col[p] + 1 for p in g.predecessors(n) if p in col), default=0)
        if g.nodes[n]["node_type"] == "event":
            c = last_event = max(c, last_event)
        col[n] = c
    for n in reversed(order):      # pull source items right, next to their first user
        if g.in_degree(n) == 0 and g.nodes[n]["node_type"] == "evidence" and g.out_degree(n):
            col[n] = max(col[n], min(col[s] for s in g.successors(n)) - 1)
    return order, col


def _short_label(name: str, limit: int = 16) -> list[str]:
    """A name on one or two lines of at most ``limit`` characters, split at a space."""
    import textwrap

    lines = textwrap.wrap(name, limit, break_long_words=True) or [name]
    if len(lines) > 2:
        lines = [lines[0], _short(" ".join(lines[1:]), limit)]
    return lines


def _collapse(case: Case, g: nx.DiGraph) -> tuple[nx.DiGraph, dict[str, list[str]]]:
    """Background and aftermath events, each group as one node (``group:background``…);
    the members of each group."""
    stage = {n: case.vocabulary.event_types[case.event_by_id[n].type].stage
             for n, d in g.nodes(data=True) if d["node_type"] == "event"}
    member: dict[str, str] = {}
    for n, d in g.nodes(data=True):
        if d["node_type"] != "event":
            continue
        if d.get("context"):
            member[n] = "group:background"
        elif stage[n] == "aftermath":
            member[n] = "group:aftermath"
    if not member:
        return g, {}
    out = nx.DiGraph()
    groups: dict[str, list[str]] = {}
    for n, d in g.nodes(data=True):
        if n in member:
            groups.setdefault(member[n], []).append(n)
        else:
            out.add_node(n, **d)
    for gid, members in groups.items():
        first = min((g.nodes[m] for m in members), key=lambda d: d["earliest"])
        out.add_node(gid, **{**first, "node_type": "event", "context": gid.endswith("background"),
                             "group": members})
    for u, v, d in g.edges(data=True):
        a, b = member.get(u, u), member.get(v, v)
        if a != b and not out.has_edge(a, b) and not nx.has_path(out, b, a):
            out.add_edge(a, b, **d)
    return out, groups


def _rows(g: nx.DiGraph, order: list[str], col: Mapping[str, int],
          widths: Mapping[str, float], col_px: float) -> dict[str, int]:
    """Each node takes the free row nearest its predecessors' mean row; a row is free when the
    node's label box keeps ``LABEL_GAP`` from every label already in that row."""
    rows: dict[str, int] = {}
    taken: dict[int, list[tuple[float, float]]] = {}
    for n in sorted(order, key=lambda n: (col[n], order.index(n))):
        cx, half = col[n] * col_px, widths[n] / 2
        above = [rows[p] for p in g.predecessors(n) if p in rows]
        pref = round(sum(above) / len(above)) if above else 0
        for r in sorted(range(max(taken, default=0) + 2), key=lambda r: (abs(r - pref), r)):
            if all(cx + half + LABEL_GAP <= a or b + LABEL_GAP <= cx - half
                   for a, b in taken.get(r, [])):
                break
        rows[n] = r
        taken.setdefault(r, []).append((cx - half, cx + half))
    return rows


def _rested_on(case: Case, g: nx.DiGraph, names: Mapping[str, str]) -> dict[str, str]:
    """For each harm, the chain it rested on, named: from the face-recognition output — or, in
    a case without one, from the first identification — to the harm, the shortest way."""
    starts = [n for n, d in g.nodes(data=True) if d.get("fr_output")] or [
        n for n in g.nodes if n in case.evidence and case.evidence[n].kind == "identification"]
    harms = [n for n, d in g.nodes(data=True) if d["node_type"] == "event" and d.get("harm")
             and not d.get("context")]
    parent: dict[str, str | None] = dict.fromkeys(starts)   # one search from every start
    frontier = list(starts)
    while frontier:
        reached = []
        for u in frontier:
            for v in g.successors(u):
                if v not in parent:
                    parent[v] = u
                    reached.append(v)
        frontier = reached
    out = {}
    for harm in (h for h in harms if h in parent):
        chain: list[str] = []
        node: str | None = harm
        while node is not None:
            chain.append(names.get(node, node))
            node = parent[node]
        named = chain[::-1]
        out[harm] = " → ".join(x for i, x in enumerate(named) if i == 0 or named[i - 1] != x)
    return out


def _group_hover(case: Case, node: str, members: list[str]) -> str:
    title = dict(GROUPS)[node.split(":", 1)[1]]
    lines = [f"<b>{_esc(title)}</b>: {len(members)} events, collapsed"]
    for m in members[:12]:
        ev = case.event_by_id[m]
        lines.append(_esc(f"{case.date_text(ev)}: {node_name(case, m, 50)}"))
    if len(members) > 12:
        lines.append(f"… and {len(members) - 12} more")
    return "<br>".join(lines)


def _evidence_hover(case: Case, n: str, derived: bool, redact: bool) -> str:
    item = case.evidence[n]
    kind = case.vocabulary.evidence_kinds.get(item.kind)
    lines = [f"<b>{_esc(node_name(case, n, 60))}</b> (evidence: "
             f"{_esc(kind.label if kind and kind.label else item.kind)})"]
    if item.summary:
        lines.append(_wrap(item.summary))
    if item.implicates:
        lines.append("implicates: " + _esc(", ".join(
            _short(case.actors[a].label(redact), 45) for a in item.implicates)))
    if item.held_by:
        lines.append("held by: " + _esc(_short(case.actors[item.held_by].label(redact), 45)))
    if derived:
        lines.append("derived from the face-recognition output")
    lines.append(f"{len(item.sources)} source(s)")
    return "<br>".join(lines)


@dataclass(frozen=True)
class _Layout:
    """Where each node of the graph goes, and the room left beside the first and last
    columns (in columns) for their labels."""

    col: dict[str, int]
    row: dict[str, int]
    label: dict[str, list[str]]
    order: list[str]
    col_px: float        # a column's width at the narrowest
    pad: float

    @property
    def n_cols(self) -> int:
        return max(self.col.values(), default=0) + 1

    @property
    def n_rows(self) -> int:
        return max(self.row.values(), default=0) + 1


def _graph_layout(g: nx.DiGraph, names: Mapping[str, str]) -> _Layout:
    """Columns by time, and rows placed for the narrowest width: labels centred over their
    nodes only move apart as the figure widens."""
    order, col = _columns(g)
    n_cols = max(col.values(), default=0) + 1
    col_px = (MIN_WIDTH - GR_MARGIN["l"] - GR_MARGIN["r"] - 2 * EDGE_PX) / max(n_cols - 1, 1)
    if len(order) > NUMBERED_ABOVE:  # too many to name legibly: numbers, and a key
        labels = {n: [str(i)] for i, n in enumerate(order, start=1)}
    else:
        labels = {n: _short_label(names[n]) for n in order}
    widths = {n: max(max(map(len, labels[n])) * FONT * CHAR, NODE_PX + 6) for n in order}
    return _Layout(col, _rows(g, order, col, widths, col_px), labels, order, col_px,
                   EDGE_PX / col_px)


def graph_key(case: Case, collapse: bool = True) -> list[tuple[str, str]]:
    """(number, name) of each node when the graph is drawn with numbers; empty otherwise."""
    g, groups = _collapse(case, build_graph(case)) if collapse else (build_graph(case), {})
    if g.number_of_nodes() <= NUMBERED_ABOVE:
        return []
    order, _col = _columns(g)
    names = _names(case, g, groups)
    return [(str(i), names[n]) for i, n in enumerate(order, start=1)]


def _names(case: Case, g: nx.DiGraph, groups: Mapping[str, list[str]]) -> dict[str, str]:
    """Each node's name: a group's title and size; a node's own ``label``; else the name of
    its kind when it is the only one of its kind drawn ("Face search", "Photo array"); else
    its summary cut short."""
    from collections import Counter

    titles = dict(GROUPS)
    kind = {n: (case.event_by_id[n].type if n in case.event_by_id else case.evidence[n].kind)
            for n in g.nodes if n not in groups}
    count = Counter(kind.values())
    out = {}
    for n in g.nodes:
        if n in groups:
            out[n] = f"{titles[n.split(':', 1)[1]]} ({len(groups[n])} events)"
            continue
        own = (case.event_by_id[n].label if n in case.event_by_id else case.evidence[n].label)
        if own or count[kind[n]] > 1:
            out[n] = node_name(case, n)
        elif n in case.event_by_id:
            out[n] = case.vocabulary.event_types[kind[n]].label
        else:
            found = case.vocabulary.evidence_kinds.get(kind[n])
            out[n] = (found.label if found and found.label else node_name(case, n)).capitalize()
    return out


def _edge_traces(g: nx.DiGraph, lay: _Layout, derived: set[str]) -> list[Any]:
    """One line trace per edge label, and a wide translucent one over every edge that carries
    FR-derived evidence (so the path of the FR output into the decisions stands out)."""
    traces = []
    fr_x: list[float | None] = []
    fr_y: list[float | None] = []
    for label, (colour, dash, lw) in _EDGE_STYLES.items():
        xs: list[float | None] = []
        ys: list[float | None] = []
        for u, v, d in g.edges(data=True):
            if d["label"] != label:
                continue
            segment_x, segment_y = [lay.col[u], lay.col[v], None], [lay.row[u], lay.row[v], None]
            xs += segment_x
            ys += segment_y
            if u in derived or v in derived:
                fr_x += segment_x
                fr_y += segment_y
        if xs:
            traces.append(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip",
                                     name=f"edge: {label.replace('_', ' ')}",
                                     line={"color": colour, "dash": dash, "width": lw}))
    if fr_x:
        traces.append(go.Scatter(x=fr_x, y=fr_y, mode="lines", hoverinfo="skip", opacity=0.35,
                                 name="edge carrying FR-derived evidence",
                                 line={"color": FR_COLOUR, "width": 4}))
    return traces


def _node_trace(nodes: list[str], name: str, symbol: str, colour: str, lay: _Layout,
                hover: list[str], verdicts: Mapping[str, _Verdict]) -> Any:
    """Markers with their short labels above; a failed rule outlines the marker in red, a
    violation outlines it thickly and makes it larger."""
    fails = [verdicts.get(n, _Verdict()) for n in nodes]
    return go.Scatter(
        x=[lay.col[n] for n in nodes], y=[lay.row[n] for n in nodes], customdata=nodes,
        text=["<br>".join(_esc(t) for t in lay.label[n]) for n in nodes],
        mode="markers+text", textposition="top center", textfont={"size": FONT},
        hovertext=hover, hoverinfo="text", name=name, cliponaxis=False,
        marker={"symbol": symbol, "color": colour,
                "size": [NODE_PX + 4 if v.violations else NODE_PX for v in fails],
                "line": {"color": [FAIL_LINE if v.failed else "white" for v in fails],
                         "width": [4 if v.violations else 2 if v.failed else 0.5
                                   for v in fails]}})


def graph_figure(case: Case, findings: pd.DataFrame | None = None, *, upto: str | None = None,
                 redact: bool = False, show_fr: bool = True,
                 collapse: bool = True, show_verdicts: bool = True) -> go.Figure:
    """The support chain at a glance: what rested on what, in time order, with everything the
    face-recognition output fed highlighted (unless ``show_fr`` is false: an edition that
    must not give the analysis away) and the failed steps outlined; background and aftermath
    collapsed unless ``collapse`` is false; ``show_verdicts=False`` (a classroom edition)
    leaves the failed-rule outlines out of the legend too."""
    g = build_graph(case)
    if upto:
        g = g.subgraph(_visible(g, set(known_at(case, upto)))).copy()
    derived, downstream = (fr_derived(g), fr_downstream(g)) if show_fr else (set(), set())
    groups: dict[str, list[str]] = {}
    if collapse:
        g, groups = _collapse(case, g)
    verdicts = _verdicts(findings)
    names = _names(case, g, groups)
    lay = _graph_layout(g, names)

    fig = go.Figure(_edge_traces(g, lay, derived))
    events = [n for n in lay.order if g.nodes[n]["node_type"] == "event"]
    items = [n for n in lay.order if g.nodes[n]["node_type"] == "evidence"]
    plain = [n for n in events if not g.nodes[n]["context"] and n not in groups]
    kinds = [
        ("Event", "circle", NEUTRAL, [n for n in plain if n not in downstream]),
        ("Event downstream of the face-recognition output", "circle", FR_COLOUR,
         [n for n in plain if n in downstream]),
        ("Context event", "circle", CONTEXT, [n for n in events if g.nodes[n]["context"]
                                               and n not in groups]),
        ("Background and aftermath (collapsed)", "hexagon", CONTEXT,
         [n for n in events if n in groups]),
        ("Evidence", "square", EVIDENCE, [n for n in items if n not in derived]),
        ("Evidence derived from the face-recognition output", "square", FR_COLOUR,
         [n for n in items if n in derived]),
    ]
    rested = _rested_on(case, g, names) if show_fr else {}
    for name, symbol, colour, nodes in kinds:
        if nodes:
            hover = [_group_hover(case, n, groups[n]) if n in groups else
                     _evidence_hover(case, n, n in derived, redact) if symbol == "square" else
                     _event_hover(case, case.event_by_id[n], verdicts.get(n, _Verdict()), redact)
                     + ("<br>downstream of the face-recognition output"
                        if n in downstream else "")
                     + (f"<br><b>rested on</b>: {_esc(rested[n])}" if n in rested else "")
                     for n in nodes]
            fig.add_trace(_node_trace(nodes, name, symbol, colour, lay, hover, verdicts))
    if show_verdicts:
        fig.add_trace(_legend_only("Failed a rule (red outline)", "circle", NEUTRAL, FAIL_LINE,
                                   2))
        fig.add_trace(_legend_only("Violation (thick red outline)", "circle", NEUTRAL,
                                   FAIL_LINE, 4))

    # a year under the first event of that year, where it keeps clear of the year before
    ticks: dict[int, str] = {}
    for n in sorted(events, key=lambda n: lay.col[n]):
        year = str(g.nodes[n]["earliest"].year)
        if year not in ticks.values() and all(
                (lay.col[n] - c) * lay.col_px >= 4 * FONT for c in ticks):
            ticks[lay.col[n]] = year
    plot_h = (lay.n_rows + 0.6) * GR_ROW_PX
    title, top_px = _heading("Event graph", case, upto, (
        "Support flows left to right: evidence → the events that use it → what they produce. "
        "Hover a node for its summary and date."))
    # below the plot: the years, the axis's name, the legend; the margins never grow by
    # themselves, so the rows keep the pixels they were placed in
    fig.add_annotation(text="Time order (year of the first event)", showarrow=False,
                       xref="paper", x=0.5, yref="paper", y=0, yanchor="top", yshift=-26,
                       font={"size": 12}, name="axis title")
    legend, legend_px = _legend(fig, MIN_WIDTH - GR_MARGIN["l"] - GR_MARGIN["r"])
    margin = {**GR_MARGIN, "t": round(top_px + 10), "autoexpand": False,
              "b": round(56 + legend_px)}
    height = round(plot_h) + margin["t"] + margin["b"]
    fig.update_layout(
        title=title, height=height, margin=margin,
        autosize=True, hovermode="closest", plot_bgcolor="white", showlegend=True,
        meta={"min_width": MIN_WIDTH},
        legend=legend,
        xaxis={"range": [-lay.pad, lay.n_cols - 1 + lay.pad], "tickvals": list(ticks),
               "ticktext": list(ticks.values()), "showgrid": True,
               "gridcolor": "#eeeeee", "zeroline": False},
        yaxis={"range": [lay.n_rows - 0.4, -1.0], "visible": False},
    )
    return fig
