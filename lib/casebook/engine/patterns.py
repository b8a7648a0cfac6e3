"""Failure patterns: ways these investigations go wrong, each shown by the failure of any of
its rules (``data/patterns.yaml``, following the reference's cross-case pattern table).

Kept as data so that no rule id is written in the library.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import DefinitionError
from ..model.validation import pydantic_problems
from ..model.yamlsafe import read_yaml
from ..paths import data_dir

__all__ = ["NOT_YET_CHECKABLE", "PATTERNS", "Pattern"]


@dataclass(frozen=True)
class Pattern:
    """A way these investigations go wrong, shown by the failure of any of its rules."""

    name: str
    rules: tuple[str, ...]
    reference: str  # the reference table's row (and provisions) this pattern follows


class _PatternRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    rules: list[str]
    reference: str


class _PatternFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    patterns: list[_PatternRow]
    not_yet_checkable: dict[str, str] = {}


def _load_patterns() -> tuple[tuple[Pattern, ...], dict[str, str]]:
    """``data/patterns.yaml``: the failure patterns, following the cross-case pattern table of
    the reference. Kept as data so that no rule id is written in the library."""
    doc = read_yaml(data_dir() / "patterns.yaml", DefinitionError)
    try:
        data = _PatternFile.model_validate(doc.data)
    except ValidationError as err:
        raise DefinitionError(pydantic_problems(doc, err, model=_PatternFile)) from None
    patterns = tuple(Pattern(p.name, tuple(p.rules), p.reference) for p in data.patterns)
    return patterns, dict(data.not_yet_checkable)


PATTERNS, NOT_YET_CHECKABLE = _load_patterns()
"""The failure patterns (see ``data/patterns.yaml``) and the reference's rows that no rule
detects yet: shown, never counted."""



