"""The case-file format, version 1, as pydantic models.

These models define the *shape* of a case file: which keys exist and what type each holds.
Unknown keys are errors (``extra="forbid"``): a silently dropped fact is a wrong finding.
Names drawn from the vocabulary (event types, fact names, …) and cross-references between
ids are checked afterwards by :mod:`casebook.integrity`, which can suggest the right name.

Facts and ``when`` accept three spellings that normalise to a list of :class:`Claim`:
a bare value (``peer_reviewed: unknown``), one claim with its own sources
(``{value: false, sources: [wcpo]}``), or several claims — a fact whose claims differ is
*disputed*. The JSON Schema in ``docs/casefile.schema.json`` is generated from these models.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

__all__ = [
    "UNKNOWN",
    "Actor",
    "CaseInfo",
    "Casefile",
    "Claim",
    "Claims",
    "Event",
    "Evidence",
    "Exercise",
    "Source",
]

FORMAT_VERSION = 1
UNKNOWN = "unknown"

Scalar = bool | int | float | str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Claim(_Strict):
    """One value of a fact (or of a date) as one or more sources state it."""

    value: Scalar | list[str] = Field(description="The value; `unknown` when no source says.")
    sources: list[str] = Field(default_factory=list,
                               description="Source ids; when empty, the owner's sources.")
    account: str | None = Field(None, description="Whose account this is, when not the sources'.")
    confidence: Literal["solid", "single-source"] | None = Field(
        None, description="`single-source`: only one stored source says so (unverified).")
    note: str | None = None
    rejected: str | None = Field(
        None, description="Why this recorded claim is judged wrong; kept for the record, "
                          "never used for reasoning.")
    known_from: str | int | None = Field(
        None, description="When the investigators learned this (EDTF); absent: the date of "
                          "the event it belongs to.")


def _as_claims(value: Any) -> Any:
    """Normalise the three spellings of a fact into a list of claim mappings."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return value
    return [{"value": value}]


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Claims = Annotated[list[Claim], BeforeValidator(
    _as_claims, json_schema_input_type=Scalar | list[str] | Claim | list[Claim])]
StrList = Annotated[list[str], BeforeValidator(_as_list, json_schema_input_type=str | list[str])]


class CaseInfo(_Strict):
    id: str = Field(description="Lower-case slug naming the case, e.g. `city-store-2019`.")
    title: str
    jurisdiction: str = Field(description="Where the case happened, e.g. `Detroit, Michigan`.")
    summary: str
    country: str = "US"
    state: str | None = Field(None, description="Two-letter state code, e.g. `MI`.")
    tags: list[str] = Field(default_factory=list)


class Source(_Strict):
    title: str
    publisher: str
    date: str | int | None = Field(None, description="Publication date (EDTF).")
    url: str | None = Field(None, description="http(s) address of the stored copy.")
    kind: str = Field(description="From the vocabulary's `source_kinds`.")
    account: str = Field(description="Whose account: plaintiff, police, prosecutor, court, …")
    reliability: str = Field(description="primary, secondary or aggregator.")
    mirror_of: str | None = Field(None, description="Id of the source this one copies.")
    accessed: str | int | None = Field(None, description="When it was read (EDTF).")
    author: str | None = None
    note: str | None = None


Branch = Literal["police", "prosecution", "court", "corrections", "government", "other"]
Level = Literal["local", "state", "federal"]


class Actor(_Strict):
    ref: str | None = Field(None, description="Id of a shared actor in data/registry.yaml.")
    name: str | None = Field(None, description="Only if a source names them; never invented.")
    kind: str | None = Field(None, description="person, agency, unit, organization, court, vendor.")
    state: str | None = Field(None, description="Two-letter code of the state an agency, unit "
                                                "or court belongs to (default: the case's).")
    branch: Branch | None = Field(None, description="What an agency or court is: police, "
                                                    "prosecution, court, corrections, …")
    level: Level | None = Field(None, description="local, state or federal.")
    roles: StrList = Field(default_factory=list)
    affiliation: str | None = Field(None, description="Actor id of the agency or employer.")
    description: str | None = Field(None, description="Who this is, for an unnamed actor.")
    private: bool = Field(False, description="A private person: redacted reports hide the name.")
    minor: bool = Field(False, description="A minor: never named, whatever a source says.")
    sources: list[str] = Field(default_factory=list)
    facts: dict[str, Claims] = Field(default_factory=dict)
    note: str | None = None


class Evidence(_Strict):
    kind: str
    summary: str | None = None
    derived_from: StrList = Field(default_factory=list)
    implicates: StrList = Field(default_factory=list,
                                description="Actor ids of the people this item points at.")
    held_by: str | None = Field(None, description="Actor id of who holds the record.")
    sources: list[str] = Field(default_factory=list)
    facts: dict[str, Claims] = Field(default_factory=dict)
    note: str | None = None


class Event(_Strict):
    id: str
    type: str
    when: Claims = Field(description="EDTF date, or claims when sources disagree.")
    where: Claims | None = Field(None, description="Where it happened, or claims when "
                                                   "sources disagree.")
    summary: str
    context: bool = Field(False, description="Background to the case, not a step in it.")
    participants: dict[str, StrList] = Field(
        default_factory=dict, description="Role-keyed actor ids: by, requested_by, witness, …")
    uses: StrList = Field(default_factory=list)
    produces: StrList = Field(default_factory=list)
    follows: StrList = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    account: str | None = Field(None, description="Whose account, when not the sources'.")
    confidence: Literal["solid", "single-source"] | None = None
    facts: dict[str, Claims] = Field(default_factory=dict)
    note: str | None = None


class Exercise(_Strict):
    id: str | None = None
    at: str = Field(description="The event id of the decision point.")
    question: str
    answer: str
    rules: list[str] = Field(default_factory=list, description="Rule ids the exercise teaches.")
    hint: str | None = None


class Casefile(_Strict):
    """A whole case file."""

    casebook: Literal[1] = Field(description="Format version.")
    case: CaseInfo
    sources: dict[str, Source]
    actors: dict[str, Actor] = Field(default_factory=dict)
    evidence: dict[str, Evidence] = Field(default_factory=dict)
    events: list[Event]
    exercises: list[Exercise] = Field(default_factory=list)


#: The top-level sections, in file order, with the model of one item of each.
SECTIONS: dict[str, tuple[str, type[_Strict]]] = {
    "sources": ("mapping", Source),
    "actors": ("mapping", Actor),
    "evidence": ("mapping", Evidence),
    "events": ("list", Event),
    "exercises": ("list", Exercise),
}
