"""The edges a case file's references imply: what the loader checks for loops and the engine
builds its event graph from, so the two can never disagree."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from .casefile import Event, Evidence

__all__ = ["graph_edges"]


def graph_edges(evidence: Mapping[str, Evidence], events: Iterable[Event]
                ) -> Iterator[tuple[str, str, str]]:
    """Every (source, target, label) edge a case's items imply."""
    for eid, item in evidence.items():
        for src in item.derived_from:
            yield src, eid, "derived_from"
    for ev in events:
        for item_id in ev.uses:
            yield item_id, ev.id, "uses"
        for item_id in ev.produces:
            yield ev.id, item_id, "produces"
        for prior in ev.follows:
            yield prior, ev.id, "follows"
