"""What a batch did: one outcome per case file, and the batch's result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..views.summary import CaseSummary

__all__ = ["BatchResult", "CaseOutcome"]


@dataclass
class CaseOutcome:
    """What happened to one case file in a batch; ``counts`` from its report's summary."""

    path: str
    case: str = ""
    status: str = ""  # ok | up-to-date | failed | invalid
    report: str = ""  # relative to the output folder
    seconds: float = 0.0
    counts: CaseSummary = field(default_factory=CaseSummary)
    error: str = ""
    #: the SHA-256 of the bytes the batch validated (its workers need not validate them again)
    validated: str = field(default="", repr=False, compare=False)

    COLUMNS = ("path", "case", "status", "report", "seconds",
               *(f.name for f in fields(CaseSummary)), "error")

    def row(self) -> dict[str, Any]:
        """One flat row: the summary table's and the manifest's form."""
        return {k: v for k, v in asdict(self).items() if k not in ("counts", "validated")} \
            | asdict(self.counts)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CaseOutcome:
        names = {f.name for f in fields(CaseSummary)}
        counts = CaseSummary(**{k: int(v) for k, v in row.items() if k in names})
        return cls(**{k: v for k, v in row.items() if k not in names and k != "counts"},
                   counts=counts)


@dataclass
class BatchResult:
    out: Path
    cases: list[CaseOutcome] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # where the time went
    corpus_error: str = ""  # why the corpus page could not be rebuilt
    #: per rendered case, where its time went in the worker (render_report's stages)
    case_stages: dict[str, dict[str, float]] = field(default_factory=dict)
    #: what was run — audience, lens, as-of, redacted, when, casebook version — for the index
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.corpus_error and all(c.status in ("ok", "up-to-date")
                                             for c in self.cases)
