"""Jupyter kernels for reports: started early, warmed while they boot, reused by batches.

A cold report spends most of its time starting a kernel and importing pandas, plotly and
casebook in it. The kernel is started first and told to import those modules as it boots
(ipykernel's ``exec_lines``), so that work overlaps the caller's own (loading the case,
importing papermill); papermill then receives the started kernel instead of starting one.
Kernels talk over IPC sockets in the temp folder: local only, and no "running over TCP"
warning per case. The manager is jupyter_client's async one, as nbclient's own: with a
blocking client, nbclient would wait on a dead kernel's output forever instead of noticing
that it died.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: What the case-study and corpus notebooks import first; importing it again is free.
WARM_IMPORTS = ("import casebook.notebook.workbook, casebook.views.timeline, "
                "casebook.views.graph_figure, casebook.notebook.corpus, pandas, plotly, "
                "xlsxwriter, docx")

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
    run_sync(km.start_kernel)(extra_arguments=[f"--IPKernelApp.exec_lines={WARM_IMPORTS}"])
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
    """Stop the kernel at once (a polite shutdown can stall for seconds in ipykernel)."""
    from jupyter_core.utils import run_sync

    if km is not None and km.has_kernel:
        run_sync(km.shutdown_kernel)(now=True)


def kill_kernel(km: Any) -> None:
    """Kill the kernel and remove its files with plain system calls — safe in a signal
    handler, where jupyter_client's event loop may be in the middle of anything."""
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
    if the kernel is gone or the code raised.

    Only the shell channel is opened: waiting for IOPub as well (``wait_for_ready``,
    ``execute_interactive``) costs 0.2 s per call, once per case in a batch."""
    from jupyter_core.utils import run_sync

    run_sync(_run_in_kernel)(km, code, timeout)


async def _run_in_kernel(km: Any, code: str, timeout: float) -> None:
    import queue
    import time

    kc = km.client()
    kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
    try:
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
    finally:
        kc.stop_channels()
    content = reply["content"]
    if content["status"] != "ok":
        raise RuntimeError(f"{code!r} failed in the kernel: {content.get('ename')}: "
                           f"{content.get('evalue')}")
