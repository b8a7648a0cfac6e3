"""The standards as data: they load, they are linted, and case files cite only real rules."""

from __future__ import annotations

import re

from casebook import load_case
from casebook.engine.protocols import RULE_ID, load_protocols
from tests.conftest import ROOT


def test_every_protocol_loads_with_rules_and_sources() -> None:
    protocols = load_protocols()
    assert len(protocols) >= 11
    for p in protocols:
        assert p.sources, p.id
        assert p.rules or p.not_checkable, p.id


def test_rule_ids_are_unique_and_well_formed() -> None:
    ids = [r.id for p in load_protocols() for r in [*p.rules, *p.not_checkable]]
    assert len(ids) == len(set(ids))
    assert all(RULE_ID.match(i) for i in ids)


def test_every_rule_is_cited_and_says_what_would_decide_it() -> None:
    for p in load_protocols():
        for r in p.rules:
            assert r.citation.url.startswith(("http://", "https://")), r.id
            assert r.citation.text and r.decides_unknown.record and r.decides_unknown.held_by


def test_not_checkable_provisions_give_a_reason() -> None:
    for p in load_protocols():
        for n in p.not_checkable:
            assert len(n.reason) > 20, n.id


def test_reference_provisions_all_appear() -> None:
    """Every provision id of Part A of the reference is a rule or a not-checkable entry."""
    reference = ROOT.parent / "shared" / "reference" / "protocols-and-cases.md"
    if not reference.exists():
        import pytest

        pytest.skip("the reference is not beside the checkout")
    part_a = reference.read_text(encoding="utf-8").split("# PART B")[0]
    cited = set(re.findall(r"^\| ((?:DPD-307\.5|MSP|SET-2024|DPD-2023|DOJ-2017|NAS-2014|"
                           r"APLS-2020|MD-FRT)-[\w.()/]+) \|", part_a, re.M))
    ours = {r.id for p in load_protocols() for r in [*p.rules, *p.not_checkable]}
    ours |= {"MD-FRT-train/report"} if {"MD-FRT-train", "MD-FRT-report"} <= ours else set()
    assert cited - ours == set()


def test_exercises_cite_rules_that_exist() -> None:
    ours = {r.id for p in load_protocols() for r in [*p.rules, *p.not_checkable]}
    for path in sorted((ROOT / "casefile").glob("*.yaml")):
        for ex in load_case(path).file.exercises:
            assert set(ex.rules) <= ours, (path.name, ex.rules)
