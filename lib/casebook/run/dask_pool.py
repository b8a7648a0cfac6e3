"""The workers of a batch on a Dask cluster (``casebook batch --scheduler``): a LocalCluster
on this machine (``local``) or a running cluster (``tcp://HOST:PORT``).

The tasks are the local pool's (:mod:`casebook.run.worker`): each Dask worker keeps one warm
Jupyter kernel (the :class:`WarmKernel` plugin, registered with the cluster, so a worker that
joins or is restarted gets one too), renders a case or the corpus page into the output folder
and returns the outcome; the client records it in the manifest at once, as the local pool
does, so an interrupted batch resumes. The output folder (and the case files, by the same
paths) must therefore be on a filesystem every worker shares with the client.

A Dask worker that dies (killed, out of memory, a crash) fails the case it was rendering —
found by the note every worker leaves of its current task in the output folder — and no
other: the cluster tells the client which tasks the worker held, and those it had not
started are submitted again. At most as many tasks as the cluster has threads are submitted at
once, so a worker holds only the task it is on. A ``local`` cluster fails a task on the first
worker death (``allowed-failures: 0``); a running cluster follows its own setting (Dask's
default tries a task on three more workers before giving up on it).
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from ..errors import CasebookError
from .leftovers import remove_dead_leftovers
from .outcomes import BatchResult, CaseOutcome
from .pool import MAX_UNEXPLAINED_DEATHS, case_params, record_case, record_corpus
from .worker import (
    CORPUS_TASK,
    RUNNING,
    render_case_task,
    render_corpus_task,
    start_warm_kernel,
    stop_warm_kernel,
)

__all__ = ["PLUGIN", "WarmKernel", "check_scheduler", "run_dask"]

PLUGIN = "casebook-warm-kernel"

#: how a running cluster is addressed: Dask's comm protocols
_PROTOCOLS = ("tcp://", "tls://", "ws://", "wss://", "ucx://")


def check_scheduler(scheduler: str) -> None:
    """``local`` or a scheduler address; else a precise error before anything runs."""
    if scheduler != "local" and not scheduler.startswith(_PROTOCOLS):
        raise CasebookError(f"--scheduler {scheduler!r}: expected 'local' (a Dask cluster on "
                            "this machine) or the address of a running scheduler, e.g. "
                            "tcp://scheduler-host:8786")


class WarmKernel(WorkerPlugin):
    """One warm kernel per Dask worker, started as the worker joins. The kernel lives on a
    thread of its own — jupyter_client's manager belongs to the event loop of the thread
    that started it — and every task of the worker runs there, one at a time."""

    name = PLUGIN

    def setup(self, worker: Any) -> None:
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="casebook-kernel")
        self.thread.submit(start_warm_kernel)  # boots and imports while the worker waits

    def teardown(self, worker: Any) -> None:
        self.thread.submit(stop_warm_kernel).result(timeout=30)
        self.thread.shutdown(wait=False)

    def run(self, fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        return self.thread.submit(fn, *args).result()


def _plugin() -> WarmKernel:
    from distributed import get_worker

    plugin = get_worker().plugins[PLUGIN]
    assert isinstance(plugin, WarmKernel)
    return plugin


def dask_case_task(path: str, out: str, params: dict[str, Any], name: str) -> dict[str, Any]:
    """One case, in this Dask worker's warm kernel (see :func:`worker.render_case_task`)."""
    return _plugin().run(render_case_task, path, out, params, name)


def dask_corpus_task(out: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The corpus page, in this Dask worker's warm kernel."""
    return _plugin().run(render_corpus_task, out, dict(kwargs))


@contextmanager
def _client(scheduler: str, workers: int) -> Iterator[tuple[Any, int, bool]]:
    """A client of the cluster, the number of tasks to keep submitted (its threads), and
    whether the cluster is this batch's own."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler == "local":
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", scheduler_port=0,
                                   dashboard_address="127.0.0.1:0",  # any free port
                                   silence_logs=logging.CRITICAL)
            try:
                with Client(cluster) as client:
                    yield client, workers, True
            finally:
                cluster.close(timeout=30)
        return
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as err:
        raise CasebookError(f"--scheduler {scheduler}: cannot reach the Dask scheduler "
                            f"({err}); is it running, and is the address right?") from None
    try:
        client.wait_for_workers(1, timeout=60)
    except TimeoutError:
        client.close()
        raise CasebookError(f"--scheduler {scheduler}: no worker joined the cluster in 60 s"
                            ) from None
    with client:
        threads = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())
        yield client, max(1, threads), False


def run_dask(todo: list[tuple[Path, str, CaseOutcome]],
             corpus_task: tuple[str, dict[str, Any]] | None, out_dir: Path,
             params: dict[str, Any], workers: int, manifest: dict[str, Any],
             manifest_path: Path, result: BatchResult, total: int,
             progress: Callable[[int, int, CaseOutcome], None] | None,
             key_of: Callable[[str], str], scheduler: str) -> None:
    """The stale cases, and the corpus page if stale, on a Dask cluster (see the module
    docstring); the same outcomes, manifest and progress as :func:`pool.run_pool`."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    def on_term(signum: int, _frame: Any) -> None:
        stop["signal"] = signum
        raise KeyboardInterrupt

    stop = {"signal": 0}
    previous = signal.signal(signal.SIGTERM, on_term)
    remaining = {outcome.path: (path, key, outcome) for path, key, outcome in todo}
    queue: deque[str] = deque(([CORPUS_TASK] if corpus_task else []) + list(remaining))
    deaths: dict[str, int] = {}
    own = False
    try:
        with _client(scheduler, workers) as (client, slots, own):
            client.register_plugin(WarmKernel(), name=PLUGIN)
            running = as_completed()
            names: dict[Any, str] = {}

            def submit(name: str) -> None:
                if name == CORPUS_TASK and corpus_task:
                    fut = client.submit(dask_corpus_task, str(out_dir), corpus_task[1],
                                        key=_task_key(name), pure=False, retries=0)
                else:
                    path, _key, outcome = remaining[name]
                    fut = client.submit(dask_case_task, str(path), str(out_dir),
                                        case_params(params, outcome), name,
                                        key=_task_key(name), pure=False, retries=0)
                names[fut] = name
                running.add(fut)

            while queue and len(names) < slots:
                submit(queue.popleft())
            for fut in running:
                name = names.pop(fut)
                try:
                    data = fut.result()
                except KilledWorker:
                    remove_dead_leftovers(out_dir)  # the dead worker's temporary folder
                    if not _blame(out_dir, name):  # it was waiting there: not its fault
                        deaths[name] = deaths.get(name, 0) + 1
                        if deaths[name] <= MAX_UNEXPLAINED_DEATHS:
                            queue.appendleft(name)
                            while queue and len(names) < slots:
                                submit(queue.popleft())
                            continue
                    data = {"status": "failed", "seconds": 0.0, "error": _DIED.format(
                        task="the corpus page" if name == CORPUS_TASK else name)}
                except Exception as err:  # the task could not even report back
                    data = {"status": "failed", "seconds": 0.0,
                            "error": f"{name}: {type(err).__name__}: {err}"}
                if name == CORPUS_TASK and corpus_task:
                    record_corpus(data, corpus_task[0], manifest, manifest_path, result)
                else:
                    record_case(*remaining.pop(name), data, out_dir=out_dir,
                                manifest=manifest, manifest_path=manifest_path,
                                result=result, total=total, progress=progress, key_of=key_of)
                while queue and len(names) < slots:
                    submit(queue.popleft())
            if not own:  # a running cluster's workers stop their kernels until the next batch
                client.unregister_worker_plugin(PLUGIN)
        # A worker killed mid-case may still have been exiting when its death was reported;
        # once this batch's own cluster is closed, every one of its processes is gone.
        remove_dead_leftovers(out_dir)
    except KeyboardInterrupt:
        # As the local pool: every finished case is in the manifest, every report swapped in
        # whole; stop this batch's own cluster (workers and kernels) at once and leave.
        if own:
            _kill_children()
        remove_dead_leftovers(out_dir)
        code = 128 + (stop["signal"] or signal.SIGINT)
        print(f"casebook batch: stopped by signal {code - 128}; rerun to resume",
              file=sys.stderr, flush=True)
        os._exit(code)
    finally:
        signal.signal(signal.SIGTERM, previous)


_DIED = ("{task}: the Dask worker rendering it died (killed, out of memory or crashed — not "
         "only the notebook's kernel); the other cases went on")


def _task_key(name: str) -> str:
    """A readable, unique Dask key for a task (the dashboard shows it)."""
    return f"casebook-{hashlib.sha256(name.encode()).hexdigest()[:12]}-{os.urandom(4).hex()}"


def _blame(out: Path, name: str) -> bool:
    """Was a worker on ``name`` when it died? Its note is still in the output folder; the
    notes of that task are removed."""
    found = False
    for note in out.glob(f"{RUNNING}*"):
        try:
            if note.read_text(encoding="utf-8", errors="replace") == name:
                note.unlink(missing_ok=True)
                found = True
        except OSError:
            continue
    return found


def _kill_children() -> None:
    """Every process this one started — the LocalCluster's nannies, workers and kernels."""
    import psutil

    children = psutil.Process().children(recursive=True)
    for child in children:
        try:
            child.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(children, timeout=5)
