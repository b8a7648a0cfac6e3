"""Checks of disclosure to the defense: was evidence favorable to the accused given to the
defense before the trial or the plea?

The record decides the facts — which items were favorable, whether and when each reached the
defense, when withheld items surfaced — never whether the evidence was *material*: that, and
so whether the duty was violated, is a court's question (the rule says so in its
``court_decides``).
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from ...model.casefile import Event, Evidence
from ...model.vocabulary import Vocabulary
from .base import CheckContext, Outcome, Params, fact_lint, register

__all__ = ["COURT_STEPS", "disclosed_before", "disclosed_before_court"]


class DisclosedBeforeParams(Params):
    fact: str = Field("favorable_to_accused",
                      description="The evidence fact that marks what had to be disclosed, e.g. "
                                  "favorable_to_accused or impeachment_evidence.")


def _lint(p: DisclosedBeforeParams, vocab: Vocabulary) -> list[tuple[tuple[str | int, ...],
                                                                      str]]:
    return fact_lint(p.fact, [], vocab)


def _months(days: int) -> str:
    months = days / 30.44
    return f"{days} days" if months < 2 else f"about {round(months)} months"


def _span(lo: int, hi: int) -> str:
    """A gap of days given by date bounds, in words: '14 months', '13 to 15 months'."""
    if lo == hi:
        return _months(lo)
    return f"between {_months(max(lo, 0))} and {_months(hi)}"


def _existed_by(ctx: CheckContext, item_id: str, event: Event) -> bool | None:
    """Did the item exist by the event? True when a step that made it came definitely
    before (or it is upstream of the event), False when every maker came definitely after,
    None when the dates cannot tell. An item nothing made existed from the start."""
    if item_id in ctx.ancestors(event.id):
        return True
    makers = [u for u in ctx.graph.predecessors(item_id)
              if ctx.graph.nodes[u]["node_type"] == "event"]
    if not makers:
        return True
    lo, hi = ctx.case.bounds(event)
    bounds = [ctx.case.bounds(m) for m in makers]
    if any(b[1] < lo for b in bounds):
        return True
    if all(b[0] > hi for b in bounds):
        return False
    return None


def _offenses_upstream(ctx: CheckContext, node: str) -> set[str]:
    return {n for n in ctx.ancestors(node) | {node}
            if n in ctx.case.event_by_id and ctx.case.event_by_id[n].type == "offense"}


def _same_offense(ctx: CheckContext, item_id: str, event: Event) -> bool:
    """Does the item belong to the prosecution this step is part of? Where the graph ties both
    to offenses and they share none (a case with two prosecutions), it does not."""
    mine = _offenses_upstream(ctx, event.id)
    theirs = _offenses_upstream(ctx, item_id)
    return not (mine and theirs) or bool(mine & theirs)


def _handed_over(ctx: CheckContext, item_id: str, types: tuple[str, ...]) -> list[Event]:
    return [e for e in ctx.case.events if e.type in types and item_id in e.uses]


@register("disclosed_before", DisclosedBeforeParams,
          describe=lambda p: f"evidence marked {p.fact} was disclosed to the defense before it",
          lint=_lint)
def disclosed_before(ctx: CheckContext, event: Event, p: DisclosedBeforeParams) -> Outcome:
    """At a trial or plea: every item the record marks ``fact`` (true), that existed by then
    and that the prosecution or the police held (evidence the police held counts as the
    prosecution's), was disclosed before it — by a ``disclosure`` event that used it, or by
    the item's ``disclosed_to_defense`` fact. Fails on an item shown withheld (the fact false,
    or a disclosure or ``evidence-surfaced`` event after the step), saying for how long."""
    case = ctx.case
    lo, hi = case.bounds(event)
    marked: list[tuple[str, Evidence]] = []
    for item_id, item in case.evidence.items():
        view = case.fact(item, p.fact)
        if view.value is True or (view.disputed and True in view.values):
            holder = case.actors.get(item.held_by) if item.held_by else None
            if holder is not None and "defense-counsel" in holder.roles:
                continue
            if not _same_offense(ctx, item_id, event):
                continue
            if _existed_by(ctx, item_id, event) is not False:
                marked.append((item_id, item))
    label = ctx.label(event)
    what = p.fact.replace("_", " ")
    if not marked:
        return Outcome("unknown", f"The record marks no evidence as {what} before {label}; "
                       "whether any existed is what the prosecution's and the police's files "
                       "would show.",
                       ask="the prosecution's and the police's files: every item favorable to "
                           "the accused, and the record of what was disclosed and when")
    withheld: list[str] = []
    unknown: list[str] = []
    sources: set[str] = set()
    chains: list[tuple[str, ...]] = []
    for item_id, item in marked:
        before = [e for e in _handed_over(ctx, item_id, ("disclosure", "evidence-surfaced"))
                  if case.bounds(e)[1] < lo]
        if before:  # handed over, or surfaced to the defense, before this step
            continue
        fact = case.fact(item, "disclosed_to_defense")
        later = sorted(_handed_over(ctx, item_id, ("disclosure", "evidence-surfaced")),
                       key=lambda e: case.bounds(e))
        later = [e for e in later if case.bounds(e)[0] > hi]
        if fact.value is True and not later:
            continue
        if fact.value is False or later:
            if later:
                first = later[0]
                f_lo, f_hi = case.bounds(first)
                gap = _span((f_lo - hi).days, (f_hi - lo).days) \
                    if date.min not in (f_lo, lo) and date.max not in (f_hi, hi) else "a time"
                withheld.append(f"{item_id} ({item.summary or item.kind}) was not disclosed "
                                f"before {label}; it reached the defense or surfaced at "
                                f"{ctx.label(first)}, {gap} later")
                sources |= set(first.sources)
                chains.append((item_id, first.id))
            else:
                withheld.append(f"{item_id} ({item.summary or item.kind}) was not disclosed "
                                f"to the defense before {label}")
                chains.append((item_id, event.id))
            for claim in fact.known_claims:
                sources |= set(claim.sources or item.sources)
            sources |= set(item.sources)
            continue
        unknown.append(item_id)
    if withheld:
        return Outcome("fail", "On the record: " + "; ".join(withheld) + ".", tuple(chains),
                       case.accounts(sources), frozenset(sources))
    if unknown:
        return Outcome("unknown", f"The record does not say whether {', '.join(unknown)} "
                       f"reached the defense before {label}.",
                       ask=f"the discovery record: what was disclosed to the defense before "
                           f"{label}, and when ({', '.join(unknown)})")
    return Outcome("pass", f"Every item marked {what} was disclosed before {label}.",
                   ((event.id,),))


#: Court steps the defense goes through: withheld evidence missing at one of them was late.
COURT_STEPS = ("charge", "arraignment", "court-hearing", "trial", "guilty-plea")


@register("disclosed_before_court", DisclosedBeforeParams,
          describe=lambda p: f"evidence marked {p.fact} reached the defense before the court "
                             "steps it could bear on",
          lint=_lint)
def disclosed_before_court(ctx: CheckContext, event: Event, p: DisclosedBeforeParams
                           ) -> Outcome:
    """At a ``disclosure`` or ``evidence-surfaced`` event: each item it hands over that the
    record marks ``fact`` — was it in the state's hands before a court step (charge,
    arraignment, hearing, trial, plea) that the defense went through without it? Fails, saying
    for how long it was kept, when an item existed definitely before a court step that came
    definitely before this event; passes when no court step lay between; ``unknown`` when the
    dates cannot tell. Whether the delay violated the duty is for a court."""
    case = ctx.case
    items = [i for i in event.uses if i in case.evidence
             and case.fact(case.evidence[i], p.fact).value is True]
    label = ctx.label(event)
    if not items:
        return Outcome("not_applicable", f"Nothing {label} handed over is marked "
                       f"{p.fact.replace('_', ' ')}.")
    e_lo, e_hi = case.bounds(event)
    steps = sorted((s for s in case.events if s.type in COURT_STEPS and not s.context),
                   key=lambda s: case.bounds(s))
    late: list[str] = []
    chains: list[tuple[str, ...]] = []
    unsure: list[str] = []
    for item_id in items:
        made = [u for u in ctx.graph.predecessors(item_id)
                if ctx.graph.nodes[u]["node_type"] == "event"]
        made_hi = max((case.bounds(m)[1] for m in made), default=date.min)
        made_lo = min((case.bounds(m)[0] for m in made), default=date.min)
        missed = [s for s in steps if made_hi < case.bounds(s)[0] and case.bounds(s)[1] < e_lo]
        maybe = [s for s in steps
                 if not (case.bounds(s)[0] > e_hi or case.bounds(s)[1] < made_lo)]
        if missed:
            first = missed[0]
            gap = (_span((e_lo - made_hi).days, (e_hi - made_lo).days)
                   if made and date.min not in (made_lo, e_lo) and date.max not in (e_hi,)
                   else "an unknown time")
            kept_from = f" from {ctx.label(case.event_by_id[made[0]])}" if made else ""
            item = case.evidence[item_id]
            late.append(f"{item_id} ({item.summary or item.kind}) was in the state's hands"
                        f"{kept_from} and reached the defense only at {label}, {gap} later — "
                        f"after {ctx.label(first)}")
            chains.append((item_id, first.id, event.id))
        elif maybe:
            unsure.append(item_id)
    if late:
        sources = frozenset(event.sources)
        return Outcome("fail", "On the record: " + "; ".join(late) + ".", tuple(chains),
                       case.accounts(sources), sources)
    if unsure:
        return Outcome("unknown", f"The dates do not tell whether {', '.join(unsure)} existed "
                       f"before the court steps that preceded {label}.",
                       ask="the dated discovery record and the date each item was made")
    return Outcome("pass", f"No court step came between the making of "
                   f"{', '.join(items)} and {label}.", ((event.id,),),
                   case.accounts(event.sources), frozenset(event.sources))
