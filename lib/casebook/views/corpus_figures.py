"""Cross-case figures: rules and failure patterns by case (heatmaps), and the durations from
offense to dismissal with their date uncertainty."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable, Sequence
from datetime import date
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
                    row_hover: Callable[[str], str], title: str) -> go.Figure:
    levels = list(reversed(STATUS_ORDER))  # 0 = not checked … 4 = violation
    z = [[levels.index(str(v)) for v in row] for row in table.to_numpy()]
    text = [[str(counts.loc[r, c]) if counts.loc[r, c] else "" for c in table.columns]
            for r in table.index]
    hover = [[f"<b>{_esc(row_hover(str(r)))}</b><br>case {_esc(c)}<br>"
              f"{_esc(_STATUS_WORDS[str(table.loc[r, c])])}"
              + (f"<br>{counts.loc[r, c]} failing step(s)" if counts.loc[r, c] else "")
              for c in table.columns] for r in table.index]
    rows = [_esc(row_label(str(r))) for r in table.index]
    cols = [_esc(str(c)) for c in table.columns]
    fig = go.Figure(go.Heatmap(
        z=z, x=cols, y=rows, text=text, texttemplate="%{text}", textfont={"size": 12},
        customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        zmin=-0.5, zmax=len(levels) - 0.5, colorscale=_discrete_scale(levels),
        xgap=2, ygap=2,
        colorbar={"tickvals": list(range(len(levels))),
                  "ticktext": [_STATUS_WORDS[lv] for lv in levels],
                  "len": min(1.0, 260 / (90 + 26 * len(rows))), "y": 1, "yanchor": "top",
                  "thickness": 14}))
    label_width = max((len(r) for r in rows), default=10)
    fig.update_layout(
        title={"text": _esc(title), "font": {"size": 15}},
        height=150 + 26 * len(rows) + 8 * max((len(c) for c in cols), default=0),
        template="plotly_white",
        margin={"l": min(560, 20 + int(6.4 * label_width)), "r": 20, "t": 50, "b": 20},
        xaxis={"side": "top", "tickangle": -30 if len(cols) > 3 else 0, "fixedrange": True},
        yaxis={"autorange": "reversed", "fixedrange": True}, font={"size": 12})
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
            return f"{rule} — {_shorten(titles.get(rule, ''), 48)}"

        return _status_heatmap(table, counts, label,
                               lambda r: f"{r}: {titles.get(r, '')}",
                               f"Rules that fail, by case ('{corpus.lens}' lens)")
    return corpus.once("rule-heatmap", compute)


def _esc(text: object) -> str:
    """Escape for plotly's text, which renders a subset of HTML (quotes stay readable)."""
    return html.escape(str(text), quote=False)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
        return _status_heatmap(table, counts, lambda name: name,
                               lambda name: f"{name} ({rules[name]})",
                               f"Failure patterns, by case ('{corpus.lens}' lens)")
    return corpus.once("pattern-heatmap", compute)


def _case_label(case: Case) -> str:
    return "<br>".join(_esc(line) for line in textwrap.wrap(
        f"{case.id}: {case.title}", 34)[:3])


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
        finite_hi = [(r.latest - anchors[r.case]).days + 1 for r in steps.itertuples()
                     if r.case in anchors and r.latest is not None]
        x_max = max(finite_hi, default=1)
        fig = go.Figure()
        all_steps = corpus.vocabulary.steps
        offsets = {s.key: (i - (len(all_steps) - 1) / 2) * 0.13
                   for i, s in enumerate(all_steps)}
        rows_of = {c.id: i for i, c in enumerate(order)}
        for step in all_steps:
            bars: dict[str, list[Any]] = {"y": [], "base": [], "x": [], "hover": []}
            marks: dict[str, list[Any]] = {"y": [], "x": [], "hover": []}
            for r in steps[steps["step"] == step.key].to_dict("records"):
                if r["case"] not in anchors or r["earliest"] is None:
                    continue
                anchor = anchors[r["case"]]
                start = (r["earliest"] - anchor).days
                end = (r["latest"] - anchor).days + 1 if r["latest"] is not None else x_max
                y = rows_of[r["case"]] + offsets[step.key]
                after = (f"<br>{_esc(r['days after offense'])} after the offense"
                         if r["days after offense"] else "")
                hover = (f"<b>{_esc(step.label)}</b>: {_esc(r['case'])}<br>"
                         f"{_esc(r['when'])}{after}<br>event {_esc(r['event'])}")
                bars["y"].append(y)
                bars["base"].append(start)
                bars["x"].append(end - start)
                bars["hover"].append(hover)
                if r["exact"]:
                    marks["x"].append(start + 0.5)
                    marks["y"].append(y)
                    marks["hover"].append(hover)
            colour = step.colour
            fig.add_trace(go.Bar(
                orientation="h", y=bars["y"], x=bars["x"], base=bars["base"], width=0.11,
                name=step.label, legendgroup=step.key,
                marker={"color": colour, "line": {"width": 0}},
                customdata=bars["hover"], hovertemplate="%{customdata}<extra></extra>"))
            if marks["x"]:
                fig.add_trace(go.Scatter(
                    x=marks["x"], y=marks["y"], mode="markers", legendgroup=step.key,
                    showlegend=False, marker={"symbol": "diamond", "size": 9, "color": colour,
                                              "line": {"color": "#333", "width": 1}},
                    customdata=marks["hover"], hovertemplate="%{customdata}<extra></extra>"))
        height = 200 + 95 * len(order)
        fig.update_layout(
            barmode="overlay", template="plotly_white", height=height,
            margin={"l": 250, "r": 20, "t": 100, "b": 60}, font={"size": 12},
            title={"text": "From offense to dismissal: each step over every day it could "
                           "have fallen on", "font": {"size": 15}, "y": 1 - 18 / height,
                   "yanchor": "top"},
            legend={"orientation": "h", "y": 1, "yanchor": "bottom", "x": 0,
                    "xanchor": "left"},
            xaxis={"title": "days after the earliest possible day of the offense",
                   "range": [-max(5, x_max * 0.02), x_max * 1.03], "zeroline": True},
            yaxis={"tickvals": list(range(len(order))),
                   "ticktext": [_case_label(c) for c in order], "autorange": "reversed",
                   "range": [len(order) - 0.5, -0.5], "fixedrange": True})
        return fig
    return corpus.once("durations-figure", compute)
