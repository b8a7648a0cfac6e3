"""What a batch did: one outcome per case file, and the batch's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BatchResult", "CaseOutcome"]

@dataclass
class CaseOutcome:
    """What happened to one case file in a batch."""

    path: str
    case: str = ""
    status: str = ""  # ok | up-to-date | failed | invalid
    report: str = ""  # relative to the output folder
    seconds: float = 0.0
    events: int = 0
    violations: int = 0
    fails: int = 0
    unknowns: int = 0
    disputed: int = 0
    error: str = ""


@dataclass
class BatchResult:
    out: Path
    cases: list[CaseOutcome] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # where the time went
    corpus_error: str = ""  # why the corpus page could not be rebuilt
    #: per rendered case, where its time went in the worker (render_report's stages)
    case_stages: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.corpus_error and all(c.status in ("ok", "up-to-date")
                                             for c in self.cases)
