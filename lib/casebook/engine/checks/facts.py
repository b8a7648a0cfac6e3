"""Checks of a fact: of the event, the evidence it used, its offense, or a participant."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ...model.case import ActorView
from ...model.casefile import Event
from ...model.vocabulary import Vocabulary
from .base import CheckContext, Outcome, Params, combine, fact_lint, judge, register, show_value

__all__ = ["actor_fact_is", "fact_at_least", "fact_is", "offense_category_in"]

Scalar = bool | int | float | str


class FactIsParams(Params):
    fact: str
    expected: list[Scalar] = Field(min_length=1)
    target: Literal["event", "used-evidence", "offense"] = "event"


def _offenses(ctx: CheckContext, event: Event) -> list[Event]:
    ups = ctx.ancestors(event.id) | {event.id}
    return [ctx.case.event_by_id[n] for n in sorted(ups)
            if n in ctx.case.event_by_id and ctx.case.event_by_id[n].type == "offense"]


def _human_fact(ctx: CheckContext, fact: str) -> str:
    return fact.replace("_", " ")


@register("fact_is", FactIsParams,
          describe=lambda p: f"{p.fact} is {' or '.join(map(show_value, p.expected))}"
          + ("" if p.target == "event" else f" (on the {p.target.replace('-', ' ')})"),
          lint=lambda p, v: fact_lint(p.fact, p.expected, v))
def fact_is(ctx: CheckContext, event: Event, p: FactIsParams) -> Outcome:
    wanted = " or ".join(map(show_value, p.expected))
    what = _human_fact(ctx, p.fact)

    def ok(value: Any) -> bool:
        return value in p.expected

    if p.target == "event":
        return judge(ctx.case, event.facts.get(p.fact, []), event.sources, ok,
                     f"{what} at {ctx.label(event)}", wanted, (event.id,))
    if p.target == "offense":
        found = [judge(ctx.case, o.facts.get(p.fact, []), o.sources, ok,
                       f"{what} of the offense", wanted, ctx.chain(o.id, event.id))
                 for o in _offenses(ctx, event)]
        return combine(found, Outcome("unknown", "No offense lies upstream of this event in "
                                      "the record.", ask="the offense report"))
    outcomes = []
    for item_id in event.uses:
        item = ctx.case.evidence[item_id]
        outcomes.append(judge(ctx.case, item.facts.get(p.fact, []), item.sources or
                              event.sources, ok, f"{what} of {item_id}", wanted,
                              (item_id, event.id)))
    relevant = [o for o in outcomes if o.status != "unknown"] or outcomes
    return combine(relevant, Outcome("unknown", "The record names no evidence this event used."))


class FactAtLeastParams(Params):
    fact: str
    minimum: float


@register("fact_at_least", FactAtLeastParams,
          describe=lambda p: f"{p.fact} is at least {p.minimum:g}",
          lint=lambda p, v: fact_lint(p.fact, [], v))
def fact_at_least(ctx: CheckContext, event: Event, p: FactAtLeastParams) -> Outcome:
    return judge(ctx.case, event.facts.get(p.fact, []), event.sources,
                 lambda v: isinstance(v, (int, float)) and v >= p.minimum,
                 f"{_human_fact(ctx, p.fact)} at {ctx.label(event)}", f"at least {p.minimum:g}",
                 (event.id,))


class ActorFactIsParams(Params):
    role: str = Field(description="A participant role of the event, e.g. witness.")
    fact: str
    expected: list[Scalar] = Field(min_length=1)


def _role_lint(p: ActorFactIsParams, vocab: Vocabulary
               ) -> list[tuple[tuple[str | int, ...], str]]:
    bad = fact_lint(p.fact, p.expected, vocab)
    if p.role not in vocab.participant_roles:
        bad.append((("role",), f"unknown participant role {p.role!r}"))
    return bad


@register("actor_fact_is", ActorFactIsParams,
          describe=lambda p: f"the {p.role}'s {p.fact} is "
          f"{' or '.join(map(show_value, p.expected))}",
          lint=_role_lint)
def actor_fact_is(ctx: CheckContext, event: Event, p: ActorFactIsParams) -> Outcome:
    people: list[ActorView] = ctx.case.participants(event, p.role)
    wanted = " or ".join(map(show_value, p.expected))
    outcomes = [judge(ctx.case, person.actor.facts.get(p.fact, []),
                      person.actor.sources or event.sources, lambda v: v in p.expected,
                      f"{_human_fact(ctx, p.fact)} for {person.label()} ({p.role})", wanted,
                      (person.id, event.id))
                for person in people]
    return combine(outcomes, Outcome("unknown", f"The record does not say who the {p.role} "
                                     f"was at {ctx.label(event)}."))


class OffenseCategoryInParams(Params):
    categories: list[str] = Field(min_length=1)


@register("offense_category_in", OffenseCategoryInParams,
          describe=lambda p: f"the offense is {' or '.join(p.categories)}",
          lint=lambda p, v: fact_lint("offense_category", p.categories, v))
def offense_category_in(ctx: CheckContext, event: Event, p: OffenseCategoryInParams
                        ) -> Outcome:
    return fact_is(ctx, event, FactIsParams(fact="offense_category",
                                            expected=list(p.categories), target="offense"))
