"""Benchmark: the case-study notebook's work in one process — every Workbook section a counsel
report displays, and the exports — with how many times the event graph was built and the
record judged.

Run: ``.venv/bin/python bench/workbook.py [--runs N] [--events 50 500 2000]``. The Williams case
first, then synthetic cases of the given sizes (``casebook.testing.synth.synth_case``). Times
are medians of N runs after one warm-up run, in a fresh Workbook each run (the engine's caches
live on the loaded case, so each run loads, judges and draws again).
"""

from __future__ import annotations

import argparse
import collections
import statistics
import tempfile
import time
from pathlib import Path

import networkx as nx

import casebook.engine.findings as findings
from casebook.notebook.workbook import Workbook
from casebook.testing.synth import synth_case

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ["summary", "key_violations", "cast", "sources", "chronology", "disputes",
            "timeline", "graph", "standards", "findings_table", "failure_chains", "discovery",
            "lenses"]
CALLS: collections.Counter[str] = collections.Counter()


def _count_graphs_and_judgements() -> None:
    graph_init, context_init = nx.DiGraph.__init__, findings.CheckContext.__init__

    def graph(self, *a, **k):  # type: ignore[no-untyped-def]
        if "case" in k and not a:  # build_graph and its event projection, not copies
            CALLS["event graphs built (incl. the event projection)"] += 1
        graph_init(self, *a, **k)

    def context(self, *a, **k):  # type: ignore[no-untyped-def]
        CALLS["judgements of the record"] += 1
        context_init(self, *a, **k)

    nx.DiGraph.__init__ = graph  # type: ignore[method-assign]
    findings.CheckContext.__init__ = context  # type: ignore[method-assign]


def _one(case: Path) -> float:
    t = time.perf_counter()
    wb = Workbook.open(case, audience="counsel")
    for name in SECTIONS:
        out = getattr(wb, name)()
        if hasattr(out, "_repr_mimebundle_"):
            out._repr_mimebundle_()  # the figure, serialised as the notebook does
    wb.export(tempfile.mkdtemp(prefix="casebook-bench-"))
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, nargs="*", default=[50, 500, 2000])
    args = parser.parse_args()
    _count_graphs_and_judgements()
    cases = [("Williams", ROOT / "casefile" / "williams-shinola.yaml")]
    for n in args.events:
        path = Path(tempfile.mkdtemp(prefix="casebook-bench-")) / f"synth-{n}.yaml"
        made = synth_case(n, seed=1)
        path.write_text(made.text, encoding="utf-8")
        cases.append((f"synthetic, {made.events} events", path))
    print(f"{'case':<28} {'median':>9}   per report")
    for label, path in cases:
        _one(path)
        CALLS.clear()
        times = [_one(path) for _ in range(args.runs)]
        per = {k: v // args.runs for k, v in CALLS.items()}
        print(f"{label:<28} {statistics.median(times):>8.2f}s   {per}")


if __name__ == "__main__":
    main()
