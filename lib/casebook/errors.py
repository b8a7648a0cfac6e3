"""One exception root, with located problems inside.

Every error a user can cause by writing a file carries a list of :class:`Problem` — file,
line, column, field path, message, optional suggestion — so a command-line user sees every
mistake of a file at once, rendered as ``casefile/x.yaml:42:7: events[12].when: …``.
Two families, as in followthemoney and pandera: :class:`CasefileError` (the case data is
wrong) and :class:`DefinitionError` (a protocol, the vocabulary or the registry is wrong).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CONTROL",
    "CasebookError",
    "CasefileError",
    "DefinitionError",
    "InputError",
    "Problem",
    "ProtocolError",
    "format_field",
    "path_text",
    "printable",
    "suggest",
]

#: Characters no text may hold and no terminal should receive: C0 and C1 controls but tab and
#: newline, DEL, the bidirectional embeddings, overrides and isolates, and the line and
#: paragraph separators. Case files refuse them; whatever reaches a terminal is escaped.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                     "\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``), so that
    printing it can never drive the terminal."""
    return CONTROL.sub(_escaped, text)

FieldPath = tuple[str | int, ...]


def format_field(path: FieldPath) -> str:
    """Render ``("events", 12, "when")`` as ``events[12].when``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = _ESCAPE_IN_NAMES.sub(_escaped, str(part))  # a key may hold "\n"
            out += f".{name}" if out else name
    return out


_ESCAPE_IN_NAMES = re.compile(f"[\n\t]|{CONTROL.pattern}")


def _escaped(m: re.Match[str]) -> str:
    return m.group().encode("unicode_escape").decode("ascii")


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The closest known name to a misspelt one, or None: powers "did you mean …?"."""
    by_folded = {c.casefold(): c for c in sorted(set(choices))}
    extending = [c for folded, c in by_folded.items() if folded.startswith(str(word).casefold())]
    if len(extending) == 1 and word:  # "doj-2017" → "doj-2017-photo-arrays"
        return extending[0]
    found = difflib.get_close_matches(str(word).casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[found[0]] if found else None


@dataclass(frozen=True, slots=True)
class Problem:
    """One located mistake in one file."""

    path: str
    line: int  # 1-based; 0 when the file as a whole is at fault
    column: int  # 1-based; 0 when unknown
    field: str  # e.g. "events[12].when"; "" for the whole file
    message: str
    suggestion: str | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        text = f"{where}: {self.field + ': ' if self.field else ''}{self.message}"
        if self.suggestion:
            text += f" (did you mean `{_ESCAPE_IN_NAMES.sub(_escaped, self.suggestion)}`?)"
        return printable(text)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.message)


class CasebookError(Exception):
    """Root of every error casebook raises on purpose."""


class InputError(CasebookError):
    """A file could not be used; ``problems`` says everything that is wrong with it."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems: list[Problem] = sorted(problems, key=lambda p: p.sort_key)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''}"
        super().__init__(head + ":\n" + "\n".join(str(p) for p in self.problems))

    @property
    def paths(self) -> list[str]:
        return sorted({p.path for p in self.problems})


class CasefileError(InputError):
    """A case file is invalid."""


class DefinitionError(InputError):
    """A protocol, the vocabulary or the shared registry is invalid."""


class ProtocolError(DefinitionError):
    """A protocol file is invalid."""


def path_text(path: Path | str) -> str:
    """A path as text any file or terminal can hold: the bytes of a name that is not UTF-8
    kept as escapes (``caf\\xe9.yaml``), instead of failing whatever writes it."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def display_path(path: Path | str) -> str:
    """A path as the user will recognise it: relative to the working directory when inside it."""
    p = Path(os.path.abspath(path))  # a link is named as given, not by its target
    try:
        return path_text(p.relative_to(os.getcwd()))
    except ValueError:
        return path_text(path)
