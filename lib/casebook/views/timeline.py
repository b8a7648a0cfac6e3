"""The timeline figure of a case, by actor lane.

:func:`timeline_figure` — x is the date, y one lane per acting agency (a unit or a person is
drawn in its parent agency's lane); an event no agency acts in gets a lane by its stage.
Lanes run from context through the police, the prosecutor and the court to the aftermath. A day
known exactly is a dot; every other date — imprecise, uncertain, a span, or disputed claims
(their hull) — is a bar over its whole possible range, never a dot on an invented day. Colour is
the highest severity of the rule violations at the event (red / orange / yellow), blue for none,
grey for context; a dark-red outline marks a failed rule that does not count under the lens.
The key steps (offense … dismissal) are labelled, placed so that no two labels overlap.

What both figures share (findings, ``upto``, redaction, escaping, fixed sizes) is in
:mod:`casebook.views.figure_parts`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..engine.findings import ACTING_ROLES, acting_agencies
from ..model.case import Case
from ..model.casefile import Event
from .figure_parts import (
    CHAR,
    CONTEXT,
    FAIL_LINE,
    FONT,
    NEUTRAL,
    SEVERITIES,
    SEVERITY_COLOURS,
    _boxes_overlap,
    _esc,
    _event_hover,
    _legend_only,
    _title,
    _Verdict,
    _verdicts,
    known_at,
)

__all__ = ["timeline_figure"]

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
    vocab = case.vocabulary
    etype = vocab.event_types[ev.type]
    if ev.context:
        return vocab.lanes["context"].label
    if etype.lane != "agency":
        return vocab.lanes[etype.lane].label
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
    return vocab.lanes[vocab.stages[etype.stage].lane].label


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


def _lane_order(case: Case, marks: list[_Mark]) -> list[str]:
    """The vocabulary's first lanes (context), then agency lanes and the lanes placed among
    them by their earliest stage and first date, then its last lanes (the public)."""
    vocab = case.vocabulary
    place = {lane.label: ("first", "among", "last").index(lane.place)
             for lane in vocab.lanes.values()}
    key: dict[str, tuple[int, int, date, str]] = {}
    for m in marks:
        k = (place.get(m.lane, 1), vocab.stage_rank(m.stage), m.start, m.lane)
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
    for lane in _lane_order(case, marks):
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
    key_steps = case.vocabulary.key_steps
    anchors = [(t, key_steps[t], scale.x(m.anchor), scale.y(m.y))
               for t, m in first_of.items() if t in key_steps]
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
