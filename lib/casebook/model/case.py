"""A loaded, validated case: the case file plus the resolved views the rest of casebook reads.

The file model (:mod:`casebook.casefile`) says what the author wrote; :class:`Case` answers the
questions the engine and the views ask — who is this actor once the registry is applied, what
are an event's date bounds, is this fact disputed, whose account is it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from .casefile import UNKNOWN, Actor, Casefile, Claim, Event, Evidence, Source
from .dates import Edtf, hull, parse_edtf
from .registry import Registry
from .vocabulary import Vocabulary

__all__ = ["ActorView", "AgencyView", "Case", "FactView", "role_label"]

T = TypeVar("T")


def _canonical(value: Any) -> Any:
    return tuple(sorted(value)) if isinstance(value, list) else value


@dataclass(frozen=True, slots=True)
class FactView:
    """A fact as the engine sees it: tri-state, possibly disputed, each claim kept."""

    name: str
    claims: tuple[Claim, ...] = ()

    @property
    def live(self) -> tuple[Claim, ...]:
        """Claims not rejected by the author (rejected ones stay for the record only)."""
        return tuple(c for c in self.claims if c.rejected is None)

    @property
    def known_claims(self) -> tuple[Claim, ...]:
        return tuple(c for c in self.live if c.value != UNKNOWN)

    @property
    def disputed(self) -> bool:
        """Two or more live claims with different (known) values."""
        return len({_canonical(c.value) for c in self.known_claims}) > 1

    @property
    def unknown(self) -> bool:
        """Absent, explicitly unknown, or only rejected claims: the record cannot say."""
        return not self.known_claims

    @property
    def value(self) -> Any:
        """The single known value, or None when unknown or disputed."""
        if self.unknown or self.disputed:
            return None
        return self.known_claims[0].value

    @property
    def values(self) -> list[Any]:
        """The distinct known values, in claim order."""
        out: list[Any] = []
        for c in self.known_claims:
            if _canonical(c.value) not in [_canonical(v) for v in out]:
                out.append(c.value)
        return out


_ROLE_WORDS = {"accused": "the accused", "family": "a family member", "victim": "the victim",
               "witness": "a witness", "eyewitness": "an eyewitness",
               "bystander": "a bystander", "plaintiff-counsel": "counsel"}


def role_label(roles: list[str]) -> str:
    """'the accused', 'a family member': how a redacted report names a private person."""
    for role in roles:
        if role in _ROLE_WORDS:
            return _ROLE_WORDS[role]
    return f"a {roles[0].replace('-', ' ')}" if roles else "a private person"


@dataclass(frozen=True, slots=True)
class ActorView:
    """An actor with the registry applied: the name and kind to show."""

    id: str
    actor: Actor
    name: str | None
    kind: str
    description: str | None

    @property
    def roles(self) -> list[str]:
        return list(self.actor.roles)

    @property
    def private(self) -> bool:
        return self.actor.private

    @property
    def named(self) -> bool:
        return self.name is not None and not self.actor.minor

    def label(self, redact: bool = False) -> str:
        """How to refer to this actor: the name, or a role description when unnamed or a
        minor; a private person in a redacted report by role only (a description can
        identify as well as a name)."""
        if redact and (self.private or self.actor.minor):
            return role_label(self.roles)
        if self.named:
            assert self.name is not None
            return self.name
        if self.description:
            return self.description
        return ", ".join(r.replace("-", " ") for r in self.roles) or self.id


#: Roles that tell what an unregistered agency is, when the case file does not say.
_BRANCH_OF_ROLE = {"investigating-agency": "police", "fr-operator": "police",
                   "prosecuting-agency": "prosecution", "oversight-body": "government"}


@dataclass(frozen=True, slots=True)
class AgencyView:
    """The agency (or court) an actor stands for, with what binding turns on: its state, its
    branch (police, prosecution, court, …) and its level (local, state, federal). ``id`` is the
    registry id for a shared agency, else the case's actor id."""

    id: str
    name: str
    state: str | None
    branch: str | None
    level: str | None
    registered: bool


@dataclass(eq=False)
class Case:
    """A validated case file, ready for the graph, the engine and the views."""

    path: Path
    display_path: str
    file: Casefile
    vocabulary: Vocabulary
    registry: Registry
    raw: bytes = field(repr=False)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def once(self, key: Any, compute: Callable[[], T]) -> T:
        """What later layers derive from the case (its event graph, the judgement of its
        record), computed the first time it is asked for and kept with the case."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    @property
    def id(self) -> str:
        return self.file.case.id

    @property
    def title(self) -> str:
        return self.file.case.title

    @property
    def sources(self) -> dict[str, Source]:
        return self.file.sources

    @property
    def evidence(self) -> dict[str, Evidence]:
        return self.file.evidence

    @property
    def events(self) -> list[Event]:
        return self.file.events

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @cached_property
    def event_by_id(self) -> dict[str, Event]:
        return {ev.id: ev for ev in self.file.events}

    @cached_property
    def actors(self) -> dict[str, ActorView]:
        out: dict[str, ActorView] = {}
        for aid, actor in self.file.actors.items():
            entry = self.registry.actors.get(actor.ref) if actor.ref else None
            out[aid] = ActorView(
                id=aid,
                actor=actor,
                name=None if actor.minor else (entry.name if entry else actor.name),
                kind=entry.kind if entry else (actor.kind or "person"),
                description=actor.description or (entry.description if entry else None),
            )
        return out

    def agency(self, actor_id: str) -> AgencyView | None:
        """The agency or court an actor belongs to — itself, or through its affiliations (a
        detective's department, a unit's agency) — or None for a private person."""
        seen: set[str] = set()
        aid: str | None = actor_id
        while aid and aid not in seen:
            seen.add(aid)
            view = self.actors[aid]
            if view.actor.ref:
                return self._registered_agency(view.actor.ref)
            if view.kind in ("agency", "court"):
                a = view.actor
                branch: str | None = a.branch or (
                    "court" if view.kind == "court" else next(
                        (_BRANCH_OF_ROLE[r] for r in a.roles if r in _BRANCH_OF_ROLE), None))
                return AgencyView(aid, view.label(), a.state or self.file.case.state, branch,
                                  a.level, False)
            aid = view.actor.affiliation
        return None

    def _registered_agency(self, rid: str) -> AgencyView | None:
        seen: set[str] = set()
        cur: str | None = rid
        while cur and cur not in seen:
            seen.add(cur)
            entry = self.registry.actors[cur]
            if entry.kind in ("agency", "court", "unit"):
                return AgencyView(cur, entry.name, entry.state or self.file.case.state,
                                  entry.branch, entry.level, True)
            cur = entry.affiliation
        return None

    def dates(self, event: Event | str) -> list[Edtf]:
        """The parsed dates of an event's live ``when`` claims."""
        ev = self.event_by_id[event] if isinstance(event, str) else event
        return [parse_edtf(str(c.value)) for c in ev.when if c.rejected is None]

    def date_forms(self, event: Event | str) -> list[str]:
        """An event's date in words, one form per distinct live claim ('October 2018')."""
        return list(dict.fromkeys(d.human() for d in self.dates(event)))

    def date_text(self, event: Event | str) -> str:
        """An event's date as a reader sees it: every distinct claim, ' | ' between them."""
        return " | ".join(self.date_forms(event))

    def bounds(self, event: Event | str) -> tuple[date, date]:
        """Earliest and latest possible day of an event, across all live claims."""
        eid = event if isinstance(event, str) else event.id
        return self.once(("bounds", eid), lambda: hull(self.dates(event)))

    def when_disputed(self, event: Event | str) -> bool:
        ev = self.event_by_id[event] if isinstance(event, str) else event
        return FactView("when", tuple(ev.when)).disputed

    def fact(self, owner: Event | Evidence | Actor | ActorView, name: str) -> FactView:
        """A fact of an event, evidence item or actor; absent facts are unknown."""
        holder = owner.actor if isinstance(owner, ActorView) else owner
        return FactView(name, tuple(holder.facts.get(name, ())))

    def participants(self, event: Event, *roles: str) -> list[ActorView]:
        """The actors of an event in the given roles (all roles when none are given)."""
        wanted = roles or tuple(event.participants)
        return [self.actors[a] for r in wanted for a in event.participants.get(r, [])]

    def accounts(self, source_ids: Iterable[str]) -> frozenset[str]:
        """Whose accounts a set of sources carries (mirrors count as their original)."""
        out: set[str] = set()
        for sid in source_ids:
            src = self.sources[sid]
            while src.mirror_of:
                src = self.sources[src.mirror_of]
            out.add(src.account)
        return frozenset(out)

    def claim_accounts(self, claim: Claim, owner_sources: Iterable[str]) -> frozenset[str]:
        """Whose account a claim is: its own ``account``, else its sources', else the owner's."""
        if claim.account:
            return frozenset({claim.account})
        return self.accounts(claim.sources or owner_sources)

    def independent_sources(self, source_ids: Iterable[str]) -> int:
        """How many distinct originals (mirrors folded, aggregators not counted) support this."""
        originals: set[str] = set()
        for sid in source_ids:
            cur, src = sid, self.sources[sid]
            while src.mirror_of:
                cur, src = src.mirror_of, self.sources[src.mirror_of]
            if src.reliability != "aggregator":
                originals.add(cur)
        return len(originals)
