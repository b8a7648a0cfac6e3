"""Premises: what a finding presupposes, checked before its check runs."""

from __future__ import annotations

from ...model.casefile import Event
from .base import CheckContext, Outcome, register_premise
from .provenance import fr_outputs_upstream

__all__ = ["eyewitness_premise", "fr_premise"]


@register_premise("fr_used")
def fr_premise(ctx: CheckContext, event: Event) -> Outcome | None:
    """When the record disputes whether facial recognition was used at all (the ``fr_used``
    fact, on this event or upstream), a finding premised on it cannot be decided: unknown.
    When every account says it was not used, or no face-recognition output lies upstream of
    a step that is not itself a face search: not applicable — a rule about face recognition
    never passes where none was used. Otherwise None (go on)."""
    nodes = [event.id, *sorted(ctx.ancestors(event.id))]
    for node in nodes:
        ev = ctx.case.event_by_id.get(node)
        if ev is None:
            continue
        view = ctx.case.fact(ev, "fr_used")
        if view.disputed:
            accounts = "; ".join(
                f"{'used' if c.value else 'not used'} "
                f"({', '.join(sorted(ctx.case.claim_accounts(c, ev.sources)))} account)"
                for c in view.known_claims)
            return Outcome("unknown", f"Whether facial recognition was used at all is "
                           f"disputed ({accounts}), so this cannot be decided.",
                           ((ev.id, event.id),),
                           ask="the records showing whether a face search was run, by whom "
                               "and with what result")
        if view.value is False:
            return Outcome("not_applicable", f"Every account says no facial recognition "
                           f"was used ({ev.id}).", ((ev.id, event.id),))
    if event.type != "fr-search" and not fr_outputs_upstream(ctx, event):
        return Outcome("not_applicable", f"No facial-recognition output lies upstream of "
                       f"{ctx.label(event)}.")
    return None


@register_premise("eyewitness_identification")
def eyewitness_premise(ctx: CheckContext, event: Event) -> Outcome | None:
    """A rule about how a court treats an eyewitness identification (a pretrial inquiry, jury
    instructions, expert testimony) does not apply to a trial with none: not applicable when
    no eyewitness procedure lies upstream of the step or came definitely before it."""
    kinds = set(ctx.case.vocabulary.event_types_of(["eyewitness-procedure"]))
    lo, _hi = ctx.case.bounds(event)
    upstream = ctx.ancestors(event.id)
    for other in ctx.case.events:
        if other.type in kinds and not other.context and (
                other.id in upstream or ctx.case.bounds(other)[1] < lo):
            return None
    return Outcome("not_applicable", f"No eyewitness identification came before "
                   f"{ctx.label(event)}.")
