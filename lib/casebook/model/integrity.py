"""Checks a case file's meaning once its shape is valid: names, references, dates, causality.

Runs over whatever items passed the shape check, so one bad event does not hide the mistakes
in the others. Every finding is a located :class:`~casebook.errors.Problem` with a suggestion
where the right name is guessable. Checks, in order:

- ids are lower-case slugs and unique (events and evidence share one namespace: graph nodes);
- every name is in the vocabulary (types, kinds, roles, accounts, fact names and value types),
  and a fact is attached only to what the vocabulary allows;
- every reference resolves (sources, actors, the shared registry, evidence, events);
- every event carries at least one source; URLs are http(s); minors are never named;
- dates are EDTF, spans are not inverted;
- derivation has no loops and the whole graph is acyclic (named by ids);
- no event uses evidence that only a definitely later event produced, and no event follows one
  that definitely came after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import networkx as nx

from ..errors import FieldPath, Problem, suggest
from .casefile import (
    UNKNOWN,
    Actor,
    CaseInfo,
    Claim,
    Event,
    Evidence,
    Exercise,
    Source,
    TeachingPoint,
)
from .dates import DateSyntaxError, Edtf, hull, parse_edtf
from .quantities import QuantitySyntaxError, parse_quantity
from .registry import Registry
from .vocabulary import Vocabulary
from .yamlsafe import Document

__all__ = ["MAX_ID_LENGTH", "SLUG", "IntegrityChecker", "claim_dates", "is_slug"]

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Ids name files and folders (a case's report folder, an exported file): kept well under
#: every file system's 255-byte limit for a name.
MAX_ID_LENGTH = 80


def is_slug(value: str) -> bool:
    """A whole lower-case slug of at most :data:`MAX_ID_LENGTH` characters (``re.match`` with
    ``$`` would let a trailing newline through)."""
    return len(value) <= MAX_ID_LENGTH and SLUG.fullmatch(value) is not None
_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
_STATE = re.compile(r"^[A-Z]{2}$")


def claim_dates(claims: Iterable[Claim]) -> list[Edtf]:
    """Parsed dates of the live (not rejected) claims of a ``when``."""
    return [parse_edtf(str(c.value)) for c in claims if c.rejected is None]


class IntegrityChecker:
    """Collects every meaning-level problem of one case file."""

    def __init__(self, doc: Document, vocab: Vocabulary, registry: Registry, *,
                 raw_ids: Mapping[str, set[str]]):
        self.doc = doc
        self.vocab = vocab
        self.registry = registry
        self.problems: list[Problem] = []
        # Ids as written, including items whose shape was invalid: references to them resolve.
        self.source_ids = raw_ids.get("sources", set())
        self.actor_ids = raw_ids.get("actors", set())
        self.evidence_ids = raw_ids.get("evidence", set())
        self.event_ids = raw_ids.get("events", set())
        self.dates: dict[str, tuple[date, date]] = {}

    # -- helpers -------------------------------------------------------------------------
    def add(self, where: FieldPath, message: str, *, key: bool = False,
            suggestion: str | None = None) -> None:
        self.problems.append(self.doc.problem(where, message, key=key, suggestion=suggestion))

    def name_in(self, where: FieldPath, value: str, choices: Mapping[str, Any] | set[str],
                what: str, *, key: bool = False) -> bool:
        if value in choices:
            return True
        known = sorted(choices)
        listing = f"; known: {', '.join(known)}" if len(known) <= 12 else ""
        self.add(where, f"unknown {what} {value!r}{listing}", key=key,
                 suggestion=suggest(value, known))
        return False

    def ref(self, where: FieldPath, value: str, ids: set[str], what: str) -> bool:
        if value in ids:
            return True
        self.add(where, f"no {what} with id {value!r} in this file",
                 suggestion=suggest(value, ids))
        return False

    def slug(self, where: FieldPath, value: str, what: str, *, key: bool = False) -> None:
        if len(value) > MAX_ID_LENGTH:
            self.add(where, f"{what} id is {len(value)} characters long; the limit is "
                     f"{MAX_ID_LENGTH} (ids name files and folders)", key=key)
        elif not is_slug(value):
            fixed = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
            self.add(where, f"{what} id {value!r} must be a lower-case slug (letters, digits, "
                     "single hyphens)", key=key, suggestion=fixed or None)

    def date(self, where: FieldPath, text: Any) -> Edtf | None:
        try:
            return parse_edtf(text)
        except DateSyntaxError as err:
            self.add(where, err.message)
            return None

    # -- sections ------------------------------------------------------------------------
    def check_case(self, info: CaseInfo) -> None:
        self.slug(("case", "id"), info.id, "case")

    def check_sources(self, sources: Mapping[str, Source]) -> None:
        for sid in self.source_ids:
            self.slug(("sources", sid), sid, "source", key=True)
        for sid, src in sources.items():
            at: FieldPath = ("sources", sid)
            self.name_in((*at, "kind"), src.kind, self.vocab.source_kinds, "source kind")
            self.name_in((*at, "account"), src.account, self.vocab.accounts, "account")
            self.name_in((*at, "reliability"), src.reliability, self.vocab.reliability,
                         "reliability grade")
            if src.mirror_of is not None:
                if src.mirror_of == sid:
                    self.add((*at, "mirror_of"), "a source cannot be a mirror of itself")
                else:
                    self.ref((*at, "mirror_of"), src.mirror_of, self.source_ids, "source")
            if src.url is not None and not _URL.match(src.url):
                self.add((*at, "url"), f"{src.url!r} is not an http(s) address; only http and "
                         "https links are allowed")
            for field in ("date", "accessed"):
                value = getattr(src, field)
                if value is not None:
                    self.date((*at, field), value)

    def check_actors(self, actors: Mapping[str, Actor]) -> None:
        for aid in self.actor_ids:
            self.slug(("actors", aid), aid, "actor", key=True)
        for aid, actor in actors.items():
            at: FieldPath = ("actors", aid)
            kind = actor.kind
            if actor.ref is not None:
                if self.name_in((*at, "ref"), actor.ref, self.registry.actors, "registry actor"):
                    kind = self.registry.actors[actor.ref].kind
                for field in ("name", "kind"):
                    if getattr(actor, field) is not None:
                        self.add((*at, field), f"{field!r} comes from the registry entry "
                                 f"{actor.ref!r}; remove it here", key=True)
            elif kind is None:
                self.add(at, "missing required key 'kind' (or 'ref' to a registry actor)")
            if kind is not None and not self.name_in((*at, "kind"), kind,
                                                     self.vocab.actor_kinds, "actor kind"):
                kind = None
            if actor.state is not None and not _STATE.match(actor.state):
                self.add((*at, "state"), f"{actor.state!r} is not a two-letter state code "
                         "(e.g. MI, NC)", suggestion=actor.state.upper()[:2] or None)
            for i, role in enumerate(actor.roles):
                self.name_in((*at, "roles", i), role, self.vocab.actor_roles, "actor role")
            if actor.affiliation is not None:
                self.ref((*at, "affiliation"), actor.affiliation, self.actor_ids, "actor")
            if actor.minor and actor.name:
                self.add((*at, "name"), "a minor is never named, even where a source names "
                         "them: remove the name and describe the person by role", key=True)
            if actor.name is None and actor.ref is None and not (actor.description or
                                                                 actor.roles):
                self.add(at, "an unnamed actor needs a 'description' or 'roles' saying who "
                         "they are")
            self.sources_of(at, actor.sources)
            self.facts(at, actor.facts, "actors", kind or "")

    def check_evidence(self, evidence: Mapping[str, Evidence]) -> None:
        for eid in self.evidence_ids:
            self.slug(("evidence", eid), eid, "evidence", key=True)
        for eid, item in evidence.items():
            at: FieldPath = ("evidence", eid)
            known_kind = self.name_in((*at, "kind"), item.kind, self.vocab.evidence_kinds,
                                      "evidence kind")
            for i, src in enumerate(item.derived_from):
                if src == eid:
                    self.add((*at, "derived_from", i), f"derivation loop: {eid} → {eid}")
                else:
                    self.ref((*at, "derived_from", i), src, self.evidence_ids, "evidence")
            for i, person in enumerate(item.implicates):
                self.ref((*at, "implicates", i), person, self.actor_ids, "actor")
            if item.held_by is not None:
                self.ref((*at, "held_by"), item.held_by, self.actor_ids, "actor")
            self.sources_of(at, item.sources)
            self.facts(at, item.facts, "evidence", item.kind if known_kind else "")

    def check_events(self, events: Mapping[int, Event]) -> None:
        first: dict[str, int] = {}
        for i, ev in events.items():
            at: FieldPath = ("events", i)
            self.slug((*at, "id"), ev.id, "event")
            if ev.id in first:
                line = self.doc.locate(("events", first[ev.id], "id"))[0]
                self.add((*at, "id"), f"duplicate event id {ev.id!r} (first used on line {line})")
            else:
                first[ev.id] = i
            if ev.id in self.evidence_ids:
                self.add((*at, "id"), f"{ev.id!r} is already an evidence id; events and "
                         "evidence share one namespace")
            known_type = self.name_in((*at, "type"), ev.type, self.vocab.event_types,
                                      "event type")
            dates = []
            for j, claim in enumerate(ev.when):
                d = self.date((*at, "when", j, "value") if len(ev.when) > 1 else (*at, "when"),
                              claim.value)
                if d is not None and claim.rejected is None:
                    dates.append(d)
                self.claim_refs((*at, "when", j), claim)
            if dates:
                self.dates[ev.id] = hull(dates)
            for j, claim in enumerate(ev.where or []):
                self.claim_refs((*at, "where", j) if len(ev.where or []) > 1
                                else (*at, "where"), claim)
            for role, people in ev.participants.items():
                if self.name_in((*at, "participants", role), role, self.vocab.participant_roles,
                                "participant role", key=True):
                    for j, person in enumerate(people):
                        self.ref((*at, "participants", role, j), person, self.actor_ids,
                                 "actor")
            for field, ids, what in (("uses", self.evidence_ids, "evidence"),
                                     ("produces", self.evidence_ids, "evidence"),
                                     ("follows", self.event_ids, "event")):
                for j, target in enumerate(getattr(ev, field)):
                    self.ref((*at, field, j), target, ids, what)
            if not ev.sources:
                self.add(at, f"event {ev.id!r} has no sources: every event must cite at least "
                         "one source")
            self.sources_of(at, ev.sources)
            if ev.account is not None:
                self.name_in((*at, "account"), ev.account, self.vocab.accounts, "account")
            self.facts(at, ev.facts, "events", ev.type if known_type else "")

    def check_exercises(self, exercises: Mapping[int, Exercise],
                        rule_ids: frozenset[str] | None = None) -> None:
        for i, ex in exercises.items():
            at: FieldPath = ("exercises", i)
            self.ref((*at, "at"), ex.at, self.event_ids, "event")
            if ex.id is not None:
                self.slug((*at, "id"), ex.id, "exercise")
            for j, rule in enumerate(ex.rules if rule_ids is not None else []):
                if rule not in (rule_ids or frozenset()):
                    self.add((*at, "rules", j), f"no rule {rule!r} in data/protocols/",
                             suggestion=suggest(rule, rule_ids or frozenset()))

    def check_teaching(self, points: Mapping[int, TeachingPoint], events: Mapping[int, Event],
                       exercises: Mapping[int, Exercise]) -> None:
        """A lesson's points name events of this file, once each, in time order, not
        background; the exercises they list exist. (How many there may be is checked with
        their shape.)"""
        at: FieldPath = ("teaching",)
        by_id = {ev.id: ev for ev in events.values()}
        exercise_ids = {ex.id for ex in exercises.values() if ex.id}
        seen: dict[str, int] = {}
        previous: tuple[int, str] | None = None
        for i, point in points.items():
            where: FieldPath = (*at, "points", i)
            if not self.ref((*where, "at"), point.at, self.event_ids, "event"):
                continue
            if point.at in seen:
                self.add((*where, "at"), f"{point.at!r} is already decision point "
                         f"{seen[point.at] + 1}; a step is one decision point")
                continue
            seen[point.at] = i
            ev = by_id.get(point.at)
            if ev is not None and ev.context:
                self.add((*where, "at"), f"{point.at!r} is background (context: true), not a "
                         "step anyone decided; choose a step of the case")
                continue
            if previous is not None and point.at in self.dates and previous[1] in self.dates \
                    and self._after(previous[1], point.at):
                self.add((*where, "at"), f"{point.at!r} came definitely before "
                         f"{previous[1]!r} (decision point {previous[0] + 1}); list the "
                         "points in time order",
                         suggestion=None)
            previous = (i, point.at)
            for j, ex in enumerate(point.exercises):
                self.ref((*where, "exercises", j), ex, exercise_ids, "exercise")

    # -- facts ---------------------------------------------------------------------------
    def sources_of(self, at: FieldPath, sources: Sequence[str]) -> None:
        for j, sid in enumerate(sources):
            self.ref((*at, "sources", j), sid, self.source_ids, "source")

    def claim_refs(self, at: FieldPath, claim: Claim) -> None:
        self.sources_of(at, claim.sources)
        if claim.account is not None:
            self.name_in((*at, "account"), claim.account, self.vocab.accounts, "account")
        if claim.known_from is not None:
            self.date((*at, "known_from"), claim.known_from)

    def facts(self, at: FieldPath, facts: Mapping[str, list[Claim]], owner: str,
              kind: str) -> None:
        for name, claims in facts.items():
            where = (*at, "facts", name)
            if name not in self.vocab.facts:
                self.add(where, f"unknown fact {name!r} (add it to data/vocabulary.yaml if it "
                         "is new)", key=True, suggestion=suggest(name, self.vocab.facts))
                continue
            if kind and not self.vocab.fact_allowed(name, owner, kind):
                self.add(where, f"fact {name!r} does not apply to {owner} of kind {kind!r}; it "
                         f"applies to: {self.vocab.fact_owners(name)}", key=True)
            for j, claim in enumerate(claims):
                cat = (*where, j) if len(claims) > 1 else where
                self.fact_value(cat, name, claim.value)
                self.claim_refs(cat, claim)

    def fact_value(self, where: FieldPath, name: str, value: Any) -> None:
        fact = self.vocab.facts[name]
        if value == UNKNOWN:
            return
        t = fact.type
        ok = True
        expected = ""
        if t == "bool":
            ok, expected = isinstance(value, bool), "true, false or unknown"
        elif t == "number":
            if isinstance(value, str):
                try:
                    parse_quantity(value)
                except QuantitySyntaxError as err:
                    self.add(where, f"fact {name!r}: {err.message}")
                return
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            expected = "a number, a quantity (6~, 16..17, 8000..) or unknown"
        elif t == "text":
            ok, expected = isinstance(value, str), "text"
        elif t == "date":
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                self.date(where, value)
                return
            ok, expected = False, "an EDTF date"
        elif t == "enum":
            values = fact.values or []
            if value not in values:
                self.add(where, f"{value!r} is not a value of {name!r}; expected one of: "
                         f"{', '.join(values)} or unknown",
                         suggestion=suggest(str(value), values))
            return
        elif t == "actor":
            if isinstance(value, str):
                self.ref(where, value, self.actor_ids, "actor")
                return
            ok, expected = False, "an actor id"
        elif t in ("actors", "evidence"):
            ids = self.actor_ids if t == "actors" else self.evidence_ids
            items = [value] if isinstance(value, str) else value
            if isinstance(items, list) and all(isinstance(v, str) for v in items):
                for k, item in enumerate(items):
                    self.ref((*where, k) if isinstance(value, list) else where, item, ids,
                             "actor" if t == "actors" else "evidence")
                return
            ok, expected = False, f"a list of {'actor' if t == 'actors' else 'evidence'} ids"
        if not ok:
            self.add(where, f"fact {name!r} expects {expected}, got {value!r}")

    # -- graph-level ---------------------------------------------------------------------
    def check_graph(self, evidence: Mapping[str, Evidence], events: Mapping[int, Event]) -> None:
        """Loops and impossible timing, named by ids. Run only when references resolve."""
        from .edges import graph_edges

        event_list = list(events.values())
        derivation = nx.DiGraph()
        for eid, item in evidence.items():
            for src in item.derived_from:
                if src != eid:
                    derivation.add_edge(src, eid)
        loop = _find_cycle(derivation)
        if loop:
            self.add(("evidence", loop[0], "derived_from"),
                     "derivation loop: " + " → ".join([*loop, loop[0]]))
            return
        before = len(self.problems)
        producers: dict[str, list[Event]] = {}
        for ev in event_list:
            for made in ev.produces:
                producers.setdefault(made, []).append(ev)
        by_id = {ev.id: ev for ev in event_list}
        for i, ev in events.items():
            if ev.id not in self.dates:
                continue
            for j, used in enumerate(ev.uses):
                made_by = [p for p in producers.get(used, []) if p.id in self.dates]
                if made_by and all(self._after(p.id, ev.id) for p in made_by):
                    names = ", ".join(p.id for p in made_by)
                    self.add(("events", i, "uses", j), f"uses {used!r}, which only exists after "
                             f"{names}, which came definitely later than {ev.id!r}")
            for j, prior in enumerate(ev.follows):
                if prior in by_id and prior in self.dates and self._after(prior, ev.id):
                    self.add(("events", i, "follows", j), f"follows {prior!r}, which came "
                             f"definitely later than {ev.id!r}")
        if len(self.problems) > before:
            return  # a step that uses what only a later step made: said as that, not as a loop
        graph = nx.DiGraph()
        for u, v, _label in graph_edges(evidence, event_list):
            graph.add_edge(u, v)
        loop = _find_cycle(graph)
        if loop:
            where = self._event_path(events, loop[0]) or ("evidence", loop[0])
            self.add(where, "the event graph has a loop: " + " → ".join([*loop, loop[0]]))
            return

    def _after(self, a: str, b: str) -> bool:
        """Did event a definitely happen after event b (by their date bounds)?"""
        (a0, _a1), (_b0, b1) = self.dates[a], self.dates[b]
        return bool(b1 < a0)

    @staticmethod
    def _event_path(events: Mapping[int, Event], node: str) -> FieldPath | None:
        for i, ev in events.items():
            if ev.id == node:
                return ("events", i)
        return None


def _find_cycle(graph: nx.DiGraph) -> list[str]:
    try:
        edges = list(nx.find_cycle(graph))
    except nx.NetworkXNoCycle:
        return []
    loop = [u for u, _v in edges]
    start = loop.index(min(loop))  # canonical: the same loop reads the same, whatever the order
    return loop[start:] + loop[:start]

