"""Benchmark: one Williams report end to end, and where the time goes.

Run: ``.venv/bin/python bench/report.py [--runs N]``. Each run renders the counsel report
(lens then) into a fresh folder through the library (`render_report`), as `casebook report`
does. Prints the median and each stage: Python start + imports of the parent; loading the
case, while the kernel boots and imports in parallel (see ``casebook.run.kernel``); execution
(waiting for the kernel, then the notebook's cells); conversion to HTML; and the HTML size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "casefile" / "williams-shinola.yaml"

_ONE_RUN = """
import json, sys, time
t0 = time.perf_counter()
from casebook.run.report import render_report
t1 = time.perf_counter()
import nbformat
r = render_report(sys.argv[1], sys.argv[2], audience=sys.argv[3], lens="then")
nb = nbformat.read(r.folder / "case-study.ipynb", as_version=4) if sys.argv[3] != "student" \
    else None
cells = {}
if nb is not None:
    for c in nb.cells:
        d = c.metadata.get("papermill", {}).get("duration") or 0.0
        key = "kernel imports (setup cell)" if "setup" in c.metadata.get("tags", []) else "cells"
        cells[key] = cells.get(key, 0.0) + d
seconds = dict(r.seconds)
seconds["load case + import papermill (kernel boots meanwhile)"] = (
    seconds["total"] - seconds["execute"] - seconds["convert"])
print(json.dumps({"parent imports": t1 - t0, **seconds, **cells,
                  "html bytes": r.html.stat().st_size}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--audience", default="counsel")
    args = parser.parse_args()
    rows = []
    for _ in range(args.runs):
        out = tempfile.mkdtemp(prefix="casebook-report-bench-")
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _ONE_RUN, str(CASE), out, args.audience],
                              capture_output=True, text=True, check=True)
        wall = time.perf_counter() - t
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        data["wall (process start included)"] = wall
        rows.append(data)
    keys = list(rows[0])
    print(f"{args.runs} runs, {args.audience} report of the Williams case; medians:")
    for key in keys:
        med = statistics.median(r[key] for r in rows)
        text = f"{med / 1e6:.2f} MB" if key == "html bytes" else f"{med:.2f} s"
        print(f"  {key:32s} {text}")
    print("  (execute = the rest of the kernel's start-up + cells + papermill's own work;")
    print("   the setup cell's imports were mostly done while the kernel booted)")


if __name__ == "__main__":
    main()
