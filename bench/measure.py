"""What the benchmarks measure of a command they run: wall time, CPU time and the peak memory
of its whole process tree (workers and kernels included)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all of its descendants, in bytes."""
    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def children_cpu() -> float:
    """CPU seconds of every finished child process of this one (and of theirs)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


@dataclass
class Measured:
    wall: float
    cpu: float  # the whole tree's, less moved than the wall time by other work on the machine
    peak: int  # bytes, sampled every 0.1 s
    finished: bool  # False: stopped at the timeout
    returncode: int
    stderr: str


def run_measured(cmd: list[str], stdout: Path | None = None,
                 timeout: float | None = None) -> Measured:
    """Run ``cmd`` (in a session of its own, stopped with its whole group at ``timeout``)
    and measure it; stdout to ``stdout`` or discarded."""
    peak = 0
    t, cpu = time.perf_counter(), children_cpu()
    with stdout.open("wb") if stdout else open(os.devnull, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE,
                                start_new_session=True)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(proc.pid))
                time.sleep(0.1)

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        finished = True
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            finished = False
            os.killpg(proc.pid, signal.SIGTERM)
            _out, err = proc.communicate(timeout=60)
        finally:
            done.set()
            thread.join()
    return Measured(time.perf_counter() - t, children_cpu() - cpu, peak, finished,
                    proc.returncode, err.decode(errors="replace"))


def checked(result: Measured, cmd: list[str], ok: tuple[int, ...] = (0,)) -> Measured:
    """``result``, or stop the benchmark if the command failed."""
    if result.finished and result.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {result.returncode}: {result.stderr[-2000:]}")
    return result
