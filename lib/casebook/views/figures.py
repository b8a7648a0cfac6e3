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
:meth:`ActorView.label` with ``redact`` (redact the case text itself with
:func:`casebook.redact.redact_case`). Case text is HTML-escaped, since plotly renders a subset
of HTML in hover text and labels. Width, height and axis ranges are fixed, so the output is
deterministic and the label layout can be checked in pixels. For readers of the figure data:
timeline event traces carry ``customdata`` ``[event id, lane]``, graph node traces the node
id, and the key-step annotations are named ``key-step:<event type>``.
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

from ..engine.findings import ACTING_ROLES, acting_agencies
from ..engine.graph import build_graph, fr_derived, fr_downstream, time_order
from ..model.case import Case
from ..model.casefile import Event

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
    titles: tuple[tuple[str, str], ...] = ()     # (rule, title) of the violations


def _verdicts(findings: pd.DataFrame | None) -> dict[str, _Verdict]:
    if findings is None or findings.empty:
        return {}
    out: dict[str, _Verdict] = {}
    fails = findings[findings["status"] == "fail"]
    for event, rows in fails.groupby("event", sort=True):
        viol = rows[rows["violation"].astype(bool)]
        v_ids = tuple(dict.fromkeys(str(r) for r in viol["rule"]))
        rest = tuple(r for r in dict.fromkeys(str(r) for r in rows["rule"]) if r not in v_ids)
        # a severity outside high/medium/low still marks a violation: drawn as low
        sev = min((str(s) if s in SEVERITIES else "low" for s in viol["severity"]),
                  default=None, key=SEVERITIES.index)
        titles = tuple(dict(zip(viol["rule"].astype(str), viol["rule_title"].astype(str),
                                strict=True)).items()) if "rule_title" in viol else ()
        out[str(event)] = _Verdict(v_ids + rest, v_ids, sev, titles)
    return out


def _esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def _wrap(text: str, width: int = 70) -> str:
    return "<br>".join(_esc(line) for line in textwrap.wrap(text, width))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _date_text(case: Case, ev: Event) -> str:
    text = " | ".join(dict.fromkeys(d.human() for d in case.dates(ev)))
    return text + (" (disputed)" if case.when_disputed(ev) else "")


def _who(case: Case, ev: Event, redact: bool) -> list[str]:
    return [f"{role.replace('_', ' ')}: "
            + _esc(", ".join(_short(case.actors[a].label(redact), 45) for a in ids))
            for role, ids in ev.participants.items() if ids]


def _rules_text(v: _Verdict) -> list[str]:
    titles = dict(v.titles)
    lines = [f"<b>violation</b>: {_esc(r)}" + (f" ({_esc(_short(titles[r], 50))})"
                                                if r in titles else "") for r in v.violations]
    rest = [r for r in v.failed if r not in v.violations]
    if rest:
        lines.append(_wrap("failed, not counting under this lens: " + ", ".join(rest)))
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
Y_PAD = 0.7                     # rows of space above the first and below the last mark
_DAY = timedelta(days=1)


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


def _lane(case: Case, ev: Event, redact: bool) -> str:
    """The lane of the first acting agency in role order, else the lane of the event's stage."""
    if ev.context:
        return "Context"
    agencies = acting_agencies(case, ev)
    for role in ACTING_ROLES:
        for aid in ev.participants.get(role, []):
            rid = _resolve(case, aid)
            if rid is None or rid not in agencies:
                continue
            top = _registry_top(case, rid)
            if case.registry.actors[top].kind != "person":
                return case.registry.actors[top].name
            return next((a.label(redact) for a in case.actors.values() if a.actor.ref == top),
                        "Other")
    return _STAGE_LANES.get(case.vocabulary.event_types[ev.type].stage, "Other")


@dataclass
class _Mark:
    """One event on the timeline: its lane, its drawn days (clipped to the axis) and row."""

    ev: Event
    lane: str
    stage: str
    start: date
    end: date            # inclusive
    point: bool
    clipped_start: bool = False    # an open start: the bar runs off the axis
    clipped_end: bool = False
    y: float = 0.0

    @property
    def anchor(self) -> datetime:
        """A dot's day, or the middle of a bar."""
        start = datetime.combine(self.start, time())
        return start if self.point else start + (self.end + _DAY - self.start) / 2


@dataclass(frozen=True)
class _Scale:
    """Data to pixels inside the plot area, from the fixed axis ranges."""

    x0: date
    x1: date
    width: float
    y_top: float

    def x(self, d: date | datetime) -> float:
        t0 = datetime.combine(self.x0, time())
        t = d if isinstance(d, datetime) else datetime.combine(d, time())
        return (t - t0) / (datetime.combine(self.x1, time()) - t0) * self.width

    def y(self, row: float) -> float:
        return (row - self.y_top) * ROW_PX

    def box(self, m: _Mark) -> tuple[float, float, float, float]:
        """The pixels a mark covers: a dot's disc or a bar's full days."""
        half = (POINT_PX if m.point else BAR_ROWS * ROW_PX) / 2
        left = self.x(m.start) - (POINT_PX / 2 if m.point else 0)
        right = self.x(m.start) + POINT_PX / 2 if m.point else self.x(m.end + _DAY)
        return left, self.y(m.y) - half, right, self.y(m.y) + half


def _x_range(bounds: Iterable[tuple[date, date]]) -> tuple[date, date]:
    """Every finite bound, padded; open ends (date.min / date.max) run off the axis."""
    finite = [d for pair in bounds for d in pair if d not in (date.min, date.max)]
    lo, hi = min(finite), max(finite)
    pad = timedelta(days=max(15, (hi - lo).days * 0.03))
    return lo - pad, hi + pad


def _stack(marks: list[_Mark], scale: _Scale) -> int:
    """Give marks of a lane that would touch their own sub-row; returns the number of rows."""
    rows: list[float] = []
    for m in sorted(marks, key=lambda m: (m.start, m.end, m.ev.id)):
        left, _, right, _ = scale.box(m)
        row = next((i for i, r in enumerate(rows) if r + 6 < left), len(rows))
        rows[row:row + 1] = [right]
        m.y = row
    return max(len(rows), 1)


def _lane_order(marks: list[_Mark]) -> list[str]:
    """Context first, the public last, the rest by their earliest stage, then first date."""
    key: dict[str, tuple[int, int, date, str]] = {}
    for m in marks:
        rank = STAGES.index(m.stage) if m.stage in STAGES else len(STAGES)
        group = 0 if m.lane == "Context" else 2 if m.lane == _PUBLIC else 1
        k = (group, rank, m.start, m.lane)
        key[m.lane] = min(key.get(m.lane, k), k)
    return sorted(key, key=lambda lane: key[lane])


def _layout_marks(case: Case, events: list[Event], redact: bool
                  ) -> tuple[list[_Mark], list[tuple[str, float, float]], _Scale]:
    """Marks with their rows, the lanes as (name, first row, last row), and the scale."""
    bounds = {ev.id: case.bounds(ev) for ev in events}
    x0, x1 = _x_range(bounds.values())
    scale = _Scale(x0, x1, TL_WIDTH - TL_MARGIN["l"] - TL_MARGIN["r"], -Y_PAD)
    marks = []
    for ev in events:
        lo, hi = bounds[ev.id]
        point = lo == hi and all(d.is_point for d in case.dates(ev))
        marks.append(_Mark(ev, _lane(case, ev, redact),
                           case.vocabulary.event_types[ev.type].stage,
                           max(lo, x0), min(hi, x1 - _DAY), point, lo < x0, hi >= x1))
    lanes, top = [], 0.0
    for lane in _lane_order(marks):
        in_lane = [m for m in marks if m.lane == lane]
        n = _stack(in_lane, scale)
        for m in in_lane:
            m.y += top
        lanes.append((lane, top, top + n - 1))
        top += n + LANE_GAP
    return marks, lanes, scale


def _place_labels(anchors: list[tuple[str, str, float, float]], plot_w: float,
                  plot_h: float, obstacles: list[tuple[float, float, float, float]]
                  ) -> list[tuple[str, str, float, float]]:
    """Greedy: each label takes the first offset (above, below, further out …) whose box stays
    in the plot and clears every placed label and, if it can, every event mark.
    ``anchors`` are (name, text, x px, y px); returns (name, text, ax, ay)."""
    placed: list[tuple[float, float, float, float]] = []
    out = []
    offsets = [(0.0, float(dy)) for k in (1, 2, 3, 4) for dy in (-k * 24 - 6, k * 24 + 6)]
    offsets += [(float(dx), dy) for dx in (-70, 70) for _, dy in offsets[:4]]
    for name, text, x, y in sorted(anchors, key=lambda a: (a[2], a[3])):
        w, h = len(text) * FONT * CHAR + 10, FONT * 1.3 + 8
        boxes = {o: (x + o[0] - w / 2, y + o[1] - h / 2, x + o[0] + w / 2, y + o[1] + h / 2)
                 for o in offsets}
        inside = [o for o, b in boxes.items()
                  if 0 <= b[0] and b[2] <= plot_w and 0 <= b[1] and b[3] <= plot_h]
        free = [o for o in inside if not any(_boxes_overlap(boxes[o], p, 4) for p in placed)]
        clear = [o for o in free if not any(_boxes_overlap(boxes[o], p) for p in obstacles)]
        dx, dy = (clear or free or inside or offsets)[0]
        placed.append(boxes[(dx, dy)])
        out.append((name, text, dx, dy))
    return out


def _categories(marks: list[_Mark], verdicts: Mapping[str, _Verdict]
                ) -> list[tuple[str, str, list[_Mark]]]:
    """(legend name, colour, marks): by the highest violation severity, then none, context."""
    def sev(m: _Mark) -> str | None:
        return verdicts.get(m.ev.id, _Verdict()).severity

    out = [(f"Violation, {s} severity", SEVERITY_COLOURS[s],
            [m for m in marks if not m.ev.context and sev(m) == s]) for s in SEVERITIES]
    out.append(("No violation", NEUTRAL,
                [m for m in marks if not m.ev.context and sev(m) not in SEVERITIES]))
    out.append(("Context (background)", CONTEXT, [m for m in marks if m.ev.context]))
    return out


def _event_traces(categories: list[tuple[str, str, list[_Mark]]],
                  verdicts: Mapping[str, _Verdict], hover: Mapping[str, str]) -> list[Any]:
    """Dots (a scatter) and bars (a horizontal bar trace) per category, one legend entry each;
    customdata is [event id, lane]."""
    traces = []
    for name, colour, group in categories:
        legend = True
        for point in (True, False):
            sub = [m for m in group if m.point == point]
            if not sub:
                continue
            failed = [m.ev.id in verdicts for m in sub]
            line = {"color": [FAIL_LINE if f else colour for f in failed],
                    "width": [2 if f else 0.5 for f in failed]}
            common = {
                "name": name, "legendgroup": name, "showlegend": legend,
                "customdata": [[m.ev.id, m.lane] for m in sub], "hoverinfo": "text",
                "hovertext": [hover[m.ev.id] for m in sub],
                "y": [m.y for m in sub]}
            if point:
                traces.append(go.Scatter(
                    x=[m.start.isoformat() for m in sub], mode="markers", **common,
                    marker={"color": colour, "size": POINT_PX, "line": line}))
            else:
                traces.append(go.Bar(
                    orientation="h", base=[m.start.isoformat() for m in sub],
                    x=[(m.end + _DAY - m.start).days * 86_400_000 for m in sub],
                    width=BAR_ROWS, opacity=0.8, **common,
                    marker={"color": colour, "line": line}))
            legend = False
    return traces


def _bar_ends(categories: list[tuple[str, str, list[_Mark]]], scale: _Scale,
              hover: Mapping[str, str]) -> Any:
    """Small marks that keep bars readable: a tick on a bar too short to see or to hover (it
    carries the bar's hover text), and an arrowhead where an open end runs off the axis."""
    points: list[tuple[datetime, float, str, str, str]] = []
    for _name, colour, group in categories:
        for m in (m for m in group if not m.point):
            if scale.x(m.end + _DAY) - scale.x(m.start) < 8:
                points.append((m.anchor, m.y, "line-ns", colour, hover[m.ev.id]))
            if m.clipped_start:
                points.append((datetime.combine(scale.x0, time()), m.y, "triangle-left",
                               colour, ""))
            if m.clipped_end:
                points.append((datetime.combine(scale.x1, time()), m.y, "triangle-right",
                               colour, ""))
    return go.Scatter(
        x=[p[0].isoformat() for p in points], y=[p[1] for p in points], mode="markers",
        hovertext=[p[4] for p in points], hoverinfo=["text" if p[4] else "skip" for p in points],
        showlegend=False, cliponaxis=False, name="bar ends", marker={
            "symbol": [p[2] for p in points], "color": [p[3] for p in points], "size": 12,
            "line": {"color": [p[3] for p in points], "width": 2}})


def timeline_figure(case: Case, findings: pd.DataFrame | None = None, *, upto: str | None = None,
                    redact: bool = False) -> go.Figure:
    """The case on a calendar, one lane per actor, with the protocol failures coloured in —
    where in time and by whom things went wrong, and how precisely the record dates them."""
    shown = set(known_at(case, upto)) if upto else set(case.event_by_id)
    verdicts = _verdicts(findings)
    marks, lanes, scale = _layout_marks(case, [ev for ev in case.events if ev.id in shown],
                                        redact)
    y_bottom = lanes[-1][2] + Y_PAD
    plot_h = (y_bottom - scale.y_top) * ROW_PX

    fig = go.Figure()
    for i, (_lane_name, first, last) in enumerate(lanes):
        if i % 2 == 0:
            fig.add_shape(type="rect", xref="paper", x0=0, x1=1, y0=first - 0.5, y1=last + 0.5,
                          fillcolor="#f4f6f8", line={"width": 0}, layer="below")
    categories = _categories(marks, verdicts)
    hover = {m.ev.id: _event_hover(case, m.ev, verdicts.get(m.ev.id, _Verdict()), redact)
             for m in marks}
    fig.add_traces(_event_traces(categories, verdicts, hover))
    fig.add_trace(_bar_ends(categories, scale, hover))
    fig.add_trace(_legend_only("Failed a rule that does not count under this lens",
                               "circle", NEUTRAL, FAIL_LINE, 2))

    first_of: dict[str, _Mark] = {}
    for m in sorted(marks, key=lambda m: (m.start, m.end, m.ev.id)):
        first_of.setdefault(m.ev.type, m)
    anchors = [(t, KEY_STEPS[t], scale.x(m.anchor), scale.y(m.y))
               for t, m in first_of.items() if t in KEY_STEPS]
    for etype, text, dx, dy in _place_labels(anchors, scale.width, plot_h,
                                             [scale.box(m) for m in marks]):
        m = first_of[etype]
        fig.add_annotation(x=m.anchor.isoformat(), y=m.y, text=text, name=f"key-step:{etype}",
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
        xaxis={"type": "date", "range": [scale.x0.isoformat(), scale.x1.isoformat()],
               "title": "Date", "showgrid": True, "gridcolor": "#e5e5e5"},
        yaxis={"range": [y_bottom, scale.y_top], "title": "Who acted", "showgrid": False,
               "zeroline": False, "tickvals": [(first + last) / 2 for _, first, last in lanes],
               "ticktext": ["<br>".join(textwrap.wrap(_esc(lane), 28)[:2])
                            for lane, _, _ in lanes]},
    )
    return fig


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
            _short(case.actors[a].label(redact), 45) for a in item.implicates)))
    if item.held_by:
        lines.append("held by: " + _esc(_short(case.actors[item.held_by].label(redact), 45)))
    if derived:
        lines.append("derived from the face-recognition output")
    lines.append(f"{len(item.sources)} source(s)")
    return "<br>".join(lines)


@dataclass(frozen=True)
class _Layout:
    """Where each node of the graph goes, and the figure width that fits the columns."""

    col: dict[str, int]
    row: dict[str, int]
    label: dict[str, list[str]]
    order: list[str]
    width: int

    @property
    def n_cols(self) -> int:
        return max(self.col.values(), default=0) + 1

    @property
    def n_rows(self) -> int:
        return max(self.row.values(), default=0) + 1


def _graph_layout(g: nx.DiGraph) -> _Layout:
    order, col = _columns(g)
    n_cols = max(col.values(), default=0) + 1
    width = max(900, min(1500, COL_PX_MIN * n_cols + GR_MARGIN["l"] + GR_MARGIN["r"] + 60))
    col_px = (width - GR_MARGIN["l"] - GR_MARGIN["r"]) / (n_cols + 1)   # x range: n_cols + 1
    labels = {n: _short_label(n) for n in order}
    widths = {n: max(max(map(len, labels[n])) * FONT * CHAR, NODE_PX + 6) for n in order}
    return _Layout(col, _rows(g, order, col, widths, col_px), labels, order, width)


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
                 redact: bool = False) -> go.Figure:
    """The support chain at a glance: what rested on what, in time order, with everything the
    face-recognition output fed highlighted and the failed steps outlined."""
    g = build_graph(case)
    if upto:
        g = g.subgraph(_visible(g, set(known_at(case, upto)))).copy()
    verdicts = _verdicts(findings)
    derived, downstream = fr_derived(g), fr_downstream(g)
    lay = _graph_layout(g)

    fig = go.Figure(_edge_traces(g, lay, derived))
    events = [n for n in lay.order if g.nodes[n]["node_type"] == "event"]
    items = [n for n in lay.order if g.nodes[n]["node_type"] == "evidence"]
    plain = [n for n in events if not g.nodes[n]["context"]]
    groups = [
        ("Event", "circle", NEUTRAL, [n for n in plain if n not in downstream]),
        ("Event downstream of the face-recognition output", "circle", FR_COLOUR,
         [n for n in plain if n in downstream]),
        ("Context event", "circle", CONTEXT, [n for n in events if g.nodes[n]["context"]]),
        ("Evidence", "square", EVIDENCE, [n for n in items if n not in derived]),
        ("Evidence derived from the face-recognition output", "square", FR_COLOUR,
         [n for n in items if n in derived]),
    ]
    for name, symbol, colour, nodes in groups:
        if nodes:
            hover = [_evidence_hover(case, n, n in derived, redact) if symbol == "square" else
                     _event_hover(case, case.event_by_id[n], verdicts.get(n, _Verdict()), redact)
                     + ("<br>downstream of the face-recognition output"
                        if n in downstream else "") for n in nodes]
            fig.add_trace(_node_trace(nodes, name, symbol, colour, lay, hover, verdicts))
    fig.add_trace(_legend_only("Failed a rule (red outline)", "circle", NEUTRAL, FAIL_LINE, 2))
    fig.add_trace(_legend_only("Violation (thick red outline)", "circle", NEUTRAL, FAIL_LINE, 4))

    ticks: dict[int, str] = {}          # a year under the first event of that year
    for n in events:
        year = str(g.nodes[n]["earliest"].year)
        if lay.col[n] not in ticks and year not in ticks.values():
            ticks[lay.col[n]] = year
    plot_h = (lay.n_rows + 0.6) * GR_ROW_PX
    title, n_lines = _title("Event graph", case, upto, lay.width)
    margin = {**GR_MARGIN, "t": GR_MARGIN["t"] + 20 * (n_lines - 1)}
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 16}, "subtitle": {"text": (
            "Support flows left to right: evidence → the events that use it → what they "
            "produce. Hover a node for its summary and date.")}},
        width=lay.width, height=round(plot_h) + margin["t"] + margin["b"], margin=margin,
        hovermode="closest", plot_bgcolor="white", showlegend=True,
        legend={"orientation": "h", "x": 0, "xref": "container", "y": 0, "yref": "container",
                "yanchor": "bottom", "font": {"size": 11}},
        xaxis={"range": [-0.5, lay.n_cols + 0.5], "title": "Time order (year of the first event)",
               "tickvals": list(ticks), "ticktext": list(ticks.values()), "showgrid": True,
               "gridcolor": "#eeeeee", "zeroline": False},
        yaxis={"range": [lay.n_rows - 0.4, -1.0], "visible": False},
    )
    return fig
