"""Benchmark: building the timeline and the event graph, at 50, 500 and 2,000 events.

Run: ``.venv/bin/python bench/figures.py [--runs N]``. Each case is loaded and judged once
(that cost is the engine's, measured in ``bench/engine.py``); then each figure is built
``--runs`` times and the median kept, with the cost per event, so that growth is visible:
linear building keeps the per-event cost flat. Prints a Markdown table for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from casebook import load_case
from casebook.engine.findings import evaluate
from casebook.engine.protocols import load_protocols
from casebook.testing.synth import synth_case
from casebook.views.graph_figure import graph_figure
from casebook.views.timeline import timeline_figure

SIZES = (50, 500, 2000)


def _median(build: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        build()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    protocols = load_protocols()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; median of {args.runs} runs.\n")
    print("| events | timeline | graph | both | both per event |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            made = synth_case(n, seed=3)
            path = Path(tmp) / f"{made.case_id}.yaml"
            path.write_text(made.text, encoding="utf-8")
            case = load_case(path)
            found = evaluate(case, protocols, lens="then")
            timeline_figure(case, found)               # warm: imports, the case's caches
            graph_figure(case, found)
            tl = _median(lambda c=case, f=found: timeline_figure(c, f), args.runs)
            gr = _median(lambda c=case, f=found: graph_figure(c, f), args.runs)
            events = len(case.events)
            print(f"| {events} | {tl:.3f} s | {gr:.3f} s | {tl + gr:.3f} s "
                  f"| {(tl + gr) / events * 1000:.2f} ms |")


if __name__ == "__main__":
    main()
