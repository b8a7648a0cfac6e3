"""The check vocabulary: every check a protocol rule may name, registered once.

As in pandera, a check is a registered name with declared, validated parameters; a rule says
``check: {fact_is: {fact: blind_administration, expected: [true]}}``. Each check looks at one
event of a case and returns an :class:`Outcome`:

- ``pass`` / ``fail`` — the record decides it; the outcome says on whose account, from which
  claims and sources, and through which chain of ids;
- ``unknown`` — the record is silent (absent or ``unknown`` facts). Unknown is never a pass;
- ``not_applicable`` — the rule's premise does not hold at this event (e.g. no FR output
  upstream of it).

When claims disagree on the result, the outcome is ``fail`` with ``disputed`` set: the record
holds an account of the failure, and the dispute is shown, not resolved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field

from ..errors import suggest
from ..model.case import ActorView, Case
from ..model.casefile import UNKNOWN, Claim, Event
from ..model.vocabulary import Vocabulary

__all__ = ["CHECKS", "PREMISES", "Check", "CheckContext", "Outcome", "Status", "register",
           "register_premise"]

Status = Literal["pass", "fail", "unknown", "not_applicable"]
Scalar = bool | int | float | str


@dataclass(frozen=True)
class Outcome:
    status: Status
    explanation: str
    decided_by: tuple[tuple[str, ...], ...] = ()
    accounts: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    disputed: bool = False
    ask: str | None = None


@dataclass
class CheckContext:
    """What every check may look at: the case, its graph, and what rests on FR."""

    case: Case
    graph: nx.DiGraph
    fr_derived: set[str]
    _ancestors: dict[str, set[str]] = field(default_factory=dict)
    _labels: dict[str, str] = field(default_factory=dict)

    def ancestors(self, node: str) -> set[str]:
        if node not in self._ancestors:
            self._ancestors[node] = nx.ancestors(self.graph, node)
        return self._ancestors[node]

    def chain(self, start: str, end: str) -> tuple[str, ...]:
        """One path of ids from start to end (shortest), for ``decided_by``."""
        try:
            return tuple(nx.shortest_path(self.graph, start, end))
        except nx.NetworkXNoPath:
            return (start, end)

    def label(self, event: Event) -> str:
        """'the photo lineup (July 2019)': how explanations name an event."""
        if event.id not in self._labels:
            forms = " / ".join(self.case.date_forms(event))
            self._labels[event.id] = f"the {event.type.replace('-', ' ')} ({forms})"
        return self._labels[event.id]


@dataclass(frozen=True)
class Check:
    name: str
    params: type[BaseModel]
    run: Callable[[CheckContext, Event, Any], Outcome]
    describe: Callable[[Any], str]
    lint: Callable[[Any, Vocabulary], list[tuple[tuple[str | int, ...], str]]]
    premise: str | None = None


CHECKS: dict[str, Check] = {}

Premise = Callable[[CheckContext, Event], "Outcome | None"]
#: What a finding may presuppose, by name: each returns an outcome that settles the finding
#: (``unknown`` or ``not_applicable``) when the premise fails or is disputed, else None.
PREMISES: dict[str, Premise] = {}


def register_premise(name: str) -> Callable[[Premise], Premise]:
    """Register a premise once, by name (checks, event types and rules refer to it)."""

    def wrap(fn: Premise) -> Premise:
        if name in PREMISES:
            raise RuntimeError(f"premise {name!r} registered twice")
        PREMISES[name] = fn
        return fn

    return wrap


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _no_lint(_params: Any, _vocab: Vocabulary) -> list[tuple[tuple[str | int, ...], str]]:
    return []


def register(name: str, params: type[BaseModel], describe: Callable[[Any], str],
             lint: Callable[[Any, Vocabulary], list[tuple[tuple[str | int, ...], str]]]
             = _no_lint, premise: str | None = None
             ) -> Callable[[Callable[[CheckContext, Event, Any], Outcome]],
                           Callable[[CheckContext, Event, Any], Outcome]]:
    """Register a check once, by name, with its parameter model and what it presupposes
    (a name in :data:`PREMISES`, checked before the check runs)."""

    def wrap(fn: Callable[[CheckContext, Event, Any], Outcome]
             ) -> Callable[[CheckContext, Event, Any], Outcome]:
        if name in CHECKS:
            raise RuntimeError(f"check {name!r} registered twice")
        CHECKS[name] = Check(name, params, fn, describe, lint, premise)
        return fn

    return wrap


# -- judging claims ----------------------------------------------------------------------

def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def judge(case: Case, claims: Sequence[Claim], owner_sources: Iterable[str],
          ok: Callable[[Any], bool], what: str, wanted: str,
          chain: tuple[str, ...] = ()) -> Outcome:
    """Judge a fact's live claims against a predicate: the core of tri-state checking."""
    owner_sources = list(owner_sources)
    results: dict[str, list[Claim]] = {"pass": [], "fail": []}
    for claim in claims:
        if claim.rejected is None and claim.value != UNKNOWN:
            results["pass" if ok(claim.value) else "fail"].append(claim)
    if not results["pass"] and not results["fail"]:
        return Outcome("unknown", f"No source says {what}; the rule requires {wanted}.",
                       decided_by=(chain,) if chain else ())
    disputed = bool(results["pass"]) and bool(results["fail"])
    status: Status = "fail" if results["fail"] else "pass"
    deciding = results["fail"] + results["pass"] if disputed else results[status]
    accounts: set[str] = set()
    sources: set[str] = set()
    parts = []
    for claim in deciding:
        acc = case.claim_accounts(claim, owner_sources)
        accounts |= acc
        sources |= set(claim.sources or owner_sources)
        parts.append(f"{_show(claim.value)} ({', '.join(sorted(acc))} account)")
    if disputed:
        text = f"The accounts disagree on {what}: {'; '.join(parts)}. The rule requires {wanted}."
    else:
        text = f"The record says {what} is {'; '.join(parts)}; the rule requires {wanted}."
    return Outcome(status, text, (chain,) if chain else (), frozenset(accounts),
                   frozenset(sources), disputed)


def combine(outcomes: Sequence[Outcome], empty: Outcome) -> Outcome:
    """Several subjects (witnesses, offenses): fail if any fails, pass only if all pass."""
    if not outcomes:
        return empty
    for status in ("fail", "unknown", "not_applicable"):
        hits = [o for o in outcomes if o.status == status]
        if hits:
            break
    else:
        hits = list(outcomes)
    return Outcome(hits[0].status, " ".join(o.explanation for o in hits),
                   tuple(c for o in hits for c in o.decided_by),
                   frozenset().union(*(o.accounts for o in hits)),
                   frozenset().union(*(o.sources for o in hits)),
                   any(o.disputed for o in hits), hits[0].ask)


def _fact_lint(fact: str, values: Sequence[Any], vocab: Vocabulary
               ) -> list[tuple[tuple[str | int, ...], str]]:
    if fact not in vocab.facts:
        near = suggest(fact, vocab.facts)
        return [(("fact",), f"unknown fact {fact!r}"
                 + (f" (did you mean `{near}`?)" if near else ""))]
    allowed = vocab.facts[fact].values
    return [(("expected", i), f"{v!r} is not a value of {fact!r}")
            for i, v in enumerate(values) if allowed and v not in allowed]


# -- facts of the event, its evidence, its offense ---------------------------------------

class FactIsParams(_Params):
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
          describe=lambda p: f"{p.fact} is {' or '.join(map(_show, p.expected))}"
          + ("" if p.target == "event" else f" (on the {p.target.replace('-', ' ')})"),
          lint=lambda p, v: _fact_lint(p.fact, p.expected, v))
def fact_is(ctx: CheckContext, event: Event, p: FactIsParams) -> Outcome:
    wanted = " or ".join(map(_show, p.expected))
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


class FactAtLeastParams(_Params):
    fact: str
    minimum: float


@register("fact_at_least", FactAtLeastParams,
          describe=lambda p: f"{p.fact} is at least {p.minimum:g}",
          lint=lambda p, v: _fact_lint(p.fact, [], v))
def fact_at_least(ctx: CheckContext, event: Event, p: FactAtLeastParams) -> Outcome:
    return judge(ctx.case, event.facts.get(p.fact, []), event.sources,
                 lambda v: isinstance(v, (int, float)) and v >= p.minimum,
                 f"{_human_fact(ctx, p.fact)} at {ctx.label(event)}", f"at least {p.minimum:g}",
                 (event.id,))


class ActorFactIsParams(_Params):
    role: str = Field(description="A participant role of the event, e.g. witness.")
    fact: str
    expected: list[Scalar] = Field(min_length=1)


def _role_lint(p: ActorFactIsParams, vocab: Vocabulary
               ) -> list[tuple[tuple[str | int, ...], str]]:
    bad = _fact_lint(p.fact, p.expected, vocab)
    if p.role not in vocab.participant_roles:
        bad.append((("role",), f"unknown participant role {p.role!r}"))
    return bad


@register("actor_fact_is", ActorFactIsParams,
          describe=lambda p: f"the {p.role}'s {p.fact} is {' or '.join(map(_show, p.expected))}",
          lint=_role_lint)
def actor_fact_is(ctx: CheckContext, event: Event, p: ActorFactIsParams) -> Outcome:
    people: list[ActorView] = ctx.case.participants(event, p.role)
    wanted = " or ".join(map(_show, p.expected))
    outcomes = [judge(ctx.case, person.actor.facts.get(p.fact, []),
                      person.actor.sources or event.sources, lambda v: v in p.expected,
                      f"{_human_fact(ctx, p.fact)} for {person.label()} ({p.role})", wanted,
                      (person.id, event.id))
                for person in people]
    return combine(outcomes, Outcome("unknown", f"The record does not say who the {p.role} "
                                     f"was at {ctx.label(event)}."))


class OffenseCategoryInParams(_Params):
    categories: list[str] = Field(min_length=1)


@register("offense_category_in", OffenseCategoryInParams,
          describe=lambda p: f"the offense is {' or '.join(p.categories)}",
          lint=lambda p, v: _fact_lint("offense_category", p.categories, v))
def offense_category_in(ctx: CheckContext, event: Event, p: OffenseCategoryInParams
                        ) -> Outcome:
    return fact_is(ctx, event, FactIsParams(fact="offense_category",
                                            expected=list(p.categories), target="offense"))


# -- order of events ---------------------------------------------------------------------

class OccursBeforeParams(_Params):
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


# -- was facial recognition used at all? ---------------------------------------------------

@register_premise("fr_used")
def fr_premise(ctx: CheckContext, event: Event) -> Outcome | None:
    """When the record disputes whether facial recognition was used at all (the ``fr_used``
    fact, on this event or upstream), a finding premised on it cannot be decided: unknown.
    When every account says it was not used: not applicable. Otherwise None (go on)."""
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
    return None


# -- provenance: what the event rested on -------------------------------------------------

class IndependentEvidenceParams(_Params):
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
                          if n in set(_fr_outputs_upstream(ctx, event))))
    return by_fr or set().union(*implicated.values())


def _evidence_sources(ctx: CheckContext, item_id: str) -> list[str]:
    """An item's own sources, else those of the events that produced it."""
    own = ctx.case.evidence[item_id].sources
    if own:
        return list(own)
    return sorted({s for u in ctx.graph.predecessors(item_id)
                   if ctx.graph.nodes[u]["node_type"] == "event"
                   for s in ctx.case.event_by_id[u].sources})


def _fr_outputs_upstream(ctx: CheckContext, event: Event) -> list[str]:
    """FR outputs the event rests on: upstream of it, or made by a search it follows."""
    ups = ctx.ancestors(event.id)
    made = {m for n in ups if ctx.graph.nodes[n]["node_type"] == "event"
            for m in ctx.graph.successors(n)}
    return sorted(n for n in ups | made if ctx.graph.nodes[n].get("fr_output"))


def _closing_claims(ctx: CheckContext, event: Event) -> tuple[Event, list[Claim], list[Claim]]:
    """The claims that say what a step rested on, and whether that list is complete: on the
    event itself, else on the warrant steps it rests on (an arrest executes a warrant)."""
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
    outputs = _fr_outputs_upstream(ctx, event)
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


@register("not_solely_fr_output", _Params,
          describe=lambda p: "the step did not rest on face-recognition output alone",
          premise="fr_used")
def not_solely_fr_output(ctx: CheckContext, event: Event, _p: _Params) -> Outcome:
    """Passes when an account lists anything besides FR output items (a lineup pick counts);
    fails only when every listed item is an FR output and an account says the list is
    complete; otherwise unknown."""
    if not _fr_outputs_upstream(ctx, event):
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


@register("not_derived_from_fr", _Params,
          describe=lambda p: "the event uses nothing derived from a face-recognition output",
          premise="fr_used")
def not_derived_from_fr(ctx: CheckContext, event: Event, _p: _Params) -> Outcome:
    if not event.uses:
        return Outcome("unknown", f"The record does not say what {ctx.label(event)} used.")
    used = [i for i in event.uses if i in ctx.fr_derived]
    if used:
        outputs = _fr_outputs_upstream(ctx, event) or [used[0]]
        chain = ctx.chain(outputs[0], event.id)
        return Outcome("fail", f"{ctx.label(event).capitalize()} used {', '.join(used)}, which "
                       f"derives from the face-recognition output ({' → '.join(chain)}).",
                       (chain,), ctx.case.accounts(event.sources), frozenset(event.sources))
    return Outcome("pass", f"Nothing {ctx.label(event)} used derives from a face-recognition "
                   "output.", ((event.id,),), ctx.case.accounts(event.sources),
                   frozenset(event.sources))

