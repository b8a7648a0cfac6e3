"""The event graph: contract, helpers, and order-independence."""

from __future__ import annotations

import networkx as nx

from casebook import build_graph, load_case
from casebook.engine.graph import (
    downstream,
    event_projection,
    fr_derived,
    fr_downstream,
    graph_summary,
    support_chain,
    time_order,
)
from tests.conftest import FIXTURES

MINIMAL = FIXTURES / "cases" / "minimal--valid.yaml"


def test_nodes_and_labelled_edges() -> None:
    g = build_graph(load_case(MINIMAL))
    assert g.nodes["search"]["node_type"] == "event"
    assert g.nodes["cand"]["node_type"] == "evidence" and g.nodes["cand"]["fr_output"]
    assert g.edges["video", "still"]["label"] == "derived_from"
    assert g.edges["still", "search"]["label"] == "uses"
    assert g.edges["search", "cand"]["label"] == "produces"
    assert g.nodes["arrest"]["harm"] == "arrest"
    assert g.nodes["search"]["actors"] == {"requested_by": ("dpd",)}
    assert nx.is_directed_acyclic_graph(g)


def test_month_date_keeps_month_bounds() -> None:
    g = build_graph(load_case(MINIMAL))
    assert str(g.nodes["search"]["earliest"]) == "2019-03-01"
    assert str(g.nodes["search"]["latest"]) == "2019-03-31"


def test_support_chain_and_downstream() -> None:
    g = build_graph(load_case(MINIMAL))
    chain = support_chain(g, "arrest")
    assert set(chain) == {"theft", "video", "still", "search", "cand", "lineup", "pick"}
    assert chain.index("video") < chain.index("still") < chain.index("cand")
    assert downstream(g, "cand") == {"lineup", "pick", "arrest"}


def test_fr_downstream_covers_everything_after_the_candidate() -> None:
    g = build_graph(load_case(MINIMAL))
    assert fr_downstream(g) == {"cand", "lineup", "pick", "arrest"}


def test_fr_derived_follows_provenance() -> None:
    g = build_graph(load_case(MINIMAL))
    # the pick declares no provenance: it inherits it from what the lineup used (the candidate)
    assert fr_derived(g) == {"cand", "pick"}


def test_declared_provenance_is_complete(write_case) -> None:
    path = write_case("""\
        casebook: 1
        case: {id: t, title: T, jurisdiction: X, summary: S}
        sources:
          s: {title: T, publisher: P, kind: news-report, account: neutral, reliability: secondary}
        actors:
          acc: {kind: person, roles: [accused]}
        evidence:
          still: {kind: probe-image}
          cand: {kind: fr-candidate, derived_from: [still], implicates: [acc]}
          prints: {kind: physical-evidence}
          match: {kind: physical-evidence, derived_from: [prints], implicates: [acc]}
        events:
          - {id: search, type: fr-search, when: 2019-03, summary: S., sources: [s],
             uses: [still], produces: [cand]}
          - {id: compare, type: investigative-step, when: 2019-04, summary: C., sources: [s],
             uses: [prints, cand], produces: [match]}
        """)
    g = build_graph(load_case(path))
    # the comparison was prompted by the lead, but the match derives from the prints alone
    assert fr_derived(g) == {"cand"}
    assert "match" in fr_downstream(g)


def test_event_projection_and_time_order() -> None:
    g = build_graph(load_case(MINIMAL))
    p = event_projection(g)
    assert set(p.nodes) == {"theft", "search", "lineup", "arrest"}
    # The candidate derives from the still, which derives from the theft's video: the lineup
    # rests on the theft through evidence alone, as well as on the search.
    assert set(p.edges) == {("theft", "search"), ("theft", "lineup"), ("search", "lineup"),
                            ("lineup", "arrest")}
    assert time_order(g) == ["theft", "search", "lineup", "arrest"]


def test_time_order_uses_bounds_when_unconnected(write_case) -> None:
    path = write_case("""\
        casebook: 1
        case: {id: t, title: T, jurisdiction: X, summary: S}
        sources:
          s: {title: T, publisher: P, kind: news-report, account: neutral, reliability: secondary}
        events:
          - {id: late, type: apology, when: 2020-06-24, summary: Late., sources: [s]}
          - {id: month, type: arrest, when: 2020-06, summary: Month., sources: [s]}
          - {id: early, type: offense, when: 2018-10-02, summary: Early., sources: [s]}
        """)
    g = build_graph(load_case(path))
    # June 2020 (1-30 June) starts before 24 June, so it sorts first; it is not "1 June".
    assert time_order(g) == ["early", "month", "late"]


def test_summary_counts() -> None:
    s = graph_summary(build_graph(load_case(MINIMAL)))
    assert (s["events"], s["evidence"]) == (4, 4)
    assert s["edges"] == {"derived_from": 2, "produces": 3, "uses": 3}
    assert s["harms_downstream_of_fr"] == ["arrest"]
