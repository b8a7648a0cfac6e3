"""Checks of the order of events."""

from __future__ import annotations

from pydantic import Field

from ...model.casefile import Event
from .base import CheckContext, Outcome, Params, register

__all__ = ["occurs_before"]


class OccursBeforeParams(Params):
    event_type: str
    fact: str | None = Field(None, description="A fact of that event that must be true.")


@register("occurs_before", OccursBeforeParams,
          describe=lambda p: f"a {p.event_type} happens before",
          lint=lambda p, v: [] if p.event_type in v.event_types
          else [(("event_type",), f"unknown event type {p.event_type!r}")])
def occurs_before(ctx: CheckContext, event: Event, p: OccursBeforeParams) -> Outcome:
    lo, _hi = ctx.case.bounds(event)
    candidates = [e for e in ctx.case.events if e.type == p.event_type and e.id != event.id]
    if p.fact:
        candidates = [e for e in candidates if ctx.case.fact(e, p.fact).value is True]
    before, unsure = [], []
    for other in candidates:
        o_lo, o_hi = ctx.case.bounds(other)
        if o_hi < lo or other.id in ctx.ancestors(event.id):
            before.append(other)
        elif not o_lo > _hi:
            unsure.append(other)
    what = p.event_type.replace("-", " ")
    if before:
        first = before[0]
        return Outcome("pass", f"A {what} ({first.id}) came before {ctx.label(event)}.",
                       ((first.id, event.id),), ctx.case.accounts(first.sources),
                       frozenset(first.sources))
    if unsure:
        return Outcome("unknown", f"A {what} ({unsure[0].id}) is recorded, but its date does "
                       f"not show whether it came before {ctx.label(event)}.",
                       ((unsure[0].id, event.id),))
    if candidates:
        return Outcome("fail", f"The only {what} on record came after {ctx.label(event)}.",
                       ((event.id, candidates[0].id),), ctx.case.accounts(candidates[0].sources),
                       frozenset(candidates[0].sources))
    return Outcome("unknown", f"No {what} before {ctx.label(event)} is on record.")
