"""The registry of output formats: a name, what it writes, and the function that writes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .tables import TableSet

__all__ = ["FORMATS", "ExportFormat", "register"]

Writer = Callable[[TableSet, Path], list[Path]]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    description: str
    write: Writer


FORMATS: dict[str, ExportFormat] = {}


def register(name: str, description: str) -> Callable[[Writer], Writer]:
    """Register a format once, by name."""

    def wrap(fn: Writer) -> Writer:
        if name in FORMATS:
            raise RuntimeError(f"export format {name!r} registered twice")
        FORMATS[name] = ExportFormat(name, description, fn)
        return fn

    return wrap
