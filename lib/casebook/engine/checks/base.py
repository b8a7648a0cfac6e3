"""The check registry and what every check shares: the outcome of a check, the context it
reads, and the judging of a fact's claims (tri-state, disputes kept)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel, ConfigDict

from ...errors import suggest
from ...model.case import Case
from ...model.casefile import UNKNOWN, Claim, Event
from ...model.quantities import QuantitySyntaxError, parse_quantity
from ...model.vocabulary import Vocabulary

__all__ = ["CHECKS", "PREMISES", "Check", "CheckContext", "Outcome", "Params", "Status",
           "combine", "fact_lint", "judge", "register", "register_premise", "show_value"]

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
    #: what a premise settled at a step, judged once: (premise, event id) → outcome or None
    premises: dict[tuple[str, str], Outcome | None] = field(default_factory=dict)
    #: derived once per step by the checks that need it
    memo: dict[tuple[str, str], Any] = field(default_factory=dict)

    def ancestors(self, node: str) -> set[str]:
        if node not in self._ancestors:
            self._ancestors[node] = nx.ancestors(self.graph, node)
        return self._ancestors[node]

    def chain(self, start: str, end: str) -> tuple[str, ...]:
        """One path of ids from start to end (shortest), for ``decided_by``."""
        key = ("chain", f"{start}\0{end}")
        if key not in self.memo:
            try:
                self.memo[key] = tuple(nx.shortest_path(self.graph, start, end))
            except nx.NetworkXNoPath:
                self.memo[key] = (start, end)
        found: tuple[str, ...] = self.memo[key]
        return found

    def label(self, event: Event) -> str:
        """'the photo lineup (July 2019)': how explanations name an event."""
        if event.id not in self._labels:
            forms = " / ".join(self.case.date_forms(event))
            kind = self.case.vocabulary.event_types.get(event.type)
            name = kind.label.lower() if kind else event.type.replace("-", " ")
            self._labels[event.id] = f"the {name} ({forms})"
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


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def no_lint(_params: Any, _vocab: Vocabulary) -> list[tuple[tuple[str | int, ...], str]]:
    return []


def register(name: str, params: type[BaseModel], describe: Callable[[Any], str],
             lint: Callable[[Any, Vocabulary], list[tuple[tuple[str | int, ...], str]]]
             = no_lint, premise: str | None = None
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


def show_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and any(mark in value for mark in ("~", "..")):
        try:
            return parse_quantity(value).human()
        except QuantitySyntaxError:
            return value
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def judge(case: Case, claims: Sequence[Claim], owner_sources: Iterable[str],
          ok: Callable[[Any], bool | None], what: str, wanted: str,
          chain: tuple[str, ...] = ()) -> Outcome:
    """Judge a fact's live claims against a predicate: the core of tri-state checking.
    ``ok`` may answer None for a value that cannot decide (a range across the threshold)."""
    owner_sources = list(owner_sources)
    results: dict[str, list[Claim]] = {"pass": [], "fail": []}
    undecided: list[Claim] = []
    for claim in claims:
        if claim.rejected is None and claim.value != UNKNOWN:
            verdict = ok(claim.value)
            if verdict is None:
                undecided.append(claim)
            else:
                results["pass" if verdict else "fail"].append(claim)
    if not results["pass"] and not results["fail"]:
        if undecided:
            values = "; ".join(show_value(c.value) for c in undecided)
            return Outcome("unknown", f"The record gives {what} only as {values}, which does "
                           f"not decide it; the rule requires {wanted}.",
                           decided_by=(chain,) if chain else ())
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
        parts.append(f"{show_value(claim.value)} ({', '.join(sorted(acc))} account)")
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


def fact_lint(fact: str, values: Sequence[Any], vocab: Vocabulary
               ) -> list[tuple[tuple[str | int, ...], str]]:
    if fact not in vocab.facts:
        near = suggest(fact, vocab.facts)
        return [(("fact",), f"unknown fact {fact!r}"
                 + (f" (did you mean `{near}`?)" if near else ""))]
    allowed = vocab.facts[fact].values
    return [(("expected", i), f"{v!r} is not a value of {fact!r}")
            for i, v in enumerate(values) if allowed and v not in allowed]
