"""The registry of output formats: a name, what it writes, and the functions that write it.

A format writes a report's tables (``write``: a :class:`TableSet` into a folder), a whole case
(``write_case``: a :class:`~casebook.exports.case_export.CaseExport` to a path, for
``casebook export``), or both; one name, one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .tables import TableSet

if TYPE_CHECKING:
    from .case_export import CaseExport

__all__ = ["FORMATS", "ExportFormat", "register", "register_case"]

Writer = Callable[[TableSet, Path], list[Path]]
CaseWriter = Callable[["CaseExport", Path], list[Path]]


def _no_tables(tables: TableSet, folder: Path) -> list[Path]:
    raise ValueError("this format writes a whole case, not a report's tables")


@dataclass(frozen=True)
class ExportFormat:
    name: str
    description: str
    write: Writer = _no_tables
    write_case: CaseWriter | None = None
    case_description: str = ""
    #: What ``casebook export`` writes to: a file with this suffix, or a folder ("/").
    suffix: str = ""


FORMATS: dict[str, ExportFormat] = {}


def register(name: str, description: str) -> Callable[[Writer], Writer]:
    """Register a format once, by name."""

    def wrap(fn: Writer) -> Writer:
        known = FORMATS.get(name)
        if known is not None and known.write is not _no_tables:
            raise RuntimeError(f"export format {name!r} registered twice")
        FORMATS[name] = replace(known, description=description, write=fn) if known \
            else ExportFormat(name, description, fn)
        return fn

    return wrap


def register_case(name: str, description: str, suffix: str) -> Callable[[CaseWriter],
                                                                        CaseWriter]:
    """Register how a format writes a whole case (``casebook export --to NAME``)."""

    def wrap(fn: CaseWriter) -> CaseWriter:
        known = FORMATS.get(name)
        if known is not None and known.write_case is not None:
            raise RuntimeError(f"case export {name!r} registered twice")
        FORMATS[name] = replace(known, write_case=fn, case_description=description,
                                suffix=suffix) if known else \
            ExportFormat(name, description, write_case=fn, case_description=description,
                         suffix=suffix)
        return fn

    return wrap
