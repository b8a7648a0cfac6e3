"""Benchmark: the engine at scale — many synthetic cases judged without rendering — and the
projected wall time of an audit on N workers.

Run: ``.venv/bin/python bench/scale.py [--cases 10000] [--events 48] [--render 12]``. In one
run it

1. writes N synthetic case files of about 48 events (``casebook.testing.synth``);
2. times ``casebook check DIR --format csv --jobs 2`` over them — every case loaded,
   validated, judged against every standard; one findings CSV — with the peak memory of the
   whole process tree sampled every 0.1 s, and the same command over one chunk of files
   for the fixed cost (process start, worker start, protocols loaded);
3. renders ``--render`` of the cases with ``casebook batch --jobs 2 --scheduler local`` and
   takes the median per-case seconds from its summary (the warm per-case cost on a Dask
   worker);
4. projects the wall time of judging and of rendering the N cases on 2 to 128 workers: fixed
   cost + cases * worker-seconds per case / workers (the per-case cost measured here, one
   worker per core; scheduler overhead, a few milliseconds a task, left out).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil
from measure import checked, run_measured

from casebook.run.check_many import CHUNK
from casebook.testing.synth import synth_case

BIN = Path(sys.executable).parent
WORKERS = (2, 8, 32, 128)


def run_measured_ok(cmd: list[str], stdout: Path | None = None,
                    ok: tuple[int, ...] = (0, 1)) -> tuple[float, int]:
    """Wall time and peak RSS of the whole process tree of ``cmd`` (its CPU seconds in
    ``CPU["last"]``)."""
    result = checked(run_measured(cmd, stdout), cmd, ok)
    CPU["last"] = result.cpu
    return result.wall, result.peak


CPU: dict[str, float] = {}  # the CPU seconds of the last command, under "last"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=48)
    parser.add_argument("--render", type=int, default=12,
                        help="cases rendered for the per-case cost of a report (0: none)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="casebook-scale-bench-"))
    cases, few = work / "cases", work / "few"
    cases.mkdir()
    few.mkdir()
    t = time.perf_counter()
    for i in range(args.cases):
        case = synth_case(args.events, seed=50_000 + i)
        (cases / f"{case.case_id}.yaml").write_text(case.text, encoding="utf-8")
        if i < CHUNK:
            (few / f"{case.case_id}.yaml").write_text(case.text, encoding="utf-8")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f}")
    print(f"{args.cases} synthetic cases of ~{args.events} events written in "
          f"{time.perf_counter() - t:.0f} s")

    check = [str(BIN / "casebook"), "check", "--format", "csv", "--jobs", "2"]
    fixed, _ = run_measured_ok([*check, str(few)])
    findings = work / "findings.csv"
    wall, peak = run_measured_ok([*check, str(cases)], stdout=findings)
    cpu = CPU["last"]
    with findings.open("rb") as fh:  # rows, not lines: a cell may hold a line break
        rows = sum(1 for _ in csv.reader(line.decode("utf-8") for line in fh)) - 1
    per_case = (wall - fixed) * 2 / args.cases  # worker-seconds per case
    print(f"\ncasebook check DIR --format csv --jobs 2, {args.cases} cases:")
    print(f"  wall {wall:.1f} s ({wall / args.cases * 1000:.1f} ms per case), "
          f"fixed cost (one chunk of {CHUNK}) {fixed:.1f} s, "
          f"{per_case * 1000:.1f} worker-ms per case; CPU {cpu:.0f} s "
          f"({cpu / args.cases * 1000:.1f} ms per case)")
    print(f"  peak memory, whole process tree: {peak / 2**20:.0f} MB; "
          f"{rows:,} findings, CSV {findings.stat().st_size / 2**20:.0f} MB")
    findings.unlink()

    render = 0.0
    if args.render:
        sample = work / "sample"
        sample.mkdir()
        for p in sorted(cases.glob("*.yaml"))[:args.render]:
            (sample / p.name).write_bytes(p.read_bytes())
        out = work / "rendered"
        batch_wall, batch_peak = run_measured_ok(
            [str(BIN / "casebook"), "batch", str(sample), "-o", str(out), "--jobs", "2",
             "--scheduler", "local"], ok=(0,))
        with (out / "summary.csv").open(newline="", encoding="utf-8") as fh:
            render = statistics.median(float(r["seconds"]) for r in csv.DictReader(fh))
        print(f"\ncasebook batch --jobs 2 --scheduler local, {args.render} cases "
              f"(corpus page included): {batch_wall:.1f} s wall, peak "
              f"{batch_peak / 2**30:.2f} GB; median {render:.2f} s per case in a warm worker")

    print(f"\nProjected wall time for {args.cases:,} cases "
          "(fixed cost + cases * per-case cost / workers):\n")
    print("| workers | judged, no rendering | rendered reports |")
    print("|---:|---:|---:|")
    for n in WORKERS:
        judged = fixed + args.cases * per_case / n
        rendered = args.cases * render / n
        print(f"| {n} | {_span(judged)} | {_span(rendered) if render else '—'} |")


def _span(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


if __name__ == "__main__":
    main()
