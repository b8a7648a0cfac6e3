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
from .checks import CHECKS, PREMISES, Check

__all__ = ["AUTHORITIES", "HOLDERS", "Protocol", "Rule", "load_protocol", "load_protocols"]

AUTHORITIES = ("constitutional-law", "court-decision", "law", "court-rule",
               "professional-conduct-rule", "agency-policy", "court-settlement",
               "agency-condition-of-use", "federal-guidance", "scientific-recommendation",
               "stated-commitment")
Authority = Literal["constitutional-law", "court-decision", "law", "court-rule",
                    "professional-conduct-rule", "agency-policy", "court-settlement",
                    "agency-condition-of-use", "federal-guidance", "scientific-recommendation",
                    "stated-commitment"]
#: Who holds the record that would decide an unknown: resolved against the case's own actors,
#: so a request never goes to a holder another jurisdiction's rule happens to name.
HOLDERS = {
    "acting-agency": "the agency that acted at the step",
    "investigating-agency": "the investigating police agency",
    "prosecuting-agency": "the prosecutor's office",
    "court": "the court",
    "fr-operator": "the agency that ran the face search",
    "fr-vendor": "the face-recognition vendor",
    "custodian": "the agency that held the accused",
}
Branch = Literal["police", "prosecution", "court", "corrections", "government", "other"]
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


def _police() -> list[Branch]:
    return ["police"]


class Binds(_Strict):
    """Whom a standard reaches, as its text names it. An acting agency is bound when it is
    listed (a local policy binds only that agency); when it belongs to a listed state, is not
    federal, and is of a listed branch (a state statute binds that state's and its local
    police, say, and never federal agencies); when it is federal and the standard binds
    federal agencies; and every US prosecution is bound by a ``national`` standard (the duty
    to disclose favorable evidence)."""

    description: str
    agencies: list[str] = Field(default_factory=list, description="Registry ids.")
    states: list[str] = Field(default_factory=list, description="Two-letter state codes.")
    branches: list[Branch] = Field(default_factory=_police,
                                   description="With `states`: which of their agencies.")
    federal: bool = False
    national: bool = Field(False, description="Every US prosecution.")

    @property
    def jurisdictional(self) -> bool:
        """Does the standard reach only some jurisdictions (an agency, some states)?"""
        return bool(self.agencies or self.states) and not self.national


class InForce(_Strict):
    start: str | int | None = Field(None, alias="from")
    until: str | int | None = Field(None, description="Last day in force; absent: still is.")
    offenses_from: str | int | None = Field(
        None, description="It applies only to offenses committed on or after this date "
                          "(EDTF): under `then` read against the case's offense date, under "
                          "`now` against as_of.")
    note: str | None = None


class DecidesUnknown(_Strict):
    record: str = Field(description="The record that would decide the rule when the case is "
                                    "silent, e.g. 'the photo-array administration form'.")
    held_by: str = Field(description="Who holds it, as a role the case's own actors fill: "
                                     + ", ".join(HOLDERS) + ".")


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
    premise: str | None = Field(None, description="What the rule presupposes, e.g. fr_used.")
    court_decides: str | None = Field(
        None, description="What only a court can decide (materiality, reliability): the record "
                          "can show this rule failed, never that it was met.")
    in_force: InForce | None = Field(None, description="When this provision differs from the "
                                                       "standard's own dates.")
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
    neutral_title: str | None = Field(
        None, description="How a redacted edition names a standard whose own name carries a "
                          "person's name (a settlement named after the plaintiff).")
    issuer: str
    authority: Authority
    binds: Binds
    adopted: str | int | None = None
    in_force: InForce
    premise: str | None = Field(None, description="What every rule presupposes, e.g. fr_used.")
    replaced_by: str | None = Field(None, description="The protocol id that replaced it.")
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

    def timing(self, rule: Rule) -> tuple[Edtf | None, Edtf | None, Edtf | None]:
        """When a rule is in force — (from, until, for offenses from) — its own dates where it
        has them, else the standard's."""
        return _timing(self, rule)

    def premises(self, rule: Rule) -> tuple[str, ...]:
        return tuple(p for p in (self.premise, rule.premise) if p)

    def check_of(self, rule: Rule) -> tuple[Check, Any]:
        """The registered check of a rule and its validated parameters."""
        ((name, params),) = rule.check.items()
        check = CHECKS[name]
        return check, check.params.model_validate(params or {})


def _timing(proto: Protocol, rule: Rule) -> tuple[Edtf | None, Edtf | None, Edtf | None]:
    own = rule.in_force or proto.in_force

    def date(value: str | int | None) -> Edtf | None:
        return parse_edtf(value) if value is not None else None

    offenses = own.offenses_from if own.offenses_from is not None \
        else proto.in_force.offenses_from
    return date(own.start if own.start is not None else proto.in_force.start), \
        date(own.until if own.until is not None else proto.in_force.until), date(offenses)


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
    if isinstance(data.get("replaced_by"), str) and in_force.get("until") is None:
        out.append(doc.problem(("replaced_by",), "a replaced standard needs in_force.until, "
                               "the last day it was in force"))
    premise = data.get("premise")
    if isinstance(premise, str) and premise not in PREMISES:
        out.append(doc.problem(("premise",), f"unknown premise {premise!r}; known: "
                               f"{', '.join(sorted(PREMISES))}", suggestion=suggest(premise,
                                                                                     PREMISES)))
    for i, state in enumerate(_sub(_sub(data, "binds", dict), "states", list)):
        if isinstance(state, str) and not re.fullmatch(r"[A-Z]{2}", state):
            out.append(doc.problem(("binds", "states", i), f"{state!r} is not a two-letter "
                                   "state code"))
    for where, value in ((("adopted",), data.get("adopted")),
                         (("in_force", "from"), in_force.get("from")),
                         (("in_force", "until"), in_force.get("until")),
                         (("in_force", "offenses_from"), in_force.get("offenses_from"))):
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
        names = {*vocab.event_types, *vocab.families}
        for j, etype in enumerate(applies):
            if isinstance(etype, str) and etype not in names:
                out.append(doc.problem((*at, "applies_to", j), f"unknown event type or family "
                                       f"{etype!r}", suggestion=suggest(etype, names)))
    holder = _sub(rule, "decides_unknown", dict).get("held_by")
    if isinstance(holder, str) and holder not in HOLDERS:
        out.append(doc.problem((*at, "decides_unknown", "held_by"), f"unknown record holder "
                               f"{holder!r}; a rule names a role the case's actors fill: "
                               f"{', '.join(HOLDERS)}", suggestion=suggest(holder, HOLDERS)))
    premise = rule.get("premise")
    if isinstance(premise, str) and premise not in PREMISES:
        out.append(doc.problem((*at, "premise"), f"unknown premise {premise!r}; known: "
                               f"{', '.join(sorted(PREMISES))}",
                               suggestion=suggest(premise, PREMISES)))
    own = _sub(rule, "in_force", dict)
    for key in ("from", "until", "offenses_from"):
        value = own.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            try:
                parse_edtf(value)
            except DateSyntaxError as err:
                out.append(doc.problem((*at, "in_force", key), err.message))
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
    problems: list[Problem] = list(doc.problems)
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
