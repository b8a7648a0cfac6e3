"""Reading a file a user handed us: only a regular file, and never more than a bound.

``stat`` then ``read`` trusts a size the file system reports and follows a link to
``/dev/zero`` or a FIFO (which blocks forever). Here the file is opened without blocking, the
open descriptor is checked to be a regular file, and at most the limit plus one byte is read,
so a growing or endless file is refused as over the limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["UntrustedFileError", "read_untrusted"]


class UntrustedFileError(Exception):
    """The file cannot be read as an input: not a regular file, too large, or unreadable."""


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def read_untrusted(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of ``path``, a regular file (a link to one is followed) of at most
    ``max_bytes``; :class:`UntrustedFileError` saying why not."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise UntrustedFileError(f"cannot read file: {err.strerror or err}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UntrustedFileError(f"{_kind(mode)}, not a regular file: only regular files "
                                     "are read")
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as err:
        raise UntrustedFileError(f"cannot read file: {err.strerror or err}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise UntrustedFileError(f"file is too large: the limit is {max_bytes:,} bytes")
    return data
