"""Cross-case figures: rules and failure patterns by case (heatmaps), and the durations from
offense to dismissal with their date uncertainty."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable, Sequence
from datetime import date
from types import SimpleNamespace
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..engine.corpus import Corpus
from ..model.case import Case
from .corpus import (
    STATUS_ORDER,
    _rule_titles,
    pattern_matrix,
    rule_case_matrix,
    rule_status,
    step_dates,
)
from .figure_parts import MIN_WIDTH, _heading_text, _legend

__all__ = ["durations_figure", "pattern_heatmap", "rule_heatmap"]


_STATUS_COLOURS = {"violation": "#d62728", "fail": "#f5a05a", "unknown": "#f2e6a7",
                   "pass": "#b8dcb8", "not checked": "#f4f4f4"}
_STATUS_WORDS = {"violation": "violation (failed, counts under the lens)",
                 "fail": "failed, does not count under the lens",
                 "unknown": "the record cannot tell", "pass": "met",
                 "not checked": "no step it applies to"}


def _discrete_scale(levels: Sequence[str]) -> list[list[Any]]:
    """A colour scale giving each integer level 0..n-1 one flat colour."""
    n = len(levels)
    scale: list[list[Any]] = []
    for i, level in enumerate(levels):
        scale += [[i / n, _STATUS_COLOURS[level]], [(i + 1) / n, _STATUS_COLOURS[level]]]
    return scale


def _empty_figure(message: str, height: int = 160) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=_esc(message), showarrow=False, x=0.5, y=0.5, xref="paper",
                       yref="paper", font={"size": 14})
    fig.update_layout(height=height, xaxis={"visible": False}, yaxis={"visible": False},
                      template="plotly_white", margin={"l": 20, "r": 20, "t": 20, "b": 20})
    return fig


def _status_heatmap(table: pd.DataFrame, counts: pd.DataFrame, row_label: Callable[[str], str],
                    row_hover: Callable[[str], str], title: str,
                    counted: str = "failing step(s)") -> go.Figure:
    levels = list(reversed(STATUS_ORDER))  # 0 = not checked … 4 = violation
    z = [[levels.index(str(v)) for v in row] for row in table.to_numpy()]
    text = [[str(counts.loc[r, c]) if counts.loc[r, c] else "" for c in table.columns]
            for r in table.index]
    hover = [[f"<b>{_esc(row_hover(str(r)))}</b><br>case {_esc(c)}<br>"
              f"{_esc(_STATUS_WORDS[str(table.loc[r, c])])}"
              + (f"<br>{counts.loc[r, c]} {counted}" if counts.loc[r, c] else "")
              for c in table.columns] for r in table.index]
    rows = [row_label(str(r)) for r in table.index]  # escaped and wrapped by row_label
    cols = [_esc(str(c)) for c in table.columns]
    fig = go.Figure(go.Heatmap(
        z=z, x=cols, y=rows, text=text, texttemplate="%{text}", textfont={"size": 11},
        customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        zmin=-0.5, zmax=len(levels) - 0.5, colorscale=_discrete_scale(levels),
        xgap=2, ygap=2, showscale=False))
    for level in reversed(levels):          # the colours' key, as a legend under the cells
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", hoverinfo="skip",
                                 name=_STATUS_WORDS[level], marker={
                                     "symbol": "square", "size": 14,
                                     "color": _STATUS_COLOURS[level]}))
    # laid out for the narrowest width (MIN_WIDTH): row labels wrapped into the left margin,
    # case ids standing upright over their columns, the key under the cells
    label_px = max((len(line) for r in rows for line in r.split("<br>")), default=10) * 6.6
    heading, top_px = _heading_text(title, f"The number in a cell: {counted}.")
    legend, legend_px = _legend(fig, MIN_WIDTH - 20)
    margin = {"l": round(16 + label_px), "r": 10, "autoexpand": False,
              "t": round(top_px + 10 + 7.2 * max((len(c) for c in cols), default=0)),
              "b": round(10 + legend_px)}
    fig.update_layout(
        title=heading, margin=margin, height=margin["t"] + margin["b"] + len(rows) * max(
            30, 6 + 16 * max((r.count("<br>") + 1 for r in rows), default=1)),
        template="plotly_white", legend=legend, showlegend=True,
        xaxis={"side": "top", "tickangle": -90, "fixedrange": True, "showgrid": False,
               "zeroline": False},
        yaxis={"autorange": "reversed", "fixedrange": True, "showgrid": False,
               "zeroline": False}, font={"size": 12}, meta={"min_width": MIN_WIDTH})
    return fig


def rule_heatmap(corpus: Corpus) -> go.Figure:
    """The rules that fail somewhere, by case, coloured by the worst outcome, with the
    number of failing steps in the cell."""
    def compute() -> go.Figure:
        table = rule_status(corpus)
        if table.empty:
            return _empty_figure("No rule fails in any case of this corpus.")
        counts = rule_case_matrix(corpus, "fail", all_rules=True).loc[table.index]
        titles = _rule_titles(corpus)

        def label(rule: str) -> str:
            return _wrapped(f"{rule} — {titles.get(rule, '')}", 28, 3)

        return _status_heatmap(table, counts, label,
                               lambda r: f"{r}: {titles.get(r, '')}",
                               f"Rules that fail, by case ('{corpus.lens}' lens)")
    return corpus.once("rule-heatmap", compute)


def _esc(text: object) -> str:
    """Escape for plotly's text, which renders a subset of HTML (quotes stay readable)."""
    return html.escape(str(text), quote=False)


def _wrapped(text: str, width: int, lines: int) -> str:
    """``text`` on at most ``lines`` lines of ``width``, broken at words; a last line that
    had to stop ends with "…" after a whole word — never cut mid-word."""
    parts = textwrap.wrap(text, width, break_on_hyphens=False)
    if len(parts) > lines:
        last = " ".join(parts[lines - 1:])
        cut = textwrap.wrap(last, width - 1, break_on_hyphens=False)[0]
        parts = [*parts[:lines - 1], cut + "…"]
    return "<br>".join(_esc(p) for p in parts)


def pattern_heatmap(corpus: Corpus) -> go.Figure:
    """Patterns by case, coloured by the worst outcome of the pattern's rules, with the
    number of failing steps in the cell."""
    def compute() -> go.Figure:
        table = pattern_matrix(corpus)
        if table.empty or not len(table.columns):
            return _empty_figure("No case in this corpus.")
        fails = corpus.findings[corpus.findings["status"] == "fail"]
        counts = pd.DataFrame(0, index=table.index, columns=table.columns, dtype=int)
        for pattern in corpus.pattern_table.patterns:
            mine = fails[fails["rule"].isin(set(pattern.rules))]
            for case, n in mine.groupby("case").size().items():
                counts.loc[pattern.name, case] = int(n)
        rules = {p.name: ", ".join(p.rules) for p in corpus.pattern_table.patterns}
        return _status_heatmap(table, counts, lambda name: _wrapped(name, 28, 3),
                               lambda name: f"{name} ({rules[name]})",
                               f"Failure patterns, by case ('{corpus.lens}' lens)",
                               counted="failures of the pattern's rules, one per rule and "
                                       "step")
    return corpus.once("pattern-heatmap", compute)


def _case_label(case: Case) -> str:
    return _wrapped(f"{case.id}: {case.title}", 26, 4)


def durations_figure(corpus: Corpus) -> go.Figure:
    """A row per case; in it a bar per step over every day the step could have fallen on,
    counted from the earliest possible day of the offense (a diamond marks a day known
    exactly). Width is uncertainty, never precision invented."""
    def compute() -> go.Figure:
        steps = step_dates(corpus)
        if steps.empty:
            return _empty_figure("No case in this corpus has a dated step.")
        anchors: dict[str, date] = {}
        for case in corpus.cases:
            mine = steps[(steps["case"] == case.id) & steps["earliest"].notna()]
            if not mine.empty:
                first = mine[mine["step"] == "offense"]
                anchors[case.id] = (first if not first.empty else mine)["earliest"].min()
        order = [c for c in corpus.cases if c.id in anchors]

        def coarse(r: Any) -> bool:  # known to a season, a year or worse
            return r.latest is None or (r.latest - r.earliest).days > COARSE_DAYS

        finite_hi = [(r.latest - anchors[r.case]).days + 1 for r in steps.itertuples()
                     if r.case in anchors and r.latest is not None]
        precise_hi = [(r.latest - anchors[r.case]).days + 1 for r in steps.itertuples()
                      if r.case in anchors and r.earliest is not None and not coarse(r)]
        x_max = max(precise_hi or finite_hi, default=1)  # coarse dates do not set the scale
        fig = go.Figure()
        all_steps = corpus.vocabulary.steps
        offsets = {s.key: (i - (len(all_steps) - 1) / 2) * 0.13
                   for i, s in enumerate(all_steps)}
        rows_of = {c.id: i for i, c in enumerate(order)}
        for step in all_steps:
            for uncertain in (False, True):
                _add_bars(fig, steps, step, anchors, rows_of, offsets, x_max, uncertain,
                          coarse)
        fig.add_trace(go.Bar(x=[None], y=[None], orientation="h", hoverinfo="skip",
                             name=f"known only to more than {COARSE_DAYS} days (hatched)",
                             marker={"color": "#888", "pattern": {"shape": "/",
                                                                  "fgcolor": "#888",
                                                                  "bgcolor": "white"}}))
        # laid out for the narrowest width (MIN_WIDTH): the cases' names wrapped into the left
        # margin, the key under the axis, whose name is a note so that nothing moves
        heading, top_px = _heading_text(
            "From offense to dismissal: each step over every day it could have fallen on",
            "Solid: known to the day or the month. Hatched: known only to a season or a "
            "year — such dates run off the scale rather than set it.")
        fig.add_annotation(text="days after the earliest possible day of the offense",
                           showarrow=False, xref="paper", x=0.5, yref="paper", y=0,
                           yanchor="top", yshift=-24, font={"size": 12})
        legend, legend_px = _legend(fig, MIN_WIDTH - 20)
        margin = {"l": 190, "r": 16, "t": round(top_px + 10), "autoexpand": False,
                  "b": round(56 + legend_px)}
        fig.update_layout(
            barmode="overlay", template="plotly_white", margin=margin, font={"size": 12},
            height=margin["t"] + margin["b"] + 80 * len(order), title=heading, legend=legend,
            meta={"min_width": MIN_WIDTH},
            xaxis={"range": [-max(5, x_max * 0.02), x_max * 1.03], "zeroline": True},
            yaxis={"tickvals": list(range(len(order))),
                   "ticktext": [_case_label(c) for c in order], "autorange": False,
                   "range": [len(order) - 0.5, -0.5], "fixedrange": True})
        return fig
    return corpus.once("durations-figure", compute)


#: A date whose possible days span more than this is drawn hatched and does not set the scale.
COARSE_DAYS = 62


def _add_bars(fig: go.Figure, steps: pd.DataFrame, step: Any, anchors: dict[str, date],
              rows_of: dict[str, int], offsets: dict[str, float], x_max: int,
              uncertain: bool, coarse: Callable[[Any], bool]) -> None:
    """One step's bars (and diamonds for exact days), precise or coarse."""
    bars: dict[str, list[Any]] = {"y": [], "base": [], "x": [], "hover": []}
    marks: dict[str, list[Any]] = {"y": [], "x": [], "hover": []}
    for r in steps[steps["step"] == step.key].to_dict("records"):
        row = SimpleNamespace(**r)
        if row.case not in anchors or row.earliest is None or coarse(row) != uncertain:
            continue
        anchor = anchors[row.case]
        start = (row.earliest - anchor).days
        end = (row.latest - anchor).days + 1 if row.latest is not None else x_max
        y = rows_of[row.case] + offsets[step.key]
        after = (f"<br>{_esc(r['days after offense'])} after the offense"
                 if r["days after offense"] else "")
        hover = (f"<b>{_esc(step.label)}</b>: {_esc(row.case)}<br>{_esc(row.when)}"
                 + (" (known only coarsely)" if uncertain else "") + after
                 + f"<br>event {_esc(row.event)}")
        bars["y"].append(y)
        bars["base"].append(start)
        bars["x"].append(end - start)
        bars["hover"].append(hover)
        if row.exact:
            marks["x"].append(start + 0.5)
            marks["y"].append(y)
            marks["hover"].append(hover)
    if not bars["y"]:
        return
    marker: dict[str, Any] = {"color": step.colour, "line": {"width": 0}}
    if uncertain:
        marker["pattern"] = {"shape": "/", "fgcolor": step.colour, "bgcolor": "white",
                             "solidity": 0.35}
    fig.add_trace(go.Bar(
        orientation="h", y=bars["y"], x=bars["x"], base=bars["base"], width=0.11,
        name=step.label, legendgroup=step.key, showlegend=not uncertain,
        opacity=0.55 if uncertain else 1.0, marker=marker,
        customdata=bars["hover"], hovertemplate="%{customdata}<extra></extra>"))
    if marks["x"]:
        fig.add_trace(go.Scatter(
            x=marks["x"], y=marks["y"], mode="markers", legendgroup=step.key,
            showlegend=False, marker={"symbol": "diamond", "size": 9, "color": step.colour,
                                      "line": {"color": "#333", "width": 1}},
            customdata=marks["hover"], hovertemplate="%{customdata}<extra></extra>"))
