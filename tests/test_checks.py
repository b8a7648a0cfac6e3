"""Each registered check on small cases: tri-state, disputes, provenance, order — and lenses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from casebook import load_case
from casebook.engine.checks import CHECKS
from casebook.engine.findings import evaluate
from casebook.engine.protocols import load_protocol

BASE = """\
casebook: 1
case: {id: t, title: T, jurisdiction: Detroit, state: MI, summary: S}
sources:
  s: {title: T, publisher: P, kind: news-report, account: neutral, reliability: secondary}
  pl: {title: Complaint, publisher: Counsel, kind: court-filing, account: plaintiff,
       reliability: primary}
  po: {title: Report, publisher: DPD, kind: police-report, account: police,
       reliability: primary}
actors:
  dpd: {ref: detroit-police-department}
  acc: {kind: person, roles: [accused]}
  wit: {kind: person, roles: [witness], description: a witness%(witness_facts)s}
evidence:
  video: {kind: surveillance-video}
  still: {kind: probe-image, derived_from: [video]}
  cand: {kind: fr-candidate, derived_from: [still], implicates: [acc]}
  array: {kind: photo-array, derived_from: [cand]}
  pick: {kind: identification, derived_from: [array], implicates: [acc]}
%(extra_evidence)s
events:
  - {id: offense, type: offense, when: 2019-01, summary: O., sources: [s], produces: [video],
     facts: {offense_category: %(category)s}}
  - {id: search, type: fr-search, when: 2019-03, summary: S., sources: [s], uses: [still],
     produces: [cand], participants: {requested_by: [dpd]}}
  - id: lineup
    type: photo-lineup
    when: 2019-07
    summary: L.
    sources: [s]
    uses: [%(lineup_uses)s]
    produces: [pick]
    participants: {administered_by: [dpd], witness: [wit]}
    facts: %(lineup_facts)s
  - id: arrest
    type: arrest
    when: 2020-01-09
    summary: A.
    sources: [s]
    uses: [pick]
    participants: {by: [dpd], subject: [acc]}
    facts: %(arrest_facts)s
%(extra_events)s
"""


def _case(tmp_path: Path, **over: str) -> Any:
    values = {"witness_facts": "", "extra_evidence": "", "category": "part1-property",
              "lineup_uses": "array", "lineup_facts": "{}", "arrest_facts": "{}",
              "extra_events": ""}
    values.update(over)
    path = tmp_path / "case.yaml"
    path.write_text(BASE % values, encoding="utf-8")
    return load_case(path)


def _protocol(tmp_path: Path, check: dict[str, Any], applies_to: list[str], *,
              start: str = "2019-01-01", binds: dict[str, Any] | None = None) -> Any:
    data = {
        "protocol": 1, "id": "one-rule", "title": "One rule", "short": "ONE", "issuer": "X",
        "authority": "agency-policy",
        "binds": binds or {"description": "DPD",
                           "agencies": ["detroit-police-department"]},
        "in_force": {"from": start}, "text_known": "verified-text", "summary": "S.",
        "sources": [{"title": "T", "url": "https://example.org"}],
        "rules": [{"id": "ONE-1", "title": "T", "text": "T.",
                   "citation": {"text": "§1", "url": "https://example.org"},
                   "applies_to": applies_to, "check": check, "severity": "high",
                   "confidence": "solid",
                   "decides_unknown": {"record": "the file",
                                       "held_by": "acting-agency"}}],
    }
    path = tmp_path / "one-rule.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_protocol(path)


def _one(tmp_path: Path, check: dict[str, Any], applies_to: list[str], lens: str = "best",
         proto_kw: dict[str, Any] | None = None, **case_kw: str) -> dict[str, Any]:
    case = _case(tmp_path, **case_kw)
    proto = _protocol(tmp_path, check, applies_to, **(proto_kw or {}))
    rows = evaluate(case, [proto], lens=lens, as_of="2026-11-22").to_dict(orient="records")
    assert len(rows) == 1
    return rows[0]


BLIND = {"fact_is": {"fact": "blind_administration", "expected": [True]}}


@pytest.mark.parametrize(("facts", "status", "basis"), [
    ("{blind_administration: true}", "pass", "undisputed"),
    ("{blind_administration: false}", "fail", "undisputed"),
    ("{blind_administration: unknown}", "unknown", ""),
    ("{}", "unknown", ""),
    ("{blind_administration: {value: false, sources: [pl]}}", "fail", "the plaintiff's account"),
    ("{blind_administration: [{value: true, sources: [po]}, {value: false, sources: [pl]}]}",
     "fail", "disputed"),
    ("{blind_administration: [{value: false, sources: [pl], rejected: misprint}]}",
     "unknown", ""),
])
def test_fact_is_is_tri_state_and_shows_disputes(tmp_path: Path, facts: str, status: str,
                                                 basis: str) -> None:
    row = _one(tmp_path, BLIND, ["photo-lineup"], lineup_facts=facts)
    assert (row["status"], row["basis"]) == (status, basis)
    if status == "unknown":
        assert row["discovery_record"] == "the file"
        assert row["discovery_held_by"] == "Detroit Police Department"


def test_retail_theft_is_not_a_violent_offense(tmp_path: Path) -> None:
    check = {"offense_category_in": {"categories": ["part1-violent", "home-invasion"]}}
    assert _one(tmp_path, check, ["fr-search"])["status"] == "fail"
    assert _one(tmp_path, check, ["fr-search"], category="part1-violent")["status"] == "pass"
    assert _one(tmp_path, check, ["fr-search"], category="unknown")["status"] == "unknown"


def test_actor_fact_of_the_witness(tmp_path: Path) -> None:
    check = {"actor_fact_is": {"role": "witness", "fact": "present_at_offense",
                               "expected": [True]}}
    assert _one(tmp_path, check, ["photo-lineup"])["status"] == "unknown"
    row = _one(tmp_path, check, ["photo-lineup"],
               witness_facts=", facts: {present_at_offense: false}")
    assert row["status"] == "fail" and row["decided_by"] == "wit → lineup"


def test_occurs_before(tmp_path: Path) -> None:
    check = {"occurs_before": {"event_type": "fr-review"}}
    assert _one(tmp_path, check, ["photo-lineup"])["status"] == "unknown"
    review = ("  - {id: review, type: fr-review, when: %s, summary: R., sources: [s]}")
    assert _one(tmp_path, check, ["photo-lineup"],
                extra_events=review % "2019-04")["status"] == "pass"
    assert _one(tmp_path, check, ["photo-lineup"],
                extra_events=review % "2019-12")["status"] == "fail"
    assert _one(tmp_path, check, ["photo-lineup"],
                extra_events=review % "2019")["status"] == "unknown"


INDEPENDENT = {"independent_evidence": {}}


def test_independent_evidence_unknown_without_a_closed_record(tmp_path: Path) -> None:
    row = _one(tmp_path, INDEPENDENT, ["arrest"])
    assert row["status"] == "unknown"
    assert row["decided_by"].startswith("cand → ")
    assert "complete record" in row["discovery_record"]


def test_independent_evidence_fails_on_a_closed_account(tmp_path: Path) -> None:
    facts = ("{rested_on: {value: [pick], sources: [pl]}, "
             "rested_on_complete: {value: true, sources: [pl]}}")
    row = _one(tmp_path, INDEPENDENT, ["arrest"], arrest_facts=facts)
    assert (row["status"], row["basis"]) == ("fail", "the plaintiff's account")
    assert row["decided_by"].split(" → ")[0] == "cand"
    assert row["decided_by"].endswith("arrest")


def test_independent_evidence_passes_with_its_chain(tmp_path: Path) -> None:
    extra = "  prints: {kind: physical-evidence, implicates: [acc]}"
    row = _one(tmp_path, INDEPENDENT, ["photo-lineup"], extra_evidence=extra,
               lineup_uses="array, prints")
    assert row["status"] == "pass"
    assert row["decided_by"] == "prints → lineup"


def test_independent_evidence_not_applicable_without_fr(tmp_path: Path) -> None:
    case_kw = {"lineup_uses": "video"}
    row = _one(tmp_path, INDEPENDENT, ["photo-lineup"], **case_kw)
    assert row["status"] == "not_applicable"


def test_not_solely_fr_output(tmp_path: Path) -> None:
    check = {"not_solely_fr_output": {}}
    closed = ", rested_on_complete: {value: true, sources: [pl]}}"
    assert _one(tmp_path, check, ["arrest"])["status"] == "unknown"
    only_cand = "{rested_on: {value: [cand], sources: [pl]}"
    assert _one(tmp_path, check, ["arrest"], arrest_facts=only_cand + "}")["status"] == "unknown"
    assert _one(tmp_path, check, ["arrest"], arrest_facts=only_cand + closed)["status"] == "fail"
    with_pick = "{rested_on: {value: [cand, pick], sources: [pl]}"
    assert _one(tmp_path, check, ["arrest"], arrest_facts=with_pick + closed)["status"] == "pass"


def test_not_derived_from_fr(tmp_path: Path) -> None:
    """A rule about face recognition never passes at a step no face-recognition output
    reached: it does not apply there."""
    check = {"not_derived_from_fr": {}}
    assert _one(tmp_path, check, ["photo-lineup"])["status"] == "fail"
    assert _one(tmp_path, check, ["photo-lineup"], lineup_uses="video")["status"] == \
        "not_applicable"


@pytest.mark.parametrize(("lens", "start", "in_force", "counts"), [
    ("then", "2019-09-19", "no", False),       # adopted after the July 2019 lineup
    ("then", "2019-07-15", "uncertain", False),  # adopted during the lineup's month
    ("then", "2019-06", "yes", True),
    ("now", "2019-09-19", "yes", True),
    ("now", "2030", "no", False),
    ("best", "2030", "no", True),              # a benchmark counts whenever it was adopted
])
def test_lenses_use_date_bounds(tmp_path: Path, lens: str, start: str, in_force: str,
                                counts: bool) -> None:
    row = _one(tmp_path, BLIND, ["photo-lineup"], lens=lens, proto_kw={"start": start},
               lineup_facts="{blind_administration: false}")
    assert (row["in_force"], row["counts"], row["violation"]) == (in_force, counts, counts)
    assert row["status"] == "fail"  # the record's verdict never depends on the lens


@pytest.mark.parametrize(("binds", "expected"), [
    ({"description": "DPD", "agencies": ["detroit-police-department"]}, "yes"),
    ({"description": "Prosecutor", "agencies": ["wayne-county-prosecutor"]}, "no"),
    ({"description": "Michigan agencies", "states": ["MI"]}, "yes"),
    ({"description": "Maryland agencies", "states": ["MD"]}, "no"),
    ({"description": "Federal agencies", "federal": True}, "no"),
    ({"description": "Nobody"}, "no"),
])
def test_binds(tmp_path: Path, binds: dict[str, Any], expected: str) -> None:
    row = _one(tmp_path, BLIND, ["photo-lineup"], lens="then", proto_kw={"binds": binds})
    assert row["binds"] == expected


def test_binds_uncertain_when_no_agency_is_recorded(tmp_path: Path) -> None:
    """No one is recorded acting at the offense, and the case records no investigating or
    prosecuting agency to stand in: whom the step binds is uncertain."""
    row = _one(tmp_path, {"offense_category_in": {"categories": ["part1-violent"]}},
               ["offense"], lens="then")
    assert row["binds"] == "uncertain" and row["counts"] is False


def test_the_case_agencies_stand_in_where_no_one_is_recorded_acting(tmp_path: Path) -> None:
    case = _case(tmp_path)
    text = case.path.read_text(encoding="utf-8").replace(
        "dpd: {ref: detroit-police-department}",
        "dpd: {ref: detroit-police-department, roles: [investigating-agency]}")
    case.path.write_text(text, encoding="utf-8")
    proto = _protocol(tmp_path, {"offense_category_in": {"categories": ["part1-violent"]}},
                      ["offense"])
    [row] = evaluate(load_case(case.path), [proto], lens="then").to_dict(orient="records")
    assert row["binds"] == "yes" and row["status"] == "fail" and row["violation"]


def test_every_check_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "checks.md").read_text()
    for name in CHECKS:
        assert f"`{name}`" in doc, name


def test_check_descriptions_name_their_parameters() -> None:
    params = CHECKS["fact_is"].params.model_validate({"fact": "fillers", "expected": [6]})
    assert CHECKS["fact_is"].describe(params) == "fillers is 6"


def test_disputed_fr_use_makes_fr_premised_findings_unknown(tmp_path: Path) -> None:
    disputed = ("{fr_used: [{value: true, sources: [pl]}, {value: false, sources: [po]}], "
                "rested_on: {value: [pick], sources: [pl]}, "
                "rested_on_complete: {value: true, sources: [pl]}}")
    row = _one(tmp_path, INDEPENDENT, ["arrest"], arrest_facts=disputed)
    assert row["status"] == "unknown"
    assert "disputed" in row["explanation"] and "police account" in row["explanation"]
    not_used = ("{fr_used: {value: false, sources: [po]}, "
                "rested_on: {value: [pick], sources: [pl]}, "
                "rested_on_complete: {value: true, sources: [pl]}}")
    assert _one(tmp_path, INDEPENDENT, ["arrest"], arrest_facts=not_used)["status"] == \
        "not_applicable"
    # a check that is not about the FR lead is unaffected
    blind = _one(tmp_path, BLIND, ["photo-lineup"],
                 lineup_facts="{blind_administration: false, fr_used: "
                              "[{value: true, sources: [pl]}, {value: false, sources: [po]}]}")
    assert blind["status"] == "fail"
