"""Benchmark: every protocol evaluated on synthetic cases.

Run: ``.venv/bin/python bench/engine.py [--quick]`` (also part of ``make bench``). Prints a
Markdown table for docs/benchmarks.md: evaluate() alone on one big case (median of cold runs,
each on a freshly loaded case: the graph and the judgement are kept with a loaded case),
and load + evaluate for many 50-event cases on two worker processes.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from casebook import load_case
from casebook.engine.findings import evaluate
from casebook.engine.protocols import load_protocols
from casebook.testing.synth import synth_case


def _evaluate_many(paths: list[str]) -> int:
    protocols = load_protocols()
    for p in paths:
        evaluate(load_case(p), protocols, lens="best", as_of="2026-11-22")
    return len(paths)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and files")
    args = parser.parse_args()
    reps, n_files = (3, 100) if args.quick else (5, 1000)
    tmp = Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    protocols = load_protocols()
    rules = sum(len(p.rules) for p in protocols)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; {len(protocols)} standards, {rules} rules")
    print("\n| case | events | findings | median evaluate() (all protocols) |")
    print("|---|---:|---:|---:|")
    for n in (200, 1000):
        case_file = synth_case(n, seed=n)
        path = tmp / f"{case_file.case_id}.yaml"
        path.write_text(case_file.text, encoding="utf-8")
        times, rows = [], 0
        for _ in range(reps):
            case = load_case(path)  # fresh: the graph and the judgement are kept with a case
            t = time.perf_counter()
            rows = len(evaluate(case, protocols, lens="best", as_of="2026-11-22"))
            times.append(time.perf_counter() - t)
        print(f"| synthetic | {case_file.events} | {rows} | "
              f"{statistics.median(times) * 1000:.0f} ms |")
    paths = []
    for i in range(n_files):
        case_file = synth_case(50, seed=20_000 + i)
        p = tmp / f"{case_file.case_id}.yaml"
        p.write_text(case_file.text, encoding="utf-8")
        paths.append(str(p))
    t = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        done = sum(pool.map(_evaluate_many, [paths[0::2], paths[1::2]]))
    wall = time.perf_counter() - t
    print(f"\n{done} cases of ~50 events, load + evaluate (all protocols), 2 worker processes: "
          f"{wall:.1f} s wall ({wall / done * 1000:.1f} ms per case, process start included)")


if __name__ == "__main__":
    main()
