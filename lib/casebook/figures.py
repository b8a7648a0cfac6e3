"""Two plotly figures of a case: the timeline by actor lane and the time-ordered event graph.

:func:`timeline_figure` — x is the date, y one lane per acting agency (a unit or a person is
drawn in its parent agency's lane); an event no agency acts in gets a lane by its stage.
Lanes run from context through the police, the prosecutor and the court to the aftermath. A day
known exactly is a dot; every other date — imprecise, uncertain, a span, or disputed claims
(their hull) — is a bar over its whole possible range, never a dot on an invented day. Colour is
the highest severity of the rule violations at the event (red / orange / yellow), blue for none,
grey for context; a dark-red outline marks a failed rule that does not count under the lens.
The key steps (offense … dismissal) are labelled, placed so that no two labels overlap.

:func:`graph_figure` — the event graph of :func:`casebook.graph.build_graph`, left to right:
events keep :func:`casebook.graph.time_order` (concurrent ones may share a column), evidence
sits between what it rests on and the first event that uses it, so every edge runs left to
right. Each node gets the row nearest its predecessors where its label collides with no other.
Events are circles, evidence squares; purple marks evidence derived from a face-recognition
output (provenance) and events downstream of one (consequences); a red outline marks a failed
rule, a thick one a violation. Edge styles differ by label.

Both take ``findings`` from :func:`casebook.findings.evaluate`; ``upto=event_id`` shows only
what was known at that decision point (:func:`known_at`); people are named only through
:meth:`ActorView.label` with ``redact``. Case text is HTML-escaped, since plotly renders a
subset of HTML in hover text and labels. Geometry (width, height, axis ranges) is fixed so the
output is deterministic and the label layout can be checked in pixels.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from .case import Case
from .casefile import Event
from .findings import ACTING_ROLES, acting_agencies
from .graph import build_graph, fr_derived, fr_downstream, time_order

__all__ = ["KEY_STEPS", "SEVERITY_COLOURS", "graph_figure", "known_at", "timeline_figure"]

SEVERITIES = ("high", "medium", "low")
SEVERITY_COLOURS = {"high": "#d62728", "medium": "#ff7f0e", "low": "#e7ba52"}
NEUTRAL, CONTEXT, FR_COLOUR, EVIDENCE = "#4c78a8", "#c7c7c7", "#8e44ad", "#95a5a6"
FAIL_LINE = "#8b0000"
#: Event types labelled on the timeline (the first event of each), with their short label.
KEY_STEPS = {"offense": "Offense", "fr-search": "Face search", "photo-lineup": "Photo lineup",
             "warrant-issued": "Warrant", "arrest": "Arrest", "detention": "Detention",
             "dismissal": "Dismissal"}
STAGES = ("context", "offense", "investigation", "charging", "custody", "court", "outcome",
          "aftermath")
_STAGE_LANES = {"context": "Context", "offense": "Offense and witnesses",
                "investigation": "Offense and witnesses", "charging": "Court and custody",
                "custody": "Court and custody", "court": "Court and custody",
                "outcome": "Court and custody", "aftermath": "Accused and family / public"}
_PUBLIC = "Accused and family / public"
FONT = 11       # label font size (px); a character is taken as 0.62 em wide
CHAR = 0.62


# --------------------------------------------------------------------------------- shared


def known_at(case: Case, event_id: str) -> list[str]:
    """Ids of the events known at ``event_id``: it and every event that definitely or possibly
    came before it (earliest day <= its latest), context included, in date order."""
    if event_id not in case.event_by_id:
        raise KeyError(f"no event {event_id!r} in case {case.id!r}")
    latest = case.bounds(event_id)[1]
    known = [ev for ev in case.events if case.bounds(ev)[0] <= latest]
    return [ev.id for ev in sorted(known, key=lambda e: (*case.bounds(e), e.id))]


@dataclass(frozen=True)
class _Verdict:
    """What the findings say about one event: failed rules (violations first), top severity."""

    failed: tuple[str, ...] = ()
    violations: tuple[str, ...] = ()
    severity: str | None = None


def _verdicts(findings: pd.DataFrame | None) -> dict[str, _Verdict]:
    if findings is None or findings.empty:
        return {}
    out: dict[str, _Verdict] = {}
    fails = findings[findings["status"] == "fail"]
    for event, rows in fails.groupby("event", sort=True):
        viol = rows[rows["violation"].astype(bool)]
        v_ids = tuple(dict.fromkeys(str(r) for r in viol["rule"]))
        rest = tuple(r for r in dict.fromkeys(str(r) for r in rows["rule"]) if r not in v_ids)
        sev = min((str(s) for s in viol["severity"]), default=None,
                  key=lambda s: SEVERITIES.index(s) if s in SEVERITIES else len(SEVERITIES))
        out[str(event)] = _Verdict(v_ids + rest, v_ids, sev)
    return out


def _esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def _wrap(text: str, width: int = 70) -> str:
    return "<br>".join(_esc(line) for line in textwrap.wrap(text, width)) or ""


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _date_text(case: Case, ev: Event) -> str:
    text = " | ".join(dict.fromkeys(d.human() for d in case.dates(ev)))
    return text + (" (disputed)" if case.when_disputed(ev) else "")


def _who(case: Case, ev: Event, redact: bool) -> list[str]:
    return [f"{role.replace('_', ' ')}: "
            + _esc(", ".join(_short(case.actors[a].label(redact)) for a in ids))
            for role, ids in ev.participants.items() if ids]


def _rules_text(v: _Verdict) -> list[str]:
    lines = [f"violation: {_esc(r)}" for r in v.violations]
    lines += [f"failed (does not count under this lens): {_esc(r)}"
              for r in v.failed if r not in v.violations]
    return lines


def _event_hover(case: Case, ev: Event, v: _Verdict, redact: bool) -> str:
    publishers = list(dict.fromkeys(case.sources[s].publisher for s in ev.sources))
    shown = ", ".join(publishers[:4]) + (f" and {len(publishers) - 4} more"
                                         if len(publishers) > 4 else "")
    n = len(ev.sources)
    lines = [f"<b>{_esc(ev.id)}</b> ({_esc(ev.type)})", _esc(_date_text(case, ev)),
             _wrap(ev.summary), *_who(case, ev, redact),
             f"{n} source{'s' if n != 1 else ''}: " + _wrap(shown)]
    return "<br>".join(lines + _rules_text(v))


def _title(kind: str, case: Case, upto: str | None, width: int) -> tuple[str, int]:
    """The title, wrapped to the figure's width, and the number of lines it takes."""
    text = f"{kind}: {case.title}" + (f" — as known at {upto}" if upto else "")
    lines = textwrap.wrap(text, max(40, int(width / 9.5)))
    return "<br>".join(_esc(line) for line in lines), len(lines)


def _boxes_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float],
                   gap: float = 0.0) -> bool:
    """Rectangles (x0, y0, x1, y1) closer than ``gap``."""
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _legend_only(name: str, symbol: str, colour: str, line: str, width: float) -> Any:
    return go.Scatter(x=[None], y=[None], mode="markers", name=name, hoverinfo="skip",
                      marker={"symbol": symbol, "size": 12, "color": colour,
                              "line": {"color": line, "width": width}})


# ------------------------------------------------------------------------------ timeline

TL_WIDTH, TL_MARGIN = 1200, {"l": 200, "r": 30, "t": 120, "b": 60}
ROW_PX, LANE_GAP, POINT_PX, BAR_ROWS = 30, 0.8, 11, 0.5
_OPEN_LO, _OPEN_HI = date.min, date.max


def _registry_top(case: Case, rid: str) -> str:
    """A person's or unit's lane is its parent agency's (as far as the registry says)."""
    seen = {rid}
    entry = case.registry.actors[rid]
    while entry.kind in ("person", "unit") and entry.affiliation and entry.affiliation not in seen:
        rid = entry.affiliation
        seen.add(rid)
        entry = case.registry.actors[rid]
    return rid


def _resolve(case: Case, actor_id: str) -> str | None:
    """The registry id an actor stands for, directly or through its affiliations."""
    seen: set[str] = set()
    while actor_id not in seen:
        seen.add(actor_id)
        actor = case.actors[actor_id].actor
        if actor.ref:
            return actor.ref
        if not actor.affiliation:
            return None
        actor_id = actor.affiliation
    return None


def _lane(case: Case, ev: Event, redact: bool) -> tuple[str, str]:
    """(lane name, stage) — the first acting agency in role order, else the stage's lane."""
    stage = case.vocabulary.event_types[ev.type].stage
    if ev.context:
        return "Context", "context"
    agencies = acting_agencies(case, ev)
    for role in ACTING_ROLES:
        for aid in ev.participants.get(role, []):
            rid = _resolve(case, aid)
            if rid is None or rid not in agencies:
                continue
            top = _registry_top(case, rid)
            entry = case.registry.actors[top]
            if entry.kind != "person":
                return entry.name, stage
            viewers = [a for a in case.actors.values() if a.actor.ref == top]
            return (viewers[0].label(redact) if viewers else "Other"), stage
    return _STAGE_LANES.get(stage, "Other"), stage


@dataclass
class _Mark:
    ev: Event
    lane: str
    start: date          # clipped to the axis
    end: date            # inclusive, clipped to the axis
    point: bool
    y: float = 0.0


def _x_range(lows: Iterable[date], highs: Iterable[date]) -> tuple[date, date]:
    finite = [d for d in [*lows, *highs] if d not in (_OPEN_LO, _OPEN_HI)]
    lo, hi = min(finite), max(finite)
    pad = timedelta(days=max(15, (hi - lo).days * 0.03))
    return lo - pad, hi + pad


def _stack(marks: list[_Mark], px: Any) -> int:
    """Give overlapping marks in a lane their own sub-row; returns the number of sub-rows."""
    rows: list[float] = []
    for m in sorted(marks, key=lambda m: (m.start, m.end, m.ev.id)):
        left = px(m.start) - POINT_PX if m.point else px(m.start)
        right = px(m.start) + POINT_PX if m.point else px(m.end + timedelta(days=1))
        row = next((i for i, r in enumerate(rows) if r + 3 < left), len(rows))
        if row == len(rows):
            rows.append(right)
        rows[row] = right
        m.y = row
    return max(len(rows), 1)


def _lane_order(marks: list[_Mark], stages: Mapping[str, str]) -> list[str]:
    """Context first, the public last, the rest by their earliest stage, then first date."""
    key: dict[str, tuple[int, int, date, str]] = {}
    for m in marks:
        rank = STAGES.index(stages[m.ev.id]) if stages[m.ev.id] in STAGES else len(STAGES)
        group = 0 if m.lane == "Context" else 2 if m.lane == _PUBLIC else 1
        k = (group, rank, m.start, m.lane)
        key[m.lane] = min(key.get(m.lane, k), k)
    return sorted(key, key=lambda lane: key[lane])


def _place_labels(anchors: list[tuple[str, str, float, float]], plot_w: float,
                  plot_h: float, obstacles: list[tuple[float, float, float, float]]
                  ) -> list[tuple[str, str, float, float]]:
    """Greedy: each label takes the first offset (above, below, further out …) whose box
    overlaps no placed label and, if possible, no event mark. Returns (name, text, ax, ay)."""
    placed: list[tuple[float, float, float, float]] = []
    out = []
    offsets = [(0.0, float(dy)) for k in (1, 2, 3, 4) for dy in (-k * 24 - 6, k * 24 + 6)]
    offsets += [(float(dx), dy) for dx in (-70, 70) for _, dy in offsets[:4]]
    for name, text, x, y in sorted(anchors, key=lambda a: (a[2], a[3])):
        w, h = len(text) * FONT * CHAR + 10, FONT * 1.3 + 8

        def box(dx: float, dy: float, x: float = x, y: float = y, w: float = w,
                h: float = h) -> tuple[float, float, float, float]:
            return (x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2)

        inside = [o for o in offsets
                  if 0 <= box(*o)[1] and box(*o)[3] <= plot_h
                  and 0 <= box(*o)[0] and box(*o)[2] <= plot_w]
        free = [o for o in inside if not any(_boxes_overlap(box(*o), p, 4) for p in placed)]
        clear = [o for o in free if not any(_boxes_overlap(box(*o), p) for p in obstacles)]
        dx, dy = (clear or free or inside or offsets)[0]
        placed.append(box(dx, dy))
        out.append((name, text, dx, dy))
    return out


def timeline_figure(case: Case, findings: pd.DataFrame | None = None, *, upto: str | None = None,
                    redact: bool = False) -> go.Figure:
    """The case on a calendar, one lane per actor, with the protocol failures coloured in —
    where in time and by whom things went wrong, and how precisely the record dates them."""
    shown = set(known_at(case, upto)) if upto else set(case.event_by_id)
    events = [ev for ev in case.events if ev.id in shown]
    verdicts = _verdicts(findings)
    bounds = {ev.id: case.bounds(ev) for ev in events}
    x0, x1 = _x_range((b[0] for b in bounds.values()), (b[1] for b in bounds.values()))
    plot_w = TL_WIDTH - TL_MARGIN["l"] - TL_MARGIN["r"]

    def px(d: date | datetime) -> float:
        if isinstance(d, datetime):
            return (d - datetime.combine(x0, time())).total_seconds() / 86400 \
                / (x1 - x0).days * plot_w
        return (d - x0).days / (x1 - x0).days * plot_w

    marks: list[_Mark] = []
    stages: dict[str, str] = {}
    for ev in events:
        lo, hi = bounds[ev.id]
        lane, stages[ev.id] = _lane(case, ev, redact)
        point = lo == hi and all(d.is_point for d in case.dates(ev))
        marks.append(_Mark(ev, lane, max(lo, x0), min(hi, x1 - timedelta(days=1)), point))
    lanes = _lane_order(marks, stages)
    ticks, top = [], 0.0
    for lane in lanes:
        in_lane = [m for m in marks if m.lane == lane]
        n = _stack(in_lane, px)
        for m in in_lane:
            m.y += top
        ticks.append((top + (n - 1) / 2, lane, top, top + n - 1))
        top += n + LANE_GAP
    y_lo, y_hi = -0.7, top - LANE_GAP - 1 + 0.7
    plot_h = (y_hi - y_lo) * ROW_PX

    def py(y: float) -> float:
        return (y - y_lo) * ROW_PX

    fig = go.Figure()
    for i, (_centre, _lane_name, first, last) in enumerate(ticks):
        if i % 2 == 0:
            fig.add_shape(type="rect", xref="paper", x0=0, x1=1, y0=first - 0.5, y1=last + 0.5,
                          fillcolor="#f4f6f8", line={"width": 0}, layer="below")
    categories: list[tuple[str, str, list[_Mark]]] = []
    for sev in SEVERITIES:
        categories.append((f"Violation, {sev} severity", SEVERITY_COLOURS[sev],
                           [m for m in marks if verdicts.get(m.ev.id, _Verdict()).severity == sev
                            and not m.ev.context]))
    categories.append(("No violation", NEUTRAL, [m for m in marks if not m.ev.context and
                       verdicts.get(m.ev.id, _Verdict()).severity is None]))
    categories.append(("Context (background)", CONTEXT, [m for m in marks if m.ev.context]))
    for name, colour, group in categories:
        legend = True
        for point in (True, False):
            sub = [m for m in group if m.point == point]
            if not sub:
                continue
            hover = [_event_hover(case, m.ev, verdicts.get(m.ev.id, _Verdict()), redact)
                     for m in sub]
            line = {"color": [FAIL_LINE if m.ev.id in verdicts else colour for m in sub],
                    "width": [2 if m.ev.id in verdicts else 0.5 for m in sub]}
            common = {"name": name, "legendgroup": name, "showlegend": legend,
                      "customdata": [[m.ev.id, m.lane] for m in sub], "hovertext": hover,
                      "hoverinfo": "text", "y": [m.y for m in sub]}
            if point:
                fig.add_trace(go.Scatter(
                    x=[m.start.isoformat() for m in sub], mode="markers", **common,
                    marker={"size": POINT_PX, "color": colour, "line": line}))
            else:
                fig.add_trace(go.Bar(
                    orientation="h", base=[m.start.isoformat() for m in sub],
                    x=[(m.end - m.start + timedelta(days=1)).days * 86_400_000 for m in sub],
                    width=BAR_ROWS, opacity=0.8, **common,
                    marker={"color": colour, "line": line}))
            legend = False
    fig.add_trace(_bar_ends(marks, categories, px, x0, x1, bounds))
    fig.add_trace(_legend_only("Failed a rule that does not count under this lens",
                               "circle", NEUTRAL, FAIL_LINE, 2))

    anchors, obstacles, first_of = [], [], {}
    for m in sorted(marks, key=lambda m: (m.start, m.end, m.ev.id)):
        left = px(m.start) - (POINT_PX / 2 if m.point else 0)
        right = px(m.start) + POINT_PX / 2 if m.point else px(m.end + timedelta(days=1))
        half = (POINT_PX if m.point else BAR_ROWS * ROW_PX) / 2
        obstacles.append((left, py(m.y) - half, right, py(m.y) + half))
        if m.ev.type in KEY_STEPS and m.ev.type not in first_of:
            first_of[m.ev.type] = m
            anchors.append((m.ev.type, KEY_STEPS[m.ev.type], _anchor_px(m, px), py(m.y)))
    for etype, text, dx, dy in _place_labels(anchors, plot_w, plot_h, obstacles):
        m = first_of[etype]
        fig.add_annotation(x=_anchor_x(m), y=m.y, text=text, name=f"key-step:{etype}",
                           ax=dx, ay=dy, showarrow=True, arrowhead=0, arrowwidth=1,
                           arrowcolor="#555", font={"size": FONT}, bgcolor="white",
                           bordercolor="#555", borderwidth=1, borderpad=3)

    title, n_lines = _title("Timeline", case, upto, TL_WIDTH)
    margin = {**TL_MARGIN, "t": TL_MARGIN["t"] + 20 * (n_lines - 1)}
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 16}, "subtitle": {"text": (
            "Dots: a day known exactly. Bars: every day an uncertain, lasting or disputed "
            "date may mean. Colour: the most severe protocol violation there.")}},
        width=TL_WIDTH, height=round(plot_h) + margin["t"] + margin["b"], margin=margin,
        hovermode="closest", barmode="overlay", plot_bgcolor="white",
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": 11}},
        xaxis={"type": "date", "range": [x0.isoformat(), x1.isoformat()], "title": "Date",
               "showgrid": True, "gridcolor": "#e5e5e5"},
        yaxis={"range": [y_hi, y_lo], "title": "Who acted", "showgrid": False, "zeroline": False,
               "tickvals": [t[0] for t in ticks], "ticktext": [
                   "<br>".join(textwrap.wrap(_esc(t[1]), 28)[:2]) for t in ticks]},
    )
    return fig


def _bar_ends(marks: list[_Mark], categories: list[tuple[str, str, list[_Mark]]], px: Any,
              x0: date, x1: date, bounds: Mapping[str, tuple[date, date]]) -> Any:
    """Small marks that keep bars readable: a tick on a bar too short to see, and an arrowhead
    where an open-ended date runs off the axis. Not hoverable, so the bar's hover shows."""
    colour = {m.ev.id: c for _, c, group in categories for m in group}
    xs, ys, symbols, colours = [], [], [], []
    for m in marks:
        if m.point:
            continue
        lo, hi = bounds[m.ev.id]
        ends = [(x0, "triangle-left")] if lo < x0 else []
        ends += [(x1, "triangle-right")] if hi > x1 else []
        if px(m.end + timedelta(days=1)) - px(m.start) < 8:
            ends.append((datetime.fromisoformat(_anchor_x(m)), "line-ns"))
        for x, symbol in ends:
            xs.append(x.isoformat())
            ys.append(m.y)
            symbols.append(symbol)
            colours.append(colour[m.ev.id])
    return go.Scatter(x=xs, y=ys, mode="markers", hoverinfo="skip", showlegend=False,
                      cliponaxis=False,
                      name="bar ends", marker={"symbol": symbols, "color": colours, "size": 12,
                                               "line": {"color": colours, "width": 2}})


def _anchor_x(m: _Mark) -> str:
    """A dot's day, or the middle of a bar."""
    if m.point:
        return m.start.isoformat()
    start = datetime.combine(m.start, time())
    return (start + (datetime.combine(m.end + timedelta(days=1), time()) - start) / 2
            ).isoformat()


def _anchor_px(m: _Mark, px: Any) -> float:
    return float(px(datetime.fromisoformat(_anchor_x(m))))


# ---------------------------------------------------------------------------- event graph

GR_MARGIN = {"l": 30, "r": 30, "t": 80, "b": 150}
COL_PX_MIN, GR_ROW_PX, NODE_PX, LABEL_GAP = 44, 52, 13, 6
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


def _short_label(node: str, limit: int = 14) -> list[str]:
    """An id on one or two lines, split at the hyphen that balances them, cut to ``limit``."""
    if len(node) <= 12 or "-" not in node:
        return [_short(node, limit)]
    cuts = [i for i, ch in enumerate(node) if ch == "-"]
    i = min(cuts, key=lambda i: (max(i + 1, len(node) - i - 1), i))
    return [_short(node[: i + 1], limit), _short(node[i + 1:], limit)]


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


def _evidence_hover(case: Case, n: str, derived: bool, redact: bool) -> str:
    item = case.evidence[n]
    lines = [f"<b>{_esc(n)}</b> (evidence: {_esc(item.kind)})"]
    if item.summary:
        lines.append(_wrap(item.summary))
    if item.implicates:
        lines.append("implicates: " + _esc(", ".join(
            _short(case.actors[a].label(redact)) for a in item.implicates)))
    if item.held_by:
        lines.append("held by: " + _esc(_short(case.actors[item.held_by].label(redact))))
    if derived:
        lines.append("derived from the face-recognition output")
    lines.append(f"{len(item.sources)} source(s)")
    return "<br>".join(lines)


def graph_figure(case: Case, findings: pd.DataFrame | None = None, *, upto: str | None = None,
                 redact: bool = False) -> go.Figure:
    """The support chain at a glance: what rested on what, in time order, with everything the
    face-recognition output fed highlighted and the failed steps outlined."""
    g = build_graph(case)
    if upto:
        g = g.subgraph(_visible(g, set(known_at(case, upto)))).copy()
    verdicts = _verdicts(findings)
    derived, downstream = fr_derived(g), fr_downstream(g)
    order, col = _columns(g)
    n_cols = max(col.values(), default=0) + 1
    width = max(900, min(1500, COL_PX_MIN * n_cols + GR_MARGIN["l"] + GR_MARGIN["r"] + 60))
    col_px = (width - GR_MARGIN["l"] - GR_MARGIN["r"]) / (n_cols + 1)
    labels = {n: _short_label(n) for n in order}
    widths = {n: max(max(map(len, labels[n])) * FONT * CHAR, NODE_PX + 6) for n in order}
    rows = _rows(g, order, col, widths, col_px)
    n_rows = max(rows.values(), default=0) + 1

    fig = go.Figure()
    fr_edges: list[Any] = [[], []]
    for label, (colour, dash, lw) in _EDGE_STYLES.items():
        xs: list[float | None] = []
        ys: list[float | None] = []
        for u, v, d in g.edges(data=True):
            if d["label"] != label:
                continue
            xs += [col[u], col[v], None]
            ys += [rows[u], rows[v], None]
            if u in derived or v in derived:
                fr_edges[0] += [col[u], col[v], None]
                fr_edges[1] += [rows[u], rows[v], None]
        if xs:
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip",
                                     name=f"edge: {label.replace('_', ' ')}",
                                     line={"color": colour, "dash": dash, "width": lw}))
    if fr_edges[0]:
        fig.add_trace(go.Scatter(x=fr_edges[0], y=fr_edges[1], mode="lines", hoverinfo="skip",
                                 name="edge carrying FR-derived evidence", opacity=0.35,
                                 line={"color": FR_COLOUR, "width": 4}))

    def node_group(nodes: list[str]) -> dict[str, Any]:
        fails = [verdicts.get(n, _Verdict()) for n in nodes]
        return {"x": [col[n] for n in nodes], "y": [rows[n] for n in nodes],
                "customdata": nodes, "text": ["<br>".join(_esc(t) for t in labels[n])
                                              for n in nodes],
                "mode": "markers+text", "textposition": "top center",
                "textfont": {"size": FONT}, "hoverinfo": "text",
                "line_w": [4 if v.violations else 2 if v.failed else 0.5 for v in fails],
                "line_c": [FAIL_LINE if v.failed else "white" for v in fails],
                "size": [NODE_PX + 4 if v.violations else NODE_PX for v in fails]}

    events = [n for n in order if g.nodes[n]["node_type"] == "event"]
    items = [n for n in order if g.nodes[n]["node_type"] == "evidence"]
    groups = [
        ("Event", "circle", NEUTRAL,
         [n for n in events if n not in downstream and not g.nodes[n]["context"]]),
        ("Event downstream of the face-recognition output", "circle", FR_COLOUR,
         [n for n in events if n in downstream and not g.nodes[n]["context"]]),
        ("Context event", "circle", CONTEXT, [n for n in events if g.nodes[n]["context"]]),
        ("Evidence", "square", EVIDENCE, [n for n in items if n not in derived]),
        ("Evidence derived from the face-recognition output", "square", FR_COLOUR,
         [n for n in items if n in derived]),
    ]
    for name, symbol, colour, nodes in groups:
        if not nodes:
            continue
        spec = node_group(nodes)
        hover = [_event_hover(case, case.event_by_id[n], verdicts.get(n, _Verdict()), redact)
                 + ("<br>downstream of the face-recognition output" if n in downstream else "")
                 if symbol == "circle" else _evidence_hover(case, n, n in derived, redact)
                 for n in nodes]
        fig.add_trace(go.Scatter(
            x=spec["x"], y=spec["y"], customdata=spec["customdata"], text=spec["text"],
            mode=spec["mode"], textposition=spec["textposition"], textfont=spec["textfont"],
            hovertext=hover, hoverinfo="text", name=name, cliponaxis=False,
            marker={"symbol": symbol, "color": colour, "size": spec["size"],
                    "line": {"color": spec["line_c"], "width": spec["line_w"]}}))
    fig.add_trace(_legend_only("Failed a rule (red outline)", "circle", NEUTRAL, FAIL_LINE, 2))
    fig.add_trace(_legend_only("Violation (thick red outline)", "circle", NEUTRAL, FAIL_LINE, 4))

    ticks: dict[int, str] = {}
    for n in events:
        year = str(g.nodes[n]["earliest"].year)
        if col[n] not in ticks and year not in ticks.values():
            ticks[col[n]] = year
    plot_h = (n_rows + 0.6) * GR_ROW_PX
    title, n_lines = _title("Event graph", case, upto, width)
    margin = {**GR_MARGIN, "t": GR_MARGIN["t"] + 20 * (n_lines - 1)}
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 16}, "subtitle": {"text": (
            "Support flows left to right: evidence → the events that use it → what they "
            "produce. Hover a node for its summary and date.")}},
        width=width, height=round(plot_h) + margin["t"] + margin["b"], margin=margin,
        hovermode="closest", plot_bgcolor="white", showlegend=True,
        legend={"orientation": "h", "x": 0, "xref": "container", "y": 0, "yref": "container",
                "yanchor": "bottom", "font": {"size": 11}},
        xaxis={"range": [-0.5, n_cols + 0.5], "title": "Time order (year of the first event)",
               "tickvals": list(ticks), "ticktext": list(ticks.values()), "showgrid": True,
               "gridcolor": "#eeeeee", "zeroline": False},
        yaxis={"range": [n_rows - 0.5 + 0.1, -1.0], "visible": False},
    )
    return fig
