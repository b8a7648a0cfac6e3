"""The shared registry of actors that recur across cases (``data/registry.yaml``).

Agencies, public officials and vendors appear in many cases; each is written once here and
case files refer to it with ``ref:``. Unnamed roles (an examiner, a clerk) are never
registry entries: two unnamed examiners in two cases are not known to be the same person.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import DefinitionError, Problem
from ..paths import registry_path
from .definitions import cached_by_stamp, read_definition

__all__ = ["Registry", "RegistryEntry", "load_registry"]


class RegistryEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str
    kind: str = Field(description="An actor kind from the vocabulary.")
    description: str
    affiliation: str | None = Field(None, description="Registry id of the parent agency.")
    jurisdiction: str | None = None
    state: str | None = Field(None, description="Two-letter code of the state it belongs to.")
    branch: Literal["police", "prosecution", "court", "corrections", "government", "other"] \
        | None = Field(None, description="What an agency or court is.")
    level: Literal["local", "state", "federal"] | None = None
    sources: list[str] = Field(default_factory=list, description="http(s) addresses.")


class Registry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    registry: int = Field(description="Format version (1).")
    actors: dict[str, RegistryEntry]


@cached_by_stamp
def _load(path: Path) -> Registry:
    doc, reg = read_definition(path, Registry)
    problems: list[Problem] = []
    for rid, entry in reg.actors.items():
        if entry.affiliation and entry.affiliation not in reg.actors:
            problems.append(doc.problem(("actors", rid, "affiliation"),
                                        f"unknown registry id {entry.affiliation!r}"))
    if problems:
        raise DefinitionError(problems)
    return reg


def load_registry(path: Path | None = None) -> Registry:
    """The registry, parsed once per file version."""
    return _load(path or registry_path())
