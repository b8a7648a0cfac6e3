"""Protocols as data: one YAML file per standard in ``data/protocols/``.

A protocol file holds a standard's metadata — issuer, authority, whom it binds, when it was
adopted and in force, how well its text is known, its sources — and its rules. A rule names a
*check* from the registry in :mod:`casebook.checks` with parameters; the check's parameters
are validated by that check's own model, so an unknown check or a bad parameter is a located
:class:`~casebook.errors.ProtocolError`, like any other mistake in the file. Provisions that no
case record can decide (court stage, training, audits) are kept in ``not_checkable`` with the
reason, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .checks import CHECKS, Check
from .dates import DateSyntaxError, Edtf, parse_edtf
from .errors import FieldPath, Problem, ProtocolError, suggest
from .paths import protocols_dir
from .registry import Registry, load_registry
from .validation import pydantic_problems
from .vocabulary import Vocabulary, load_vocabulary
from .yamlsafe import Document, read_yaml

__all__ = ["AUTHORITIES", "Protocol", "Rule", "load_protocol", "load_protocols"]

AUTHORITIES = ("law", "agency-policy", "court-settlement", "agency-condition-of-use",
               "federal-guidance", "scientific-recommendation", "stated-commitment")
Authority = Literal["law", "agency-policy", "court-settlement", "agency-condition-of-use",
                    "federal-guidance", "scientific-recommendation", "stated-commitment"]
RULE_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Za-z0-9.()]+)+$")
_URL = re.compile(r"^https?://\S+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ProtocolSource(_Strict):
    title: str
    url: str
    publisher: str | None = None
    date: str | int | None = None


class Citation(_Strict):
    text: str = Field(description="Where in the standard, e.g. 'Directive 307.5 § 1(a)'.")
    url: str


class Binds(_Strict):
    """Whom a standard reaches. An agency is bound when it is listed, when it sits in a listed
    state, or when it is a federal agency and the standard binds federal agencies."""

    description: str
    agencies: list[str] = Field(default_factory=list, description="Registry ids.")
    states: list[str] = Field(default_factory=list, description="Two-letter state codes.")
    federal: bool = False


class InForce(_Strict):
    start: str | int | None = Field(None, alias="from")
    until: str | int | None = Field(None, description="Last day in force; absent: still is.")
    note: str | None = None


class DecidesUnknown(_Strict):
    record: str = Field(description="The record that would decide the rule when the case is "
                                    "silent, e.g. 'the photo-array administration form'.")
    held_by: str = Field(description="Who holds it: a registry id or a description.")


class Rule(_Strict):
    id: str
    title: str
    text: str = Field(description="The provision, paraphrased.")
    citation: Citation
    applies_to: list[str] = Field(description="Event types the rule is checked at.")
    check: dict[str, dict[str, Any] | None] = Field(description="One check name: parameters.")
    severity: Literal["high", "medium", "low"]
    confidence: Literal["solid", "single-source", "inference"] = Field(
        description="How well the rule's text is known.")
    decides_unknown: DecidesUnknown
    counterfactual: str | None = Field(
        None, description="Sentence template: {event}, {date}, {harms}.")
    note: str | None = None


class NotCheckable(_Strict):
    id: str
    title: str
    text: str
    reason: str


class Protocol(_Strict):
    protocol: Literal[1]
    id: str
    title: str
    short: str = Field(description="A short name for tables, e.g. 'DPD 307.5'.")
    issuer: str
    authority: Authority
    binds: Binds
    adopted: str | int | None = None
    in_force: InForce
    text_known: Literal["verified-text", "press-summary", "inference", "not-public"]
    summary: str
    sources: list[ProtocolSource] = Field(min_length=1)
    rules: list[Rule] = Field(default_factory=list)
    not_checkable: list[NotCheckable] = Field(default_factory=list)
    note: str | None = None

    @property
    def start(self) -> Edtf | None:
        return parse_edtf(self.in_force.start) if self.in_force.start is not None else None

    @property
    def until(self) -> Edtf | None:
        return parse_edtf(self.in_force.until) if self.in_force.until is not None else None

    def check_of(self, rule: Rule) -> tuple[Check, Any]:
        """The registered check of a rule and its validated parameters."""
        ((name, params),) = rule.check.items()
        check = CHECKS[name]
        return check, check.params.model_validate(params or {})


def _lint(doc: Document, proto: Protocol, vocab: Vocabulary, registry: Registry
          ) -> list[Problem]:
    """Meaning-level checks of one protocol: names, dates, checks, citations."""
    out: list[Problem] = []

    def add(where: FieldPath, message: str, suggestion: str | None = None, *,
            key: bool = False) -> None:
        out.append(doc.problem(where, message, suggestion=suggestion, key=key))

    expected_id = Path(doc.path).stem
    if proto.id != expected_id:
        add(("id",), f"protocol id {proto.id!r} must match the file name {expected_id!r}")
    for field, value in (("adopted", proto.adopted), ("in_force.from", proto.in_force.start),
                         ("in_force.until", proto.in_force.until)):
        if value is not None:
            try:
                parse_edtf(value)
            except DateSyntaxError as err:
                add(tuple(field.split(".")), err.message)
    for i, agency in enumerate(proto.binds.agencies):
        if agency not in registry.actors:
            add(("binds", "agencies", i), f"unknown registry actor {agency!r}",
                suggest(agency, registry.actors))
    for i, src in enumerate(proto.sources):
        if not _URL.match(src.url):
            add(("sources", i, "url"), f"{src.url!r} is not an http(s) address")
    for i, rule in enumerate(proto.rules):
        at: FieldPath = ("rules", i)
        if not RULE_ID.match(rule.id):
            add((*at, "id"), f"rule id {rule.id!r} must look like PREFIX-NUMBER (e.g. MSP-1)")
        if not _URL.match(rule.citation.url):
            add((*at, "citation", "url"), f"{rule.citation.url!r} is not an http(s) address")
        if not rule.applies_to:
            add((*at, "applies_to"), "a rule must apply to at least one event type")
        for j, etype in enumerate(rule.applies_to):
            if etype not in vocab.event_types:
                add((*at, "applies_to", j), f"unknown event type {etype!r}",
                    suggest(etype, vocab.event_types))
        if len(rule.check) != 1:
            add((*at, "check"), "a rule names exactly one check, e.g. {fact_is: {...}}")
            continue
        ((name, params),) = rule.check.items()
        if name not in CHECKS:
            add((*at, "check", name), f"unknown check {name!r}; known: {', '.join(sorted(CHECKS))}",
                suggest(name, CHECKS), key=True)
            continue
        check = CHECKS[name]
        try:
            parsed = check.params.model_validate(params or {})
        except ValidationError as err:
            out.extend(pydantic_problems(doc, err, prefix=(*at, "check", name),
                                         model=check.params))
            continue
        for where, message in check.lint(parsed, vocab):
            add((*at, "check", name, *where), message)
    for i, item in enumerate(proto.not_checkable):
        if not RULE_ID.match(item.id):
            add(("not_checkable", i, "id"), f"rule id {item.id!r} must look like PREFIX-NUMBER")
    return out


def load_protocol(path: str | Path, *, vocabulary: Vocabulary | None = None,
                  registry: Registry | None = None) -> Protocol:
    """Load one protocol file, or raise :class:`ProtocolError` listing every problem."""
    doc = read_yaml(path, ProtocolError)
    if not isinstance(doc.data, dict):
        raise ProtocolError([doc.problem((), "a protocol file is a mapping (protocol: 1, id, "
                                         "title, …, rules)")])
    try:
        proto = Protocol.model_validate(doc.data)
    except ValidationError as err:
        raise ProtocolError(pydantic_problems(doc, err, model=Protocol)) from None
    problems = _lint(doc, proto, vocabulary or load_vocabulary(), registry or load_registry())
    if problems:
        raise ProtocolError(problems)
    return proto


def _unique_rule_ids(protocols: Iterable[tuple[Path, Protocol]]) -> list[Problem]:
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    for path, proto in protocols:
        ids = [r.id for r in proto.rules] + [n.id for n in proto.not_checkable]
        for rid in ids:
            if rid in seen:
                problems.append(Problem(str(path), 0, 0, "rules",
                                        f"rule id {rid!r} is already defined in {seen[rid]}"))
            seen[rid] = str(path)
    return problems


@lru_cache(maxsize=4)
def _load_dir(folder: Path, _stamp: tuple[tuple[str, float], ...]) -> tuple[Protocol, ...]:
    problems: list[Problem] = []
    loaded: list[tuple[Path, Protocol]] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            loaded.append((path, load_protocol(path)))
        except ProtocolError as err:
            problems.extend(err.problems)
    problems.extend(_unique_rule_ids(loaded))
    if problems:
        raise ProtocolError(problems)
    return tuple(p for _path, p in loaded)


def load_protocols(folder: str | Path | None = None, ids: Iterable[str] | None = None
                   ) -> list[Protocol]:
    """Every protocol in the folder (default ``data/protocols``), or only those with ``ids``."""
    root = Path(folder) if folder else protocols_dir()
    stamp = tuple((p.name, p.stat().st_mtime) for p in sorted(root.glob("*.yaml")))
    everything = _load_dir(root.resolve(), stamp)
    if ids is None:
        return list(everything)
    wanted = list(ids)
    by_id = {p.id: p for p in everything}
    missing = [i for i in wanted if i not in by_id]
    if missing:
        raise ProtocolError([Problem(str(root), 0, 0, "",
                                     f"unknown protocol {m!r}; known: {', '.join(sorted(by_id))}",
                                     suggest(m, by_id)) for m in missing])
    return [by_id[i] for i in wanted]
