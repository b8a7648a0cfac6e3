"""Atomic writes: a reader sees the old file or the new one, never half of either.

Outputs are written to a temporary file in the same folder, flushed to disk, then renamed
over the target (``os.replace`` is atomic on POSIX). Case files are only ever read.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_bytes_atomic", "write_bytes_new", "write_text_atomic"]


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes, *,
                       new: bool = False) -> None:
    """Write ``data`` to ``path`` whole. With ``new``, a file already there is never replaced
    (:class:`FileExistsError`), even one that appears while this one is written: the finished
    file is linked into place, which fails if the name is taken."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if new:
            os.link(tmp, target)
            os.unlink(tmp)
        else:
            os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_bytes_new(path: str | os.PathLike[str], data: bytes) -> None:
    """Write a file that must not exist yet: :class:`FileExistsError` if it does."""
    write_bytes_atomic(path, data, new=True)


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))
