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

What both figures share (findings, ``upto``, redaction, escaping, widths) is in
:mod:`casebook.views.figure_parts`.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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
    MIN_WIDTH,
    NEUTRAL,
    SEVERITIES,
    SEVERITY_COLOURS,
    _esc,
    _event_hover,
    _heading,
    _legend,
    _legend_only,
    _Verdict,
    _verdicts,
    known_at,
    node_name,
)

__all__ = ["KEY_COLUMNS", "timeline_figure"]

#: The columns of a numbered timeline's key (``layout.meta["key"]``).
KEY_COLUMNS = ("number", "step", "event", "date", "rules violated")

TL_MARGIN = {"l": 150, "r": 24}
#: The plot area's width at the narrowest the figure is drawn: every label is placed for it.
PLOT_W = MIN_WIDTH - TL_MARGIN["l"] - TL_MARGIN["r"]
ROW_PX, POINT_PX, BAR_PX = 30, 11, 15   # a row of marks; a dot's and a bar's thickness
LANE_GAP, LANE_PAD, LABEL_GAP, LEADER_GAP = 10, 6, 6, 0.5
DURATION_PX, RULES_PER_LINE, LANE_CHARS = 28, 20, 18
MAX_LABEL_ROWS = 8
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
    """One event on the timeline: its lane, its drawn days (clipped to the axis), its row of
    marks within the lane and its height on the figure (px from the top of the plot)."""

    ev: Event
    lane: str
    stage: str
    start: date
    end: date            # inclusive
    point: bool
    clipped_start: bool = False    # an open start: the bar runs off the axis
    clipped_end: bool = False
    row: int = 0
    y: float = 0.0
    uncertain: bool = False        # some day(s) within the bar, not a known span

    @property
    def anchor(self) -> datetime:
        """A dot's day, or the middle of a bar."""
        start = datetime.combine(self.start, time())
        return start if self.point else start + (self.end + _DAY - self.start) / 2

    @property
    def half_height(self) -> float:
        return (POINT_PX if self.point else BAR_PX) / 2


@dataclass(frozen=True)
class _Scale:
    """Dates to pixels across the plot area at its narrowest (:data:`PLOT_W`), over the
    opening window."""

    x0: date
    x1: date

    def x(self, d: date | datetime) -> float:
        t0 = datetime.combine(self.x0, time())
        t = d if isinstance(d, datetime) else datetime.combine(d, time())
        return (t - t0) / (datetime.combine(self.x1, time()) - t0) * PLOT_W

    def span(self, m: _Mark) -> tuple[float, float]:
        """The pixels a mark covers across: a dot's disc or a bar's full days."""
        if m.point:
            return self.x(m.start) - POINT_PX / 2, self.x(m.start) + POINT_PX / 2
        return self.x(m.start), self.x(m.end + _DAY)



def _x_range(bounds: Iterable[tuple[date, date]]) -> tuple[date, date]:
    """Every finite bound, padded; open ends (date.min / date.max) run off the axis."""
    finite = [d for pair in bounds for d in pair if d not in (date.min, date.max)]
    lo, hi = min(finite), max(finite)
    pad = timedelta(days=max(15, (hi - lo).days * 0.03))
    return lo - pad, hi + pad


def _stack(marks: list[_Mark], scale: _Scale) -> int:
    """Give marks of a lane that would touch their own row; returns the number of rows.
    Spans only grow apart as the figure widens, so rows found at the narrowest hold."""
    rows: list[float] = []
    for m in sorted(marks, key=lambda m: (m.start, m.end, m.ev.id)):
        left, right = scale.span(m)
        row = next((i for i, r in enumerate(rows) if r + 6 < left), len(rows))
        rows[row:row + 1] = [right]
        m.row = row
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
                  ) -> tuple[list[_Mark], _Scale, tuple[date, date]]:
    """Marks with their lanes and rows, the scale of the opening view (the incident window),
    and the whole range."""
    bounds = {ev.id: _drawn_bounds(case, ev) for ev in events}
    x0, x1 = _x_range(bounds.values())
    w0, w1 = incident_window(case, events)
    scale = _Scale(max(w0, x0), min(w1, x1))
    marks = []
    for ev in events:
        lo, hi = bounds[ev.id]
        point = lo == hi and all(d.is_point for d in case.dates(ev))
        marks.append(_Mark(ev, _lane(case, ev, redact),
                           case.vocabulary.event_types[ev.type].stage,
                           max(lo, x0), min(hi, x1 - _DAY), point, lo < x0, hi >= x1,
                           uncertain=not point and not _known_span(case, ev)))
    return marks, scale, (x0, x1)


@dataclass
class _Label:
    """A key step's label: its text and size (px), the x of its mark at the narrowest width,
    and where it goes — a row above its lane's marks (0 nearest them), its box anchored left,
    right or centred on that x, a leader line down to the mark."""

    mark: _Mark
    text: str            # as drawn: the label, or its number in a crowded timeline
    full: str            # the label in words, for the hover
    x: float
    w: float
    h: float
    row: int = 0
    anchor: str = "left"

    def box(self, anchor: str | None = None) -> tuple[float, float]:
        off = {"left": 0.0, "right": -self.w, "center": -self.w / 2}[anchor or self.anchor]
        return self.x + off, self.x + off + self.w


@dataclass
class _LabelRow:
    """A row of labels: its labels, the leftmost edge of their boxes, and the leftmost of
    their leaders (the x of their marks)."""

    labels: list[_Label] = field(default_factory=list)
    left: float = float("inf")
    leader: float = float("inf")

    def add(self, lab: _Label) -> None:
        self.labels.append(lab)
        self.left = min(self.left, lab.box()[0])
        self.leader = min(self.leader, lab.x)


def _free(lab: _Label, r: int, anchor: str, rows: list[_LabelRow],
          passed: tuple[list[float], list[float]] | None) -> bool:
    """Whether ``lab`` fits row ``r`` with ``anchor``: left of the row's boxes and, unless
    ``passed`` is None, right of no leader from above and its leader left of the boxes below
    (``passed`` = the leftmost box edge under each row, the leftmost leader from each up)."""
    right = lab.box(anchor)[1]
    if r < len(rows) and right + LABEL_GAP > rows[r].left:
        return False
    if passed is None:
        return True
    below, above = passed
    return above[min(r + 1, len(rows))] >= right + LEADER_GAP and lab.x <= below[r] - LEADER_GAP


def _place_labels(labels: list[_Label], leaders: bool = True, limit: int | None = None) -> int:
    """Rows and anchors for one lane's labels, right to left, each in the lowest row where it
    clears every box and leader — else in a new row under the others (when no leader above
    would cross it), else on top; returns the number of rows (0 nearest the marks).

    Each test compares in left-to-right order — the new box left of every box in its row,
    every leader from a higher row right of it, its own leader left of every box in the rows
    it passes — so what holds at :data:`PLOT_W` holds at any wider plot. Labels already
    placed lie to the right, so each row keeps only its leftmost box edge and leader. A label
    whose mark lies outside the opening window is not drawn there and takes no room (row -1).
    Without ``leaders`` (numbered labels, too many to keep every leader clear) only the boxes
    are kept apart. Past ``limit`` rows it gives up and returns at once."""
    rows: list[_LabelRow] = []
    for lab in sorted(labels, key=lambda lab: (-lab.x, lab.mark.row, lab.mark.ev.id)):
        if not 0 <= lab.x <= PLOT_W:
            lab.row, lab.anchor = -1, "center"
            continue
        anchors = [a for a in ("left", "right", "center")
                   if 0 <= lab.box(a)[0] and lab.box(a)[1] <= PLOT_W] or ["left"]
        inf = float("inf")
        below = [inf]                   # below[r]: the leftmost box edge in rows under r
        for row in rows:
            below.append(min(below[-1], row.left))
        above = [inf] * (len(rows) + 1)  # above[r]: the leftmost leader in rows r and up
        for r in range(len(rows) - 1, -1, -1):
            above[r] = min(above[r + 1], rows[r].leader)
        choice = next(((r, a) for r in range(len(rows) + 1) for a in anchors
                       if _free(lab, r, a, rows, (below, above) if leaders else None)), None)
        if choice is None:
            under = next((a for a in anchors if above[0] >= lab.box(a)[1] + LEADER_GAP), None)
            if under is not None:
                rows.insert(0, _LabelRow())
                choice = (0, under)
        # else a new top row: no box in it, though a leader may cross one below
        r, lab.anchor = choice or (len(rows), anchors[0])
        if r == len(rows):
            rows.append(_LabelRow())
            if limit is not None and len(rows) > limit:
                return len(rows)
        rows[r].add(lab)
    for r, row in enumerate(rows):
        for lab in row.labels:
            lab.row = r
    return len(rows)


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


def _outline(marks: list[_Mark], colour: str, verdicts: Mapping[str, _Verdict]
             ) -> dict[str, list[Any]]:
    """A dark-red outline on each mark where a rule failed, a hairline of its own colour
    elsewhere."""
    failed = [m.ev.id in verdicts for m in marks]
    return {"color": [FAIL_LINE if f else colour for f in failed],
            "width": [2 if f else 0.5 for f in failed]}


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
            common = {
                "name": name, "legendgroup": name, "showlegend": legend,
                "customdata": [[m.ev.id, m.lane] for m in sub], "hoverinfo": "text",
                "hovertext": [hover[m.ev.id] for m in sub],
                "y": [m.y for m in sub]}
            if point:
                traces.append(go.Scatter(
                    x=[m.start.isoformat() for m in sub], mode="markers", **common,
                    marker={"color": colour, "size": POINT_PX,
                            "line": _outline(sub, colour, verdicts)}))
                legend = False
                continue
            for uncertain in (False, True):
                bars = [m for m in sub if m.uncertain == uncertain]
                if not bars:
                    continue
                marker: dict[str, Any] = {"color": colour,
                                          "line": _outline(bars, colour, verdicts)}
                if uncertain:  # some day within: faded and hatched, never a solid span
                    marker["pattern"] = {"shape": "/", "fgcolor": colour, "bgcolor": "white",
                                         "fillmode": "replace", "solidity": 0.35}
                traces.append(go.Bar(
                    orientation="h", base=[m.start.isoformat() for m in bars],
                    x=[(m.end + _DAY - m.start).days * 86_400_000 for m in bars],
                    width=BAR_PX, opacity=0.55 if uncertain else 0.85,
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
    """A key step's label: its step name, and the rules violated there (at most three),
    wrapped so that no label is wider than about a third of the narrowest plot."""
    lines = textwrap.wrap(_step_name(case, ev), RULES_PER_LINE + 6)
    if show_rules and v.violations:
        rules = list(v.violations)
        shown = ", ".join(rules[:3]) + (f" +{len(rules) - 3}" if len(rules) > 3 else "")
        lines += textwrap.wrap(shown, RULES_PER_LINE, break_on_hyphens=False)
    return "<br>".join(_esc(line) for line in lines)


def _text_size(text: str, font: float = FONT) -> tuple[float, float]:
    """A label's box (px): its longest line, its lines, the border and padding."""
    lines = text.split("<br>")
    return (max(len(html.unescape(line)) for line in lines) * font * CHAR + 10,
            len(lines) * font * 1.3 + 8)



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



def _duration_anchor(xa: float, xb: float, w: float) -> tuple[str, float]:
    """Where a duration's text goes along its bracket (a, b) at the narrowest width: centred if
    it fits between the ends, else from a rightwards, else from b leftwards — each only gains
    room as the figure widens. Returns (xanchor, fraction of the way from a to b)."""
    if w <= xb - xa and 0 <= (xa + xb - w) / 2 and (xa + xb + w) / 2 <= PLOT_W:
        return "center", 0.5
    if 0 <= xa and xa + w <= PLOT_W:
        return "left", 0.0
    return "right", 1.0


def _key_labels(case: Case, marks: list[_Mark], verdicts: Mapping[str, _Verdict],
                scale: _Scale, show_rules: bool) -> dict[str, list[_Label]]:
    """The labels of each lane: every key step, and every violation when findings are shown.
    Where a lane's labels would stack more than :data:`MAX_LABEL_ROWS` high (a case of
    hundreds of events), every label is its number instead, and the figure carries the key."""
    key_steps = case.vocabulary.key_steps
    labelled = [m for m in sorted(marks, key=lambda m: (m.start, m.end, m.ev.id))
                if not m.ev.context and (m.ev.type in key_steps or (
                    show_rules and verdicts.get(m.ev.id, _Verdict()).violations))]
    words = [_label_text(case, m.ev, verdicts.get(m.ev.id, _Verdict()), show_rules)
             for m in labelled]

    def labels(numbered: bool) -> dict[str, list[_Label]]:
        out: dict[str, list[_Label]] = {}
        for i, (m, full) in enumerate(zip(labelled, words, strict=True), start=1):
            text = str(i) if numbered else full
            out.setdefault(m.lane, []).append(
                _Label(m, text, full, scale.x(m.anchor), *_text_size(text)))
        return out

    out = labels(numbered=False)
    if any(_place_labels(labs, limit=MAX_LABEL_ROWS) > MAX_LABEL_ROWS for labs in out.values()):
        out = labels(numbered=True)
        for labs in out.values():
            _place_labels(labs, leaders=False)
    return out


def timeline_figure(case: Case, findings: pd.DataFrame | None = None, *, upto: str | None = None,
                    redact: bool = False, show_verdicts: bool = True) -> go.Figure:
    """The case on a calendar, one lane per actor, with the protocol failures coloured in —
    where in time and by whom things went wrong, and how precisely the record dates them.
    ``show_verdicts=False`` (a classroom edition): no word of violations anywhere, not even
    "No violation" in the legend."""
    shown = set(known_at(case, upto)) if upto else set(case.event_by_id)
    verdicts = _verdicts(findings)
    marks, scale, (x0, x1) = _layout_marks(
        case, [ev for ev in case.events if ev.id in shown], redact)
    durations = _durations(case, marks)
    labels = _key_labels(case, marks, verdicts, scale, findings is not None)

    # top to bottom: a row per duration, then each lane — its label rows, then its marks
    y = float(DURATION_PX * len(durations) + (LANE_GAP if durations else 0))
    lanes: list[tuple[str, float, float]] = []
    label_y: dict[str, float] = {}            # event id -> the bottom of its label's box
    for lane in _lane_order(case, marks):
        in_lane = [m for m in marks if m.lane == lane]
        n_marks = _stack(in_lane, scale)
        lane_labels = labels.get(lane, [])
        n_rows = max((lab.row for lab in lane_labels), default=-1) + 1
        top, y = y, y + LANE_PAD
        for row in reversed(range(-1, n_rows)):     # row -1: outside the opening window
            height = max((lab.h for lab in lane_labels if lab.row == row), default=0)
            y += height + LABEL_GAP if row >= 0 else 0
            for lab in lane_labels:
                if lab.row == row:
                    label_y[lab.mark.ev.id] = y - LABEL_GAP / 2
        for m in in_lane:
            m.y = y + (m.row + 0.5) * ROW_PX
        y += n_marks * ROW_PX + LANE_PAD
        lanes.append((lane, top, y))
        y += LANE_GAP
    plot_h = y - LANE_GAP

    # shapes and annotations as plain dicts, given to the layout at once: added one by one,
    # plotly validates every earlier one again each time
    fig = go.Figure()
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for i, (_lane_name, top, bottom) in enumerate(lanes):
        if i % 2 == 0:
            shapes.append(dict(type="rect", xref="paper", x0=0, x1=1, y0=top, y1=bottom,
                               fillcolor="#f4f6f8", line={"width": 0}, layer="below"))
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
        line_y = DURATION_PX * (n + 1) - 5
        name = f"duration:{a.ev.type}-{b.ev.type}"
        shapes.append(dict(type="line", x0=a.anchor.isoformat(), x1=b.anchor.isoformat(),
                           y0=line_y, y1=line_y, line={"color": "#555", "width": 1}, name=name))
        for m in (a, b):
            shapes.append(dict(type="line", x0=m.anchor.isoformat(), x1=m.anchor.isoformat(),
                               y0=line_y - 5, y1=line_y + 5, line={"color": "#555", "width": 1}))
        text = _esc(f"{_step_name(case, a.ev)} → {_step_name(case, b.ev).lower()}: {text}")
        xanchor, at = _duration_anchor(scale.x(a.anchor), scale.x(b.anchor),
                                       _text_size(text, FONT - 1)[0])
        notes.append(dict(x=(a.anchor + (b.anchor - a.anchor) * at).isoformat(),
                           y=line_y - 2, text=text, showarrow=False, xanchor=xanchor,
                           yanchor="bottom", font={"size": FONT - 1, "color": "#333"},
                          bgcolor="white", name=name))

    leaders: list[str | float | None] = []
    leader_x: list[str | None] = []
    for lane_labels in labels.values():
        for lab in lane_labels:
            m, bottom = lab.mark, label_y[lab.mark.ev.id]
            notes.append(dict(x=m.anchor.isoformat(), y=bottom, text=lab.text,
                               hovertext=f"{lab.full}<br>{_esc(case.date_text(m.ev))}",
                               name=f"key-step:{m.ev.type}:{m.ev.id}", showarrow=False,
                               xanchor=lab.anchor, yanchor="bottom", font={"size": FONT},
                              bgcolor="white", bordercolor="#555", borderwidth=1, borderpad=3))
            leader_x += [m.anchor.isoformat()] * 2 + [None]
            leaders += [bottom, m.y - m.half_height, None]
    fig.add_trace(go.Scatter(x=leader_x, y=leaders, mode="lines", hoverinfo="skip",
                             showlegend=False, name="label leaders",
                             line={"color": "#555", "width": 1}))

    key = sorted(([lab.text, _step_name(case, lab.mark.ev), node_name(case, lab.mark.ev.id),
                   case.date_text(lab.mark.ev),
                   ", ".join(verdicts.get(lab.mark.ev.id, _Verdict()).violations)
                   if findings is not None else ""]
                  for labs in labels.values() for lab in labs if lab.text.isdigit()),
                 key=lambda row: int(row[0]))
    title, top_px = _heading("Timeline", case, upto, (
        "Dots: a day known exactly. Solid bars: how long something lasted. Hatched: some "
        "day within." + (" Colour: the most severe violation there." if show_verdicts else "")))
    # below the plot: two lines of date ticks, the range slider, the axis title, the legend;
    # the margins never grow by themselves, so the rows keep the pixels they were placed in
    legend, legend_px = _legend(fig, PLOT_W)
    slider_px = 44
    margin = {**TL_MARGIN, "t": round(top_px + 34), "autoexpand": False,
              "b": round(36 + slider_px + 40 + legend_px)}
    window = [scale.x0.isoformat(), scale.x1.isoformat()]
    whole = [x0.isoformat(), x1.isoformat()]
    height = round(plot_h) + margin["t"] + margin["b"]
    fig.update_layout(
        title=title, height=height, margin=margin, shapes=shapes, annotations=notes,
        autosize=True, hovermode="closest", barmode="overlay", plot_bgcolor="white",
        meta={"min_width": MIN_WIDTH, "key": key},
        legend=legend,
        xaxis={"type": "date", "range": window, "title": {"text": "Date", "standoff": 6},
               "showgrid": True, "gridcolor": "#e5e5e5",
               "rangeslider": {"visible": True, "range": whole,
                               "thickness": slider_px / plot_h}},
        yaxis={"range": [plot_h, 0], "title": {"text": "Who acted", "standoff": 4},
               "showgrid": False, "zeroline": False, "fixedrange": True,
               "tickfont": {"size": FONT},
               "tickvals": [(top + bottom) / 2 for _, top, bottom in lanes],
               "ticktext": ["<br>".join(_esc(s) for s in textwrap.wrap(lane, LANE_CHARS))
                            for lane, _, _ in lanes]},
        updatemenus=[{"type": "buttons", "direction": "right", "x": 1.0, "xanchor": "right",
                      "y": 1.0, "yanchor": "bottom", "pad": {"t": 0, "b": 4},
                      "showactive": False, "font": {"size": FONT}, "buttons": [
                          {"label": "The incident", "method": "relayout",
                           "args": [{"xaxis.range": window}]},
                          {"label": "Everything", "method": "relayout",
                           "args": [{"xaxis.range": whole}]}]}],
    )
    return fig
