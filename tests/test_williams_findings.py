"""The Williams case against the standards: each expected finding in its own test.

Counts are asserted under the three lenses. `now` is evaluated as of 2026-11-22 so the test
does not drift with the calendar (the settlement's court oversight runs four years from
2024-06-28).
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

from casebook import load_case
from casebook.engine.consequences import consequences, discovery_list
from casebook.engine.findings import evaluate
from casebook.engine.protocols import load_protocols
from tests.conftest import WILLIAMS

AS_OF = "2026-11-22"


@cache
def _findings(lens: str) -> pd.DataFrame:
    return evaluate(load_case(WILLIAMS), load_protocols(), lens=lens, as_of=AS_OF)


def _row(lens: str, rule: str, event: str) -> pd.Series:
    f = _findings(lens)
    hit = f[(f["rule"] == rule) & (f["event"] == event)]
    assert len(hit) == 1, f"{rule} at {event}: {len(hit)} findings"
    return hit.iloc[0]


def _counts(rule: str, event: str) -> tuple[bool, bool, bool]:
    return tuple(bool(_row(lens, rule, event)["counts"]) for lens in ("then", "now", "best"))


def _status(rule: str, event: str) -> str:
    statuses = {_row(lens, rule, event)["status"] for lens in ("then", "now", "best")}
    assert len(statuses) == 1, "the record's verdict must not depend on the lens"
    return statuses.pop()


def test_msp1_lead_only_fails_at_the_warrant_request() -> None:
    assert _status("MSP-1", "warrant-request") == "fail"
    assert _counts("MSP-1", "warrant-request") == (True, True, True)


def test_dpd_307_5_1a_violent_crime_only_fails_at_the_search() -> None:
    assert _status("DPD-307.5-1a", "fr-search") == "fail"
    assert _counts("DPD-307.5-1a", "fr-search") == (False, True, True)
    assert _row("then", "DPD-307.5-1a", "fr-search")["in_force"] == "no"


@pytest.mark.parametrize("rule", ["DPD-307.5-1b", "DPD-307.5-1c"])
def test_dpd_307_5_lead_only_fails_at_the_arrest(rule: str) -> None:
    assert _status(rule, "arrest") == "fail"
    assert _counts(rule, "arrest") == (True, True, True)


def test_set_2024_2_fr_plus_lineup_fails_at_the_arrest() -> None:
    assert _status("SET-2024-2", "arrest") == "fail"
    assert _counts("SET-2024-2", "arrest") == (False, True, True)


def test_set_2024_1_reads_as_not_solely_fr() -> None:
    """The arrest rested on the FR candidate *and* the lineup pick, so "not solely on FR"
    is met on these facts; SET-2024-2 is the provision that catches this pattern."""
    assert _status("SET-2024-1", "arrest") == "pass"


def test_set_2024_3_lineup_without_independent_evidence_fails() -> None:
    row = _row("now", "SET-2024-3", "photo-lineup")
    assert row["status"] == "fail"
    assert "fr-candidate" in row["decided_by"]
    assert _counts("SET-2024-3", "photo-lineup") == (False, True, True)


def test_set_2024_4_disclosure_fails_on_the_plaintiffs_account() -> None:
    row = _row("now", "SET-2024-4", "warrant-request")
    assert row["status"] == "fail"
    assert row["basis"] == "the plaintiff's account"
    assert _counts("SET-2024-4", "warrant-request") == (False, True, True)


def test_doj_2017_8_witness_saw_the_offense_fails() -> None:
    assert _status("DOJ-2017-8", "photo-lineup") == "fail"
    assert _counts("DOJ-2017-8", "photo-lineup") == (False, False, True)
    assert _row("now", "DOJ-2017-8", "photo-lineup")["binds"] == "no"


def test_apls_2020_2_evidence_based_suspicion_fails() -> None:
    assert _status("APLS-2020-2", "photo-lineup") == "fail"
    assert _counts("APLS-2020-2", "photo-lineup") == (False, False, True)


@pytest.mark.parametrize("rule", ["DOJ-2017-1", "DOJ-2017-6"])
def test_lineup_safeguards_are_unknown_and_asked_for(rule: str) -> None:
    row = _row("best", rule, "photo-lineup")
    assert row["status"] == "unknown"
    asks = discovery_list(_findings("best"))
    assert any(rule in r for r in asks["rules"])


@pytest.mark.parametrize(("lens", "event", "binding"), [
    ("then", "warrant-request", True),
    ("now", "fr-search", True),      # today's DPD 307.5 reaches back to the search
    # every standard counts, but one that bound the step then ranks first: the search's
    # failures are of rules adopted after it, so the warrant request (MSP-1) leads
    ("best", "warrant-request", True)])
def test_earliest_preventable_point(lens: str, event: str, binding: bool) -> None:
    cons = consequences(load_case(WILLIAMS), _findings(lens), load_protocols())
    assert cons.earliest is not None
    assert (cons.earliest["event"], cons.earliest["binding"]) == (event, binding)


def test_violations_lead_to_the_harms() -> None:
    cons = consequences(load_case(WILLIAMS), _findings("then"), load_protocols())
    msp = cons.chains[(cons.chains["rule"] == "MSP-1")
                      & (cons.chains["event"] == "warrant-request")].iloc[0]
    assert {"warrant-issued", "arrest", "detention"} <= set(msp["harms"])
