"""The whole process and every US case: identification procedures, disclosure, warrants
across states, and scope that is right by construction — each on a small case written here."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from casebook import load_case
from casebook.engine.consequences import consequences, custody, discovery_list
from casebook.engine.findings import evaluate
from casebook.engine.protocols import load_protocol

SOURCES = """\
sources:
  s: {title: T, publisher: P, kind: news-report, account: neutral, reliability: secondary}
  pl: {title: Complaint, publisher: Counsel, kind: court-filing, account: plaintiff,
       reliability: primary}
  po: {title: Report, publisher: Police, kind: police-report, account: police,
       reliability: primary}
"""


def _write(tmp_path: Path, body: str, state: str = "VA", name: str = "case.yaml") -> Any:
    text = (f"casebook: 1\ncase: {{id: t, title: T, jurisdiction: Somewhere, state: {state}, "
            f"summary: S}}\n" + SOURCES + textwrap.dedent(body))
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_case(path)


def _protocol(tmp_path: Path, rules: list[dict[str, Any]], *, binds: dict[str, Any],
              in_force: dict[str, Any] | None = None, premise: str | None = None,
              pid: str = "std") -> Any:
    data: dict[str, Any] = {
        "protocol": 1, "id": pid, "title": "A standard", "short": pid.upper(), "issuer": "X",
        "authority": "law", "binds": binds, "in_force": in_force or {"from": "1960-01-01"},
        "text_known": "verified-text", "summary": "S.",
        "sources": [{"title": "T", "url": "https://example.org"}], "rules": []}
    if premise:
        data["premise"] = premise
    for i, rule in enumerate(rules, start=1):
        data["rules"].append({
            "id": f"{pid.upper()}-{i}", "title": "T", "text": "T.",
            "citation": {"text": "§1", "url": "https://example.org"}, "severity": "high",
            "confidence": "solid",
            "decides_unknown": {"record": "the file", "held_by": "acting-agency"}, **rule})
    path = tmp_path / f"{pid}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_protocol(path)


def _rows(case: Any, protos: list[Any], lens: str = "then", as_of: str = "2026-11-22"
          ) -> list[dict[str, Any]]:
    return evaluate(case, protos, lens=lens, as_of=as_of).to_dict(orient="records")


# -- an eyewitness case: a photo array, then a live lineup of the same suspect -----------------

EYEWITNESS = """\
actors:
  police: {kind: agency, roles: [investigating-agency], branch: police, level: local,
           description: the county police}
  det: {kind: person, roles: [investigator], affiliation: police}
  victim: {kind: person, roles: [victim, witness], private: true, description: the victim}
  acc: {kind: person, roles: [accused], private: true, description: the accused}
evidence:
  array: {kind: photo-array, implicates: [acc]}
  pick: {kind: identification, derived_from: [array], implicates: [acc]}
  pick2: {kind: identification, implicates: [acc]}
events:
  - {id: offense, type: offense, when: 1982-07-17, summary: O., sources: [s]}
  - id: array-shown
    type: photo-lineup
    when: 1982-07-20
    summary: A photo array.
    sources: [s]
    participants: {administered_by: [det], witness: [victim], subject: [acc]}
    uses: [array]
    produces: [pick]
    facts: %(array_facts)s
  - id: live
    type: live-lineup
    when: 1982-07-20
    summary: A live lineup an hour later.
    sources: [s]
    participants: {administered_by: [det], witness: [victim], subject: [acc]}
    follows: [array-shown]
    produces: [pick2]
    facts: %(live_facts)s
"""

DUE_PROCESS = [
    {"applies_to": ["eyewitness-procedure"],
     "check": {"none_of": {"facts": ["suggestive_conduct", "suspect_stands_out"]}},
     "court_decides": "whether the suggestiveness was unnecessary and the identification "
                      "reliable all the same"},
    {"applies_to": ["eyewitness-procedure"], "check": {"not_shown_before": {}}},
]


def _eyewitness(tmp_path: Path, array_facts: str = "{}", live_facts: str = "{}") -> Any:
    return _write(tmp_path, EYEWITNESS % {"array_facts": array_facts, "live_facts": live_facts})


def test_a_suspect_who_stood_out_and_was_shown_again_fails_the_national_rules(
        tmp_path: Path) -> None:
    case = _eyewitness(tmp_path, array_facts="{suspect_stands_out: {value: true, sources: [s]}}",
                       live_facts="{suspect_stands_out: false, suggestive_conduct: false}")
    proto = _protocol(tmp_path, DUE_PROCESS, binds={"description": "every prosecution",
                                                     "national": True})
    rows = {(r["rule"], r["event"]): r for r in _rows(case, [proto])}
    stood_out = rows[("STD-1", "array-shown")]
    assert stood_out["status"] == "fail" and stood_out["violation"]
    assert "For a court:" in stood_out["explanation"]
    # the live lineup showed nothing suggestive itself — but a court's test never "passes"
    assert rows[("STD-1", "live")]["status"] == "not_applicable"
    shown_again = rows[("STD-2", "live")]
    assert shown_again["status"] == "fail" and shown_again["binds"] == "yes"
    assert "already been shown the same person" in shown_again["explanation"]
    assert rows[("STD-2", "array-shown")]["status"] == "pass"


def test_an_unrecorded_procedure_is_unknown_and_asks_the_agency_that_ran_it(
        tmp_path: Path) -> None:
    case = _eyewitness(tmp_path)
    proto = _protocol(tmp_path, DUE_PROCESS[:1], binds={"description": "all",
                                                         "national": True})
    row = next(r for r in _rows(case, [proto]) if r["event"] == "array-shown")
    assert row["status"] == "unknown"
    assert row["discovery_held_by"] == "the county police"  # this case's own agency


# -- a rule about face recognition where none was used ------------------------------------------

def test_a_face_recognition_rule_does_not_apply_where_none_was_used(tmp_path: Path) -> None:
    case = _eyewitness(tmp_path, array_facts="{blind_administration: true}")
    proto = _protocol(tmp_path, [{"applies_to": ["lineup"],
                                  "check": {"fact_is": {"fact": "blind_administration",
                                                        "expected": [True]}}}],
                      binds={"description": "the police", "states": ["VA"]},
                      premise="fr_used")
    statuses = {r["event"]: r["status"] for r in _rows(case, [proto])}
    assert statuses == {"array-shown": "not_applicable", "live": "not_applicable"}


# -- scope: another jurisdiction's rule never passes nor asks ----------------------------------

def test_another_states_rule_never_passes_nor_asks_for_records(tmp_path: Path) -> None:
    case = _eyewitness(tmp_path, array_facts="{blind_administration: true}")
    rule = {"applies_to": ["lineup"],
            "check": {"fact_is": {"fact": "blind_administration", "expected": [True]}}}
    nc = _protocol(tmp_path, [rule], binds={"description": "North Carolina police",
                                            "states": ["NC"]}, pid="nc")
    va = _protocol(tmp_path, [rule], binds={"description": "Virginia police",
                                            "states": ["VA"]}, pid="va")
    for lens in ("then", "now", "best"):
        rows = {(r["protocol"], r["event"]): r for r in _rows(case, [nc, va], lens=lens)}
        assert rows[("nc", "array-shown")]["status"] == "not_applicable"
        assert rows[("va", "array-shown")]["status"] == "pass"
        unknown = rows[("nc", "live")]
        assert unknown["status"] == "unknown" and unknown["discovery_record"] == ""
        assert rows[("va", "live")]["discovery_held_by"] == "the county police"
        assert "nc" not in " ".join(discovery_list(evaluate(
            case, [nc, va], lens=lens, as_of="2026-11-22"))["rules"]).lower()


# -- the offense date decides a statute's reach: then against the offense, now against as_of --

def test_an_offense_date_condition_reads_the_offense_then_and_as_of_now(tmp_path: Path) -> None:
    case = _eyewitness(tmp_path, array_facts="{blind_administration: false}")
    proto = _protocol(tmp_path, [{"applies_to": ["lineup"],
                                  "check": {"fact_is": {"fact": "blind_administration",
                                                        "expected": [True]}}}],
                      binds={"description": "Virginia police", "states": ["VA"]},
                      in_force={"from": "1980-01-01", "offenses_from": "2008-03-01"})
    then = next(r for r in _rows(case, [proto], "then") if r["event"] == "array-shown")
    now = next(r for r in _rows(case, [proto], "now") if r["event"] == "array-shown")
    assert (then["in_force"], then["violation"]) == ("no", False)   # a 1982 offense
    assert (now["in_force"], now["violation"]) == ("yes", True)     # the same conduct today


# -- a warrant of one state served by another state's agency -------------------------------------

TWO_STATES = """\
actors:
  fargo: {kind: agency, roles: [investigating-agency], state: ND, branch: police}
  nd-court: {kind: court, state: ND, description: a North Dakota court}
  marshals: {kind: agency, branch: police, level: federal, state: TN,
             description: federal marshals}
  tn-police: {kind: agency, branch: police, state: TN, description: a Tennessee police force}
  acc: {kind: person, roles: [accused], private: true, description: the accused}
evidence:
  warrant: {kind: warrant, implicates: [acc]}
events:
  - {id: offense, type: offense, when: 2025-04, summary: O., sources: [s]}
  - id: issued
    type: warrant-issued
    when: 2025-06
    summary: Warrant issued.
    sources: [s]
    participants: {signed_by: [nd-court], requested_by: [fargo]}
    produces: [warrant]
    facts: {alibi_checked: false}
  - id: arrest
    type: arrest
    when: 2025-07-14
    summary: Arrested.
    sources: [s]
    participants: {by: [%(arresting)s], subject: [acc]}
    uses: [warrant]
    facts: {warrant_issuing_state: ND, alibi_checked: false}
"""


@pytest.mark.parametrize(("arresting", "tn_binds_arrest"), [("tn-police", "yes"),
                                                            ("marshals", "no")])
def test_each_step_is_bound_by_its_own_agencys_state(tmp_path: Path, arresting: str,
                                                     tn_binds_arrest: str) -> None:
    case = _write(tmp_path, TWO_STATES % {"arresting": arresting}, state="ND")
    rule = {"applies_to": ["warrant-issued", "arrest"],
            "check": {"fact_is": {"fact": "alibi_checked", "expected": [True]}}}
    nd = _protocol(tmp_path, [rule], binds={"description": "North Dakota police and courts",
                                            "states": ["ND"], "branches": ["police", "court"]},
                   pid="nd")
    tn = _protocol(tmp_path, [rule], binds={"description": "Tennessee officers",
                                            "states": ["TN"]}, pid="tn")
    rows = {(r["protocol"], r["event"]): r["binds"] for r in _rows(case, [nd, tn])}
    assert rows[("nd", "issued")] == "yes" and rows[("tn", "issued")] == "no"
    assert rows[("nd", "arrest")] == "no"            # the arrest is not North Dakota's
    assert rows[("tn", "arrest")] == tn_binds_arrest  # a state law never binds the Marshals


# -- disclosure: withheld evidence, before a trial and before a dismissal -----------------------

WITHHELD = """\
actors:
  da: {kind: agency, roles: [prosecuting-agency], branch: prosecution}
  acc: {kind: person, roles: [accused], private: true, description: the accused}
evidence:
  lab: {kind: lab-report, summary: "blood type B", held_by: da,
        facts: {favorable_to_accused: true, disclosed_to_defense: %(disclosed)s}}
events:
  - {id: offense, type: offense, when: 1984-12, summary: O., sources: [s]}
  - {id: test, type: investigative-step, when: 1985-04-04, summary: Lab test., sources: [s],
     produces: [lab]}
  - {id: arraign, type: arraignment, when: 1985-02, summary: Arraigned., sources: [s]}
  - {id: trial, type: trial, when: 1985-04-06, summary: Trial., sources: [s],
     participants: {by: [da]}}
  - {id: surfaced, type: evidence-surfaced, when: 1999-04, summary: Found., sources: [s],
     uses: [lab]}
"""

BRADY = [{"applies_to": ["trial", "guilty-plea"], "check": {"disclosed_before": {}},
          "court_decides": "whether the evidence was material"},
         {"applies_to": ["evidence-surfaced", "disclosure"],
          "check": {"disclosed_before_court": {}},
          "court_decides": "whether the evidence was material"}]


def test_evidence_withheld_before_the_trial_fails_and_says_how_long(tmp_path: Path) -> None:
    case = _write(tmp_path, WITHHELD % {"disclosed": "false"}, state="LA")
    proto = _protocol(tmp_path, BRADY, binds={"description": "every prosecution",
                                              "national": True})
    rows = {(r["rule"], r["event"]): r for r in _rows(case, [proto])}
    trial = rows[("STD-1", "trial")]
    assert trial["status"] == "fail" and trial["violation"]
    assert "lab (blood type B) was not disclosed before the trial" in trial["explanation"]
    assert "months later" in trial["explanation"] and "For a court:" in trial["explanation"]
    late = rows[("STD-2", "surfaced")]
    assert late["status"] == "fail" and "after the trial" in late["explanation"]


def test_evidence_disclosed_in_time_never_passes_a_rule_a_court_must_finish(
        tmp_path: Path) -> None:
    body = (WITHHELD % {"disclosed": "true"}).replace(
        "  - {id: surfaced, type: evidence-surfaced, when: 1999-04, summary: Found., "
        "sources: [s],\n     uses: [lab]}\n",
        "  - {id: handed, type: disclosure, when: 1985-04-05, summary: Given., sources: [s],\n"
        "     uses: [lab]}\n")
    case = _write(tmp_path, body, state="LA")
    proto = _protocol(tmp_path, BRADY, binds={"description": "all", "national": True})
    statuses = {(r["rule"], r["event"]): r["status"] for r in _rows(case, [proto])}
    assert statuses[("STD-1", "trial")] == "not_applicable"
    assert statuses[("STD-2", "handed")] == "not_applicable"


# -- a warrant affidavit (Franks): fails only when falsity and intent are both on record ------

@pytest.mark.parametrize(("facts", "status"), [
    ("{affidavit_false_or_omission: true, affidavit_knowing_or_reckless: true}", "fail"),
    ("{affidavit_false_or_omission: true}", "unknown"),
    ("{affidavit_false_or_omission: true, affidavit_knowing_or_reckless: false}",
     "not_applicable"),
    ("{}", "unknown"),
])
def test_franks_fails_only_on_a_sourced_false_statement_made_knowingly(
        tmp_path: Path, facts: str, status: str) -> None:
    case = _write(tmp_path, f"""\
        actors:
          police: {{kind: agency, roles: [investigating-agency], branch: police}}
        events:
          - {{id: offense, type: offense, when: 2020, summary: O., sources: [s]}}
          - {{id: req, type: warrant-request, when: 2020, summary: R., sources: [pl],
             participants: {{requested_by: [police]}}, facts: {facts}}}
        """)
    proto = _protocol(tmp_path, [{
        "applies_to": ["warrant-step"],
        "check": {"not_all_of": {"facts": ["affidavit_false_or_omission",
                                           "affidavit_knowing_or_reckless"]}},
        "court_decides": "whether the corrected affidavit still shows probable cause"}],
        binds={"description": "all", "national": True})
    [row] = _rows(case, [proto])
    assert row["status"] == status


# -- loose numbers decide only when their whole range does --------------------------------------

@pytest.mark.parametrize(("value", "status"), [("1", "pass"), ("2", "fail"), ('"1..3"', "unknown"),
                                               ('"2~"', "unknown"), ('"3.."', "fail")])
def test_a_range_decides_only_when_all_of_it_does(tmp_path: Path, value: str,
                                                  status: str) -> None:
    case = _eyewitness(tmp_path, array_facts=f"{{suspect_exposures: {value}}}")
    proto = _protocol(tmp_path, [{"applies_to": ["photo-lineup"],
                                  "check": {"fact_at_most": {"fact": "suspect_exposures",
                                                             "maximum": 1}}}],
                      binds={"description": "all", "national": True})
    [row] = _rows(case, [proto])
    assert row["status"] == status


# -- conviction and prison are harms: chains reach them, custody is totalled -------------------

def test_conviction_and_imprisonment_are_harms_and_custody_is_counted(tmp_path: Path) -> None:
    case = _write(tmp_path, """\
        actors:
          police: {kind: agency, roles: [investigating-agency], branch: police}
          victim: {kind: person, roles: [witness], private: true, description: the victim}
          acc: {kind: person, roles: [accused], private: true, description: the accused}
        evidence:
          pick: {kind: identification, implicates: [acc]}
        events:
          - {id: offense, type: offense, when: 1982-07-17, summary: O., sources: [s]}
          - {id: lineup, type: photo-lineup, when: 1982-07-20, summary: L., sources: [s],
             participants: {administered_by: [police], witness: [victim], subject: [acc]},
             produces: [pick], facts: {suggestive_conduct: true}}
          - {id: convicted, type: conviction, when: 1982-12, summary: C., sources: [s],
             uses: [pick]}
          - {id: prison, type: imprisonment, when: "1982-12/1997", summary: P., sources: [s],
             follows: [convicted]}
          - {id: cleared, type: exoneration, when: 2002-08-21, summary: E., sources: [s],
             follows: [prison], facts: {exoneration_basis: dna}}
        """)
    proto = _protocol(tmp_path, DUE_PROCESS[:1], binds={"description": "all",
                                                         "national": True})
    findings = evaluate(case, [proto], lens="then")
    cons = consequences(case, findings, [proto])
    assert set(cons.harms) == {"convicted", "prison"}
    assert cons.earliest is not None and cons.earliest["event"] == "lineup"
    held = custody(case)
    # "1982-12/1997": at least from the last day of December 1982 to the first of 1997, at
    # most from the first of December 1982 to the last day of 1997 — both days counted
    least = (date(1997, 1, 1) - date(1982, 12, 31)).days + 1
    most = (date(1997, 12, 31) - date(1982, 12, 1)).days + 1
    assert held == {"min_days": least, "max_days": most, "text": "14.0 years to 15.1 years"}


def test_a_search_a_private_company_ran_binds_no_police_standard(tmp_path: Path) -> None:
    """A casino's own face search is not the police's step: no public standard binds it, and
    the case's police agency does not stand in for the company."""
    case = _write(tmp_path, """\
        actors:
          police: {kind: agency, roles: [investigating-agency], branch: police,
                   description: the city police}
          casino: {kind: organization, description: the casino}
          acc: {kind: person, roles: [accused], private: true, description: the accused}
        evidence:
          still: {kind: probe-image}
          hit: {kind: fr-candidate, derived_from: [still], implicates: [acc]}
        events:
          - {id: offense, type: offense, when: 2023-09-17, summary: O., sources: [s]}
          - {id: search, type: fr-search, when: 2023-09-17, summary: S., sources: [s],
             participants: {run_by: [casino]}, uses: [still], produces: [hit],
             facts: {peer_reviewed: false}}
          - {id: arrest, type: arrest, when: 2023-09-17, summary: A., sources: [s],
             participants: {by: [police], subject: [acc]}, uses: [hit]}
        """, state="NV")
    proto = _protocol(tmp_path, [{"applies_to": ["fr-search"],
                                  "check": {"fact_is": {"fact": "peer_reviewed",
                                                        "expected": [True]}}}],
                      binds={"description": "Nevada police", "states": ["NV"]})
    [row] = _rows(case, [proto])
    assert row["binds"] == "no" and row["status"] == "fail" and not row["violation"]
