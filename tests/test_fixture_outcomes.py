"""Fixture cases named by their outcome against the real standards.

`*--clean.yaml` must give no failure under any lens; `*--fails-A+B.yaml` must make exactly the
rules A and B fail (under `best`, where every standard counts) — the planted failure and
nothing else. The fixtures are Michigan cases: the other states' laws, which fail there only as
benchmarks of the same planted conduct, are left out of the exact comparison (and shown to fail
only as benchmarks).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook import load_case
from casebook.engine.findings import evaluate
from casebook.engine.protocols import load_protocols
from tests.conftest import FIXTURES, michigan_and_general_protocols

CASES = FIXTURES / "cases"
PLANTED = sorted(CASES.glob("*--fails-*.yaml"))


@pytest.mark.parametrize("lens", ["then", "now", "best"])
def test_clean_investigation_fails_nothing(lens: str) -> None:
    found = evaluate(load_case(CASES / "clean-investigation--clean.yaml"), load_protocols(),
                     lens=lens, as_of="2026-11-22")
    assert not (found["status"] == "fail").any(), found[found["status"] == "fail"]
    assert not (found["status"] == "unknown").any()
    assert len(found) > 40  # the standards did look at it


@pytest.mark.parametrize("path", PLANTED, ids=lambda p: p.stem.split("--")[0])
def test_planted_failure_fails_exactly_its_rules(path: Path) -> None:
    expected = set(path.stem.split("--fails-")[1].split("+"))
    found = evaluate(load_case(path), michigan_and_general_protocols(), lens="best",
                     as_of="2026-11-22")
    failed = set(found.loc[found["status"] == "fail", "rule"])
    assert failed == expected
    assert set(found.loc[found["violation"], "rule"]) == expected
    everywhere = evaluate(load_case(path), load_protocols(), lens="best", as_of="2026-11-22")
    elsewhere = everywhere[(everywhere["status"] == "fail")
                           & ~everywhere["rule"].isin(expected)]
    assert (elsewhere["binds"] == "no").all(), elsewhere[["rule", "binds"]]


def test_expected_rule_ids_exist() -> None:
    known = {r.id for p in load_protocols() for r in p.rules}
    for path in PLANTED:
        assert set(path.stem.split("--fails-")[1].split("+")) <= known, path.name
