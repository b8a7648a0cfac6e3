"""Checks that read identification procedures across a case: whether a witness had already
been shown the suspect in an earlier procedure."""

from __future__ import annotations

from pydantic import Field

from ...model.casefile import Event
from ...model.vocabulary import Vocabulary
from .base import CheckContext, Outcome, Params, register

__all__ = ["not_shown_before"]


class NotShownBeforeParams(Params):
    family: str = Field("eyewitness-procedure",
                        description="The event types (or family) that count as a showing.")


def _lint(p: NotShownBeforeParams, vocab: Vocabulary) -> list[tuple[tuple[str | int, ...],
                                                                     str]]:
    if p.family in vocab.families or p.family in vocab.event_types:
        return []
    return [(("family",), f"unknown event type or family {p.family!r}")]


def _subjects(ctx: CheckContext, event: Event) -> set[str]:
    """Whom the procedure showed: its named subjects, else whom what it used implicates."""
    named = set(event.participants.get("subject", []))
    if named:
        return named
    return {person for item in event.uses if item in ctx.case.evidence
            for person in ctx.case.evidence[item].implicates}


@register("not_shown_before", NotShownBeforeParams,
          describe=lambda p: "the witness had not been shown the suspect before",
          lint=_lint)
def not_shown_before(ctx: CheckContext, event: Event, p: NotShownBeforeParams) -> Outcome:
    """Fails when the same witness was shown the same person in an earlier procedure (by date
    or by the graph); unknown when such a procedure's date does not tell which came first or
    the record does not say whom either showed; passes when the record shows no earlier
    showing of that person to that witness."""
    case = ctx.case
    witnesses = set(event.participants.get("witness", []))
    subjects = _subjects(ctx, event)
    label = ctx.label(event)
    if not witnesses:
        return Outcome("unknown", f"The record does not say who the witness at {label} was.")
    if not subjects:
        return Outcome("unknown", f"The record does not say whom {label} showed the witness.")
    kinds = set(case.vocabulary.event_types_of([p.family]))
    lo, hi = case.bounds(event)
    before, unsure = [], []
    for other in case.events:
        if other.id == event.id or other.type not in kinds:
            continue
        if not witnesses & set(other.participants.get("witness", [])):
            continue
        if not subjects & _subjects(ctx, other):
            continue
        o_lo, o_hi = case.bounds(other)
        if o_hi < lo or other.id in ctx.ancestors(event.id):
            before.append(other)
        elif not o_lo > hi and event.id not in ctx.ancestors(other.id):
            unsure.append(other)
    names = ", ".join(sorted(case.actors[w].label() for w in witnesses))
    if before:
        first = min(before, key=lambda e: case.bounds(e))
        sources = frozenset(first.sources) | frozenset(event.sources)
        return Outcome("fail", f"{names} had already been shown the same person at "
                       f"{ctx.label(first)}, before {label}.", ((first.id, event.id),),
                       case.accounts(sources), sources)
    if unsure:
        return Outcome("unknown", f"{ctx.label(unsure[0]).capitalize()} showed {names} the "
                       f"same person, but the dates do not tell whether it came before {label}.",
                       ((unsure[0].id, event.id),),
                       ask="the dated records of every identification procedure shown to the "
                           "witness")
    return Outcome("pass", f"No earlier procedure on record showed {names} the same person.",
                   ((event.id,),), case.accounts(event.sources), frozenset(event.sources))
