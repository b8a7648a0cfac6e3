"""The timeline figure of a case, by actor lane.

:func:`timeline_figure` — x is the date, y one lane per acting agency (a unit or a person is
drawn in its parent agency's lane); an event no agency acts in gets a lane by its stage.
Lanes run from context through the police, the prosecutor and the court to the aftermath. A day
known exactly is a dot; a span whose two ends are known days (a detention from the 9th to the
10th) a solid bar; every other date — a month, a year, a range of possible days, an open end,
disputed claims (their hull) — a faded, hatched bar over the days it may mean, never a dot on
an invented day and never a solid bar that reads as lasting. An open-ended span with a stated
duration (``days_in_custody``, ``hours_in_custody``) ends where the duration allows. Colour is
the highest severity of the rule violations at the event (red / orange / yellow), blue for none,
grey for context; a dark-red outline marks a failed rule that does not count under the lens.

The figure opens on the incident — the offense to the last harm, with a margin — and the range
slider below and the buttons above reach everything else. Every key-step event is labelled,
with the rules violated there when findings are shown, the labels placed so that none overlaps
another or a mark; the time between key steps (offense → arrest, arrest → release, charge →
dismissal or conviction, conviction → exoneration) is annotated with its uncertainty.

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
from ..model.quantities import QuantitySyntaxError, parse_quantity
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

TL_WIDTH, TL_MARGIN = 900, {"l": 150, "r": 20, "t": 110, "b": 170}
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
    uncertain: bool = False        # some day(s) within the bar, not a known span

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


def _duration_days(case: Case, ev: Event) -> float | None:
    """The most days a lasting event took, from a stated duration, if any."""
    for fact, per_day in (("days_in_custody", 1.0), ("hours_in_custody", 24.0)):
        if fact in ev.facts:
            view = case.fact(ev, fact)
            try:
                highs = [parse_quantity(c.value).high for c in view.live
                         if not isinstance(c.value, list)]
            except (QuantitySyntaxError, TypeError, ValueError):
                continue
            if highs and all(h < float("inf") for h in highs):
                return max(highs) / per_day
    return None


def _drawn_bounds(case: Case, ev: Event) -> tuple[date, date]:
    """The days to draw: the event's bounds, an open end cut by a stated duration."""
    lo, hi = case.bounds(ev)
    if hi == date.max:
        days = _duration_days(case, ev)
        starts = [d.start.latest for d in case.dates(ev) if d.is_span and d.start]
        if days is not None and starts:
            hi = max(starts) + timedelta(days=max(0, int(days + 0.999) - 1))
    return lo, hi


def _known_span(case: Case, ev: Event) -> bool:
    """A span from one known day to another: how long it lasted is known."""
    dates = case.dates(ev)
    return bool(dates) and all(d.is_span and d.start is not None and d.end is not None
                               and d.start.is_point and d.end.is_point for d in dates)


def incident_window(case: Case, events: list[Event]) -> tuple[date, date]:
    """The incident: from the offense (else the first event that is not background) to the
    last harm (else the last such event), padded; the days a reader should see first."""
    core = [ev for ev in events if not ev.context] or events
    bounds = {ev.id: _drawn_bounds(case, ev) for ev in core}
    finite = [d for pair in bounds.values() for d in pair if d not in (date.min, date.max)]
    offenses = [bounds[ev.id][0] for ev in core if ev.type == "offense"
                and bounds[ev.id][0] != date.min]
    harm_types = case.vocabulary.harm_types
    harms = [max(d for d in bounds[ev.id] if d not in (date.min, date.max)) for ev in core
             if ev.type in harm_types and any(d not in (date.min, date.max)
                                               for d in bounds[ev.id])]
    lo = min(offenses) if offenses else min(finite)
    hi = max(harms) if harms else max(finite)
    pad = timedelta(days=max(15, (hi - lo).days * 0.06))
    return lo - pad, hi + pad


def _layout_marks(case: Case, events: list[Event], redact: bool
                  ) -> tuple[list[_Mark], list[tuple[str, float, float]], _Scale,
                             tuple[date, date]]:
    """Marks with their rows, the lanes as (name, first row, last row), the scale of the
    opening view (the incident window), and the whole range."""
    bounds = {ev.id: _drawn_bounds(case, ev) for ev in events}
    x0, x1 = _x_range(bounds.values())
    w0, w1 = incident_window(case, events)
    w0, w1 = max(w0, x0), min(w1, x1)
    scale = _Scale(w0, w1, TL_WIDTH - TL_MARGIN["l"] - TL_MARGIN["r"], -Y_PAD)
    marks = []
    for ev in events:
        lo, hi = bounds[ev.id]
        point = lo == hi and all(d.is_point for d in case.dates(ev))
        marks.append(_Mark(ev, _lane(case, ev, redact),
                           case.vocabulary.event_types[ev.type].stage,
                           max(lo, x0), min(hi, x1 - _DAY), point, lo < x0, hi >= x1,
                           uncertain=not point and not _known_span(case, ev)))
    lanes, top = [], 0.0
    for lane in _lane_order(case, marks):
        in_lane = [m for m in marks if m.lane == lane]
        n = _stack(in_lane, scale)
        for m in in_lane:
            m.y += top
        lanes.append((lane, top, top + n - 1))
        top += n + LANE_GAP
    return marks, lanes, scale, (x0, x1)


def _place_labels(anchors: list[tuple[str, str, float, float]], plot_w: float,
                  plot_h: float, obstacles: list[tuple[float, float, float, float]]
                  ) -> list[tuple[str, str, float, float]]:
    """Greedy: each label takes the first offset (above, below, further out …) whose box stays
    in the plot and clears every placed label and, if it can, every event mark.
    ``anchors`` are (name, text, x px, y px); returns (name, text, ax, ay)."""
    placed: list[tuple[float, float, float, float]] = []
    out = []
    offsets = [(0.0, float(dy)) for k in (1, 2, 3, 4) for dy in (-k * 24 - 6, k * 24 + 6)]
    offsets += [(float(dx), dy) for dx in (-70, 70, -150, 150, -230, 230)
                for _, dy in offsets[:6]]
    for name, text, x, y in sorted(anchors, key=lambda a: (a[2], a[3])):
        lines = text.split("<br>")
        w, h = _label_width(text), FONT * 1.3 * len(lines) + 8
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
                legend = False
                continue
            for uncertain in (False, True):
                bars = [m for m in sub if m.uncertain == uncertain]
                if not bars:
                    continue
                failed = [m.ev.id in verdicts for m in bars]
                bar_line = {"color": [FAIL_LINE if f else colour for f in failed],
                            "width": [2 if f else 0.5 for f in failed]}
                marker: dict[str, Any] = {"color": colour, "line": bar_line}
                if uncertain:  # some day within: faded and hatched, never a solid span
                    marker["pattern"] = {"shape": "/", "fgcolor": colour, "bgcolor": "white",
                                         "fillmode": "replace", "solidity": 0.35}
                traces.append(go.Bar(
                    orientation="h", base=[m.start.isoformat() for m in bars],
                    x=[(m.end + _DAY - m.start).days * 86_400_000 for m in bars],
                    width=BAR_ROWS, opacity=0.55 if uncertain else 0.85,
                    **{**common, "showlegend": legend, "y": [m.y for m in bars],
                       "customdata": [[m.ev.id, m.lane] for m in bars],
                       "hovertext": [hover[m.ev.id] for m in bars]},
                    marker=marker))
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


def _step_name(case: Case, ev: Event) -> str:
    return case.vocabulary.key_steps.get(ev.type) or case.vocabulary.event_types[ev.type].label


def _label_text(case: Case, ev: Event, v: _Verdict, show_rules: bool) -> str:
    """A key step's label: its step name, and the rules violated there (at most three)."""
    text = _esc(_step_name(case, ev))
    if show_rules and v.violations:
        rules = list(v.violations)
        text += "<br>" + ", ".join(rules[:3]) + (f" +{len(rules) - 3}" if len(rules) > 3 else "")
    return text


def _label_width(text: str) -> float:
    return max(len(line) for line in text.split("<br>")) * FONT * CHAR + 10


#: The durations annotated above the lanes: (from, to) step types, the first of each present.
DURATIONS = (("offense", "arrest"), ("arrest", "release"), ("charge", "dismissal"),
             ("charge", "conviction"), ("conviction", "exoneration"))


def _durations(case: Case, marks: list[_Mark]) -> list[tuple[_Mark, _Mark, str]]:
    """(from mark, to mark, "435 to 465 days") for each pair of key steps the case has."""
    first: dict[str, _Mark] = {}
    for m in sorted(marks, key=lambda m: (m.start, m.end, m.ev.id)):
        if not m.ev.context:
            first.setdefault(m.ev.type, m)
    out = []
    for a, b in DURATIONS:
        if a in first and b in first:
            (a_lo, a_hi), (b_lo, b_hi) = (case.bounds(first[a].ev), case.bounds(first[b].ev))
            if date.min in (a_lo, b_lo) or date.max in (a_hi, b_hi):
                continue
            low, high = max(0, (b_lo - a_hi).days), (b_hi - a_lo).days
            if high < 0:
                continue
            text = (f"{low} day{'s' if low != 1 else ''}" if low == high
                    else f"{low}\u2013{high} days")
            out.append((first[a], first[b], text))
    return out


def timeline_figure(case: Case, findings: pd.DataFrame | None = None, *, upto: str | None = None,
                    redact: bool = False, show_verdicts: bool = True) -> go.Figure:
    """The case on a calendar, one lane per actor, with the protocol failures coloured in —
    where in time and by whom things went wrong, and how precisely the record dates them.
    ``show_verdicts=False`` (a classroom edition): no word of violations anywhere, not even
    "No violation" in the legend."""
    shown = set(known_at(case, upto)) if upto else set(case.event_by_id)
    verdicts = _verdicts(findings)
    marks, lanes, scale, (x0, x1) = _layout_marks(
        case, [ev for ev in case.events if ev.id in shown], redact)
    durations = _durations(case, marks)
    y_top = scale.y_top - 1.2 * len(durations)  # a row per duration above the lanes
    scale = _Scale(scale.x0, scale.x1, scale.width, y_top)
    y_bottom = lanes[-1][2] + Y_PAD
    plot_h = (y_bottom - scale.y_top) * ROW_PX

    fig = go.Figure()
    for i, (_lane_name, first, last) in enumerate(lanes):
        if i % 2 == 0:
            fig.add_shape(type="rect", xref="paper", x0=0, x1=1, y0=first - 0.5, y1=last + 0.5,
                          fillcolor="#f4f6f8", line={"width": 0}, layer="below")
    categories = _categories(marks, verdicts) if show_verdicts else [
        ("Event", NEUTRAL, [m for m in marks if not m.ev.context]),
        ("Context (background)", CONTEXT, [m for m in marks if m.ev.context])]
    hover = {m.ev.id: _event_hover(case, m.ev, verdicts.get(m.ev.id, _Verdict()), redact)
             for m in marks}
    fig.add_traces(_event_traces(categories, verdicts, hover))
    fig.add_trace(_bar_ends(categories, scale, hover))
    if show_verdicts:
        fig.add_trace(_legend_only("Failed a rule that does not count under this lens",
                                   "circle", NEUTRAL, FAIL_LINE, 2))
    fig.add_trace(go.Bar(x=[None], y=[None], orientation="h", hoverinfo="skip",
                         name="Uncertain date: some day within (hatched)", opacity=0.55,
                         marker={"color": NEUTRAL, "pattern": {
                             "shape": "/", "fgcolor": NEUTRAL, "bgcolor": "white",
                             "fillmode": "replace", "solidity": 0.35}}))

    for n, (a, b, text) in enumerate(durations):
        y = scale.y_top + 0.6 + 1.2 * n
        fig.add_shape(type="line", x0=a.anchor.isoformat(), x1=b.anchor.isoformat(), y0=y, y1=y,
                      line={"color": "#555", "width": 1}, name=f"duration:{a.ev.type}-{b.ev.type}")
        for m in (a, b):
            fig.add_shape(type="line", x0=m.anchor.isoformat(), x1=m.anchor.isoformat(),
                          y0=y - 0.25, y1=y + 0.25, line={"color": "#555", "width": 1})
        middle = a.anchor + (b.anchor - a.anchor) / 2
        fig.add_annotation(x=middle.isoformat(), y=y - 0.05, text=_esc(
            f"{_step_name(case, a.ev)} → {_step_name(case, b.ev).lower()}: {text}"),
            showarrow=False, yanchor="bottom", font={"size": FONT - 1, "color": "#333"},
            bgcolor="white", name=f"duration:{a.ev.type}-{b.ev.type}")

    key_steps = case.vocabulary.key_steps
    show_rules = findings is not None
    labelled = [m for m in sorted(marks, key=lambda m: (m.start, m.end, m.ev.id))
                if not m.ev.context and (m.ev.type in key_steps or (
                    show_rules and verdicts.get(m.ev.id, _Verdict()).violations))]
    texts = {m.ev.id: _label_text(case, m.ev, verdicts.get(m.ev.id, _Verdict()), show_rules)
             for m in labelled}
    obstacles = [scale.box(m) for m in marks] + [
        (scale.x(a.anchor) - 4, scale.y(scale.y_top + 0.2 + 1.2 * n),
         scale.x(b.anchor) + 4, scale.y(scale.y_top + 1.0 + 1.2 * n))
        for n, (a, b, _text) in enumerate(durations)]
    anchors = [(m.ev.id, texts[m.ev.id], scale.x(m.anchor), scale.y(m.y)) for m in labelled]
    for eid, text, dx, dy in _place_labels(anchors, scale.width, plot_h, obstacles):
        m = next(x for x in labelled if x.ev.id == eid)
        fig.add_annotation(x=m.anchor.isoformat(), y=m.y, text=text,
                           name=f"key-step:{m.ev.type}:{eid}", ax=dx, ay=dy, showarrow=True,
                           arrowhead=0, arrowwidth=1, arrowcolor="#555", font={"size": FONT},
                           bgcolor="white", bordercolor="#555", borderwidth=1, borderpad=3)

    title, n_lines = _title("Timeline", case, upto, TL_WIDTH)
    margin = {**TL_MARGIN, "t": TL_MARGIN["t"] + 20 * (n_lines - 1)}
    window = [scale.x0.isoformat(), scale.x1.isoformat()]
    whole = [x0.isoformat(), x1.isoformat()]
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 16}, "subtitle": {"text": (
            "Dots: a day known exactly. Solid bars: how long something lasted. Hatched: "
            "some day within." + (" Colour: the most severe violation there."
                                  if show_verdicts else ""))}},
        width=TL_WIDTH, height=round(plot_h) + margin["t"] + margin["b"] + 40, margin=margin,
        hovermode="closest", barmode="overlay", plot_bgcolor="white",
        legend={"orientation": "h", "x": 0, "xref": "container", "y": 0, "yref": "container",
                "yanchor": "bottom", "font": {"size": 11}},
        xaxis={"type": "date", "range": window, "title": "Date", "showgrid": True,
               "gridcolor": "#e5e5e5",
               "rangeslider": {"visible": True, "range": whole, "thickness": 0.06}},
        yaxis={"range": [y_bottom, scale.y_top], "title": {"text": "Who acted",
                                                           "standoff": 4},
               "showgrid": False, "zeroline": False, "fixedrange": True,
               "tickvals": [(first + last) / 2 for _, first, last in lanes],
               "ticktext": ["<br>".join(textwrap.wrap(_esc(lane), 22))
                            for lane, _, _ in lanes]},
        updatemenus=[{"type": "buttons", "direction": "right", "x": 1.0, "xanchor": "right",
                      "y": 1.0, "yanchor": "bottom", "pad": {"t": 0, "b": 30},
                      "showactive": False, "font": {"size": 11}, "buttons": [
                          {"label": "The incident", "method": "relayout",
                           "args": [{"xaxis.range": window}]},
                          {"label": "Everything", "method": "relayout",
                           "args": [{"xaxis.range": whole}]}]}],
    )
    return fig
