"""Benchmark: how a single report's cost grows with the case — counsel and trainer editions
at 50, 500, 2,000 and 5,000 events.

Run: ``.venv/bin/python bench/sizes.py [--events 50 500 2000 5000] [--audiences counsel
trainer] [--timeout 600]``. Each report is ``casebook report CASE --audience A`` in a fresh
process (process start included), on a synthetic case (``casebook.testing.synth``), with the
peak memory of the whole process tree sampled every 0.1 s, its CPU time (less moved by other
work on the machine than the wall time), the page's and the executed notebook's size, and
the CPU time per added event between one size and the next. A report still running at
``--timeout`` is stopped and shown as not finished.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path

import psutil
from measure import checked, run_measured

from casebook.testing.synth import synth_case

BIN = Path(sys.executable).parent


def _report(case: Path, audience: str, out: Path, timeout: float
            ) -> tuple[float | None, float, int, int, int]:
    """Wall seconds (None: stopped at the timeout), CPU seconds of the whole process tree,
    peak RSS, page bytes, notebook bytes."""
    cmd = [str(BIN / "casebook"), "report", str(case), "--audience", audience, "-o", str(out)]
    result = checked(run_measured(cmd, timeout=timeout), cmd)
    if not result.finished:
        return None, result.cpu, result.peak, 0, 0
    page = next(out.glob(f"*/{audience}-then/report.html"))
    notebook = page.parent / "case-study.ipynb"
    return (result.wall, result.cpu, result.peak, page.stat().st_size,
            notebook.stat().st_size if notebook.exists() else 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, nargs="+", default=[50, 500, 2000, 5000])
    parser.add_argument("--audiences", nargs="+", default=["counsel", "trainer"])
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="casebook-sizes-bench-"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f}")
    cases = {}
    for n in args.events:
        case = synth_case(n, seed=7)
        cases[n] = work / f"{case.case_id}.yaml"
        cases[n].write_text(case.text, encoding="utf-8")
    print("\n| edition | events | wall | CPU | peak memory | report.html | notebook "
          "| CPU per added event |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for audience in args.audiences:
        previous: tuple[int, float] | None = None
        for n in args.events:
            wall, cpu, peak, page, notebook = _report(cases[n], audience, work / f"out-{n}",
                                                      args.timeout)
            if wall is None:
                print(f"| {audience} | {n:,} | not finished in {args.timeout:.0f} s | "
                      f"{cpu:.0f} s so far | {peak / 2**20:.0f} MB so far | — | — | — |",
                      flush=True)
                break  # a larger case would take longer still
            slope = (f"{(cpu - previous[1]) / (n - previous[0]) * 1000:.1f} ms"
                     if previous else "—")
            print(f"| {audience} | {n:,} | {wall:.1f} s | {cpu:.1f} s | {peak / 2**20:.0f} MB | "
                  f"{page / 2**20:.1f} MB | {notebook / 2**20:.1f} MB | {slope} |", flush=True)
            previous = (n, cpu)


if __name__ == "__main__":
    main()
