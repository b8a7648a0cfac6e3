"""A corpus: many case files checked once, then compared.

:func:`load_corpus` loads every case file of a folder (or a list of paths), keeps the invalid
ones aside with their located problems — one bad file never stops the corpus — and evaluates
each valid case once against the chosen standards, under one lens. The views of
:mod:`casebook.views.corpus` are computed from the :class:`Corpus` and memoised on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from ..errors import CasefileError, Problem, display_path
from ..model.case import Case
from ..model.load import load_case
from ..model.vocabulary import Vocabulary, load_vocabulary
from ..model.yamlsafe import read_yaml
from ..paths import case_files
from .findings import COLUMNS, LENSES, Lens, evaluate
from .patterns import PatternTable, load_patterns
from .protocols import Protocol, select_protocols

__all__ = ["Corpus", "Skipped", "load_corpus"]

T = TypeVar("T")


@dataclass(frozen=True)
class Skipped:
    """A case file left out of the corpus, with every located problem."""

    path: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True, eq=False)
class Corpus:
    """Valid cases (in file order), their findings (evaluated once), and the skipped files."""

    cases: tuple[Case, ...]
    findings: pd.DataFrame
    skipped: tuple[Skipped, ...]
    protocols: tuple[Protocol, ...]
    vocabulary: Vocabulary
    pattern_table: PatternTable
    lens: Lens
    as_of: str | None
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def case_ids(self) -> list[str]:
        return [c.id for c in self.cases]

    @property
    def files(self) -> int:
        return len(self.cases) + len(self.skipped)

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """Compute a view the first time it is asked for; later calls reuse it."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value.copy() if isinstance(value, pd.DataFrame) else value


def _protocol_list(protocols: str | Sequence[Protocol] | Iterable[str] | None
                   ) -> list[Protocol]:
    if isinstance(protocols, str):
        return select_protocols(protocols)
    items = list(protocols or [])
    if items and all(isinstance(p, Protocol) for p in items):
        return [p for p in items if isinstance(p, Protocol)]
    return select_protocols(",".join(str(p) for p in items))


def _duplicate(path: Path, case: Case, first: Case) -> Skipped:
    doc = read_yaml(path, CasefileError)
    return Skipped(case.display_path, (doc.problem(
        ("case", "id"), f"case id {case.id!r} is already used by {first.display_path}; "
        "each case in a corpus needs its own id"),))


def load_corpus(folder_or_paths: str | Path | Iterable[str | Path] = "casefile", *,
                protocols: str | Sequence[Protocol] | Iterable[str] | None = "all",
                lens: str = "then", as_of: str | date | None = None) -> Corpus:
    """Load every case file, skip (and record) the invalid ones, evaluate each valid case
    once. Never raises for a bad case file; a broken protocol or registry still raises."""
    if lens not in LENSES:
        raise ValueError(f"lens must be one of {', '.join(LENSES)}, not {lens!r}")
    protos = _protocol_list(protocols)
    when = as_of.isoformat() if isinstance(as_of, date) else (as_of or None)
    cases: list[Case] = []
    skipped: list[Skipped] = []
    by_id: dict[str, Case] = {}
    for path in case_files(folder_or_paths):
        try:
            case = load_case(path)
        except CasefileError as err:
            skipped.append(Skipped(display_path(path), tuple(err.problems)))
            continue
        if case.id in by_id:
            skipped.append(_duplicate(path, case, by_id[case.id]))
            continue
        by_id[case.id] = case
        cases.append(case)
    frames = [evaluate(c, protos, lens=lens, as_of=when) for c in cases]  # type: ignore[arg-type]
    found = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return Corpus(tuple(cases), found, tuple(skipped), tuple(protos), load_vocabulary(),
                  load_patterns(), lens, when)  # type: ignore[arg-type]
