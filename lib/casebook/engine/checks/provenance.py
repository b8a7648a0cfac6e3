"""Checks of provenance: what a step rested on, and whether any of it is independent of the
face-recognition output."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ...model.casefile import Claim, Event
from .base import CheckContext, Outcome, Params, judge, register

__all__ = ["fr_outputs_upstream", "independent_evidence", "not_derived_from_fr",
           "not_solely_fr_output"]


class IndependentEvidenceParams(Params):
    subject_role: str = Field("subject", description="Participant role naming the person.")


def _subjects(ctx: CheckContext, event: Event, role: str) -> set[str]:
    """Whom the step is about: the named participants in ``role``; else the people the FR
    outputs upstream point at (the lead's person — not, say, the unknown culprit a probe
    image shows); else everyone implicated upstream."""
    named = set(event.participants.get(role, []))
    if named:
        return named
    implicated = {n: set(ctx.case.evidence[n].implicates)
                  for n in ctx.ancestors(event.id) | {event.id} if n in ctx.case.evidence}
    by_fr = set().union(*(people for n, people in implicated.items()
                          if n in set(fr_outputs_upstream(ctx, event))))
    return by_fr or set().union(*implicated.values())


def _evidence_sources(ctx: CheckContext, item_id: str) -> list[str]:
    """An item's own sources, else those of the events that produced it."""
    own = ctx.case.evidence[item_id].sources
    if own:
        return list(own)
    return sorted({s for u in ctx.graph.predecessors(item_id)
                   if ctx.graph.nodes[u]["node_type"] == "event"
                   for s in ctx.case.event_by_id[u].sources})


def fr_outputs_upstream(ctx: CheckContext, event: Event) -> list[str]:
    """FR outputs the event rests on: upstream of it, or made by a search it follows."""
    key = ("fr outputs upstream", event.id)
    if key not in ctx.memo:
        ups = ctx.ancestors(event.id)
        made = {m for n in ups if ctx.graph.nodes[n]["node_type"] == "event"
                for m in ctx.graph.successors(n)}
        ctx.memo[key] = sorted(n for n in ups | made if ctx.graph.nodes[n].get("fr_output"))
    return list(ctx.memo[key])


def _closing_claims(ctx: CheckContext, event: Event) -> tuple[Event, list[Claim], list[Claim]]:
    """The claims that say what a step rested on, and whether that list is complete: on the
    event itself, else on the warrant steps it rests on (an arrest executes a warrant)."""
    key = ("closing claims", event.id)
    if key not in ctx.memo:
        ctx.memo[key] = _find_closing_claims(ctx, event)
    found: tuple[Event, list[Claim], list[Claim]] = ctx.memo[key]
    return found


def _find_closing_claims(ctx: CheckContext, event: Event
                         ) -> tuple[Event, list[Claim], list[Claim]]:
    steps = [ctx.case.event_by_id[n] for n in ctx.ancestors(event.id)
             if n in ctx.case.event_by_id
             and ctx.case.event_by_id[n].type in ("warrant-issued", "warrant-request", "charge")]
    steps.sort(key=lambda e: (ctx.case.bounds(e), e.id), reverse=True)  # nearest step first
    for ev in [event, *steps]:
        complete = ctx.case.fact(ev, "rested_on_complete")
        if complete.known_claims:
            return ev, list(ctx.case.fact(ev, "rested_on").live), list(complete.live)
    return event, [], []


@register("independent_evidence", IndependentEvidenceParams,
          describe=lambda p: "evidence independent of the face-recognition output implicates "
                             "the person", premise="fr_used")
def independent_evidence(ctx: CheckContext, event: Event, p: IndependentEvidenceParams
                         ) -> Outcome:
    outputs = fr_outputs_upstream(ctx, event)
    if not outputs:
        return Outcome("not_applicable", f"No facial-recognition output lies upstream of "
                       f"{ctx.label(event)}.")
    subjects = _subjects(ctx, event, p.subject_role)
    upstream = ctx.ancestors(event.id)
    independent = sorted(
        n for n in upstream if n in ctx.case.evidence and n not in ctx.fr_derived
        and set(ctx.case.evidence[n].implicates) & subjects)
    names = ", ".join(sorted(ctx.case.actors[s].label() for s in subjects)) or "the person"
    if independent:
        chain = ctx.chain(independent[0], event.id)
        sources = _evidence_sources(ctx, independent[0])
        return Outcome("pass", f"{independent[0]} implicates {names} and does not derive "
                       f"from the face-recognition output.", (chain,),
                       ctx.case.accounts(sources), frozenset(sources))
    fr_chain = ctx.chain(outputs[0], event.id)
    holder, rested, complete = _closing_claims(ctx, event)
    complete_true = [c for c in complete if c.value is True]
    if complete_true:
        listed = {v for c in rested for v in (c.value if isinstance(c.value, list) else [])}
        independent_listed = sorted(i for i in listed if i not in ctx.fr_derived
                                    and i in ctx.case.evidence
                                    and set(ctx.case.evidence[i].implicates) & subjects)
        if independent_listed:
            return Outcome("pass", f"The account of what {ctx.label(holder)} rested on lists "
                           f"{independent_listed[0]}, which does not derive from the "
                           "face-recognition output.", ((independent_listed[0], event.id),))
        accounts = frozenset().union(*(ctx.case.claim_accounts(c, holder.sources)
                                       for c in complete_true))
        closing = frozenset(s for c in complete_true for s in (c.sources or holder.sources))
        basis = ", ".join(sorted(listed)) or "the face-recognition lead"
        return Outcome("fail", f"Everything upstream of {ctx.label(event)} that points at "
                       f"{names} derives from the face-recognition output "
                       f"({' → '.join(fr_chain)}), and the {', '.join(sorted(accounts))} "
                       f"account says {ctx.label(holder)} rested on {basis} and nothing else.",
                       (fr_chain,), accounts, closing,
                       disputed=any(c.value is False for c in complete))
    return Outcome("unknown", f"No evidence independent of the face-recognition output is on "
                   f"record before {ctx.label(event)}, but no account says the record of what "
                   "it rested on is complete.", (fr_chain,),
                   ask=f"the complete record of what {ctx.label(event)} rested on")


@register("not_solely_fr_output", Params,
          describe=lambda p: "the step did not rest on face-recognition output alone",
          premise="fr_used")
def not_solely_fr_output(ctx: CheckContext, event: Event, _p: Params) -> Outcome:
    """Passes when an account lists anything besides FR output items (a lineup pick counts);
    fails only when every listed item is an FR output and an account says the list is
    complete; otherwise unknown."""
    if not fr_outputs_upstream(ctx, event):
        return Outcome("not_applicable", f"No facial-recognition output lies upstream of "
                       f"{ctx.label(event)}.")
    holder, rested, complete = _closing_claims(ctx, event)
    ask = f"the complete record of what {ctx.label(event)} rested on"
    if not rested:
        return Outcome("unknown", f"No account says what {ctx.label(event)} rested on.",
                       ask=ask)
    kinds = ctx.case.vocabulary.fr_output_kinds

    def only_fr(value: Any) -> bool:
        items = value if isinstance(value, list) else []
        return bool(items) and all(ctx.case.evidence[i].kind in kinds for i in items)

    closed = any(c.value is True for c in complete)
    outcome = judge(ctx.case, rested, holder.sources, lambda v: not only_fr(v),
                    f"what {ctx.label(holder)} rested on",
                    "something besides the face-recognition output itself", (holder.id,))
    if outcome.status == "fail" and not closed:
        return Outcome("unknown", outcome.explanation + " No account says that list is "
                       "complete.", outcome.decided_by, ask=ask)
    return outcome


@register("not_derived_from_fr", Params,
          describe=lambda p: "the event uses nothing derived from a face-recognition output",
          premise="fr_used")
def not_derived_from_fr(ctx: CheckContext, event: Event, _p: Params) -> Outcome:
    if not event.uses:
        return Outcome("unknown", f"The record does not say what {ctx.label(event)} used.")
    used = [i for i in event.uses if i in ctx.fr_derived]
    if used:
        outputs = fr_outputs_upstream(ctx, event) or [used[0]]
        chain = ctx.chain(outputs[0], event.id)
        return Outcome("fail", f"{ctx.label(event).capitalize()} used {', '.join(used)}, which "
                       f"derives from the face-recognition output ({' → '.join(chain)}).",
                       (chain,), ctx.case.accounts(event.sources), frozenset(event.sources))
    return Outcome("pass", f"Nothing {ctx.label(event)} used derives from a face-recognition "
                   "output.", ((event.id,),), ctx.case.accounts(event.sources),
                   frozenset(event.sources))
