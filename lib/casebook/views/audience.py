"""What each audience sees, read from one table (``data/audiences.yaml``).

The notebook's cell tags name its sections; the report removes a section's cells from an
audience that does not see it; the Workbook and the figures ask :meth:`Audience.sees` before
drawing an element. Nothing else decides what an audience gets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..errors import DefinitionError
from ..model.definitions import cached_by_stamp, read_definition
from ..paths import audiences_path

__all__ = ["Audience", "audience", "audience_names"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    meaning: str
    seen_by: list[str]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    audiences: dict[str, str]
    sections: dict[str, _Part]
    elements: dict[str, _Part]


@dataclass(frozen=True)
class Audience:
    """One audience: the sections (cell tags) and elements it sees."""

    name: str
    meaning: str
    sections: frozenset[str]
    hidden_sections: frozenset[str]
    elements: frozenset[str]
    known_elements: frozenset[str]

    def sees(self, element: str) -> bool:
        """Does this audience see ``element``? An unknown name is a programming error."""
        if element not in self.known_elements:
            raise KeyError(f"{element!r} is not an element of data/audiences.yaml")
        return element in self.elements

    def keeps_cell(self, tags: Iterable[str]) -> bool:
        """A cell stays unless one of its tags is a section this audience does not see."""
        return not self.hidden_sections & set(tags)


@cached_by_stamp
def _load(path: Path) -> dict[str, Audience]:
    doc, table = read_definition(path, _Table)
    problems = [doc.problem((group, name, "seen_by", i), f"unknown audience {who!r}")
                for group in ("sections", "elements")
                for name, part in getattr(table, group).items()
                for i, who in enumerate(part.seen_by) if who not in table.audiences]
    if problems:
        raise DefinitionError(problems)
    out = {}
    for name, meaning in table.audiences.items():
        sections = {s for s, part in table.sections.items() if name in part.seen_by}
        out[name] = Audience(
            name, meaning, frozenset(sections), frozenset(set(table.sections) - sections),
            frozenset(e for e, part in table.elements.items() if name in part.seen_by),
            frozenset(table.elements))
    return out


def audience_names() -> tuple[str, ...]:
    return tuple(_load(audiences_path()))


def audience(name: str) -> Audience:
    """The audience called ``name``; ``ValueError`` naming the known ones otherwise."""
    table = _load(audiences_path())
    if name not in table:
        raise ValueError(f"audience must be one of {', '.join(table)}, not {name!r}")
    return table[name]
