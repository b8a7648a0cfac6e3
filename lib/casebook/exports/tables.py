"""What the formats write: named tables (columns and rows of plain values) and, for a case,
its summary counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the batch writes its tables without importing pandas
    import pandas as pd

    from ..views.summary import CaseSummary

__all__ = ["Table", "TableSet", "plain"]


@dataclass(frozen=True)
class Table:
    """Columns and rows (each a mapping from column to a plain value)."""

    columns: tuple[str, ...]
    rows: tuple[Mapping[str, Any], ...]

    @classmethod
    def of(cls, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Table:
        return cls(tuple(columns), tuple(rows))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Table:
        clean = frame.astype(object).where(frame.notna(), None)
        return cls(tuple(map(str, frame.columns)),
                   tuple(dict(zip(map(str, frame.columns), r, strict=True))
                         for r in clean.itertuples(index=False, name=None)))


def plain(value: Any) -> Any:
    """A cell as a text file holds it: a list of citations (or anything) as text, one per
    line."""
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    return value


@dataclass(frozen=True)
class TableSet:
    """What one export writes: tables by name (file or sheet names), the workbook's name, and
    for a case report its summary."""

    tables: dict[str, Table]
    workbook: str = "tables"
    summary: CaseSummary | None = None
    meta: dict[str, Any] = field(default_factory=dict)
