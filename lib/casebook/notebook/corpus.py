"""What the corpus notebook calls: load a corpus, show its tables and figures, export them.

The notebook imports this module only (``from casebook.notebook import corpus as cb``); the
work is done in :mod:`casebook.engine.corpus`, :mod:`casebook.views.corpus` and
:mod:`casebook.views.corpus_figures`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..engine.corpus import Corpus, Skipped, load_corpus
from ..engine.findings import DISCLAIMER
from ..engine.patterns import Pattern, PatternTable, load_patterns
from ..exports import Table, TableSet
from ..exports import export as export_tables
from ..paths import case_files
from ..views.corpus import (
    STATUS_ORDER,
    case_table,
    durations,
    not_yet_checkable,
    pattern_counts,
    pattern_matrix,
    patterns_table,
    recurring_actors,
    registry_appearances,
    rule_case_matrix,
    rule_case_table,
    rule_status,
    skipped_table,
    step_dates,
)
from ..views.corpus_figures import durations_figure, pattern_heatmap, rule_heatmap
from ..views.display import escape, table_html
from .workbook import Figure, Html

__all__ = [
    "DISCLAIMER",
    "STATUS_ORDER",
    "Corpus",
    "Pattern",
    "PatternTable",
    "Skipped",
    "case_files",
    "case_table",
    "durations",
    "durations_figure",
    "export",
    "load_corpus",
    "load_patterns",
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
    "show",
    "skipped_table",
    "step_dates",
]


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
    frames = {
        "cases": case_table(corpus),
        "skipped": skipped_table(corpus),
        "findings": corpus.findings.drop(columns=["event_earliest"]),
        "violations-by-rule": rule_case_matrix(corpus, "violation").reset_index(),
        "fails-by-rule": rule_case_matrix(corpus, "fail").reset_index(),
        "patterns": pattern_counts(corpus),
        "steps": step_dates(corpus),
        "durations": durations(corpus),
        "recurring-actors": recurring_actors(corpus),
    }
    tables = TableSet({name: Table.from_frame(frame) for name, frame in frames.items()})
    return export_tables(tables, folder, ("csv",))
