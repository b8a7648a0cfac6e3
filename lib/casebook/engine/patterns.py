"""Failure patterns: ways these investigations go wrong, each shown by the failure of any of
its rules (``data/patterns.yaml``: the reference's cross-case pattern table, and the failures that
many standards of many states name alike).

Kept as data so that no rule id is written in the library.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..model.definitions import cached_by_stamp, read_definition
from ..paths import patterns_path

__all__ = ["Pattern", "PatternTable", "load_patterns"]


@dataclass(frozen=True)
class Pattern:
    """A way these investigations go wrong, shown by the failure of any of its rules."""

    name: str
    rules: tuple[str, ...]
    reference: str  # the reference table's row this pattern follows; "" for one of our own


class _PatternRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    rules: list[str]
    reference: str = ""


class _PatternFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    patterns: list[_PatternRow]
    not_yet_checkable: dict[str, str] = {}


@dataclass(frozen=True)
class PatternTable:
    """The failure patterns, and the reference's rows that no rule detects yet (shown, never
    counted)."""

    patterns: tuple[Pattern, ...]
    not_yet_checkable: dict[str, str]


@cached_by_stamp
def _load(path: Path) -> PatternTable:
    _doc, data = read_definition(path, _PatternFile)
    patterns = tuple(Pattern(p.name, tuple(p.rules), p.reference) for p in data.patterns)
    return PatternTable(patterns, dict(data.not_yet_checkable))


def load_patterns(path: Path | None = None) -> PatternTable:
    """``data/patterns.yaml``, parsed once per file version."""
    return _load(path or patterns_path())
