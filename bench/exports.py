"""Benchmark: ``casebook export`` in every format, and ``casebook import`` of the exported
workbook (the round trip), for the Williams case and for synthetic cases.

Run: ``make bench`` or ``.venv/bin/python bench/exports.py [--quick]``. Prints a Markdown
table for docs/benchmarks.md: the median of several runs in one warm process (the libraries
already imported; findings computed once per run for the formats that mark violations).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from casebook.exports.case_export import case_export, export_case
from casebook.intake import import_spreadsheet
from casebook.testing.synth import synth_case

FORMATS = {"xlsx": ".xlsx", "csv": "", "docx": ".docx", "timelinejs": ".json",
           "graphml": ".graphml", "prov": ".json", "ftm": ".ftm.json"}
ROOT = Path(__file__).resolve().parents[1]


def _median(fn: Callable[[], object], reps: int) -> float:
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    reps = 1 if parser.parse_args().quick else 5
    tmp = Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.platform()}")
    cases = [("Williams/Shinola", ROOT / "casefile" / "williams-shinola.yaml")]
    for n in (200, 1000):
        synth = synth_case(n, seed=n)
        path = tmp / f"{synth.case_id}.yaml"
        path.write_text(synth.text, encoding="utf-8")
        cases.append((f"synthetic, {synth.events} events", path))
    print("\n| case | " + " | ".join(FORMATS) + " | import the xlsx back |")
    print("|---|" + "---:|" * (len(FORMATS) + 1))
    for name, path in cases:
        cells = []
        for fmt, suffix in FORMATS.items():
            out = tmp / f"{path.stem}-{fmt}{suffix}"

            def run(fmt: str = fmt, out: Path = out, path: Path = path) -> None:
                export_case(case_export(path), fmt, out)

            cells.append(f"{_median(run, reps) * 1000:.0f} ms")
        book = tmp / f"{path.stem}-xlsx.xlsx"
        cells.append(f"{_median(partial(import_spreadsheet, book), reps) * 1000:.0f} ms")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
