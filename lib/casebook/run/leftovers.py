"""What a run leaves while it works, and what is left when it dies: named by the process that
made it, so that a later run removes only what belongs to a dead process — never what a run
still going is using.

- Temporary report folders are ``.<variant>.tmp-<pid>@<host>-<random>`` beside the report
  they will replace (the host, a short hash of its name, because the workers of a Dask
  cluster on several machines share one output folder, and a process id means nothing on
  another machine: only this machine's dead processes' folders are removed); kernel files
  are ``casebook-kernel-<pid>-…`` in the system's temp folder.
- A batch holds a lock on its output folder for as long as it runs: a second batch on the same
  folder is refused with the first one's process id, instead of the two deleting each other's
  temporary folders and overwriting each other's manifest.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import CasebookError

__all__ = ["LOCK", "alive", "hold_output_lock", "remove_dead_leftovers", "temp_prefix"]

LOCK = ".casebook-batch.lock"
_TEMP = re.compile(r"^\..+\.tmp-(\d+)(?:@([0-9a-f]{8}))?-")
_KERNEL = re.compile(r"^casebook-kernel-(\d+)-")


def host_tag() -> str:
    """This machine, in eight hex digits (a hash of its host name)."""
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def temp_prefix(variant: str) -> str:
    """The prefix of this process's temporary folder for ``variant``."""
    return f".{variant}.tmp-{os.getpid()}@{host_tag()}-"


def alive(pid: int) -> bool:
    """Is process ``pid`` running (on this machine)? A zombie — dead, not yet reaped by its
    parent, as a killed worker is until its nanny notices — is not."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Is ``pid`` a zombie? (Linux's /proc; elsewhere, never.)"""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def remove_dead_leftovers(out: Path) -> list[Path]:
    """Temporary report folders under ``out`` and kernel files in the temp folder whose
    process is gone; the paths removed."""
    removed: list[Path] = []
    candidates = [*out.glob("*/.*.tmp-*"), *out.glob(".*.tmp-*"), *out.glob("*/*/.*.tmp-*")]
    for tmp in candidates:
        m = _TEMP.match(tmp.name)
        if m and m.group(2) in (None, host_tag()) and not alive(int(m.group(1))):
            shutil.rmtree(tmp, ignore_errors=True)
            removed.append(tmp)
    for path in Path(tempfile.gettempdir()).glob("casebook-kernel-*"):
        m = _KERNEL.match(path.name)
        if m and not alive(int(m.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextmanager
def hold_output_lock(out: Path) -> Iterator[None]:
    """Hold ``out``'s batch lock while the block runs; refuse at once if another process
    holds it."""
    path = out / LOCK
    try:
        handle = path.open("a+", encoding="utf-8")
    except OSError as err:
        raise CasebookError(f"{out}: cannot write to the output folder ({err.strerror or err})"
                            ) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "another process"
            raise CasebookError(f"{out}: another casebook batch (process {owner}) is writing "
                                "to this folder; wait for it to finish, or choose another "
                                "output folder") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()  # releases the lock
