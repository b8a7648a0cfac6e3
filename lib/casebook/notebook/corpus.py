"""Cross-case views: many case files checked once, then compared.

:func:`load_corpus` loads every case file of a folder (or a list of paths), keeps the invalid
ones aside with their located problems — one bad file never stops the corpus — and evaluates
each valid case once against the chosen standards, under one lens. Every view below is a
pandas DataFrame or a plotly figure computed from that :class:`Corpus`, memoised on it, so the
corpus notebook, the CSV export and the tests read the same numbers:

- :func:`rule_case_matrix` / :func:`rule_heatmap` — which rule failed in which case;
- :func:`pattern_counts` / :func:`pattern_matrix` — how many cases show each failure pattern
  of :data:`PATTERNS` (the reference's cross-case pattern table, as data);
- :func:`step_dates` / :func:`durations` / :func:`durations_figure` — offense → face search →
  lineup → warrant → arrest → dismissal, as ranges of days from the date bounds;
- :func:`recurring_actors` — registry actors (``ref:``) that appear in more than one case.

A failed rule is a comparison of the record with a written standard, never by itself a finding
that anything was unlawful (:data:`~casebook.findings.DISCLAIMER`).
"""

from __future__ import annotations

import html
import itertools
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pydantic import BaseModel, ConfigDict, ValidationError

from ..engine.findings import COLUMNS, DISCLAIMER, LENSES, Lens, evaluate
from ..engine.graph import build_graph
from ..engine.protocols import Protocol, load_protocols, select_protocols
from ..errors import CasefileError, DefinitionError, Problem, display_path
from ..model.case import Case
from ..model.casefile import Event
from ..model.load import load_case
from ..model.validation import pydantic_problems
from ..model.yamlsafe import read_yaml
from ..paths import case_files
from ..views.display import escape, plotly_loader, table_html
from .workbook import Figure, Html

__all__ = [
    "DISCLAIMER",
    "NOT_YET_CHECKABLE",
    "PATTERNS",
    "STATUS_ORDER",
    "STEPS",
    "Corpus",
    "Pattern",
    "Skipped",
    "Step",
    "case_files",
    "case_table",
    "durations",
    "durations_figure",
    "export",
    "load_corpus",
    "not_yet_checkable",
    "pattern_counts",
    "pattern_heatmap",
    "pattern_matrix",
    "patterns_table",
    "recurring_actors",
    "registry_appearances",
    "rule_case_matrix",
    "rule_case_table",
    "rule_heatmap",
    "rule_status",
    "setup",
    "show",
    "skipped_table",
    "step_dates",
]

T = TypeVar("T")


# --------------------------------------------------------------------------------- patterns


@dataclass(frozen=True)
class Pattern:
    """A way these investigations go wrong, shown by the failure of any of its rules."""

    name: str
    rules: tuple[str, ...]
    reference: str  # the reference table's row (and provisions) this pattern follows


class _PatternRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    rules: list[str]
    reference: str


class _PatternFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    patterns: list[_PatternRow]
    not_yet_checkable: dict[str, str] = {}


def _load_patterns() -> tuple[tuple[Pattern, ...], dict[str, str]]:
    """``data/patterns.yaml``: the failure patterns, following the cross-case pattern table of
    the reference. Kept as data so that no rule id is written in the library."""
    from ..paths import data_dir

    doc = read_yaml(data_dir() / "patterns.yaml", DefinitionError)
    try:
        data = _PatternFile.model_validate(doc.data)
    except ValidationError as err:
        raise DefinitionError(pydantic_problems(doc, err, model=_PatternFile)) from None
    patterns = tuple(Pattern(p.name, tuple(p.rules), p.reference) for p in data.patterns)
    return patterns, dict(data.not_yet_checkable)


PATTERNS, NOT_YET_CHECKABLE = _load_patterns()
"""The failure patterns (see ``data/patterns.yaml``) and the reference's rows that no rule
detects yet: shown, never counted."""


STATUS_ORDER = ("violation", "fail", "unknown", "pass", "not checked")
"""Worst first. ``fail`` here means failed but not counting under the lens."""


# ----------------------------------------------------------------------------------- steps


@dataclass(frozen=True)
class Step:
    """A step of the path from offense to dismissal, and the event types that mark it
    (the first type present wins: a warrant is its issuing, else its request)."""

    key: str
    label: str
    event_types: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step("offense", "Offense", ("offense",)),
    Step("fr-search", "Face search", ("fr-search",)),
    Step("photo-lineup", "Photo lineup", ("photo-lineup",)),
    Step("warrant", "Warrant", ("warrant-issued", "warrant-request")),
    Step("arrest", "Arrest", ("arrest",)),
    Step("dismissal", "Dismissal", ("dismissal",)),
)
STEP_COLOURS = {"offense": "#7f7f7f", "fr-search": "#8e44ad", "photo-lineup": "#ff7f0e",
                "warrant": "#d62728", "arrest": "#1f77b4", "dismissal": "#2ca02c"}
_OVERALL = (("offense", "arrest"), ("offense", "dismissal"))


# ---------------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class Skipped:
    """A case file left out of the corpus, with every located problem."""

    path: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True, eq=False)
class Corpus:
    """Valid cases (in file order), their findings (evaluated once), and the skipped files."""

    cases: tuple[Case, ...]
    findings: pd.DataFrame
    skipped: tuple[Skipped, ...]
    protocols: tuple[Protocol, ...]
    lens: Lens
    as_of: str | None
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def case_ids(self) -> list[str]:
        return [c.id for c in self.cases]

    @property
    def files(self) -> int:
        return len(self.cases) + len(self.skipped)

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """Compute a view the first time it is asked for; later calls reuse it."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value.copy() if isinstance(value, pd.DataFrame) else value


def _protocol_list(protocols: str | Sequence[Protocol] | Iterable[str] | None
                   ) -> list[Protocol]:
    if isinstance(protocols, str):
        return select_protocols(protocols)
    items = list(protocols or [])
    if items and all(isinstance(p, Protocol) for p in items):
        return [p for p in items if isinstance(p, Protocol)]
    return select_protocols(",".join(str(p) for p in items))


def _duplicate(path: Path, case: Case, first: Case) -> Skipped:
    doc = read_yaml(path, CasefileError)
    return Skipped(case.display_path, (doc.problem(
        ("case", "id"), f"case id {case.id!r} is already used by {first.display_path}; "
        "each case in a corpus needs its own id"),))


def load_corpus(folder_or_paths: str | Path | Iterable[str | Path] = "casefile", *,
                protocols: str | Sequence[Protocol] | Iterable[str] | None = "all",
                lens: str = "then", as_of: str | date | None = None) -> Corpus:
    """Load every case file, skip (and record) the invalid ones, evaluate each valid case
    once. Never raises for a bad case file; a broken protocol or registry still raises."""
    if lens not in LENSES:
        raise ValueError(f"lens must be one of {', '.join(LENSES)}, not {lens!r}")
    protos = _protocol_list(protocols)
    when = as_of.isoformat() if isinstance(as_of, date) else (as_of or None)
    cases: list[Case] = []
    skipped: list[Skipped] = []
    by_id: dict[str, Case] = {}
    for path in case_files(folder_or_paths):
        try:
            case = load_case(path)
        except CasefileError as err:
            skipped.append(Skipped(display_path(path), tuple(err.problems)))
            continue
        if case.id in by_id:
            skipped.append(_duplicate(path, case, by_id[case.id]))
            continue
        by_id[case.id] = case
        cases.append(case)
    frames = [evaluate(c, protos, lens=lens, as_of=when) for c in cases]  # type: ignore[arg-type]
    found = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return Corpus(tuple(cases), found, tuple(skipped), tuple(protos),
                  lens, when)  # type: ignore[arg-type]


# -------------------------------------------------------------------------- corpus tables


def _human(case: Case, event: Event | None) -> str:
    if event is None:
        return ""
    return " | ".join(dict.fromkeys(d.human() for d in case.dates(event)))


def case_table(corpus: Corpus) -> pd.DataFrame:
    """One row per case: what it is, and how its record fares under the lens."""
    def compute() -> pd.DataFrame:
        f = corpus.findings
        rows = []
        for case in corpus.cases:
            mine = f[f["case"] == case.id]
            steps = _step_events(case)
            rows.append({
                "case": case.id, "title": case.title,
                "jurisdiction": case.file.case.jurisdiction,
                "offense": _human(case, steps.get("offense")),
                "arrest": _human(case, steps.get("arrest")),
                "events": len(case.events),
                "violations": int(mine["violation"].sum()),
                "rules failed": mine.loc[mine["status"] == "fail", "rule"].nunique(),
                "open questions": int((mine["status"] == "unknown").sum()),
                "file": case.display_path,
            })
        return pd.DataFrame(rows, columns=["case", "title", "jurisdiction", "offense", "arrest",
                                           "events", "violations", "rules failed",
                                           "open questions", "file"])
    return corpus.once("cases", compute)


def skipped_table(corpus: Corpus) -> pd.DataFrame:
    """One row per problem of each skipped file, located (line, column, field)."""
    rows = [{"file": s.path, "line": p.line or "", "column": p.column or "",
             "field": p.field, "problem": p.message
             + (f" (did you mean `{p.suggestion}`?)" if p.suggestion else "")}
            for s in corpus.skipped for p in s.problems]
    return pd.DataFrame(rows, columns=["file", "line", "column", "field", "problem"])


# ----------------------------------------------------------------------- rule by case


def _rule_order(corpus: Corpus) -> list[str]:
    return list(dict.fromkeys(r.id for p in corpus.protocols for r in p.rules))


def _rule_titles(corpus: Corpus) -> dict[str, str]:
    return {r.id: r.title for p in corpus.protocols for r in p.rules}


def rule_case_matrix(corpus: Corpus, which: Literal["violation", "fail", "unknown"] =
                     "violation", *, all_rules: bool = False) -> pd.DataFrame:
    """Rules by cases: how many findings (steps) of each rule are violations (or fail, or are
    unknown) in each case. Rows are the rules with at least one, unless ``all_rules``."""
    def compute() -> pd.DataFrame:
        f = corpus.findings
        hit = f["violation"].astype(bool) if which == "violation" else f["status"] == which
        counts = f[hit].groupby(["rule", "case"]).size()
        rules = _rule_order(corpus)
        if not all_rules:
            present = set(counts.index.get_level_values("rule")) if len(counts) else set()
            rules = [r for r in rules if r in present]
        matrix = pd.DataFrame(0, index=pd.Index(rules, name="rule"),
                              columns=pd.Index(corpus.case_ids, name="case"), dtype=int)
        for (rule, case), n in counts.items():
            if rule in matrix.index:
                matrix.loc[rule, case] = int(n)
        return matrix
    return corpus.once(f"matrix-{which}-{all_rules}", compute)


def rule_case_table(corpus: Corpus, which: Literal["violation", "fail", "unknown"] =
                    "violation") -> pd.DataFrame:
    """:func:`rule_case_matrix` for reading: each rule with its standard and title, and in
    how many cases it appears, before the per-case counts."""
    matrix = rule_case_matrix(corpus, which)
    rules = {r.id: (p.short, r.title) for p in corpus.protocols for r in p.rules}
    front = pd.DataFrame({"rule": matrix.index,
                          "standard": [rules[r][0] for r in matrix.index],
                          "title": [rules[r][1] for r in matrix.index],
                          "cases": (matrix > 0).sum(axis=1).to_numpy()})
    return pd.concat([front, matrix.reset_index(drop=True)], axis=1)


def _worst(statuses: pd.DataFrame) -> str:
    if statuses["violation"].astype(bool).any():
        return "violation"
    for status in ("fail", "unknown", "pass"):
        if (statuses["status"] == status).any():
            return status
    return "not checked"


def rule_status(corpus: Corpus, rules: Sequence[str] | None = None) -> pd.DataFrame:
    """Rules by cases: the worst outcome of each rule in each case (:data:`STATUS_ORDER`);
    ``not checked`` when the case has no step the rule applies to. Rows: the rules that fail
    in at least one case, unless ``rules`` is given."""
    f = corpus.findings
    if rules is None:
        failing = set(f.loc[f["status"] == "fail", "rule"])
        rules = [r for r in _rule_order(corpus) if r in failing]
    table = pd.DataFrame("not checked", index=pd.Index(list(rules), name="rule"),
                         columns=pd.Index(corpus.case_ids, name="case"), dtype=object)
    mine = f[f["rule"].isin(set(rules))]
    for (rule, case), group in mine.groupby(["rule", "case"]):
        table.loc[rule, case] = _worst(group)
    return table


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


# ---------------------------------------------------------------------------- patterns


def patterns_table(protocols: Sequence[Protocol] | None = None) -> pd.DataFrame:
    """:data:`PATTERNS` as a table, with each rule's title (from ``protocols``)."""
    titles = {r.id: r.title for p in (protocols or load_protocols()) for r in p.rules}
    return pd.DataFrame([{"pattern": p.name,
                          "rules": "; ".join(f"{r} ({titles[r]})" if r in titles else r
                                             for r in p.rules),
                          "reference row": p.reference} for p in PATTERNS],
                        columns=["pattern", "rules", "reference row"])


def pattern_matrix(corpus: Corpus) -> pd.DataFrame:
    """Patterns by cases: the worst outcome of any of the pattern's rules in the case."""
    def compute() -> pd.DataFrame:
        f = corpus.findings
        table = pd.DataFrame("not checked", index=pd.Index([p.name for p in PATTERNS],
                                                           name="pattern"),
                             columns=pd.Index(corpus.case_ids, name="case"), dtype=object)
        for pattern in PATTERNS:
            mine = f[f["rule"].isin(set(pattern.rules))]
            for case, group in mine.groupby("case"):
                table.loc[pattern.name, case] = _worst(group)
        return table
    return corpus.once("pattern-matrix", compute)


def pattern_counts(corpus: Corpus) -> pd.DataFrame:
    """How many cases show each failure pattern (any of its rules fails), how many of them
    as a violation under the lens, and in how many the record cannot tell."""
    def compute() -> pd.DataFrame:
        table = pattern_matrix(corpus)
        rows = []
        for pattern in PATTERNS:
            row = table.loc[pattern.name]
            showing = [c for c in table.columns if row[c] in ("violation", "fail")]
            rows.append({
                "pattern": pattern.name,
                "cases": len(showing),
                "as violations": int((row == "violation").sum()),
                "cannot tell": int((row == "unknown").sum()),
                "which cases": ", ".join(showing),
                "rules": ", ".join(pattern.rules),
            })
        out = pd.DataFrame(rows, columns=["pattern", "cases", "as violations", "cannot tell",
                                          "which cases", "rules"])
        return out.sort_values("cases", ascending=False, kind="stable").reset_index(drop=True)
    return corpus.once("pattern-counts", compute)


def pattern_heatmap(corpus: Corpus) -> go.Figure:
    """Patterns by case, coloured by the worst outcome of the pattern's rules, with the
    number of failing steps in the cell."""
    def compute() -> go.Figure:
        table = pattern_matrix(corpus)
        if table.empty or not len(table.columns):
            return _empty_figure("No case in this corpus.")
        fails = corpus.findings[corpus.findings["status"] == "fail"]
        counts = pd.DataFrame(0, index=table.index, columns=table.columns, dtype=int)
        for pattern in PATTERNS:
            mine = fails[fails["rule"].isin(set(pattern.rules))]
            for case, n in mine.groupby("case").size().items():
                counts.loc[pattern.name, case] = int(n)
        rules = {p.name: ", ".join(p.rules) for p in PATTERNS}
        return _status_heatmap(table, counts, lambda name: name,
                               lambda name: f"{name} ({rules[name]})",
                               f"Failure patterns, by case ('{corpus.lens}' lens)")
    return corpus.once("pattern-heatmap", compute)


def not_yet_checkable() -> pd.DataFrame:
    """:data:`NOT_YET_CHECKABLE` as a table: patterns of the reference no rule detects."""
    return pd.DataFrame([{"pattern": k, "why it is not counted": v}
                         for k, v in NOT_YET_CHECKABLE.items()],
                        columns=["pattern", "why it is not counted"])


# --------------------------------------------------------------------------- durations


def _step_events(case: Case) -> dict[str, Event]:
    """The event marking each step: the earliest (by date bounds, then id) non-context event
    of the step's first event type present in the case."""
    out: dict[str, Event] = {}
    for step in STEPS:
        for etype in step.event_types:
            found = [ev for ev in case.events if ev.type == etype and not ev.context]
            if found:
                out[step.key] = min(found, key=lambda e: (*case.bounds(e), e.id))
                break
    return out


def _finite(d: date) -> bool:
    return d not in (date.min, date.max)


def _days(a: date, b: date) -> int | None:
    return (b - a).days if _finite(a) and _finite(b) else None


def _range_text(lo: int | None, hi: int | None) -> str:
    if lo is None and hi is None:
        return "unknown"
    if lo is None:
        return f"at most {hi} days"
    if hi is None:
        return f"at least {lo} days"
    return f"{lo} days" if lo == hi else f"{lo}\u2013{hi} days"


def _gap(case: Case, graph: nx.DiGraph, a: Event, b: Event) -> tuple[int | None, int | None,
                                                                        bool]:
    """Fewest and most days from ``a`` to ``b`` allowed by both events' date bounds. When
    ``b`` rests on ``a`` in the event graph it cannot precede it, so the fewest is at least 0."""
    a_lo, a_hi = case.bounds(a)
    b_lo, b_hi = case.bounds(b)
    lo, hi = _days(a_hi, b_lo), _days(a_lo, b_hi)
    ordered = b.id in nx.descendants(graph, a.id)
    if ordered and lo is not None and lo < 0:
        lo = 0
    return lo, hi, ordered


def step_dates(corpus: Corpus) -> pd.DataFrame:
    """One row per case and step: the event, its date as recorded, its earliest and latest
    possible day, and how many days after the offense it came (a range, from the bounds)."""
    def compute() -> pd.DataFrame:
        rows = []
        for case in corpus.cases:
            steps = _step_events(case)
            graph = build_graph(case)
            offense = steps.get("offense")
            for step in STEPS:
                ev = steps.get(step.key)
                if ev is None:
                    continue
                lo, hi = case.bounds(ev)
                after = _gap(case, graph, offense, ev) if offense is not None else (None, None,
                                                                                    False)
                rows.append({
                    "case": case.id, "step": step.key, "label": step.label, "event": ev.id,
                    "event type": ev.type, "when": _human(case, ev),
                    "earliest": lo if _finite(lo) else None,
                    "latest": hi if _finite(hi) else None,
                    "exact": lo == hi,
                    "days after offense": "" if offense is None or ev is offense
                    else _range_text(after[0], after[1]),
                    "min days": after[0] if ev is not offense else 0,
                    "max days": after[1] if ev is not offense else 0,
                })
        out = pd.DataFrame(rows, columns=["case", "step", "label", "event", "event type",
                                          "when", "earliest", "latest", "exact",
                                          "days after offense", "min days", "max days"])
        for col in ("min days", "max days"):
            out[col] = out[col].astype("Int64")
        return out
    return corpus.once("step-dates", compute)


def durations(corpus: Corpus) -> pd.DataFrame:
    """Per case, the time between consecutive steps present in it (and offense → arrest,
    offense → dismissal), as the fewest and most days the date bounds allow — never a
    point invented from a month."""
    def compute() -> pd.DataFrame:
        rows = []
        labels = {s.key: s.label for s in STEPS}
        for case in corpus.cases:
            steps = _step_events(case)
            graph = build_graph(case)
            present = [s.key for s in STEPS if s.key in steps]
            consecutive = list(itertools.pairwise(present))
            pairs = consecutive + [p for p in _OVERALL
                                   if p[0] in steps and p[1] in steps and p not in consecutive]
            for a, b in pairs:
                lo, hi, ordered = _gap(case, graph, steps[a], steps[b])
                rows.append({
                    "case": case.id, "from": labels[a], "to": labels[b],
                    "span": "step" if (a, b) in consecutive else "overall",
                    "from date": _human(case, steps[a]), "to date": _human(case, steps[b]),
                    "min days": lo, "max days": hi, "days": _range_text(lo, hi),
                    "order from the graph": "yes" if ordered else "no",
                })
        out = pd.DataFrame(rows, columns=["case", "from", "to", "span", "from date", "to date",
                                          "min days", "max days", "days",
                                          "order from the graph"])
        for col in ("min days", "max days"):
            out[col] = out[col].astype("Int64")
        return out
    return corpus.once("durations", compute)


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
        offsets = {s.key: (i - (len(STEPS) - 1) / 2) * 0.13 for i, s in enumerate(STEPS)}
        rows_of = {c.id: i for i, c in enumerate(order)}
        for step in STEPS:
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
            colour = STEP_COLOURS[step.key]
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


# ------------------------------------------------------------------------------ actors


def registry_appearances(corpus: Corpus) -> pd.DataFrame:
    """Every shared actor (registry id) in every case: its roles there and the events it
    takes part in. Only ``ref:`` actors — an unnamed local actor is never matched."""
    def compute() -> pd.DataFrame:
        rows = []
        for case in corpus.cases:
            for actor in case.actors.values():
                ref = actor.actor.ref
                if not ref:
                    continue
                events = [ev for ev in case.events
                          if any(actor.id in ids for ids in ev.participants.values())]
                acting = sorted({role for ev in events
                                 for role, ids in ev.participants.items() if actor.id in ids})
                rows.append({"registry id": ref, "name": case.registry.actors[ref].name,
                             "kind": case.registry.actors[ref].kind, "case": case.id,
                             "roles": ", ".join(actor.roles),
                             "in events as": ", ".join(r.replace("_", " ") for r in acting),
                             "events": len(events)})
        return pd.DataFrame(rows, columns=["registry id", "name", "kind", "case", "roles",
                                           "in events as", "events"])
    return corpus.once("appearances", compute)


def recurring_actors(corpus: Corpus) -> pd.DataFrame:
    """Registry actors appearing in more than one case, with the cases and their roles."""
    def compute() -> pd.DataFrame:
        seen = registry_appearances(corpus)
        rows = []
        for ref, group in seen.groupby("registry id", sort=True):
            cases = list(dict.fromkeys(group["case"]))
            if len(cases) < 2:
                continue
            roles = "; ".join(f"{r.case}: {r.roles or 'no role given'}"
                              for r in group.itertuples())
            rows.append({"registry id": ref, "name": group["name"].iloc[0],
                         "kind": group["kind"].iloc[0], "cases": len(cases),
                         "which cases": ", ".join(cases), "roles by case": roles})
        out = pd.DataFrame(rows, columns=["registry id", "name", "kind", "cases",
                                          "which cases", "roles by case"])
        return out.sort_values(["cases", "registry id"], ascending=[False, True],
                               kind="stable").reset_index(drop=True)
    return corpus.once("recurring", compute)


# ------------------------------------------------------------------- notebook helpers


def setup(shared_plotly: str | None = None) -> Html:
    """Where plotly.js comes from (as :meth:`casebook.workbook.Workbook.setup`)."""
    return Html(plotly_loader(shared_plotly) if shared_plotly else "")


def _blank_zero(value: Any) -> Any:
    counts = isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
    return "" if counts and value == 0 else value


def show(item: pd.DataFrame | go.Figure, *, empty: str = "Nothing to show.",
         blank_zeros: bool = False, name: str = "corpus") -> Html | Figure:
    """An escaped HTML table for a DataFrame (``empty`` when it has no rows; zero counts
    left blank with ``blank_zeros``), a figure bundle for a plotly figure — what the
    notebook displays."""
    if isinstance(item, pd.DataFrame):
        if item.empty:
            return Html(f"<p>{escape(empty)}</p>")
        frame = item.reset_index() if item.index.name else item
        frame = frame.astype(object).where(frame.notna(), "")
        if blank_zeros:
            frame = frame.map(_blank_zero)
        return Html(table_html(frame))
    return Figure(item, name)


def export(corpus: Corpus, folder: str | Path) -> list[Path]:
    """The corpus tables as CSV files in ``folder``; returns the files written."""
    if not folder:
        return []
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "cases.csv": case_table(corpus),
        "skipped.csv": skipped_table(corpus),
        "findings.csv": corpus.findings.drop(columns=["event_earliest"]),
        "violations-by-rule.csv": rule_case_matrix(corpus, "violation").reset_index(),
        "fails-by-rule.csv": rule_case_matrix(corpus, "fail").reset_index(),
        "patterns.csv": pattern_counts(corpus),
        "steps.csv": step_dates(corpus),
        "durations.csv": durations(corpus),
        "recurring-actors.csv": recurring_actors(corpus),
    }
    written = []
    for name, frame in tables.items():
        frame.to_csv(out / name, index=False)
        written.append(out / name)
    return written
