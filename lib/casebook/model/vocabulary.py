"""The controlled vocabulary (``data/vocabulary.yaml``) as a validated, cached object.

Names live in data so that adding an event type or a fact is a one-line change with a meaning
attached, never a code change. The vocabulary is itself validated: a typo there must not
silently widen what case files may say.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import DefinitionError
from ..paths import vocabulary_path
from .definitions import cached_by_stamp, read_definition

__all__ = ["EventType", "EvidenceKind", "FactDef", "Lane", "Stage", "Step", "Vocabulary",
           "load_vocabulary"]

FactType = Literal["bool", "text", "number", "date", "enum", "actor", "actors", "evidence"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stage(_Strict):
    meaning: str
    lane: str = Field(description="The timeline lane of an event of this stage that no agency "
                                  "acts in (a key of `lanes`).")


class Lane(_Strict):
    label: str
    place: Literal["first", "among", "last"]


class EventType(_Strict):
    meaning: str
    stage: str = Field(description="A key of `stages`.")
    label: str = Field(description="How a reader names the step, e.g. 'Face search'.")
    key_step: bool = Field(False, description="Labelled on the timeline.")
    lane: str = Field("agency", description="`agency` (the acting agency's lane, else the "
                                            "stage's) or a key of `lanes`.")
    harm: str | None = Field(None, description="The kind of harm this event is, if any.")
    premise: str | None = Field(None, description="What every rule at this event presupposes, "
                                                  "e.g. fr_used.")


class Family(_Strict):
    """Event types that rules and facts may name together."""

    meaning: str
    members: list[str] = Field(min_length=1)


class Step(_Strict):
    """A step of the path from offense to outcome, compared across cases."""

    key: str
    label: str
    event_types: list[str] = Field(min_length=1, description="The first present marks it.")
    colour: str


class EvidenceKind(_Strict):
    meaning: str
    label: str | None = Field(None, description="How a reader names such an item, e.g. "
                                                "'face-search candidate'.")
    fr_output: bool = Field(False, description="Output of a facial-recognition search.")


class FactOn(_Strict):
    events: list[str] | Literal["all"] = Field(default_factory=list)
    evidence: list[str] | Literal["all"] = Field(default_factory=list)
    actors: list[str] | Literal["all"] = Field(default_factory=list)


class FactDef(_Strict):
    type: FactType
    meaning: str
    values: list[str] | None = None
    value_labels: dict[str, str] = Field(
        default_factory=dict, description="How a reader names each enum value, e.g. "
                                          "part1-property: 'a Part I property offense'.")
    on: FactOn

    @field_validator("values")
    @classmethod
    def _values_unique(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and len(set(v)) != len(v):
            raise ValueError("values must be unique")
        return v

    @model_validator(mode="after")
    def _labels_name_values(self) -> FactDef:
        unknown = set(self.value_labels) - set(self.values or [])
        if unknown:
            raise ValueError(f"value_labels names values the fact does not have: "
                             f"{', '.join(sorted(unknown))}")
        return self


class Vocabulary(_Strict):
    vocabulary: Literal[1]
    accounts: dict[str, str]
    reliability: dict[str, str]
    source_kinds: dict[str, str]
    actor_kinds: dict[str, str]
    actor_roles: dict[str, str]
    participant_roles: dict[str, str]
    stages: dict[str, Stage]
    lanes: dict[str, Lane]
    families: dict[str, Family] = Field(default_factory=dict)
    event_types: dict[str, EventType]
    steps: list[Step]
    overall_durations: list[tuple[str, str]] = Field(default_factory=list)
    evidence_kinds: dict[str, EvidenceKind]
    facts: dict[str, FactDef]

    def event_types_of(self, names: list[str]) -> list[str]:
        """Event types named directly or through a family, in order, each once."""
        out: list[str] = []
        for name in names:
            out += self.families[name].members if name in self.families else [name]
        return list(dict.fromkeys(out))

    def fact_allowed(self, name: str, owner: str, kind: str) -> bool:
        """May fact ``name`` be attached to an owner (events/evidence/actors) of this kind?"""
        allowed = getattr(self.facts[name].on, owner)
        if allowed == "all":
            return True
        return kind in (self.event_types_of(allowed) if owner == "events" else allowed)

    def fact_owners(self, name: str) -> str:
        """A readable list of what a fact may be attached to, for error messages."""
        on = self.facts[name].on
        parts = []
        for owner in ("events", "evidence", "actors"):
            allowed = getattr(on, owner)
            if allowed == "all":
                parts.append(f"any {owner[:-1] if owner != 'evidence' else owner}")
            elif allowed:
                parts.append(", ".join(self.event_types_of(allowed) if owner == "events"
                                       else allowed))
        return "; ".join(parts) or "nothing"

    @property
    def fr_output_kinds(self) -> frozenset[str]:
        return frozenset(k for k, v in self.evidence_kinds.items() if v.fr_output)

    @property
    def harm_types(self) -> dict[str, str]:
        return {k: v.harm for k, v in self.event_types.items() if v.harm}

    @property
    def key_steps(self) -> dict[str, str]:
        """Event types labelled on the timeline, with their labels."""
        return {k: v.label for k, v in self.event_types.items() if v.key_step}

    def stage_rank(self, stage: str) -> int:
        return list(self.stages).index(stage) if stage in self.stages else len(self.stages)


def _check_references(vocab: Vocabulary) -> list[tuple[tuple[str | int, ...], str]]:
    """Names a fact's ``on`` refers to must exist in the vocabulary itself."""
    bad: list[tuple[tuple[str | int, ...], str]] = []
    for name, stage in vocab.stages.items():
        if stage.lane not in vocab.lanes:
            bad.append((("stages", name, "lane"), f"unknown lane {stage.lane!r}"))
    for name, family in vocab.families.items():
        if name in vocab.event_types:
            bad.append((("families", name), f"{name!r} is an event type; a family needs its "
                        "own name"))
        for i, member in enumerate(family.members):
            if member not in vocab.event_types:
                bad.append((("families", name, "members", i), f"unknown event type "
                            f"{member!r}"))
    for name, etype in vocab.event_types.items():
        if etype.stage not in vocab.stages:
            bad.append((("event_types", name, "stage"), f"unknown stage {etype.stage!r}"))
        if etype.lane != "agency" and etype.lane not in vocab.lanes:
            bad.append((("event_types", name, "lane"), f"unknown lane {etype.lane!r}"))
    step_keys = [s.key for s in vocab.steps]
    for i, step in enumerate(vocab.steps):
        for j, etype_name in enumerate(step.event_types):
            if etype_name not in vocab.event_types:
                bad.append((("steps", i, "event_types", j), f"unknown event type "
                            f"{etype_name!r}"))
    for i, pair in enumerate(vocab.overall_durations):
        for j, key in enumerate(pair):
            if key not in step_keys:
                bad.append((("overall_durations", i, j), f"unknown step {key!r}"))
    known: dict[str, set[str]] = {"events": set(vocab.event_types) | set(vocab.families),
                                  "evidence": set(vocab.evidence_kinds),
                                  "actors": set(vocab.actor_kinds)}
    for name, fact in vocab.facts.items():
        if fact.type == "enum" and not fact.values:
            bad.append((("facts", name, "values"), "an enum fact needs a list of values"))
        for owner, names in known.items():
            allowed = getattr(fact.on, owner)
            if allowed == "all":
                continue
            for i, kind in enumerate(allowed):
                if kind not in names:
                    bad.append((("facts", name, "on", owner, i), f"unknown {owner} kind {kind!r}"))
    return bad


@cached_by_stamp
def _load(path: Path) -> Vocabulary:
    doc, vocab = read_definition(path, Vocabulary)
    bad = _check_references(vocab)
    if bad:
        raise DefinitionError([doc.problem(where, msg) for where, msg in bad])
    return vocab


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """The vocabulary, parsed once per file version."""
    return _load(path or vocabulary_path())
