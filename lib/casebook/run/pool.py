"""The worker pool of a batch: stale cases (and the corpus page) in spawned worker processes
with warm kernels; a worker that dies fails only the task it was on; SIGTERM and Ctrl-C stop
the batch at once, with nothing half-written."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from ..atomic import write_text_atomic
from ..exports.summary_json import read_summary
from .kernel import remove_kernel_files
from .leftovers import alive, remove_dead_leftovers
from .outcomes import BatchResult, CaseOutcome
from .worker import CORPUS_TASK, RUNNING, render_case_task, render_corpus_task, worker_init

__all__ = ["EarlyPool", "case_params", "record_case", "record_corpus", "run_pool",
           "tasks_of_dead_workers"]

#: pool restarts after a worker died with no task to blame, before the rest is given up
MAX_UNEXPLAINED_DEATHS = 2


def case_params(params: dict[str, Any], outcome: CaseOutcome) -> dict[str, Any]:
    """A case task's parameters: the batch's, and what it validated of this case."""
    if not outcome.validated:
        return params
    return params | {"validated": (outcome.validated, outcome.case)}


def _new_pool(workers: int) -> ProcessPoolExecutor:
    # Spawned, not forked: a fork would inherit jupyter_client's event-loop thread state from
    # this process (which may have run a kernel itself) without the thread, and hang.
    return ProcessPoolExecutor(max_workers=max(1, workers), initializer=worker_init,
                               mp_context=multiprocessing.get_context("spawn"))


def _started() -> None:
    """Nothing: submitted to make the pool start a worker (which boots its kernel)."""


class EarlyPool:
    """The batch's workers, started as soon as it finds a case to render: they boot — their
    imports, their kernels' — while the batch still checks the other files. The pool
    starts a worker per task submitted while none is idle, up to ``most``."""

    def __init__(self, most: int) -> None:
        self.most = max(1, most)
        self.pool: ProcessPoolExecutor | None = None
        self.asked = 0

    def expect(self, tasks: int) -> None:
        """At least ``tasks`` tasks will come: have that many workers starting (up to the
        most)."""
        if self.pool is None:
            self.pool = _new_pool(self.most)
        while self.asked < min(tasks, self.most):
            self.pool.submit(_started)
            self.asked += 1

    def take(self) -> ProcessPoolExecutor | None:
        """The pool, handed over to :func:`run_pool` (None if nothing was started)."""
        pool, self.pool = self.pool, None
        return pool

    def close(self) -> None:
        """Stop the workers of a pool never handed over (the batch stopped before)."""
        pool = self.take()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def run_pool(todo: list[tuple[Path, str, CaseOutcome]],
             corpus_task: tuple[str, dict[str, Any]] | None, out_dir: Path,
             params: dict[str, Any], workers: int, manifest: dict[str, Any],
             manifest_path: Path, result: BatchResult, total: int,
             progress: Callable[[int, int, CaseOutcome], None] | None,
             key_of: Callable[[str], str], early: ProcessPoolExecutor | None = None) -> None:
    """The stale cases, and the corpus page if stale, in worker processes with warm kernels
    (``early``: a pool whose workers were started while the batch checked its files).

    The corpus page is submitted first: it is the longest task and needs no case's report.
    A worker process that dies (killed, out of memory, a crash — not just its kernel) breaks
    the pool: the task it was on is failed, and the rest go on in a new pool. A report is
    recorded under the key of the bytes it was rendered from (``key_of`` the digest the
    worker returns): a file edited while it rendered is stale on the next run."""
    stop = {"signal": 0}

    def on_term(signum: int, _frame: Any) -> None:
        stop["signal"] = signum
        raise KeyboardInterrupt

    def finish(path: Path, key: str, outcome: CaseOutcome, data: dict[str, Any]) -> None:
        record_case(path, key, outcome, data, out_dir=out_dir, manifest=manifest,
                    manifest_path=manifest_path, result=result, total=total,
                    progress=progress, key_of=key_of)

    previous = signal.signal(signal.SIGTERM, on_term)
    remaining = {outcome.path: (path, key, outcome) for path, key, outcome in todo}
    corpus_left = corpus_task
    unexplained = 0
    pool: ProcessPoolExecutor | None = None
    try:
        while remaining or corpus_left:
            pool = early or _new_pool(min(workers, len(remaining) + bool(corpus_left)))
            early = None
            pending: dict[Future[dict[str, Any]], str] = {}
            if corpus_left:
                pending[pool.submit(render_corpus_task, str(out_dir), corpus_left[1])] = \
                    CORPUS_TASK
            for name, (path, _key, outcome) in remaining.items():
                pending[pool.submit(render_case_task, str(path), str(out_dir),
                                    case_params(params, outcome), name)] = name
            try:
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        name = pending.pop(fut)
                        try:
                            data = fut.result()  # BrokenProcessPool if a worker died
                        except BrokenProcessPool:
                            raise
                        except Exception as err:  # the task could not even report back
                            data = {"status": "failed", "seconds": 0.0,
                                    "error": f"{name}: {type(err).__name__}: {err}"}
                        if name == CORPUS_TASK and corpus_left:
                            record_corpus(data, corpus_left[0], manifest, manifest_path,
                                          result)
                            corpus_left = None
                        else:
                            finish(*remaining.pop(name), data)
            except BrokenProcessPool:
                pool.shutdown(wait=True, cancel_futures=True)
                blamed = tasks_of_dead_workers(out_dir)
                remove_dead_leftovers(out_dir)  # every worker of that pool is gone
                unexplained += not blamed
                give_up = unexplained > MAX_UNEXPLAINED_DEATHS
                if CORPUS_TASK in blamed or (give_up and corpus_left):
                    result.corpus_error = _DIED.format(task="the corpus page")
                    corpus_left = None
                for name in [n for n in remaining if n in blamed or give_up]:
                    finish(*remaining.pop(name), {"status": "failed", "seconds": 0.0,
                                                  "error": _DIED.format(task=name)})
                continue
            pool.shutdown(wait=True)
    except KeyboardInterrupt:
        # Stop now. Every finished case is already in the manifest and every report is
        # swapped in whole, so nothing is lost; the next run resumes. Exit without the
        # executor's exit handlers, which would wait on the workers we just stopped.
        processes = multiprocessing.active_children()  # the pool's workers
        for proc in processes:
            proc.terminate()
        for proc in processes:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
        remove_dead_leftovers(out_dir)  # the stopped workers' temporary folders
        code = 128 + (stop["signal"] or signal.SIGINT)
        print(f"casebook batch: stopped by signal {code - 128}; rerun to resume",
              file=sys.stderr, flush=True)
        os._exit(code)
    signal.signal(signal.SIGTERM, previous)


def record_case(path: Path, key: str, outcome: CaseOutcome, data: dict[str, Any], *,
                out_dir: Path, manifest: dict[str, Any], manifest_path: Path,
                result: BatchResult, total: int,
                progress: Callable[[int, int, CaseOutcome], None] | None,
                key_of: Callable[[str], str]) -> None:
    """A finished task's outcome into the result and the manifest (rewritten at once, so an
    interrupted batch resumes here), and the progress line."""
    if "stages" in data:
        result.case_stages[str(path)] = data["stages"]
    outcome.status = data["status"]
    outcome.seconds = round(data["seconds"], 2)
    outcome.error = data.get("error", "")
    if outcome.status == "ok":
        outcome.report = data["report"]
        outcome.counts = read_summary((out_dir / outcome.report).parent) or outcome.counts
        rendered = key_of(data["case_sha256"]) if data.get("case_sha256") else key
        manifest[outcome.path] = {"key": rendered, "status": "ok",
                                  "report": outcome.report, "outcome": outcome.row()}
    else:
        manifest.pop(outcome.path, None)
    write_text_atomic(manifest_path, json.dumps(manifest, indent=1, sort_keys=True))
    result.cases.append(outcome)
    if progress:
        progress(len(result.cases), total, outcome)


_DIED = ("{task}: the worker process rendering it died (killed, out of memory or crashed — "
         "not only the notebook's kernel); the other cases went on in new workers")


def record_corpus(data: dict[str, Any], key: str, manifest: dict[str, Any],
                   manifest_path: Path, result: BatchResult) -> None:
    if data["status"] == "ok":
        manifest["corpus"] = {"key": key, "report": data["report"]}
    else:
        manifest.pop("corpus", None)
        result.corpus_error = data["error"]
    write_text_atomic(manifest_path, json.dumps(manifest, indent=1, sort_keys=True))


def tasks_of_dead_workers(out: Path) -> set[str]:
    """The tasks whose worker died on them (their notes remain), the notes removed."""
    tasks = set()
    for note in out.glob(f"{RUNNING}*"):
        pid = note.name.removeprefix(RUNNING)
        if pid.isdigit() and alive(int(pid)):
            continue
        tasks.add(note.read_text(encoding="utf-8", errors="replace"))
        note.unlink(missing_ok=True)
        if pid.isdigit():
            remove_kernel_files(int(pid))
    return tasks
