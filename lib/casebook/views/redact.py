"""Redaction: private persons appear by role, never by name, anywhere in a redacted report.

A :class:`Redactor` is built from a case: every name token of every private person (and of
minors, who are never named anyway) maps to that person's role ("the accused", "a family
member"); full names are replaced before single tokens, case-insensitively, on word
boundaries, so "Robert Williams's arrest" reads "the accused's arrest". The redactor is applied
twice: to the case itself (:func:`redact_case` — every text field, source titles, the case
title; URLs withheld; private actors' ids and the case id replaced by aliases) so that tables
and figures are built redacted, and then as a safety net over every text of the finished
report.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..model.case import Case, role_label
from ..model.casefile import Casefile
from ..model.integrity import is_slug

__all__ = ["Redactor", "redact_case"]

@dataclass(frozen=True)
class Redactor:
    """Replaces private persons' names (and their actor ids) with role labels."""

    labels: dict[str, str]          # name or token (lower case) -> replacement
    id_aliases: dict[str, str]      # private actor id -> alias id
    case_alias: str
    _pattern: re.Pattern[str] | None

    @classmethod
    def for_case(cls, case: Case) -> Redactor:
        labels: dict[str, str] = {}
        aliases: dict[str, str] = {}
        people = [a for a in case.actors.values() if a.private or a.actor.minor]
        people.sort(key=lambda a: ("accused" not in a.roles, a.id))  # the accused first
        for n, person in enumerate(people, start=1):
            label = role_label(person.roles)
            aliases[person.id] = f"private-person-{n}"
            name = person.actor.name or ""
            if not name:
                continue
            labels.setdefault(name.lower(), label)
            tokens = [t for t in re.split(r"\s+", name) if len(t) >= 3]
            if len(tokens) >= 2:
                labels.setdefault(f"{tokens[0]} {tokens[-1]}".lower(), label)
            for token in tokens:
                for part in {token, *token.split("-")}:
                    if len(part) >= 3:
                        labels.setdefault(part.lower(), label)
        words = sorted(labels, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w])(" + "|".join(re.escape(w) for w in words) + r")(?![\w])",
                             re.IGNORECASE) if words else None
        alias = "redacted-" + hashlib.sha256(case.id.encode()).hexdigest()[:8]
        return cls(labels, aliases, alias, pattern)

    @property
    def tokens(self) -> list[str]:
        """Every name token that must not appear in a redacted report."""
        return sorted({w for w in self.labels if " " not in w})

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        label = self.labels[match.group(1).lower()]
        before = match.string[:match.start()].rstrip()
        return label[0].upper() + label[1:] if not before or before[-1] in ".!?:" else label

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy of a table with every text cell redacted."""
        out = frame.copy()
        for col in out.columns:
            if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
                out[col] = out[col].map(lambda v: self(v) if isinstance(v, str) else v)
        return out

    def deep(self, value: Any) -> Any:
        """Redact every string inside nested lists and dicts (keys that are ids aliased)."""
        return _walk(value, self._text_or_id)

    def _text_or_id(self, text: str) -> str:
        if text in self.id_aliases:
            return self.id_aliases[text]
        if self._pattern is not None and is_slug(text):  # an id: stay a slug
            return self._pattern.sub(
                lambda m: re.sub(r"[^a-z0-9]+", "-", self.labels[m.group(1).lower()]), text)
        return self(text)


def _walk(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [_walk(v, fn) for v in value]
    if isinstance(value, dict):
        return {(fn(k) if isinstance(k, str) else k): _walk(v, fn) for k, v in value.items()}
    return value


def redact_case(case: Case) -> tuple[Case, Redactor]:
    """A redacted copy of the case (names → roles, URLs withheld, ids aliased)."""
    redactor = Redactor.for_case(case)
    data = case.file.model_dump(mode="python", by_alias=True)
    for src in data["sources"].values():
        src["url"] = None
    for aid in redactor.id_aliases:
        data["actors"][aid]["name"] = None
    redacted = redactor.deep(data)
    redacted["case"]["id"] = redactor.case_alias
    file = Casefile.model_validate(redacted)
    new = Case(path=case.path, display_path=redactor.case_alias, file=file,
               vocabulary=case.vocabulary, registry=case.registry, raw=case.raw)
    return new, redactor
