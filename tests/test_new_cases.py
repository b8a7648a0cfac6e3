"""The four cases from beyond Michigan and face recognition, their key findings asserted row by
row, and two properties every case file must hold: no other jurisdiction's rule passes or asks
for records, and no face-recognition rule passes where none was used.

Anderson (Virginia, 1982): an eyewitness misidentification without face recognition — a
colour photo among black-and-white mug shots, then a live lineup in which he alone was
repeated — through trial, conviction and prison to a DNA exoneration. Thompson (Louisiana,
1985): a crime-lab report withheld from the defense, surfaced in 1999. Lipps (a North Dakota
warrant served in Tennessee, 2025) and Killinger (a casino's face search in Reno, 2023).
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

from casebook import load_case
from casebook.engine.consequences import consequences, custody, discovery_list
from casebook.engine.findings import evaluate
from casebook.engine.protocols import load_protocols
from tests.conftest import ROOT

AS_OF = "2026-11-22"
CASES = sorted((ROOT / "casefile").glob("*.yaml"))
DETROIT_HOLDERS = {"Detroit Police Department", "Michigan State Police",
                   "Wayne County Prosecutor's Office"}


@cache
def _found(name: str, lens: str) -> pd.DataFrame:
    return evaluate(load_case(ROOT / "casefile" / f"{name}.yaml"), lens=lens, as_of=AS_OF)


def _row(name: str, lens: str, rule: str, event: str) -> pd.Series:
    f = _found(name, lens)
    hits = f[(f["rule"] == rule) & (f["event"] == event)]
    assert len(hits) == 1, (rule, event)
    return hits.iloc[0]


# -- Anderson ---------------------------------------------------------------------------------

A = "anderson-virginia"


def test_anderson_the_photo_that_stood_out_is_a_violation_of_due_process_then() -> None:
    row = _row(A, "then", "DUE-PROCESS-ID-1", "photo-lineup")
    assert (row["status"], row["binds"], row["in_force"], row["violation"]) == \
        ("fail", "yes", "yes", True)
    assert "suspect stands out" in row["explanation"] and "For a court:" in row["explanation"]


def test_anderson_the_live_lineup_showed_the_same_man_again() -> None:
    row = _row(A, "then", "DUE-PROCESS-ID-2", "live-lineup")
    assert row["status"] == "fail" and row["violation"]
    assert "photo-lineup" in row["decided_by"]


def test_anderson_the_benchmarks_of_the_time_name_the_missing_instruction() -> None:
    for rule in ("APLS-2020-5", "DOJ-2017-5", "NAS-2014-3"):
        row = _row(A, "best", rule, "photo-lineup")
        assert row["status"] == "fail" and row["counts"] and row["binds"] == "no"
        assert not _row(A, "then", rule, "photo-lineup")["counts"]


def test_anderson_conviction_and_prison_are_harms_and_fifteen_years_are_counted() -> None:
    case = load_case(ROOT / "casefile" / f"{A}.yaml")
    cons = consequences(case, _found(A, "then"), load_protocols())
    harm_types = {case.event_by_id[h].type for h in cons.harms}
    assert {"conviction", "imprisonment"} <= harm_types
    chain = cons.chains[cons.chains["rule"] == "DUE-PROCESS-ID-1"].iloc[0]
    assert {"conviction", "imprisonment"} <= {case.event_by_id[h].type for h in chain["harms"]}
    held = custody(case)
    assert held is not None and 14 * 365 <= held["min_days"] <= held["max_days"] <= 17 * 365


# -- Thompson ---------------------------------------------------------------------------------

T = "thompson-louisiana"


def test_thompson_the_withheld_lab_report_fails_the_duty_to_disclose_then() -> None:
    row = _row(T, "then", "BRADY-1", "robbery-trial")
    assert (row["status"], row["binds"], row["violation"]) == ("fail", "yes", True)
    assert "lab-report" in row["explanation"] and "months later" in row["explanation"]
    assert "For a court:" in row["explanation"]  # materiality is a court's question


def test_thompson_louisianas_own_rules_count_today_not_with_certainty_then() -> None:
    then = _row(T, "then", "LA-CCRP-718", "robbery-trial")
    now = _row(T, "now", "LA-CCRP-718", "robbery-trial")
    assert then["status"] == now["status"] == "fail"
    assert (then["in_force"], then["counts"]) == ("uncertain", False)
    assert (now["in_force"], now["violation"]) == ("yes", True)


def test_thompson_statements_kept_past_every_court_step_fail_the_aba_reading() -> None:
    # reference: Freeman's 1985 statement reached the defense only with the 1999 file turnover
    row = _row(T, "best", "ABA-09-454-1", "da-files-turned-over")
    assert (row["status"], row["binds"]) == ("fail", "no")
    assert "freeman-statement" in row["explanation"] and "For a court:" in row["explanation"]


# -- Lipps ------------------------------------------------------------------------------------

L = "lipps-north-dakota"


def test_lipps_no_north_dakota_or_tennessee_standard_of_ours_reaches_the_arrest() -> None:
    """Honest silence: the standards on file bind neither North Dakota nor the Marshals, so
    nothing counts under then — the failures show as benchmarks."""
    assert not _found(L, "then")["violation"].any()
    best = _found(L, "best")
    warrant = best[best["event_type"].isin(["warrant-request", "warrant-issued"])
                   & (best["status"] == "fail")]
    assert {"AL-FRT-2", "MD-FRT-2-502b2"} <= set(warrant["rule"])
    assert (warrant["binds"] == "no").all() and warrant["counts"].all()


def test_lipps_the_arrest_in_tennessee_binds_no_state_law() -> None:
    f = _found(L, "then")
    arrest = f[(f["event_type"] == "arrest") & f["protocol"].str.match(r"^[a-z]{2}-")]
    assert not arrest.empty and (arrest["binds"] == "no").all()


def test_lipps_five_months_in_custody() -> None:
    held = custody(load_case(ROOT / "casefile" / f"{L}.yaml"))
    assert held is not None and 150 <= held["min_days"] <= held["max_days"] <= 170


# -- Killinger --------------------------------------------------------------------------------

K = "killinger-reno"


def test_killinger_the_casinos_search_binds_no_police_standard() -> None:
    f = _found(K, "best")
    search = f[f["event_type"] == "fr-search"]
    assert not search.empty and (search["binds"] == "no").all()


def test_killinger_hours_not_days() -> None:
    held = custody(load_case(ROOT / "casefile" / f"{K}.yaml"))
    assert held is not None and held["text"].endswith("hours")


# -- properties of every case file ------------------------------------------------------------

@pytest.mark.parametrize("lens", ["then", "now", "best"])
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_no_other_jurisdictions_rule_passes_or_asks_for_records(path, lens: str) -> None:
    protocols = {p.id: p for p in load_protocols()}
    f = evaluate(load_case(path), list(protocols.values()), lens=lens, as_of=AS_OF)
    jurisdictional = f["protocol"].map(lambda p: protocols[p].binds.jurisdictional)
    foreign = f[jurisdictional.astype(bool) & (f["binds"] == "no")]
    assert not (foreign["status"] == "pass").any(), foreign[foreign["status"] == "pass"]
    assert (foreign["discovery_record"] == "").all()
    case = load_case(path)
    if case.file.case.state != "MI":
        holders = set(discovery_list(f)["held_by"])
        assert not holders & DETROIT_HOLDERS, holders


@pytest.mark.parametrize("name", [A, T], ids=str)
def test_no_face_recognition_rule_applies_where_none_was_used(name: str) -> None:
    protocols = {p.id: p for p in load_protocols()}
    f = _found(name, "best")
    fr = f[f["protocol"].map(lambda p: protocols[p].premise == "fr_used").astype(bool)]
    assert not fr.empty and (fr["status"] == "not_applicable").all()


# -- Failure patterns across the four ---------------------------------------------------------

@cache
def _patterns() -> pd.DataFrame:
    from casebook.notebook.corpus import load_corpus, pattern_matrix
    names = ("anderson-virginia", "thompson-louisiana", "lipps-north-dakota", "killinger-reno")
    corpus = load_corpus([ROOT / "casefile" / f"{n}.yaml" for n in names], lens="then",
                         as_of=AS_OF)
    return pattern_matrix(corpus)


def test_anderson_shows_the_suggestive_array_and_the_repeated_suspect_as_violations() -> None:
    # reference: his colour photo among black-and-white mug shots, then a live lineup in which
    # he alone was repeated from the array — both under the due-process line of 1982
    m = _patterns()
    assert m.loc["suspect made to stand out, or the witness cued", A] == "violation"
    assert m.loc["witness shown the same suspect again", A] == "violation"


def test_thompson_shows_favorable_evidence_kept_from_the_defense() -> None:
    # reference: the crime-lab report on the robber's blood type, withheld until 1999
    assert _patterns().loc["favorable evidence kept from the defense", T] == "violation"


def test_a_news_photo_recognition_is_judged_by_no_identification_rule() -> None:
    # Nobody arranged the family's recognition of Thompson's published photo, so no rule for
    # identification procedures reaches it (Perry v. New Hampshire).
    f = _found(T, "best")
    assert load_case(ROOT / "casefile" / f"{T}.yaml").event_by_id["media-recognition"].type \
        == "recognition"
    assert f[f["event"] == "media-recognition"].empty
    assert _patterns().loc["show-up where a lineup was possible", T] == "not checked"
