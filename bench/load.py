"""Benchmark: load + validate + build the graph, for one big case and for many small ones.

Run: ``make bench`` or ``.venv/bin/python bench/load.py [--quick]``. Prints a Markdown table
for docs/benchmarks.md. Each single-case timing is the median of several cold runs (the date
parser's cache emptied first); peak memory is measured in a fresh process.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from casebook import build_graph, load_case
from casebook.model import dates
from casebook.testing.synth import synth_case


def _once(path: Path) -> float:
    dates._parse_cached.cache_clear()
    t = time.perf_counter()
    build_graph(load_case(path))
    return time.perf_counter() - t


def _peak_rss_mb(path: Path) -> float:
    code = ("import resource, sys\nfrom casebook import load_case, build_graph\n"
            "build_graph(load_case(sys.argv[1]))\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, check=True)
    return float(out.stdout.strip())


def _load_many(paths: list[str]) -> int:
    for p in paths:
        build_graph(load_case(p))
    return len(paths)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and files")
    args = parser.parse_args()
    reps = 3 if args.quick else 7
    n_files = 100 if args.quick else 1000
    tmp = Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.platform()}")
    print("\n| case | events | file size | median load+validate+graph | peak RSS |")
    print("|---|---:|---:|---:|---:|")
    for n in (50, 200, 1000, 2000):
        case = synth_case(n, seed=n)
        path = tmp / f"{case.case_id}.yaml"
        path.write_text(case.text, encoding="utf-8")
        times = [_once(path) for _ in range(reps)]
        rss = _peak_rss_mb(path)
        print(f"| synthetic | {case.events} | {len(case.text) / 1024:.0f} KB | "
              f"{statistics.median(times) * 1000:.0f} ms | {rss:.0f} MB |")
    many = tmp / "many"
    many.mkdir()
    paths = []
    for i in range(n_files):
        case = synth_case(50, seed=10_000 + i)
        p = many / f"{case.case_id}.yaml"
        p.write_text(case.text, encoding="utf-8")
        paths.append(str(p))
    t = time.perf_counter()
    chunks = [paths[i::2] for i in range(2)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        done = sum(pool.map(_load_many, chunks))
    wall = time.perf_counter() - t
    print(f"\n{done} case files of ~50 events, 2 worker processes: {wall:.1f} s wall "
          f"({wall / done * 1000:.1f} ms per file, process start included)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"benchmark process peak RSS: {own:.0f} MB")


if __name__ == "__main__":
    main()
