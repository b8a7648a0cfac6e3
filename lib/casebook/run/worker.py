"""A batch worker process: one warm Jupyter kernel, reused for every task it is given.

Each worker starts its kernel once (it warms itself with casebook's imports), resets the
namespace between tasks, and leaves a note of the task it is on in the output folder, so that
if the worker dies with it the parent knows which task did it."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from ..errors import CasebookError
from .kernel import kill_kernel, run_in_kernel, shutdown_kernel, start_kernel

__all__ = ["CORPUS_TASK", "RUNNING", "render_case_task", "render_corpus_task", "start_warm_kernel",
           "stop_warm_kernel", "worker_init"]

CORPUS_TASK = "corpus page"


_KM: Any = None


def worker_init() -> None:
    """Start this worker's kernel once; it warms itself with casebook's imports."""
    from multiprocessing.util import Finalize

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGTERM, _stop_worker)
    _watch_parent(os.getppid())
    _restart_kernel()
    # Pool workers leave without running atexit; multiprocessing's finalizers do run.
    Finalize(None, lambda: shutdown_kernel(_KM), exitpriority=10)


def _watch_parent(parent: int) -> None:
    """Leave, taking the kernel down, as soon as the batch that started this worker is gone
    (killed with SIGKILL, it could not stop its workers): no orphan keeps running."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        try:
            _notnote_running()
            kill_kernel(_KM)
        finally:
            os._exit(1)

    threading.Thread(target=watch, name="casebook-parent-watch", daemon=True).start()


def _stop_worker(signum: int, _frame: Any) -> None:
    """Stopped by the parent: take the kernel down too, then leave at once."""
    try:
        _notnote_running()
        kill_kernel(_KM)
    finally:
        os._exit(128 + signum)


RUNNING = ".casebook-running-"  # + worker pid: the task a worker is on, in the output folder


_RUNNING_FILE: Path | None = None


def note_running(out: str, task: str) -> None:
    """Leave word of the task this worker is on: if the worker dies with it (killed, out of
    memory, a crash), the parent knows which task did it."""
    global _RUNNING_FILE
    _RUNNING_FILE = Path(out) / f"{RUNNING}{os.getpid()}"
    _RUNNING_FILE.write_text(task, encoding="utf-8")


def _notnote_running() -> None:
    if _RUNNING_FILE is not None:
        _RUNNING_FILE.unlink(missing_ok=True)


def _restart_kernel() -> None:
    global _KM
    shutdown_kernel(_KM)
    _KM = start_kernel()


def start_warm_kernel() -> None:
    """Start this process's kernel, to be reused by every task it runs (a Dask worker's
    plugin calls this on the thread that will run the tasks)."""
    _restart_kernel()


def stop_warm_kernel() -> None:
    """Stop this process's kernel (a Dask worker leaving)."""
    global _KM
    shutdown_kernel(_KM)
    _KM = None


def _fresh_namespace() -> None:
    """An empty namespace for the next task; a new kernel if the last task took it down."""
    try:
        run_in_kernel(_KM, "%reset -f")
    except RuntimeError:
        _restart_kernel()


def render_case_task(path: str, out: str, params: dict[str, Any], name: str
                     ) -> dict[str, Any]:
    """Render one case in this worker; never raises for the case's own problems — a failing
    notebook, a file that changed, an output that cannot be written (``name``: the path as
    the batch shows it)."""
    from .report import ReportError, render_report

    t = time.perf_counter()
    note_running(out, name)
    _fresh_namespace()
    try:
        result = render_report(path, out, km=_KM, **params)
    except ReportError as err:
        _restart_kernel()  # a failed notebook may leave the kernel in any state
        return _failed(str(err), t)
    except CasebookError as err:
        return _failed(str(err), t)
    except OSError as err:  # no room, no permission, a name too long for the file system
        return _failed(f"{name}: cannot write {err.filename or out}: {err.strerror or err}", t)
    finally:
        _notnote_running()
    return {"status": "ok", "report": str(result.html.relative_to(Path(out).resolve())),
            "seconds": time.perf_counter() - t, "stages": result.seconds,
            "case_sha256": result.case_sha256}


def _failed(error: str, started: float) -> dict[str, Any]:
    return {"status": "failed", "error": error, "seconds": time.perf_counter() - started}


def render_corpus_task(out: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Render the corpus page in this worker's warm kernel; never raises for a failure."""
    from .report import render_corpus

    note_running(out, CORPUS_TASK)
    _fresh_namespace()
    try:
        rendered = render_corpus(kwargs.pop("folder"), out, km=_KM, **kwargs)
    except CasebookError as err:
        _restart_kernel()
        return {"status": "failed", "error": str(err)}
    except OSError as err:
        return {"status": "failed",
                "error": f"the corpus page: cannot write {err.filename or out}: "
                         f"{err.strerror or err}"}
    finally:
        _notnote_running()
    return {"status": "ok", "report": str(rendered.html.relative_to(Path(out).resolve()))}
