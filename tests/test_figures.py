"""The timeline and event-graph figures, checked on the figure data (never on pictures)."""

from __future__ import annotations

import html
import itertools
from collections import Counter
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from casebook import build_graph, load_case
from casebook.engine.findings import evaluate
from casebook.engine.graph import fr_derived, fr_downstream, time_order
from casebook.engine.protocols import load_protocols
from casebook.model.case import Case
from casebook.views.figure_parts import (
    CONTEXT,
    FAIL_LINE,
    FR_COLOUR,
    MIN_WIDTH,
    NEUTRAL,
    SEVERITY_COLOURS,
    known_at,
)
from casebook.views.graph_figure import graph_figure
from casebook.views.timeline import (
    timeline_figure,
)
from tests.conftest import WILLIAMS

AS_OF = "2026-11-22"
#: The key steps data/vocabulary.yaml marks, with their labels (``key_step: true``).
KEY_STEPS = {"offense": "Offense", "fr-search": "Face search", "photo-lineup": "Photo lineup",
             "warrant-issued": "Warrant", "arrest": "Arrest", "detention": "Detention",
             "dismissal": "Dismissal"}
FONT, CHAR = 11, 0.62     # the label font and the width of a character, in em

TINY = """\
casebook: 1
case: {id: tiny, title: Tiny case, jurisdiction: "Detroit, Michigan", summary: A tiny case.}
sources:
  s1: {title: A report, publisher: Paper, date: 2020-06-24, url: https://example.org/a,
       kind: news-report, account: neutral, reliability: secondary}
actors:
  acc: {kind: person, roles: [accused], name: Zelda Quonset, private: true}
  kin: {kind: person, roles: [family], name: Orville Quonset, private: true}
  dpd: {ref: detroit-police-department}
  det: {kind: person, roles: [investigator], affiliation: dpd, description: the detective}
evidence:
  video: {kind: surveillance-video, summary: "Store <b>video</b> & <script>x</script>"}
  cand: {kind: fr-candidate, derived_from: [video], implicates: [acc], held_by: dpd}
events:
  - {id: theft, type: offense, when: 2018-10, summary: Watches stolen, sources: [s1],
     produces: [video]}
  - {id: search, type: fr-search, when: 2019-03, summary: Search, sources: [s1], uses: [video],
     produces: [cand], participants: {requested_by: [det]}}
  - {id: lineup, type: photo-lineup, when: 2019-07, summary: Lineup, sources: [s1],
     uses: [cand], participants: {subject: [acc]}}
  - {id: arrest, type: arrest, when: 2020-01-09, summary: Arrest, sources: [s1], uses: [cand],
     participants: {subject: [acc], by: [dpd], present: [kin]}}
  - {id: complaint, type: administrative-complaint, when: 2020-06-24, summary: Complaint,
     sources: [s1], participants: {filed_by: [acc]}, follows: [arrest]}
"""


@cache
def williams() -> Case:
    return load_case(WILLIAMS)


@cache
def findings() -> pd.DataFrame:
    return evaluate(williams(), load_protocols(), lens="then", as_of=AS_OF)


@cache
def timeline(upto: str | None = None) -> go.Figure:
    return timeline_figure(williams(), findings(), upto=upto)


@cache
def graph(upto: str | None = None) -> go.Figure:
    return graph_figure(williams(), findings(), upto=upto, collapse=False)


@pytest.fixture
def tiny(tmp_path: Path) -> Case:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return load_case(path)


# ------------------------------------------------------------------------------ helpers


def _marks(fig: go.Figure) -> dict[str, tuple[Any, int]]:
    """Event id -> (trace, index) over the timeline's event traces; each id at most once."""
    seen = [(row[0], tr, i) for tr in fig.data if tr.customdata is not None
            for i, row in enumerate(tr.customdata)]
    counts = Counter(eid for eid, _tr, _i in seen)
    assert all(n == 1 for n in counts.values()), {k: n for k, n in counts.items() if n > 1}
    return {eid: (tr, i) for eid, tr, i in seen}


def _extent(fig: go.Figure, eid: str) -> tuple[str, date, date]:
    """('point' | 'bar', first day, last day) as drawn."""
    tr, i = _marks(fig)[eid]
    if tr.type == "scatter":
        day = date.fromisoformat(tr.x[i])
        return "point", day, day
    assert tr.type == "bar" and tr.orientation == "h"
    start = pd.Timestamp(tr.base[i])
    end = start + pd.Timedelta(milliseconds=tr.x[i])   # exclusive: the end of the last day
    assert end == end.normalize(), "a bar covers whole days"
    return "bar", start.date(), (end - pd.Timedelta(days=1)).date()


def _colour(tr: Any, i: int) -> str:
    c = tr.marker.color
    return c if isinstance(c, str) else c[i]


def _line(tr: Any, i: int) -> tuple[str, float]:
    c, w = tr.marker.line.color, tr.marker.line.width
    return (c if isinstance(c, str) else c[i]), (w if isinstance(w, int | float) else w[i])


#: The widths a figure is checked at: the narrowest it is drawn (its layout is placed for it)
#: and a wide screen — what holds at the one must hold at the other.
WIDTHS = (MIN_WIDTH, 1400)


def _plot_size(fig: go.Figure, width: float = MIN_WIDTH) -> tuple[float, float]:
    """The plot area of a figure drawn ``width`` px wide (figures take their container's
    width, from ``layout.meta.min_width`` up; their height is fixed)."""
    m = fig.layout.margin
    assert fig.layout.width is None and fig.layout.meta["min_width"] == MIN_WIDTH
    return width - m.l - m.r, fig.layout.height - m.t - m.b


def _px(fig: go.Figure, x: Any, y: float, width: float = MIN_WIDTH) -> tuple[float, float]:
    """Pixel position inside the plot area (y down) of a data point, from the fixed ranges."""
    w, h = _plot_size(fig, width)
    x0, x1 = fig.layout.xaxis.range
    if fig.layout.xaxis.type == "date":
        t0, t1 = pd.Timestamp(x0), pd.Timestamp(x1)
        fx = (pd.Timestamp(x) - t0) / (t1 - t0)
    else:
        fx = (x - x0) / (x1 - x0)
    bottom, top = fig.layout.yaxis.range          # reversed: the first row is on top
    return fx * w, (y - top) / (bottom - top) * h


def _overlap(a: tuple[float, ...], b: tuple[float, ...], gap: float = 0.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _key_labels(fig: go.Figure) -> dict[str, Any]:
    """Event id -> its label (annotations named ``key-step:<type>:<event id>``)."""
    return {a.name.split(":")[2]: a for a in fig.layout.annotations
            if a.name and a.name.startswith("key-step:")}


def _label_box(fig: go.Figure, a: Any, width: float = MIN_WIDTH
               ) -> tuple[float, float, float, float]:
    """A label's box: anchored at its x (left, right or centre), its bottom at its y."""
    assert not a.showarrow and a.yanchor == "bottom"
    x, y = _px(fig, a.x, a.y, width)
    lines = a.text.split("<br>")
    w = max(len(html.unescape(line)) for line in lines) * FONT * CHAR + 2 * (
        a.borderpad + a.borderwidth)
    h = FONT * 1.3 * len(lines) + 2 * (a.borderpad + a.borderwidth)
    left = {"left": x, "right": x - w, "center": x - w / 2}[a.xanchor]
    return left, y - h, left + w, y


def _nodes(fig: go.Figure) -> dict[str, tuple[Any, int]]:
    seen = [(n, tr, i) for tr in fig.data if tr.customdata is not None
            for i, n in enumerate(tr.customdata)]
    assert len(seen) == len({n for n, _t, _i in seen}), "a node drawn twice"
    return {n: (tr, i) for n, tr, i in seen}


def _positions(fig: go.Figure) -> dict[str, tuple[float, float]]:
    return {n: (tr.x[i], tr.y[i]) for n, (tr, i) in _nodes(fig).items()}


# ------------------------------------------------------------------------------ timeline


def test_every_event_is_drawn_exactly_once() -> None:
    assert set(_marks(timeline())) == set(williams().event_by_id)


def test_a_month_is_drawn_as_the_whole_month() -> None:
    assert _extent(timeline(), "fr-search") == ("bar", date(2019, 3, 1), date(2019, 3, 31))


def test_a_one_of_range_spans_all_its_days() -> None:
    assert williams().event_by_id["warrant-request"].when[0].value == "[2019-07..2019-08-23]"
    assert _extent(timeline(), "warrant-request") == ("bar", date(2019, 7, 1),
                                                      date(2019, 8, 23))


def test_a_day_known_exactly_is_a_point() -> None:
    assert _extent(timeline(), "arrest") == ("point", date(2020, 1, 9), date(2020, 1, 9))
    assert _extent(timeline(), "warrant-issued")[0] == "point"


def test_a_two_day_span_is_a_bar_not_a_point() -> None:
    assert _extent(timeline(), "detention") == ("bar", date(2020, 1, 9), date(2020, 1, 10))


def test_disputed_claims_are_drawn_as_their_hull() -> None:
    # the offense: "2018-10-02" and "2018-10" (the "2019-10" claim is rejected)
    assert _extent(timeline(), "offense") == ("bar", date(2018, 10, 1), date(2018, 10, 31))


def test_an_open_end_runs_to_the_edge_of_the_axis() -> None:
    fig = timeline()
    kind, start, last = _extent(fig, "expungement")
    assert (kind, start) == ("bar", date(2020, 6, 25))
    # the whole range (the range slider's), not the opening window
    assert last + timedelta(days=1) == date.fromisoformat(fig.layout.xaxis.rangeslider.range[1])
    tr, i = _marks(fig)["expungement"]
    assert "unknown end" in tr.hovertext[i]


def test_violation_gets_the_high_severity_colour_and_names_the_rule() -> None:
    tr, i = _marks(timeline())["warrant-request"]
    assert _colour(tr, i) == SEVERITY_COLOURS["high"]
    hover = tr.hovertext[i]
    assert "<b>violation</b>: MSP-1 (" in hover          # with the rule's title
    # failed rules that do not count under `then` are listed too, after the violations
    assert "DPD-2023-2" in hover and hover.index("MSP-1") < hover.index("DPD-2023-2")


def test_failures_that_do_not_count_stay_neutral_but_are_outlined() -> None:
    fig = timeline()
    tr, i = _marks(fig)["photo-lineup"]
    assert _colour(tr, i) == NEUTRAL and _line(tr, i)[0] == FAIL_LINE
    assert "DOJ-2017-8" in tr.hovertext[i]
    tr, i = _marks(fig)["offense"]
    assert _colour(tr, i) == NEUTRAL and _line(tr, i)[0] != FAIL_LINE
    tr, i = _marks(fig)["directive-adopted"]
    assert _colour(tr, i) == CONTEXT


def test_the_highest_severity_decides_the_colour(tiny: Case) -> None:
    rows = [("search", "R-LOW", "fail", True, "low"), ("search", "R-MED", "fail", True, "medium"),
            ("lineup", "R-LOW", "fail", True, "low"), ("arrest", "R-HIGH", "fail", False, "high"),
            ("theft", "R-HIGH", "pass", False, "high")]
    frame = pd.DataFrame(rows, columns=["event", "rule", "status", "violation", "severity"])
    marks = _marks(timeline_figure(tiny, frame))
    colours = {eid: _colour(*marks[eid]) for eid in ("search", "lineup", "arrest", "theft")}
    assert colours == {"search": SEVERITY_COLOURS["medium"], "lineup": SEVERITY_COLOURS["low"],
                       "arrest": NEUTRAL, "theft": NEUTRAL}
    hover = marks["search"][0].hovertext[marks["search"][1]]
    assert "R-MED" in hover and "R-LOW" in hover
    assert "R-HIGH" not in marks["theft"][0].hovertext[marks["theft"][1]]   # passed
    assert _line(*marks["arrest"])[0] == FAIL_LINE


def test_hover_gives_date_summary_and_sources() -> None:
    tr, i = _marks(timeline())["arrest"]
    hover = tr.hovertext[i]
    ev = williams().event_by_id["arrest"]
    assert "arrest" in hover and "9 January 2020" in hover
    assert f"{len(ev.sources)} sources" in hover
    assert williams().sources[ev.sources[0]].publisher.split(" (")[0] in hover


def test_lanes_by_acting_agency_in_a_meaningful_order() -> None:
    fig = timeline()
    lanes = {eid: tr.customdata[i][1] for eid, (tr, i) in _marks(fig).items()}
    assert lanes["arrest"] == lanes["photo-lineup"] == "Detroit Police Department"
    assert lanes["warrant-issued"] == "Wayne County Prosecutor's Office"
    assert lanes["lead-report-issued"] == "Michigan State Police"
    assert lanes["dpd-fr-procurement"] == lanes["directive-adopted"] == "Context"
    assert lanes["worthy-apology"] == "Wayne County Prosecutor's Office"   # a person's agency
    order = [t.replace("<br>", " ") for t in fig.layout.yaxis.ticktext]
    assert order[0] == "Context" and order[-1] == "Accused and family / public"
    assert order.index("Detroit Police Department") < order.index(
        "Wayne County Prosecutor's Office")
    # lanes do not interleave: every event of a lane lies between the lane's neighbours' ticks
    ticks = dict(zip(order, fig.layout.yaxis.tickvals, strict=True))
    for eid, (tr, i) in _marks(fig).items():
        nearer = [lane for lane, y in ticks.items() if lane != lanes[eid]
                  and abs(y - tr.y[i]) < 0.5]
        assert not nearer, (eid, nearer)


@pytest.mark.parametrize("width", WIDTHS)
def test_marks_in_a_lane_do_not_sit_on_each_other(width: int) -> None:
    fig = timeline()
    boxes = []
    for eid, (tr, i) in _marks(fig).items():
        kind, first, last = _extent(fig, eid)
        x0, y = _px(fig, first.isoformat(), tr.y[i], width)
        x1 = _px(fig, (last + timedelta(days=1)).isoformat(), tr.y[i], width)[0]
        if kind == "point":
            x0, x1 = x0 - 5, x0 + 5
        boxes.append((eid, (x0, y - 5, x1, y + 5)))
    clashes = [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2)
               if _overlap(ba, bb)]
    assert not clashes


@pytest.mark.parametrize("width", WIDTHS)
def test_every_key_step_and_violation_is_labelled_without_overlap(width: int) -> None:
    fig = timeline()
    labels = _key_labels(fig)
    case = williams()
    key_events = {ev.id for ev in case.events if ev.type in KEY_STEPS and not ev.context}
    violated = set(findings().loc[findings()["violation"], "event"])
    assert set(labels) == key_events | violated
    marks = _marks(fig)
    for eid, a in labels.items():
        tr, i = marks[eid]
        ev = case.event_by_id[eid]
        assert a.y < tr.y[i]                             # above its mark, on its day
        assert pd.Timestamp(a.x) == pd.Timestamp(_anchor(tr, i))
        lines = a.text.split("<br>")
        assert lines[0] == KEY_STEPS.get(ev.type, lines[0])
        if eid in violated:  # the rules violated there, by id
            rules = set(findings()[(findings()["event"] == eid) & findings()["violation"]]["rule"])
            assert " ".join(lines[1:]).split(" +")[0].split(", ")[0] in rules
    window = [pd.Timestamp(x) for x in fig.layout.xaxis.range]
    boxes = {t: _label_box(fig, a, width) for t, a in labels.items()
             if window[0] <= pd.Timestamp(a.x) <= window[1]}
    w, h = _plot_size(fig, width)
    for t, b in boxes.items():
        assert 0 <= b[0] and b[2] <= w and 0 <= b[1] and b[3] <= h, (t, b)
    clashes = [(a, b) for a, b in itertools.combinations(boxes, 2)
               if _overlap(boxes[a], boxes[b])]
    assert not clashes
    # no label sits on a mark
    marks = [(eid, _mark_box(fig, eid, width)) for eid in _marks(fig)]
    hidden = [(t, eid) for t, b in boxes.items() for eid, m in marks if _overlap(b, m)]
    assert not hidden, hidden
    # no leader (from a label's bottom down to its mark) runs through another label
    leaders = next(tr for tr in fig.data if tr.name == "label leaders")
    for k in range(0, len(leaders.x), 3):
        x, top = _px(fig, leaders.x[k], leaders.y[k], width)
        bottom = _px(fig, leaders.x[k], leaders.y[k + 1], width)[1]
        crossed = [t for t, b in boxes.items() if b[0] + 1 < x < b[2] - 1
                   and top < b[3] and b[1] < bottom]
        assert not crossed, (leaders.x[k], crossed)


def _anchor(tr: Any, i: int) -> str:
    """The x a label of a mark points at: a dot's day, or the middle of a bar."""
    if tr.type == "scatter":
        return str(tr.x[i])
    start = pd.Timestamp(tr.base[i])
    return (start + pd.Timedelta(milliseconds=tr.x[i] / 2)).isoformat()


def _mark_box(fig: go.Figure, eid: str, width: float) -> tuple[float, float, float, float]:
    tr, i = _marks(fig)[eid]
    kind, first, last = _extent(fig, eid)
    x0, y = _px(fig, first.isoformat(), tr.y[i], width)
    x1 = _px(fig, (last + timedelta(days=1)).isoformat(), tr.y[i], width)[0]
    half = 5.5 if kind == "point" else tr.width / 2 * _plot_size(fig, width)[1] / abs(
        fig.layout.yaxis.range[0] - fig.layout.yaxis.range[1])
    return (x0 - 5.5, y - half, x0 + 5.5, y + half) if kind == "point" else (x0, y - half,
                                                                             x1, y + half)


def test_the_timeline_opens_on_the_incident_and_reaches_everything() -> None:
    fig = timeline()
    start, end = (date.fromisoformat(x) for x in fig.layout.xaxis.range)
    assert start <= date(2018, 10, 1) and end >= date(2020, 1, 23)  # offense .. dismissal
    assert (end - start).days <= 3 * 366
    whole = [date.fromisoformat(x) for x in fig.layout.xaxis.rangeslider.range]
    assert whole[0] <= date(2017, 1, 1) and whole[1] >= date(2024, 6, 28)  # context, settlement
    labels = {b.label: b.args[0]["xaxis.range"] for b in fig.layout.updatemenus[0].buttons}
    assert labels == {"The incident": list(fig.layout.xaxis.range),
                      "Everything": list(fig.layout.xaxis.rangeslider.range)}


def test_an_uncertain_date_is_hatched_a_known_span_solid() -> None:
    fig = timeline()
    tr, _ = _marks(fig)["detention"]          # 9 to 10 January 2020: how long it lasted
    assert tr.type == "bar" and not tr.marker.pattern.shape
    tr, _ = _marks(fig)["offense"]             # some day in October 2018
    assert tr.type == "bar" and tr.marker.pattern.shape == "/" and tr.opacity < 0.8


def test_an_open_span_with_a_stated_duration_ends_where_the_duration_allows() -> None:
    oliver = load_case(WILLIAMS.parent / "oliver-detroit.yaml")
    fig = timeline_figure(oliver)
    kind, start, last = _extent(fig, "detention")   # "2019-07/", about three days
    assert kind == "bar" and start == date(2019, 7, 1)
    assert (last - start).days <= 31 + 3


def test_the_time_between_key_steps_is_annotated_with_its_uncertainty() -> None:
    texts = {a.name: a.text for a in timeline().layout.annotations
             if a.name and a.name.startswith("duration:")}
    assert "435\u2013465 days" in texts["duration:offense-arrest"]  # Oct 2018 → 9 Jan 2020
    assert "1 day" in texts["duration:arrest-release"]


def test_upto_shows_only_what_was_known_at_the_lineup() -> None:
    fig = timeline("photo-lineup")
    shown = set(_marks(fig))
    assert shown == set(known_at(williams(), "photo-lineup"))
    assert {"offense", "fr-search", "photo-lineup", "mayor-letter-2019"} <= shown
    assert "warrant-request" in shown                 # may have come before: July to 23 Aug 2019
    for later in ("arrest", "warrant-issued", "detention", "dismissal", "settlement"):
        assert later not in shown
    labelled = {williams().event_by_id[e].type for e in _key_labels(fig)}
    assert {"offense", "fr-search", "photo-lineup"} <= labelled
    assert not {"arrest", "warrant-issued", "detention", "dismissal"} & labelled
    assert "photo-lineup" in fig.layout.title.text


def test_known_at() -> None:
    case = williams()
    known = known_at(case, "warrant-issued")
    assert known[0] == "dpd-fr-procurement" and "warrant-issued" in known
    assert "charge" in known                          # same day: possibly before
    assert "directive-adopted" not in known and "arrest" not in known
    for eid in known:
        assert case.bounds(eid)[0] <= case.bounds("warrant-issued")[1]
    with pytest.raises(KeyError):
        known_at(case, "no-such-event")


def test_readable_layout() -> None:
    fig = timeline()
    assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert fig.layout.hovermode == "closest" and 400 <= fig.layout.height <= 1600
    assert fig.layout.barmode == "overlay"            # bars in a lane never dodge sideways


# --------------------------------------------------------------------------- event graph


def test_graph_has_one_node_per_graph_node() -> None:
    g = build_graph(williams())
    assert set(_nodes(graph())) == set(g.nodes)


def test_events_and_evidence_are_drawn_differently() -> None:
    g = build_graph(williams())
    symbols: dict[str, set[str]] = {"event": set(), "evidence": set()}
    for tr in graph().data:
        if tr.customdata is None:
            continue
        kinds = {g.nodes[n]["node_type"] for n in tr.customdata}
        assert len(kinds) == 1, f"{tr.name} mixes events and evidence"
        symbols[kinds.pop()].add(tr.marker.symbol)
    assert symbols == {"event": {"circle"}, "evidence": {"square"}}


def test_fr_derived_and_downstream_nodes_are_highlighted() -> None:
    g = build_graph(williams())
    derived, downstream = fr_derived(g), fr_downstream(g)
    assert {"fr-candidate", "photo-array", "arrest-warrant"} <= derived
    for n, (tr, i) in _nodes(graph()).items():
        data = g.nodes[n]
        highlighted = (n in derived if data["node_type"] == "evidence"
                       else n in downstream and not data["context"])
        assert (_colour(tr, i) == FR_COLOUR) == highlighted, n
    names = [tr.name for tr in graph().data if tr.customdata is not None]
    assert any("face-recognition" in name for name in names)


def test_failed_steps_are_outlined_and_violations_emphasised() -> None:
    nodes = _nodes(graph())
    assert _line(*nodes["warrant-request"]) == (FAIL_LINE, 4)       # MSP-1: a violation
    assert _line(*nodes["photo-lineup"]) == (FAIL_LINE, 2)          # fails, none count
    assert _line(*nodes["offense"])[0] != FAIL_LINE
    tr, i = nodes["warrant-request"]
    assert "<b>violation</b>: MSP-1" in tr.hovertext[i]
    other, j = nodes["photo-lineup"]
    assert tr.marker.size[i] > other.marker.size[j]


def test_edges_run_left_to_right_and_events_keep_time_order() -> None:
    g = build_graph(williams())
    pos = _positions(graph())
    for u, v in g.edges:
        assert pos[u][0] <= pos[v][0], f"{u} -> {v} runs right to left"
    xs = [pos[n][0] for n in time_order(g)]
    assert xs == sorted(xs)


def test_drawn_edges_are_the_graph_edges() -> None:
    g = build_graph(williams())
    pos = _positions(graph())
    drawn: Counter[tuple[Any, ...]] = Counter()
    for tr in graph().data:
        if tr.customdata is None and tr.name and tr.name.startswith("edge: "):
            label = tr.name.removeprefix("edge: ").replace(" ", "_")
            for k in range(0, len(tr.x), 3):
                assert tr.x[k + 2] is None
                drawn[(label, tr.x[k], tr.y[k], tr.x[k + 1], tr.y[k + 1])] += 1
    want = Counter((d["label"], *pos[u], *pos[v]) for u, v, d in g.edges(data=True))
    assert drawn == want


def test_evidence_sits_between_its_maker_and_its_first_user() -> None:
    g = build_graph(williams())
    pos = _positions(graph())
    for n, d in g.nodes(data=True):
        if d["node_type"] != "evidence":
            continue
        makers = [pos[p][0] for p in g.predecessors(n)]
        users = [pos[s][0] for s in g.successors(n) if g.nodes[s]["node_type"] == "event"]
        if makers:
            assert max(makers) < pos[n][0], n
        if users:
            assert pos[n][0] < min(users), n


@pytest.mark.parametrize("width", WIDTHS)
def test_nodes_and_labels_do_not_collide(width: int) -> None:
    fig = graph()
    pos = _positions(fig)
    assert len(set(pos.values())) == len(pos), "two nodes share a position"
    nodes = _nodes(fig)
    boxes, markers = {}, {}
    for n, (tr, i) in nodes.items():
        x, y = _px(fig, *pos[n], width=width)
        size = tr.marker.size if isinstance(tr.marker.size, int | float) else tr.marker.size[i]
        lines = tr.text[i].split("<br>")
        w = max(map(len, lines)) * FONT * CHAR
        h = len(lines) * FONT * 1.2
        assert tr.textposition == "top center"
        boxes[n] = (x - w / 2, y - size / 2 - h, x + w / 2, y - size / 2)
        markers[n] = (x - size / 2, y - size / 2, x + size / 2, y + size / 2)
    close = [(a, b) for a, b in itertools.combinations(boxes, 2)
             if _overlap(boxes[a], boxes[b], gap=4)]
    assert not close, close
    hidden = [(a, b) for a in boxes for b in markers if a != b and _overlap(boxes[a], markers[b])]
    assert not hidden, hidden
    # in the same column nodes keep a fixed vertical gap
    by_col: dict[float, list[float]] = {}
    for x, y in pos.values():
        by_col.setdefault(x, []).append(y)
    for ys in by_col.values():
        ys.sort()
        assert all(b - a >= 1 for a, b in itertools.pairwise(ys))


def test_graph_labels_are_short_and_hover_is_full() -> None:
    nodes = _nodes(graph())
    tr, i = nodes["lead-report-issued"]
    assert all(len(line) <= 16 for line in tr.text[i].split("<br>"))
    assert "lead-report-issued" not in tr.text[i]      # a name, never the id
    assert "March 2019" in tr.hovertext[i]
    assert williams().event_by_id["lead-report-issued"].summary[:30] in tr.hovertext[i]
    tr, i = nodes["msp-lead-report"]
    assert "face-search lead report" in tr.hovertext[i]


def test_no_graph_label_is_an_id_and_background_and_aftermath_collapse() -> None:
    case = williams()
    fig = graph_figure(case, findings())
    nodes = _nodes(fig)
    ids = set(case.event_by_id) | set(case.evidence)
    for n, (tr, i) in nodes.items():
        assert tr.text[i].replace("<br>", " ") not in ids, n
    groups = {n for n in nodes if n.startswith("group:")}
    assert groups == {"group:background", "group:aftermath"}
    context = [e for e in case.events if e.context]
    tr, i = nodes["group:background"]
    assert f"({len(context)} events)" in tr.text[i].replace("<br>", " ")
    assert not any(e.id in nodes for e in context)
    assert "settlement" not in nodes and "arrest" in nodes


def test_graph_upto_hides_later_events_and_their_evidence() -> None:
    pos = _positions(graph("photo-lineup"))
    assert "photo-lineup" in pos and "fr-candidate" in pos and "gallery-licence-photo" in pos
    assert "lineup-pick" in pos                       # made at the lineup
    for later in ("arrest", "warrant-issued", "arrest-warrant", "booking-record", "settlement"):
        assert later not in pos
    events = {n for n in pos if n in williams().event_by_id}
    assert events == set(known_at(williams(), "photo-lineup"))


# ----------------------------------------------------------------------- both figures


@pytest.mark.parametrize("build", [timeline_figure, graph_figure])
def test_redacted_figures_name_no_private_person(tiny: Case, build: Any) -> None:
    # the names appear only in the actors' `name`: whatever shows them, the figure put there
    assert "Quonset" not in TINY.split("actors:")[0] + TINY.split("evidence:")[1]
    plain = build(tiny, None).to_json()
    assert "Zelda Quonset" in plain and "Orville Quonset" in plain    # the test can fail
    redacted = build(tiny, None, redact=True).to_json()
    for name in ("Zelda", "Quonset", "Orville"):
        assert name not in redacted
    assert "accused" in redacted


@pytest.mark.parametrize("build", [timeline_figure, graph_figure])
def test_redacted_williams_figures_do_not_use_the_full_name(build: Any) -> None:
    # "Julian-Borchak" is written only in the accused's actor `name`
    assert "Julian-Borchak" in build(williams(), findings()).to_json()
    assert "Julian-Borchak" not in build(williams(), findings(), redact=True).to_json()


@pytest.mark.parametrize("build", [timeline_figure, graph_figure])
def test_case_text_is_escaped(tiny: Case, build: Any) -> None:
    text = build(tiny, None).to_json()
    assert "<script>" not in text and "<b>video</b>" not in text
    if build is graph_figure:
        assert "&lt;script&gt;" in text


@pytest.mark.parametrize("build", [timeline_figure, graph_figure])
def test_output_is_deterministic(build: Any) -> None:
    assert build(williams(), findings()).to_json() == build(williams(), findings()).to_json()


@pytest.mark.parametrize("build", [timeline_figure, graph_figure])
def test_without_findings_nothing_is_marked(build: Any) -> None:
    fig = build(williams())
    ids = _marks(fig) if build is timeline_figure else _nodes(fig)
    for tr, i in ids.values():
        assert _colour(tr, i) not in SEVERITY_COLOURS.values()
        assert _line(tr, i)[0] != FAIL_LINE


def test_a_crowded_timeline_numbers_its_labels_and_carries_their_key(tmp_path: Path) -> None:
    from casebook.testing.synth import synth_case
    from casebook.views.timeline import KEY_COLUMNS

    path = tmp_path / "crowded.yaml"
    path.write_text(synth_case(500, seed=3).text, encoding="utf-8")
    case = load_case(path)
    fig = timeline_figure(case, evaluate(case, load_protocols(), lens="then", as_of=AS_OF))
    labels = _key_labels(fig)
    assert len(labels) > 100 and all(a.text.isdigit() for a in labels.values())
    key = fig.layout.meta["key"]
    assert [row[0] for row in key] == [str(i) for i in range(1, len(labels) + 1)]
    assert {a.text for a in labels.values()} == {row[0] for row in key}
    assert all(len(row) == len(KEY_COLUMNS) for row in key)
    for eid, a in labels.items():                    # each number's row names its event
        row = key[int(a.text) - 1]
        assert row[1] == case.vocabulary.key_steps.get(case.event_by_id[eid].type, row[1])
        assert row[3] == case.date_text(case.event_by_id[eid])
        assert "<br>" in a.hovertext                  # the full label on hover
