"""The controlled vocabulary (``data/vocabulary.yaml``) as a validated, cached object.

Names live in data so that adding an event type or a fact is a one-line change with a meaning
attached, never a code change. The vocabulary is itself validated: a typo there must not
silently widen what case files may say.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import DefinitionError
from ..paths import vocabulary_path
from .validation import pydantic_problems
from .yamlsafe import read_yaml

__all__ = ["EventType", "EvidenceKind", "FactDef", "Vocabulary", "load_vocabulary"]

FactType = Literal["bool", "text", "number", "date", "enum", "actor", "actors", "evidence"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventType(_Strict):
    meaning: str
    stage: Literal["context", "offense", "investigation", "charging", "custody", "court",
                   "outcome", "aftermath"]
    harm: str | None = Field(None, description="The kind of harm this event is, if any.")


class EvidenceKind(_Strict):
    meaning: str
    fr_output: bool = Field(False, description="Output of a facial-recognition search.")


class FactOn(_Strict):
    events: list[str] | Literal["all"] = Field(default_factory=list)
    evidence: list[str] | Literal["all"] = Field(default_factory=list)
    actors: list[str] | Literal["all"] = Field(default_factory=list)


class FactDef(_Strict):
    type: FactType
    meaning: str
    values: list[str] | None = None
    on: FactOn

    @field_validator("values")
    @classmethod
    def _values_unique(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and len(set(v)) != len(v):
            raise ValueError("values must be unique")
        return v


class Vocabulary(_Strict):
    vocabulary: Literal[1]
    accounts: dict[str, str]
    reliability: dict[str, str]
    source_kinds: dict[str, str]
    actor_kinds: dict[str, str]
    actor_roles: dict[str, str]
    participant_roles: dict[str, str]
    event_types: dict[str, EventType]
    evidence_kinds: dict[str, EvidenceKind]
    facts: dict[str, FactDef]

    def fact_allowed(self, name: str, owner: str, kind: str) -> bool:
        """May fact ``name`` be attached to an owner (events/evidence/actors) of this kind?"""
        allowed = getattr(self.facts[name].on, owner)
        return bool(allowed == "all" or kind in allowed)

    def fact_owners(self, name: str) -> str:
        """A readable list of what a fact may be attached to, for error messages."""
        on = self.facts[name].on
        parts = []
        for owner in ("events", "evidence", "actors"):
            allowed = getattr(on, owner)
            if allowed == "all":
                parts.append(f"any {owner[:-1] if owner != 'evidence' else owner}")
            elif allowed:
                parts.append(", ".join(allowed))
        return "; ".join(parts) or "nothing"

    @property
    def fr_output_kinds(self) -> frozenset[str]:
        return frozenset(k for k, v in self.evidence_kinds.items() if v.fr_output)

    @property
    def harm_types(self) -> dict[str, str]:
        return {k: v.harm for k, v in self.event_types.items() if v.harm}


def _check_references(vocab: Vocabulary) -> list[tuple[tuple[str | int, ...], str]]:
    """Names a fact's ``on`` refers to must exist in the vocabulary itself."""
    bad: list[tuple[tuple[str | int, ...], str]] = []
    known: dict[str, set[str]] = {"events": set(vocab.event_types),
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


@lru_cache(maxsize=8)
def _load(path: Path, _mtime: float) -> Vocabulary:
    doc = read_yaml(path, DefinitionError)
    try:
        vocab = Vocabulary.model_validate(doc.data)
    except ValidationError as err:
        raise DefinitionError(pydantic_problems(doc, err)) from None
    bad = _check_references(vocab)
    if bad:
        raise DefinitionError([doc.problem(where, msg) for where, msg in bad])
    return vocab


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """The vocabulary, parsed once per file version."""
    p = (path or vocabulary_path()).resolve()
    try:
        mtime = p.stat().st_mtime
    except OSError:
        mtime = -1.0
    return _load(p, mtime)
