"""Checks of a fact: of the event, the evidence it used, its offense, or a participant."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field

from ...model.case import ActorView
from ...model.casefile import Event
from ...model.quantities import Quantity, QuantitySyntaxError, parse_quantity
from ...model.vocabulary import Vocabulary
from .base import CheckContext, Outcome, Params, combine, fact_lint, judge, register, show_value

__all__ = ["actor_fact_is", "fact_at_least", "fact_at_most", "fact_is", "none_of", "not_all_of",
           "offense_category_in"]

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


def _quantity(value: Any) -> Quantity | None:
    try:
        return parse_quantity(value)
    except QuantitySyntaxError:
        return None


def _number_lint(fact: str, vocab: Vocabulary) -> list[tuple[tuple[str | int, ...], str]]:
    bad = fact_lint(fact, [], vocab)
    if not bad and vocab.facts[fact].type != "number":
        bad.append((("fact",), f"{fact!r} is not a number fact"))
    return bad


@register("fact_at_least", FactAtLeastParams,
          describe=lambda p: f"{p.fact} is at least {p.minimum:g}",
          lint=lambda p, v: _number_lint(p.fact, v))
def fact_at_least(ctx: CheckContext, event: Event, p: FactAtLeastParams) -> Outcome:
    """A range decides only when all of it is on one side of the minimum."""
    return _bounded(ctx, event, p.fact, lambda q: q.at_least(p.minimum),
                    f"at least {p.minimum:g}")


def _bounded(ctx: CheckContext, event: Event, fact: str, test: Callable[[Quantity], bool | None],
             wanted: str) -> Outcome:
    """A number fact judged by ``test`` on its quantity; a value that is no number fails."""
    def ok(value: Any) -> bool | None:
        q = _quantity(value)
        return test(q) if q else False

    return judge(ctx.case, event.facts.get(fact, []), event.sources, ok,
                 f"{_human_fact(ctx, fact)} at {ctx.label(event)}", wanted, (event.id,))


class FactAtMostParams(Params):
    fact: str
    maximum: float


@register("fact_at_most", FactAtMostParams,
          describe=lambda p: f"{p.fact} is at most {p.maximum:g}",
          lint=lambda p, v: _number_lint(p.fact, v))
def fact_at_most(ctx: CheckContext, event: Event, p: FactAtMostParams) -> Outcome:
    """A range decides only when all of it is on one side of the maximum."""
    return _bounded(ctx, event, p.fact, lambda q: q.at_most(p.maximum), f"at most {p.maximum:g}")


class FactsParams(Params):
    facts: list[str] = Field(min_length=1)


def _facts_lint(p: FactsParams, vocab: Vocabulary) -> list[tuple[tuple[str | int, ...], str]]:
    bad: list[tuple[tuple[str | int, ...], str]] = []
    for i, fact in enumerate(p.facts):
        for _where, message in fact_lint(fact, [], vocab):
            bad.append((("facts", i), message))
        if fact in vocab.facts and vocab.facts[fact].type != "bool":
            bad.append((("facts", i), f"{fact!r} is not a true/false fact"))
    return bad


def _each(ctx: CheckContext, event: Event, facts: list[str]) -> list[Outcome]:
    """Each listed fact of the event judged as 'true'."""
    return [judge(ctx.case, event.facts.get(f, []), event.sources, lambda v: v is True,
                  f"{_human_fact(ctx, f)} at {ctx.label(event)}", "true", (event.id,))
            for f in facts]


@register("none_of", FactsParams,
          describe=lambda p: "none of " + ", ".join(p.facts) + " is true",
          lint=_facts_lint)
def none_of(ctx: CheckContext, event: Event, p: FactsParams) -> Outcome:
    """Fails when the record shows any listed fact true (e.g. a suggestive comment, or a
    suspect who stood out); passes only when every one is shown false."""
    each = _each(ctx, event, p.facts)
    true = [o for o in each if o.status == "pass"]
    if true:
        return Outcome("fail", " ".join(o.explanation.replace("; the rule requires true.", ".")
                                        for o in true),
                       tuple(c for o in true for c in o.decided_by),
                       frozenset().union(*(o.accounts for o in true)),
                       frozenset().union(*(o.sources for o in true)),
                       any(o.disputed for o in true))
    disputed = [o for o in each if o.disputed]
    if disputed:
        return Outcome("fail", " ".join(o.explanation for o in disputed),
                       tuple(c for o in disputed for c in o.decided_by),
                       frozenset().union(*(o.accounts for o in disputed)),
                       frozenset().union(*(o.sources for o in disputed)), True)
    if all(o.status == "fail" for o in each):  # every fact recorded false
        return Outcome("pass", "The record shows none of " + ", ".join(
            _human_fact(ctx, f) for f in p.facts) + f" at {ctx.label(event)}.",
            tuple(c for o in each for c in o.decided_by),
            frozenset().union(*(o.accounts for o in each)),
            frozenset().union(*(o.sources for o in each)))
    missing = [f for f, o in zip(p.facts, each, strict=True) if o.status == "unknown"]
    return Outcome("unknown", "No source says whether " + " or ".join(
        _human_fact(ctx, f) for f in missing) + f" at {ctx.label(event)}.")


@register("not_all_of", FactsParams,
          describe=lambda p: "not all of " + ", ".join(p.facts) + " are true",
          lint=_facts_lint)
def not_all_of(ctx: CheckContext, event: Event, p: FactsParams) -> Outcome:
    """Fails only when the record shows every listed fact true (e.g. a false statement in an
    affidavit, and made knowingly or recklessly); passes when one is shown false; otherwise
    unknown."""
    each = _each(ctx, event, p.facts)
    false = [o for o in each if o.status == "fail" and not o.disputed]
    if false:
        return Outcome("pass", " ".join(o.explanation.replace("; the rule requires true.", ".")
                                        for o in false),
                       tuple(c for o in false for c in o.decided_by),
                       frozenset().union(*(o.accounts for o in false)),
                       frozenset().union(*(o.sources for o in false)))
    if all(o.status in ("pass", "fail") for o in each):  # every one true, some disputed
        return Outcome("fail", " ".join(o.explanation.replace("; the rule requires true.", ".")
                                        for o in each),
                       tuple(c for o in each for c in o.decided_by),
                       frozenset().union(*(o.accounts for o in each)),
                       frozenset().union(*(o.sources for o in each)),
                       any(o.disputed for o in each))
    missing = [f for f, o in zip(p.facts, each, strict=True) if o.status == "unknown"]
    return Outcome("unknown", "No source says whether " + " or ".join(
        _human_fact(ctx, f) for f in missing) + f" at {ctx.label(event)}.")


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
