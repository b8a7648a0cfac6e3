"""Profile: where a warm worker's time goes in one case's notebook cells, section by section,
and which functions under them cost most (cProfile).

Run: ``.venv/bin/python bench/cells.py [--events 48] [--audience counsel] [--top 25]``. The
case-study notebook's cells, in its order, run in this process as a warm kernel runs them: the
Workbook opened, each section built and turned into what the page shows by IPython's own
display formatter (figures serialised, tables rendered), the exports written. One warm-up
pass first (imports, caches of definitions; then, as in a warm kernel, what it made frozen out
of the collector's scans), then a timed pass per section, then a profiled pass; the
profile's heaviest functions by cumulative time are printed with their share.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import tempfile
import time
from pathlib import Path

from IPython.core.formatters import DisplayFormatter

from casebook.notebook.workbook import Workbook
from casebook.testing.synth import synth_case

ROOT = Path(__file__).resolve().parents[1]
#: the case-study notebook's cells after the setup cell, in order (the walkthrough is
#: the trainer's and the student's)
CELLS = ["summary", "key_violations", "timeline", "graph", "chronology", "disputes",
         "findings_by_step", "standards", "failure_chains", "discovery", "lenses",
         "walkthrough", "evidence", "facts", "sources", "cast"]


def _cells(case: Path, audience: str, timed: dict[str, float] | None = None) -> None:
    fmt = DisplayFormatter()
    t = time.perf_counter()
    wb = Workbook.open(case, audience=audience)
    if timed is not None:
        timed["open (load, graph)"] = time.perf_counter() - t
    for name in CELLS:
        if name == "walkthrough" and audience == "counsel":
            continue  # removed from the counsel edition
        t = time.perf_counter()
        out = getattr(wb, name)()
        for part in out if name == "walkthrough" else [out]:
            fmt.format(part)
        if timed is not None:
            timed[name] = time.perf_counter() - t
    t = time.perf_counter()
    wb.export(tempfile.mkdtemp(prefix="casebook-cells-"))
    if timed is not None:
        timed["export"] = time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=48)
    parser.add_argument("--audience", default="counsel")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    made = synth_case(args.events, seed=3000)
    case = Path(tempfile.mkdtemp(prefix="casebook-cells-")) / f"{made.case_id}.yaml"
    case.write_text(made.text, encoding="utf-8")
    _cells(case, args.audience)  # warm-up
    gc.collect()
    gc.freeze()  # as a warm kernel does after its imports (casebook.run.kernel)
    timed: dict[str, float] = {}
    _cells(case, args.audience, timed)
    total = sum(timed.values())
    print(f"{made.events} events, {args.audience}: {total:.2f} s in the cells")
    print("\n| cell | time | share |\n|---|---:|---:|")
    for name, seconds in sorted(timed.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {seconds * 1000:.0f} ms | {seconds / total:.0%} |")
    profile = cProfile.Profile()
    profile.runcall(_cells, case, args.audience)
    buf = io.StringIO()
    stats = pstats.Stats(profile, stream=buf)
    stats.sort_stats("cumulative").print_stats(args.top)
    print("\n" + buf.getvalue())


if __name__ == "__main__":
    main()
