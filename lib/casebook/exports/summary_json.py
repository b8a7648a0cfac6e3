"""``summary``: a case report's counts as ``summary.json``, which the batch index reads."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path

from ..atomic import write_text_atomic
from ..views.summary import CaseSummary
from .registry import register
from .tables import TableSet

__all__ = ["SUMMARY_FILE", "read_summary", "write_summary"]

SUMMARY_FILE = "summary.json"


@register("summary", "the case's counts (events, violations, …) as summary.json")
def write_summary(tables: TableSet, folder: Path) -> list[Path]:
    if tables.summary is None:
        return []
    path = folder / SUMMARY_FILE
    write_text_atomic(path, json.dumps({**tables.meta, **asdict(tables.summary)}, indent=1))
    return [path]


def read_summary(folder: Path) -> CaseSummary | None:
    """The counts a report folder's summary.json holds, or None when it has none."""
    path = folder / SUMMARY_FILE
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return CaseSummary(**{f.name: int(data.get(f.name, 0)) for f in fields(CaseSummary)})
