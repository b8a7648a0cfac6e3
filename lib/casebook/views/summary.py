"""A case's counts at a glance — events, violations, failures, open questions, disputed facts:
what a batch index and its summary table show for each case, computed here once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the batch reads summaries without importing pandas or the model
    import pandas as pd

    from ..model.case import Case

__all__ = ["CaseSummary", "case_summary"]


@dataclass(frozen=True)
class CaseSummary:
    """The counts of one case; the one place their names are spelled."""

    events: int = 0
    violations: int = 0
    fails: int = 0
    unknowns: int = 0
    disputed: int = 0


def case_summary(case: Case, findings: pd.DataFrame) -> CaseSummary:
    """The counts of ``case`` under the lens its ``findings`` were evaluated with."""
    from .tables import disputes_table

    disputes = disputes_table(case)
    return CaseSummary(
        events=len(case.events),
        violations=int(findings["violation"].sum()),
        fails=int((findings["status"] == "fail").sum()),
        unknowns=int((findings["status"] == "unknown").sum()),
        disputed=int(disputes[["about", "fact"]].drop_duplicates().shape[0]))
