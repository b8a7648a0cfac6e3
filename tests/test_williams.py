"""The Williams/Shinola case file: valid, sourced, true to the reference, and connected."""

from __future__ import annotations

import itertools
import re
from functools import cache

import networkx as nx
import pytest

from casebook import build_graph, load_case
from casebook.engine.graph import fr_downstream
from casebook.model.case import Case
from tests.conftest import WILLIAMS, reference_text


@cache
def _case() -> Case:
    return load_case(WILLIAMS)


def test_at_least_20_events_every_one_sourced() -> None:
    case = _case()
    assert len(case.events) >= 20
    for ev in case.events:
        assert ev.sources, ev.id
        assert all(s in case.sources for s in ev.sources)


def test_the_path_from_store_video_to_arrest() -> None:
    g = build_graph(_case())
    chain = ["store-video", "probe-still", "fr-candidate", "photo-lineup", "lineup-pick",
             "warrant-request", "warrant-issued", "arrest"]
    for a, b in itertools.pairwise(chain):
        assert nx.has_path(g, a, b), f"no path {a} → {b}"
    kinds = [g.nodes[n]["node_type"] for n in chain]
    assert kinds == ["evidence", "evidence", "evidence", "event", "evidence", "event", "event",
                     "event"]


def test_every_harm_rests_on_the_fr_output() -> None:
    g = build_graph(_case())
    derived = fr_downstream(g)
    for harm in ("warrant-issued", "arrest", "detention", "interrogation"):
        assert harm in derived


def test_dates_keep_the_reference_precision() -> None:
    case = _case()
    recorded = {ev.id: [str(c.value) for c in ev.when if c.rejected is None]
                for ev in case.events}
    assert recorded["fr-search"] == ["2019-03"]
    assert recorded["photo-lineup"] == ["2019-07"]
    assert recorded["warrant-issued"] == ["2019-08-23"]
    assert recorded["arrest"] == ["2020-01-09"]
    assert recorded["dismissal"] == ["2020-01-23"]
    assert recorded["settlement"] == ["2024-06-28"]
    assert recorded["directive-adopted"] == ["2019-09-19"]
    assert set(recorded["offense"]) == {"2018-10-02", "2018-10"}
    # the warrant request is only known to fall between the lineup month and the charge
    lo, hi = case.bounds("warrant-request")
    assert (str(lo), str(hi)) == ("2019-07-01", "2019-08-23")


@pytest.mark.parametrize(("owner", "fact"), [
    ("fr-search", "run_by"),                # D-2: MSP vs DPD Crime Intelligence
    ("offense", "stolen_value_usd"),        # D-8
    ("interrogation", "investigator_remark"),  # D-5
    ("dismissal", "dismissal_triggered_by"),  # D-6
])
def test_disagreements_are_disputed_facts(owner: str, fact: str) -> None:
    case = _case()
    view = case.fact(case.event_by_id[owner], fact)
    assert view.disputed
    accounts = [case.claim_accounts(c, case.event_by_id[owner].sources) for c in view.live]
    assert len({frozenset(a) for a in accounts}) >= 1


def test_d2_police_account_is_marked() -> None:
    case = _case()
    claims = case.fact(case.event_by_id["fr-search"], "run_by").live
    assert any(c.account == "police" for c in claims)


def test_the_theft_date_dispute_and_the_rejected_misprint() -> None:
    ev = _case().event_by_id["offense"]
    assert _case().when_disputed(ev)
    rejected = [c for c in ev.when if c.rejected]
    assert any(str(c.value).startswith("2019-10") for c in rejected)


@pytest.mark.parametrize("fact", ["blind_administration", "witness_instructed",
                                  "confidence_recorded", "procedure_recorded"])
def test_lineup_safeguards_no_source_reports_are_explicitly_unknown(fact: str) -> None:
    lineup = _case().event_by_id["photo-lineup"]
    assert fact in lineup.facts, "written out as unknown, not left absent"
    assert _case().fact(lineup, fact).unknown


def test_lineup_witness_was_not_present_and_the_eyewitness_was_not_shown() -> None:
    case = _case()
    lineup = case.event_by_id["photo-lineup"]
    (witness,) = case.participants(lineup, "witness")
    assert case.fact(witness, "present_at_offense").value is False
    assert case.fact(lineup, "eyewitness_shown").value is False


def test_single_source_items_stay_marked() -> None:
    case = _case()
    for eid in ("clerk-declines", "house-testimony", "audit-reported"):
        assert case.event_by_id[eid].confidence == "single-source", eid


def test_minors_unnamed_private_persons_flagged() -> None:
    case = _case()
    minors = [a for a in case.actors.values() if a.actor.minor]
    assert len(minors) == 2 and all(a.name is None for a in minors)
    williams = [a for a in case.actors.values() if "accused" in a.roles]
    assert williams and all(a.private for a in williams)


def test_the_seed_documents_are_cited() -> None:
    case = _case()
    dates = {(str(s.date), s.publisher) for s in case.sources.values()}
    assert ("2019-07-18", "CBS Detroit") in dates
    assert any(d == "2020-06-26" and "Detroit News" in p for d, p in dates)


def test_what_the_warrant_rested_on_is_recorded_with_its_accounts() -> None:
    case = _case()
    request = case.event_by_id["warrant-request"]
    rested = case.fact(request, "rested_on")
    assert rested.known_claims
    accounts = set().union(*(case.claim_accounts(c, request.sources) for c in rested.live))
    assert "plaintiff" in accounts
    complete = case.fact(request, "rested_on_complete")
    assert True in complete.values


def test_summaries_are_our_own_words() -> None:
    """No summary reproduces a long run of the reference's wording (10+ words)."""
    reference = re.sub(r"\s+", " ", reference_text().lower())
    for ev in _case().events:
        words = ev.summary.lower().split()
        for i in range(len(words) - 9):
            run = " ".join(words[i:i + 10])
            assert run not in reference, f"{ev.id}: {run!r}"
