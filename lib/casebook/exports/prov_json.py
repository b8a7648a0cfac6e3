"""``prov``: the case's provenance as W3C PROV-JSON, built with the ``prov`` package.

What maps to what (docs/export-prov.md): evidence items are entities (``casebook:evidence``),
events are activities (``casebook:event``), people and agencies are agents (``prov:Person``,
``prov:Organization``), sources are entities (``casebook:source``). An event ``used`` the
items it used; an item ``wasGeneratedBy`` the event that produced it and ``wasDerivedFrom``
the items it was made from; an event ``wasAssociatedWith`` each participant, the role as
``prov:role``; a person ``actedOnBehalfOf`` their agency. What the case file says about each
event and fact is a claim entity (``casebook:claim``) that ``wasDerivedFrom`` the sources it
cites — so a PROV reader sees which source every statement rests on. Dates stay as recorded
(EDTF, ``casebook:when``) with their earliest and latest possible days: PROV's start and end
times would claim a precision the record does not have.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_text_atomic
from .case_export import CaseExport
from .registry import register_case

if TYPE_CHECKING:
    from prov.model import ProvDocument

__all__ = ["NAMESPACE", "prov_document"]

NAMESPACE = "urn:casebook:vocabulary:"


def _attrs(values: dict[Any, Any]) -> dict[Any, Any]:
    return {k: v for k, v in values.items() if v is not None and v != ""}


def prov_document(source: CaseExport) -> ProvDocument:
    """The case as a PROV document."""
    from prov.model import PROV_LABEL, PROV_ROLE, PROV_TYPE, ProvDocument

    case = source.case
    doc = ProvDocument()
    doc.add_namespace("casebook", NAMESPACE)
    doc.add_namespace("case", f"urn:casebook:{case.id}:")
    derived = source.fr_derived()
    violations = source.violations()

    def claims(owner: str, what: str, cited: Iterable[str], extra: dict[Any, Any]) -> None:
        claim = doc.entity(f"case:claim/{owner}/{what}", _attrs({
            PROV_TYPE: "casebook:claim", PROV_LABEL: f"{what} of {owner}", **extra}))
        for sid in cited:
            doc.wasDerivedFrom(claim, f"case:source/{sid}")

    for sid, src in case.sources.items():
        doc.entity(f"case:source/{sid}", _attrs({
            PROV_TYPE: "casebook:source", PROV_LABEL: src.title, "casebook:publisher":
            src.publisher, "casebook:kind": src.kind, "casebook:account": src.account,
            "casebook:reliability": src.reliability, "casebook:url": src.url,
            "casebook:date": None if src.date is None else str(src.date)}))
    for aid, actor in case.actors.items():
        person = actor.kind == "person"
        doc.agent(f"case:{aid}", _attrs({
            PROV_TYPE: "prov:Person" if person else "prov:Organization",
            PROV_LABEL: source.label(aid), "casebook:kind": actor.kind,
            "casebook:roles": ", ".join(actor.roles)}))
    for aid, actor in case.actors.items():
        parent = actor.actor.affiliation
        if parent and parent in case.actors:
            doc.actedOnBehalfOf(f"case:{aid}", f"case:{parent}")
    for eid, item in case.evidence.items():
        doc.entity(f"case:{eid}", _attrs({
            PROV_TYPE: "casebook:evidence", PROV_LABEL: item.label or item.summary or eid,
            "casebook:kind": item.kind, "casebook:fr_derived": eid in derived}))
        if item.sources:
            claims(eid, "record", item.sources, {"prov:value": item.summary or item.kind})
        for name in item.facts:
            _fact_claims(case, item, eid, name, item.sources, claims)
    for ev in case.events:
        if ev.context and not source.viewer.sees("context-events"):
            continue
        lo, hi = case.bounds(ev)
        rules = violations.get(ev.id, [])
        doc.activity(f"case:{ev.id}", other_attributes=_attrs({
            PROV_TYPE: "casebook:event", PROV_LABEL: ev.label or ev.summary,
            "casebook:type": ev.type, "casebook:summary": ev.summary,
            "casebook:when": case.date_text(ev),
            "casebook:earliest": lo.isoformat() if lo != date.min else None,
            "casebook:latest": hi.isoformat() if hi != date.max else None,
            "casebook:when_disputed": case.when_disputed(ev),
            "casebook:violated_rules": ", ".join(rules) if source.shows_verdicts else None}))
        for used in ev.uses:
            doc.used(f"case:{ev.id}", f"case:{used}")
        for made in ev.produces:
            doc.wasGeneratedBy(f"case:{made}", f"case:{ev.id}")
        for role, ids in ev.participants.items():
            for aid in ids:
                doc.wasAssociatedWith(f"case:{ev.id}", f"case:{aid}",
                                      other_attributes={PROV_ROLE: f"casebook:{role}"})
        claims(ev.id, "record", ev.sources, {"prov:value": ev.summary})
        for n, claim in enumerate(ev.when):
            claims(ev.id, f"when/{n}", claim.sources or ev.sources, _claim_attrs(
                case, claim, ev.sources))
        for name in ev.facts:
            _fact_claims(case, ev, ev.id, name, ev.sources, claims)
    for eid, item in case.evidence.items():
        for parent in item.derived_from:
            doc.wasDerivedFrom(f"case:{eid}", f"case:{parent}")
    return doc


def _claim_attrs(case: Any, claim: Any, owner_sources: Iterable[str]) -> dict[str, Any]:
    value = claim.value
    return _attrs({
        "prov:value": ", ".join(value) if isinstance(value, list) else value,
        "casebook:account": ", ".join(sorted(case.claim_accounts(claim, owner_sources))),
        "casebook:rejected": claim.rejected,
        "casebook:confidence": claim.confidence})


def _fact_claims(case: Any, owner: Any, oid: str, name: str, owner_sources: Sequence[str],
                 claims: Any) -> None:
    view = case.fact(owner, name)
    for n, claim in enumerate(view.claims):
        attrs = _claim_attrs(case, claim, owner_sources)
        attrs["casebook:disputed"] = view.disputed
        claims(oid, f"{name}/{n}", claim.sources or owner_sources, attrs)


@register_case("prov", "W3C PROV-JSON: evidence as entities, events as activities, people "
               "and agencies as agents, claims derived from their sources", ".json")
def write_prov(source: CaseExport, path: Path) -> list[Path]:
    write_text_atomic(path, str(prov_document(source).serialize(format="json", indent=1)))
    return [path]
