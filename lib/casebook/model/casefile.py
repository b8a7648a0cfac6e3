"""The case-file format, version 1, as pydantic models.

These models define the *shape* of a case file: which keys exist and what type each holds.
Unknown keys are errors (``extra="forbid"``): a silently dropped fact is a wrong finding.
Names drawn from the vocabulary (event types, fact names, …) and cross-references between
ids are checked afterwards by :mod:`casebook.integrity`, which can suggest the right name.

Facts and ``when`` accept three spellings that normalise to a list of :class:`Claim`:
a bare value (``peer_reviewed: unknown``), one claim with its own sources
(``{value: false, sources: [wcpo]}``), or several claims — a fact whose claims differ is
*disputed*. The JSON Schema in ``docs/casefile.schema.json`` is generated from these models.

Wherever a source is cited (``sources:`` of an event, a claim, an evidence item, an actor) it
may be an id or a pinpoint — ``{id: aclu-complaint, page: 12, paragraph: 48}`` — which is read
as a :class:`SourceRef`: the id, as a string, carrying its :class:`Pinpoint`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, GetCoreSchemaHandler
from pydantic_core import core_schema

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
    "Pinpoint",
    "Source",
    "SourceRef",
    "Teaching",
    "TeachingPoint",
]

FORMAT_VERSION = 1
UNKNOWN = "unknown"

Scalar = bool | int | float | str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Pinpoint(_Strict):
    """Where in a source: the page, paragraph, timestamp or a short quote, and how the
    source is filed (exhibit number, Bates range)."""

    id: str = Field(description="The source id.")
    page: str | int | None = Field(None, description="Page or page range, e.g. `12` or `12-14`.")
    paragraph: str | int | None = Field(None, description="Paragraph number, e.g. `48`.")
    timestamp: str | None = Field(None, description="A point in a recording, e.g. `00:14:32`.")
    quote: str | None = Field(None, max_length=300,
                              description="A short quotation that locates the passage.")
    exhibit: str | None = Field(None, description="The exhibit this passage is filed as.")
    bates: str | None = Field(None, description="Bates number or range, e.g. `DET000123-125`.")

    def text(self) -> str:
        """``p. 12, ¶ 48, at 00:14:32, Ex. 3, DET000123`` — the pinpoint as a citation reads it."""
        parts = []
        if self.page is not None:
            parts.append(f"{'pp.' if '-' in str(self.page) else 'p.'} {self.page}")
        if self.paragraph is not None:
            parts.append(f"¶ {self.paragraph}")
        if self.timestamp:
            parts.append(f"at {self.timestamp}")
        if self.exhibit:
            parts.append(self.exhibit)
        if self.bates:
            parts.append(self.bates)
        if self.quote:
            parts.append(f"(“{self.quote}”)")
        return ", ".join(parts)


class SourceRef(str):
    """A cited source id — a string everywhere ids are compared — carrying the pinpoint it
    was cited with (``pin``; None for a bare id)."""

    pin: Pinpoint | None

    def __new__(cls, value: str, pin: Pinpoint | None = None) -> SourceRef:
        ref = super().__new__(cls, value)
        ref.pin = pin
        return ref

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler
                                     ) -> core_schema.CoreSchema:
        bare = core_schema.no_info_after_validator_function(
            lambda v: cls(v.strip()), core_schema.str_schema())
        pinned = core_schema.no_info_after_validator_function(
            lambda p: cls(p.id, p), handler.generate_schema(Pinpoint))
        # A mapping is a pinpoint, anything else an id: one branch's errors, never both
        # (the bracketed tags are dropped from error locations, see validation._clean_loc).
        return core_schema.tagged_union_schema(
            {"ref[id]": bare, "ref[pinpoint]": pinned},
            discriminator=lambda v: "ref[pinpoint]" if isinstance(v, dict | Pinpoint)
            else "ref[id]",
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda r: r.pin.model_dump(exclude_none=True) if getattr(r, "pin", None)
                else str(r)))


#: A list of cited sources: ids, or pinpoints.
Cited = list[SourceRef]


class Claim(_Strict):
    """One value of a fact (or of a date) as one or more sources state it."""

    value: Scalar | list[str] = Field(description="The value; `unknown` when no source says.")
    sources: Cited = Field(default_factory=list,
                           description="Source ids or pinpoints; when empty, the owner's "
                                       "sources.")
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
    exhibit: str | None = Field(None, description="The exhibit number it is filed as, e.g. "
                                                  "`Ex. 12`.")
    cite: str | None = Field(None, description="A short citation form, e.g. `Compl. (ECF 1)`.")
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
    sources: Cited = Field(default_factory=list, description="Source ids or pinpoints.")
    facts: dict[str, Claims] = Field(default_factory=dict)
    note: str | None = None


class Evidence(_Strict):
    kind: str
    label: str | None = Field(None, max_length=40, description="A short name for figures, "
                                                              "e.g. `store video still`.")
    summary: str | None = None
    derived_from: StrList = Field(default_factory=list)
    implicates: StrList = Field(default_factory=list,
                                description="Actor ids of the people this item points at.")
    held_by: str | None = Field(None, description="Actor id of who holds the record.")
    sources: Cited = Field(default_factory=list, description="Source ids or pinpoints.")
    facts: dict[str, Claims] = Field(default_factory=dict)
    note: str | None = None


class Event(_Strict):
    id: str
    type: str
    when: Claims = Field(description="EDTF date, or claims when sources disagree.")
    where: Claims | None = Field(None, description="Where it happened, or claims when "
                                                   "sources disagree.")
    label: str | None = Field(None, max_length=40, description="A short name for figures, "
                                                              "e.g. `face search`.")
    summary: str
    context: bool = Field(False, description="Background to the case, not a step in it.")
    participants: dict[str, StrList] = Field(
        default_factory=dict, description="Role-keyed actor ids: by, requested_by, witness, …")
    uses: StrList = Field(default_factory=list)
    produces: StrList = Field(default_factory=list)
    follows: StrList = Field(default_factory=list)
    sources: Cited = Field(default_factory=list, description="Source ids or pinpoints.")
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


class TeachingPoint(_Strict):
    """One decision point of a lesson: where the class stops, and what the trainer brings."""

    at: str = Field(description="The event id the class stops at.")
    heading: str | None = Field(None, max_length=80,
                                description="What the point is called, e.g. `The face "
                                            "search`; default: the step's name.")
    objectives: list[str] = Field(default_factory=list,
                                  description="What students should be able to do after it.")
    minutes: int | None = Field(None, ge=1, le=240, description="Minutes planned for it.")
    debrief: str | None = Field(None, description="The trainer's debrief notes (trainer "
                                                  "edition only).")
    exercises: list[str] = Field(default_factory=list,
                                 description="Ids of exercises shown here, besides those whose "
                                             "`at` is this event.")


class Teaching(_Strict):
    """A lesson over the case: its decision points and a title and summary that give nothing
    away. Without it, casebook chooses the case's key steps itself."""

    title: str | None = Field(None, max_length=120,
                              description="A neutral title for students, e.g. `A watch theft "
                                          "in Detroit, 2018`; it must not tell the outcome.")
    summary: str | None = Field(None, description="A neutral summary: what the class starts "
                                                  "from, nothing that happened later.")
    max_points: int = Field(12, ge=1, le=40,
                            description="At most this many decision points.")
    points: list[TeachingPoint] = Field(default_factory=list,
                                        description="The decision points, in time order; "
                                                    "empty: casebook chooses them.")
    notes: str | None = Field(None, description="Notes for the trainer on the whole lesson.")


class Casefile(_Strict):
    """A whole case file."""

    casebook: Literal[1] = Field(description="Format version.")
    case: CaseInfo
    sources: dict[str, Source]
    actors: dict[str, Actor] = Field(default_factory=dict)
    evidence: dict[str, Evidence] = Field(default_factory=dict)
    events: list[Event]
    exercises: list[Exercise] = Field(default_factory=list)
    teaching: Teaching | None = Field(None, description="A lesson over the case: decision "
                                                        "points, neutral title and summary.")


#: The top-level sections, in file order, with the model of one item of each.
SECTIONS: dict[str, tuple[str, type[_Strict]]] = {
    "sources": ("mapping", Source),
    "actors": ("mapping", Actor),
    "evidence": ("mapping", Evidence),
    "events": ("list", Event),
    "exercises": ("list", Exercise),
}
