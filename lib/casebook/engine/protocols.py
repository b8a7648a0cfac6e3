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
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import FieldPath, Problem, ProtocolError, suggest
from ..model.dates import DateSyntaxError, Edtf, parse_edtf
from ..model.definitions import cached_by_stamp
from ..model.registry import Registry, load_registry
from ..model.validation import pydantic_problems
from ..model.vocabulary import Vocabulary, load_vocabulary
from ..model.yamlsafe import Document, read_yaml
from ..paths import protocols_dir
from .checks import CHECKS, Check

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


def _sub(data: Any, key: str, kind: type[dict[str, Any]] | type[list[Any]]) -> Any:
    """``data[key]`` when data is a mapping and the value has the expected kind, else empty."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, kind) else kind()


def _lint_meta(doc: Document, data: dict[str, Any], registry: Registry) -> list[Problem]:
    """Meaning-level checks of a protocol's metadata (read from the raw data, so they run even
    when another field has the wrong shape): id, dates, agencies, source URLs."""
    out: list[Problem] = []
    expected_id = Path(doc.path).stem
    if isinstance(data.get("id"), str) and data["id"] != expected_id:
        out.append(doc.problem(("id",), f"protocol id {data['id']!r} must match the file name "
                               f"{expected_id!r}"))
    in_force = _sub(data, "in_force", dict)
    for where, value in ((("adopted",), data.get("adopted")),
                         (("in_force", "from"), in_force.get("from")),
                         (("in_force", "until"), in_force.get("until"))):
        if isinstance(value, str | int) and not isinstance(value, bool):
            try:
                parse_edtf(value)
            except DateSyntaxError as err:
                out.append(doc.problem(where, err.message))
    for i, agency in enumerate(_sub(_sub(data, "binds", dict), "agencies", list)):
        if isinstance(agency, str) and agency not in registry.actors:
            out.append(doc.problem(("binds", "agencies", i), f"unknown registry actor "
                                   f"{agency!r}", suggestion=suggest(agency, registry.actors)))
    for i, src in enumerate(_sub(data, "sources", list)):
        url = src.get("url") if isinstance(src, dict) else None
        if isinstance(url, str) and not _URL.match(url):
            out.append(doc.problem(("sources", i, "url"), f"{url!r} is not an http(s) address"))
    return out


def _lint_rule(doc: Document, at: FieldPath, rule: dict[str, Any], vocab: Vocabulary
               ) -> list[Problem]:
    """A rule's id, citation, event types, and its check's name and parameters (raw data)."""
    out: list[Problem] = []
    rid = rule.get("id")
    if isinstance(rid, str) and not RULE_ID.match(rid):
        out.append(doc.problem((*at, "id"), f"rule id {rid!r} must look like "
                               "PREFIX-NUMBER (e.g. ABC-1)"))
    url = _sub(rule, "citation", dict).get("url")
    if isinstance(url, str) and not _URL.match(url):
        out.append(doc.problem((*at, "citation", "url"), f"{url!r} is not an http(s) address"))
    applies = rule.get("applies_to")
    if isinstance(applies, list):
        if not applies:
            out.append(doc.problem((*at, "applies_to"), "a rule must apply to at least one "
                                   "event type"))
        for j, etype in enumerate(applies):
            if isinstance(etype, str) and etype not in vocab.event_types:
                out.append(doc.problem((*at, "applies_to", j), f"unknown event type {etype!r}",
                                       suggestion=suggest(etype, vocab.event_types)))
    check_spec = rule.get("check")
    if not isinstance(check_spec, dict):
        return out
    if len(check_spec) != 1:
        out.append(doc.problem((*at, "check"), "a rule names exactly one check, e.g. "
                               "{fact_is: {...}}"))
        return out
    ((name, params),) = check_spec.items()
    if name not in CHECKS:
        out.append(doc.problem((*at, "check", name), f"unknown check {name!r}; known: "
                               f"{', '.join(sorted(CHECKS))}", key=True,
                               suggestion=suggest(name, CHECKS)))
        return out
    check = CHECKS[name]
    try:
        parsed = check.params.model_validate(params or {})
    except ValidationError as err:
        return out + pydantic_problems(doc, err, prefix=(*at, "check", name),
                                       model=check.params)
    for where, message in check.lint(parsed, vocab):
        out.append(doc.problem((*at, "check", name, *where), message))
    return out


def _parse(path: str | Path, vocab: Vocabulary, registry: Registry
           ) -> tuple[Document, Protocol | None, list[Problem]]:
    """Parse and lint one file item by item, so that every problem is found at once."""
    doc = read_yaml(path, ProtocolError)
    data = doc.data
    if not isinstance(data, dict):
        return doc, None, [doc.problem((), "a protocol file is a mapping (protocol: 1, id, "
                                       "title, …, rules)")]
    problems: list[Problem] = []
    items: dict[str, list[Any]] = {}
    seen: dict[str, int] = {}
    for section, model in (("rules", Rule), ("not_checkable", NotCheckable)):
        raw = data.get(section) or []
        items[section] = []
        if not isinstance(raw, list):
            problems.append(doc.problem((section,), f"{section!r} must be a list"))
            continue
        for i, entry in enumerate(raw):
            rid = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(rid, str):
                if rid in seen:
                    problems.append(doc.problem((section, i, "id"), f"duplicate rule id "
                                                f"{rid!r} (first on line {seen[rid]})"))
                else:
                    seen[rid] = doc.locate((section, i, "id"))[0]
            if section == "rules" and isinstance(entry, dict):
                problems.extend(_lint_rule(doc, (section, i), entry, vocab))
            try:
                items[section].append(model.model_validate(entry))
            except ValidationError as err:
                problems.extend(pydantic_problems(doc, err, prefix=(section, i), model=model))
    problems.extend(_lint_meta(doc, data, registry))
    try:
        proto = Protocol.model_validate({**data, "rules": [], "not_checkable": []})
    except ValidationError as err:
        problems.extend(pydantic_problems(doc, err, model=Protocol))
        return doc, None, _dedupe(problems)
    if problems:
        return doc, None, _dedupe(problems)
    return doc, proto.model_copy(update=items), []


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def load_protocol(path: str | Path, *, vocabulary: Vocabulary | None = None,
                  registry: Registry | None = None) -> Protocol:
    """Load one protocol file, or raise :class:`ProtocolError` listing every problem."""
    _doc, proto, problems = _parse(path, vocabulary or load_vocabulary(),
                                   registry or load_registry())
    if problems or proto is None:
        raise ProtocolError(problems)
    return proto


@cached_by_stamp
def _load_dir(folder: Path) -> tuple[Protocol, ...]:
    vocab, registry = load_vocabulary(), load_registry()
    problems: list[Problem] = []
    loaded: list[Protocol] = []
    first: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        doc, proto, found = _parse(path, vocab, registry)
        problems.extend(found)
        if proto is None:
            continue
        loaded.append(proto)
        for section in ("rules", "not_checkable"):
            for i, item in enumerate(getattr(proto, section)):
                if item.id in first:
                    problems.append(doc.problem((section, i, "id"), f"rule id {item.id!r} is "
                                                f"already defined in {first[item.id]}"))
                else:
                    first[item.id] = doc.path
    if problems:
        raise ProtocolError(problems)
    return tuple(loaded)


def select_protocols(spec: str) -> list[Protocol]:
    """The protocols a parameter names: comma-separated ids, or ``all`` (or empty) for every
    one. Unknown ids raise :class:`ProtocolError`, every one named, with a suggestion."""
    ids = [i.strip() for i in str(spec).split(",") if i.strip()]
    return load_protocols() if ids in ([], ["all"]) else load_protocols(ids=ids)


def load_protocols(folder: str | Path | None = None, ids: Iterable[str] | None = None
                   ) -> list[Protocol]:
    """Every protocol in the folder (default ``data/protocols``), or only those with ``ids``."""
    root = Path(folder) if folder else protocols_dir()
    everything = _load_dir(root)
    if ids is None:
        return list(everything)
    wanted = list(ids)
    by_id = {p.id: p for p in everything}
    missing = [i for i in wanted if i not in by_id]
    if missing:
        owner = {r.id.casefold(): p.id for p in everything for r in p.rules}

        def problem(m: str) -> Problem:
            if m.casefold() in owner:  # a rule id given where a protocol id belongs
                return Problem(str(root), 0, 0, "", f"{m!r} is a rule, not a protocol; it "
                               f"belongs to protocol {owner[m.casefold()]!r}",
                               owner[m.casefold()])
            return Problem(str(root), 0, 0, "",
                           f"unknown protocol {m!r}; known: {', '.join(sorted(by_id))}",
                           suggest(m, by_id))

        raise ProtocolError([problem(m) for m in missing])
    return [by_id[i] for i in wanted]
