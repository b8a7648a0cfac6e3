"""Jupyter kernels for reports: started early, warmed while they boot, reused by batches.

A cold report spends most of its time starting a kernel and importing pandas, plotly and
casebook in it. The kernel is started first and told to import those modules as it boots
(ipykernel's ``exec_lines``), so that work overlaps the caller's own (loading the case,
importing papermill); papermill then receives the started kernel instead of starting one.
Kernels talk over IPC sockets in the temp folder: local only, and no "running over TCP"
warning per case. The manager is jupyter_client's async one, as nbclient's own: with a
blocking client, nbclient would wait on a dead kernel's output forever instead of noticing
that it died.

A warm kernel is kept lean: its imports are frozen out of the garbage collector's scans (they
live as long as the kernel; the namespace reset between cases and every full collection in
the cells skip them), and it keeps no input history. Everything sent to a kernel goes through
its one client, connected once (:func:`kernel_client`); papermill uses it through the
``casebook`` engine.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: What the case-study and corpus notebooks import first; importing it again is free.
WARM_IMPORTS = ("import casebook.notebook.workbook, casebook.views.timeline, "
                "casebook.views.graph_figure, casebook.notebook.corpus, pandas, plotly, "
                "xlsxwriter, docx")
#: Run as the kernel boots: the imports, then everything they made moved out of the
#: collector's reach (``gc.freeze``).
_BOOT = f"{WARM_IMPORTS}; import gc; gc.collect(); gc.freeze()"
#: The notebook engine papermill is told to use (registered by :func:`execute_notebook`).
ENGINE = "casebook"

_STARTS = itertools.count()


def start_kernel() -> Any:
    """A started ``AsyncKernelManager`` whose kernel is importing :data:`WARM_IMPORTS`.

    Returns at once; the kernel reports ready (and papermill starts the first cell) once the
    imports are done."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    ipc = _files_prefix(os.getpid()) + str(next(_STARTS))
    km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=ipc,
                            connection_file=f"{ipc}.json")
    run_sync(km.start_kernel)(extra_arguments=[f"--IPKernelApp.exec_lines={_BOOT}",
                                                "--HistoryManager.enabled=False"])
    return km


@contextmanager
def kernel_for(km: Any = None) -> Iterator[Any]:
    """``km`` itself if given (the caller owns it), else a kernel started now and stopped on
    leaving."""
    if km is not None:
        yield km
        return
    km = start_kernel()
    try:
        yield km
    finally:
        shutdown_kernel(km)


def shutdown_kernel(km: Any) -> None:
    """Stop the kernel at once (a polite shutdown can stall for seconds in ipykernel), and
    its notebook client."""
    from jupyter_core.utils import run_sync

    if km is None:
        return
    kc = _CLIENTS.pop(km, None)
    if kc is not None:
        kc.stop_channels()
    if km.has_kernel:
        run_sync(km.shutdown_kernel)(now=True)


#: Each kernel manager's one client (:func:`kernel_client`), until the kernel is shut down.
_CLIENTS: dict[Any, Any] = {}


@atexit.register
def _close_clients() -> None:
    """The clients of kernels killed rather than shut down, closed before the interpreter
    leaves (else their sockets are reported as unclosed)."""
    for kc in _CLIENTS.values():
        kc.stop_channels()
    _CLIENTS.clear()


def kernel_client(km: Any, timeout: float = 60) -> Any:
    """``km``'s one client: made, connected and waited for on first use, then kept.

    One, because every client of a manager shares its session, and the kernel routes replies
    to the session: a second client, opened and closed, takes the first one's replies with
    it. Kept, because ``wait_for_ready`` drains IOPub for 0.2 s each time, and a client made
    per notebook and never closed (nbclient closes only the clients of kernels it started)
    would leave its sockets open, case after case. Messages left on the channels by earlier
    requests do no harm: nbclient, like :func:`run_in_kernel`, takes only the replies to its
    own."""
    from jupyter_core.utils import run_sync

    return run_sync(_kernel_client)(km, timeout)


async def _kernel_client(km: Any, timeout: float = 60) -> Any:
    """:func:`kernel_client`, inside the event loop that will use it: its sockets are made
    there (made outside it, they miss messages until the loop's next wake-up)."""
    kc = _CLIENTS.get(km)
    if kc is None:
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=timeout)
        kc.allow_stdin = False
        _CLIENTS[km] = kc
    return kc


def execute_notebook(source: Path, target: Path, parameters: dict[str, Any], km: Any
                     ) -> Any:
    """Papermill, in ``km``'s kernel through its kept client: parameters injected, cells
    run, the executed notebook returned — not written: the caller writes it once, stamped.
    A failing cell raises ``PapermillExecutionError`` as papermill's own engine does, with the
    notebook written to ``target``, papermill's marks showing the cell."""
    import nbformat
    import papermill
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(ENGINE)
    except PapermillException:
        papermill_engines.register(ENGINE, _kept_client_engine())
    _RAN.nb = None
    try:
        return papermill.execute_notebook(
            str(source), None, parameters=parameters, engine_name=ENGINE,
            progress_bar=False, log_output=False, kernel_name="python3",
            request_save_on_cell_execute=False, km=km)
    except papermill.PapermillExecutionError:
        if _RAN.nb is not None:  # papermill marked the failing cell in it
            target.write_text(nbformat.writes(_RAN.nb), encoding="utf-8")
        raise
    finally:
        _RAN.nb = None


#: The notebook the engine ran last on this thread (papermill raises without returning it).
_RAN = threading.local()


def _kept_client_engine() -> type:
    """Papermill's nbclient engine, with the kernel's kept client given to nbclient."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine

    class KeptClientEngine(NBClientEngine):  # type: ignore[misc]
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str,
                                     log_output: bool = False, stdout_file: Any = None,
                                     stderr_file: Any = None, start_timeout: int = 60,
                                     execution_timeout: float | None = None, **kwargs: Any
                                     ) -> Any:
            # papermill's NBClientEngine, but nbclient is given the kernel's kept client
            kwargs.pop("input_path", None)
            timeout = execution_timeout or kwargs.pop("timeout", None)
            kwargs.pop("startup_timeout", None)
            client = PapermillNotebookClient(
                nb_man, timeout=timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log=logging.getLogger("papermill"),
                log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                **kwargs)
            client.kc = kernel_client(client.km, start_timeout)
            _RAN.nb = client.execute()
            return _RAN.nb

    return KeptClientEngine


def kill_kernel(km: Any) -> None:
    """Kill the kernel and remove its files with plain system calls — safe in a signal
    handler, where jupyter_client's event loop may be in the middle of anything. Its client
    is left open: the caller is leaving."""
    if km is None:
        return
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        process.kill()
    leftovers = [km.connection_file] if km.connection_file else []
    if km.transport == "ipc":
        ports = (km.shell_port, km.iopub_port, km.stdin_port, km.hb_port, km.control_port)
        leftovers += [f"{km.ip}-{port}" for port in ports]
    for path in leftovers:
        try:
            os.remove(path)
        except OSError:
            pass


def remove_kernel_files(pid: int) -> None:
    """The sockets and connection files of the kernels a process started — for a process
    that died before it could stop them (its kernels stop themselves when it is gone)."""
    for path in Path(tempfile.gettempdir()).glob(f"{Path(_files_prefix(pid)).name}*"):
        path.unlink(missing_ok=True)


def _files_prefix(pid: int) -> str:
    return str(Path(tempfile.gettempdir()) / f"casebook-kernel-{pid}-")


def run_in_kernel(km: Any, code: str, timeout: float = 120) -> None:
    """Run ``code`` in the kernel and wait for it, discarding its output; ``RuntimeError``
    if the kernel is gone or the code raised."""
    from jupyter_core.utils import run_sync

    run_sync(_run_in_kernel)(km, code, timeout)


async def _run_in_kernel(km: Any, code: str, timeout: float) -> None:
    import queue
    import time

    kc = await _kernel_client(km)
    msg_id = kc.execute(code, silent=True, store_history=False)
    deadline = time.monotonic() + timeout
    while True:
        try:
            reply = await kc.get_shell_msg(timeout=1)
        except queue.Empty:
            if not await km.is_alive():
                raise RuntimeError(f"{code!r}: the kernel died") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{code!r}: no reply in {timeout:.0f} s") from None
            continue
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    content = reply["content"]
    if content["status"] != "ok":
        raise RuntimeError(f"{code!r} failed in the kernel: {content.get('ename')}: "
                           f"{content.get('evalue')}")
