"""Benchmark: `casebook batch --jobs 2` against the loop a user would write.

Run: ``.venv/bin/python bench/batch.py [--cases 20] [--events 48]``. In one run and one
environment it

1. writes N synthetic case files (`casebook.testing.synth`);
2. times the naive loop, sequentially per case: the `papermill` CLI, then
   `jupyter nbconvert --to html` on the executed notebook;
3. times `casebook batch --jobs 2` over the same folder (cold), with the peak memory of the
   whole process tree sampled every 0.1 s;
4. times the rerun with nothing changed;
5. times the same cold batch on a local Dask cluster (``--scheduler local``, fresh folder);
6. reports the ratios and the median report size;
7. runs the cold batch once more through the Python API (`run_batch`, fresh folder) for the
   breakdown: freshness and validation; cases and corpus page in workers (spawning the
   workers, their kernels booting, each case's render, the corpus page); index and summaries.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import checked, run_measured

from casebook.testing.synth import synth_case

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--events", type=int, default=48)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="casebook-batch-bench-"))
    cases = work / "cases"
    cases.mkdir()
    for i in range(args.cases):
        case = synth_case(args.events, seed=3000 + i)
        (cases / f"{case.case_id}.yaml").write_text(case.text, encoding="utf-8")
    files = sorted(cases.glob("*.yaml"))

    naive = work / "naive"
    naive.mkdir()
    t = time.perf_counter()
    for f in files:
        nb = naive / f"{f.stem}.ipynb"
        subprocess.run([str(BIN / "papermill"), str(ROOT / "notebooks" / "case-study.ipynb"),
                        str(nb), "-p", "case", str(f), "--no-progress-bar"], check=True,
                       capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(nb)],
                       check=True, capture_output=True)
    naive_s = time.perf_counter() - t

    out = work / "batch"
    cmd = [str(BIN / "casebook"), "batch", str(cases), "-o", str(out), "--jobs", "2"]
    batch_s, peak = _measured(cmd)
    rerun_s, _ = _measured(cmd)
    dask_cmd = [str(BIN / "casebook"), "batch", str(cases), "-o", str(work / "dask"),
                "--jobs", "2", "--scheduler", "local"]
    dask_s, dask_peak = _measured(dask_cmd)
    sizes = [p.stat().st_size for p in out.glob("*/*/report.html")]
    print(f"{len(files)} synthetic cases of ~{args.events} events, counsel reports, lens then")
    print(f"  naive loop (papermill CLI + jupyter nbconvert, sequential): {naive_s:7.1f} s "
          f"({naive_s / len(files):.1f} s per case)")
    print(f"  casebook batch --jobs 2 (cold, corpus page included):       {batch_s:7.1f} s "
          f"({batch_s / len(files):.1f} s per case)")
    print(f"  ratio: {naive_s / batch_s:.1f}x faster")
    print(f"  rerun with nothing changed: {rerun_s:.2f} s")
    print(f"  casebook batch --jobs 2 --scheduler local (cold): {dask_s:.1f} s, "
          f"{naive_s / dask_s:.1f}x the naive loop, peak {dask_peak / 1e9:.2f} GB")
    print(f"  median report.html: {statistics.median(sizes) / 1024:.0f} KB "
          f"(plotly.js shared: {(out / 'plotly.min.js').stat().st_size / 1e6:.1f} MB once)")
    print(f"  peak memory of the whole batch (process tree): {peak / 1e9:.2f} GB")

    from casebook.run.batch import run_batch

    again = run_batch([cases], work / "breakdown", jobs=2)
    per_case = [c.seconds for c in again.cases if c.status == "ok"]
    print(f"  breakdown of a cold batch ({again.seconds:.1f} s):")
    for stage, seconds in again.stages.items():
        print(f"    {stage:34s} {seconds:6.1f} s")
    print("    of which, per case in a warm worker (medians; the corpus page is one more "
          "task):")
    print(f"      whole case (namespace reset, render, write)   "
          f"{statistics.median(per_case):5.2f} s")
    stages = list(again.case_stages.values())
    cells = [_cell_seconds(again.out / c.report) for c in again.cases if c.status == "ok"]
    rows = [
        ("load the case, start the render", [s["total"] - s["execute"] - s["convert"]
                                             for s in stages]),
        ("execute (papermill + kernel)", [s["execute"] for s in stages]),
        ("  the setup cell (imports: already loaded)", [c[0] for c in cells]),
        ("  the other cells (evaluate, figures, tables)", [c[1] for c in cells]),
        ("page, notebook and tables written", [s["convert"] for s in stages]),
    ]
    for label, values in rows:
        print(f"      {label:46s}{statistics.median(values):5.2f} s")


def _measured(cmd: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS of the whole process tree."""
    result = checked(run_measured(cmd), cmd)
    return result.wall, result.peak


def _cell_seconds(report: Path) -> tuple[float, float]:
    """Seconds of the setup cell and of the other cells, from papermill's cell metadata."""
    import nbformat

    nb = nbformat.read(report.parent / "case-study.ipynb", as_version=4)
    setup = other = 0.0
    for cell in nb.cells:
        d = cell.metadata.get("papermill", {}).get("duration") or 0.0
        if "setup" in cell.metadata.get("tags", []):
            setup += d
        else:
            other += d
    return setup, other


if __name__ == "__main__":
    main()
