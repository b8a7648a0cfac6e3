"""Benchmark: the trainer edition (the whole case and its lesson) against the counsel edition.

Run: ``.venv/bin/python bench/classroom.py [--sizes 50,500,2000] [--runs 1]``. Each run renders
one report of a synthetic case (``casebook.testing.synth.synth_case``) in a fresh process, as
``casebook report`` does, and reports the wall time of the render (kernel start included), its
CPU time (the process and the kernel it started: steadier than wall time on a shared machine),
the time the lesson's decision-point cells took, the page's size and the trainer/counsel
ratios. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from casebook.testing.synth import synth_case

_ONE_RUN = """
import json, resource, sys, time
import nbformat
from casebook.run.report import render_report
t = time.perf_counter()
r = render_report(sys.argv[1], sys.argv[2], audience=sys.argv[3], lens="then")
wall = time.perf_counter() - t
nb = nbformat.read(r.folder / "case-study.ipynb", as_version=4)
points = [c.metadata.get("papermill", {}).get("duration") or 0.0 for c in nb.cells
          if "decision_point" in c.metadata.get("casebook", {})]
cpu = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF,
          resource.RUSAGE_CHILDREN) for f in ("ru_utime", "ru_stime"))
print(json.dumps({"render": wall, "cpu": cpu, "execute": r.seconds["execute"],
                  "points": len(points), "point cells": sum(points),
                  "html": r.html.stat().st_size}))
"""


def _run(path: Path, audience: str) -> dict[str, float]:
    out = tempfile.mkdtemp(prefix="casebook-classroom-bench-")
    proc = subprocess.run([sys.executable, "-c", _ONE_RUN, str(path), out, audience],
                          capture_output=True, text=True, check=True)
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50,500,2000")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}; median of {args.runs} run(s)")
    print("| events | counsel: wall (CPU) | trainer: wall (CPU) | ratio wall (CPU) | trainer: "
          "decision points (their cells) | page size counsel / trainer |")
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            case = synth_case(size, seed=7)
            path = Path(tmp) / f"{case.case_id}.yaml"
            path.write_text(case.text, encoding="utf-8")
            rows = {aud: [_run(path, aud) for _ in range(args.runs)]
                    for aud in ("counsel", "trainer")}
            med = {aud: {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                   for aud, runs in rows.items()}
            c, t = med["counsel"], med["trainer"]
            print(f"| {case.events} | {c['render']:.1f} s ({c['cpu']:.1f} s) | "
                  f"{t['render']:.1f} s ({t['cpu']:.1f} s) | {t['render'] / c['render']:.2f} "
                  f"({t['cpu'] / c['cpu']:.2f}) | {int(t['points'])} "
                  f"({t['point cells']:.1f} s) | {c['html'] / 1e6:.1f} / "
                  f"{t['html'] / 1e6:.1f} MB |", flush=True)


if __name__ == "__main__":
    main()
