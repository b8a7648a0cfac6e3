"""Cross-case tables, computed from a :class:`~casebook.engine.corpus.Corpus` and memoised on
it, so the corpus notebook, the CSV export and the tests read the same numbers:

- :func:`rule_case_matrix` / :func:`rule_status` — which rule failed in which case;
- :func:`pattern_counts` / :func:`pattern_matrix` — how many cases show each failure pattern
  of ``data/patterns.yaml``;
- :func:`step_dates` / :func:`durations` — offense → face search → lineup → warrant → arrest →
  dismissal, as ranges of days from the date bounds;
- :func:`recurring_actors` — registry actors (``ref:``) that appear in more than one case.

A failed rule is a comparison of the record with a written standard, never by itself a finding
that anything was unlawful.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from typing import Literal

import networkx as nx
import pandas as pd

from ..engine.corpus import Corpus
from ..engine.graph import build_graph
from ..engine.patterns import load_patterns
from ..engine.protocols import Protocol, load_protocols
from ..model.case import Case
from ..model.casefile import Event

__all__ = ["STATUS_ORDER", "case_table", "durations", "not_yet_checkable",
           "pattern_counts", "pattern_matrix", "patterns_table", "recurring_actors",
           "registry_appearances", "rule_case_matrix", "rule_case_table", "rule_status",
           "skipped_table", "step_dates"]


STATUS_ORDER = ("violation", "fail", "unknown", "pass", "not checked")
"""Worst first. ``fail`` here means failed but not counting under the lens."""


def _human(case: Case, event: Event | None) -> str:
    if event is None:
        return ""
    return case.date_text(event)


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


def patterns_table(protocols: Sequence[Protocol] | None = None) -> pd.DataFrame:
    """The failure patterns as a table, with each rule's title (from ``protocols``)."""
    titles = {r.id: r.title for p in (protocols or load_protocols()) for r in p.rules}
    return pd.DataFrame([{"pattern": p.name,
                          "rules": "; ".join(f"{r} ({titles[r]})" if r in titles else r
                                             for r in p.rules),
                          "reference row": p.reference or "—"} for p in load_patterns().patterns],
                        columns=["pattern", "rules", "reference row"])


def pattern_matrix(corpus: Corpus) -> pd.DataFrame:
    """Patterns by cases: the worst outcome of any of the pattern's rules in the case."""
    def compute() -> pd.DataFrame:
        f = corpus.findings
        patterns = corpus.pattern_table.patterns
        table = pd.DataFrame("not checked", index=pd.Index([p.name for p in patterns],
                                                           name="pattern"),
                             columns=pd.Index(corpus.case_ids, name="case"), dtype=object)
        for pattern in corpus.pattern_table.patterns:
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
        for pattern in corpus.pattern_table.patterns:
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


def not_yet_checkable() -> pd.DataFrame:
    """The patterns of the reference that no rule detects, as a table."""
    return pd.DataFrame([{"pattern": k, "why it is not counted": v}
                         for k, v in load_patterns().not_yet_checkable.items()],
                        columns=["pattern", "why it is not counted"])


def _step_events(case: Case) -> dict[str, Event]:
    """The event marking each step: the earliest (by date bounds, then id) non-context event
    of the step's first event type present in the case."""
    out: dict[str, Event] = {}
    for step in case.vocabulary.steps:
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
            for step in corpus.vocabulary.steps:
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
        steps_of = corpus.vocabulary.steps
        labels = {s.key: s.label for s in steps_of}
        for case in corpus.cases:
            steps = _step_events(case)
            graph = build_graph(case)
            present = [s.key for s in steps_of if s.key in steps]
            consecutive = list(itertools.pairwise(present))
            pairs = consecutive + [p for p in corpus.vocabulary.overall_durations
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
