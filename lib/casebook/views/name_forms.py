"""Finding a private person's name in any text, whatever form it takes.

A name reaches a report in more forms than the case file writes: "Williams's", "the
Williamses", ``robert_williams``, ``RobertWilliams``, ``#RobertWilliams``,
``?q=Robert%20Williams``, "Wil\u00adliams" with a soft hyphen, full-width letters, "O\u2019Brien"
with a curly apostrophe or "OBrien" with none, "Gómez" typed "Gomez". Matching therefore runs on
a *folded* copy of the text — NFKC, accents dropped, case folded, invisible characters removed,
apostrophes unified — with a map back to the original characters, so a match replaces exactly
the original span. Tokens of two letters or fewer match only in a name's context ("Mr. Le",
"Anh Le"): over-redaction is acceptable, under-redaction is not, but "le" in French is not a
person.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Folded", "NameForms", "NameMatch", "fold"]

#: Characters that do not show: soft hyphen, zero-width space/joiners/marks, word joiner, BOM,
#: Mongolian vowel separator.
_INVISIBLE = set("\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u180e")
_APOSTROPHES = set("\u2019\u2018\u02bc\u2032\u0060\u00b4\uff07\u02b9")
#: What may join the parts of a name written as one word or in a URL.
_SEP = r"[\s_.+\-]*"
_TITLES = r"(?:mr|mrs|ms|miss|mx|dr|prof|officer|det|detective)\.?\s+"


@dataclass(frozen=True, slots=True)
class Folded:
    """A text folded for matching, and for each folded character the original index it came
    from (``starts[len(text)]`` is the original length)."""

    text: str
    starts: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span ``[start, end)``."""
        return self.starts[start], self.starts[end] if end < len(self.text) else \
            self.starts[-1]


_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _decoded(text: str) -> list[tuple[int, str]]:
    """Each character with its original index; percent-encoded UTF-8 (``Se%C3%A1n``) decoded,
    each character placed at its first byte's ``%``."""
    out: list[tuple[int, str]] = []
    pos = 0
    for m in _PERCENT.finditer(text) if "%" in text else ():
        out += [(i, text[i]) for i in range(pos, m.start())]
        raw = bytes.fromhex(m.group().replace("%", ""))
        try:
            chars = raw.decode("utf-8")
        except UnicodeDecodeError:
            out += [(i, text[i]) for i in range(m.start(), m.end())]
        else:
            at = m.start()
            for c in chars:
                out.append((at, c))
                at += 3 * len(c.encode("utf-8"))
        pos = m.end()
    out += [(i, text[i]) for i in range(pos, len(text))]
    return out


def fold(text: str) -> Folded:
    """``text`` folded: percent-encoding decoded, NFKC, no accents, case folded, no invisible
    characters, one apostrophe."""
    out: list[str] = []
    starts: list[int] = []
    for i, char in _decoded(text):
        if char in _INVISIBLE:
            continue
        if char in _APOSTROPHES:
            piece = "'"
        else:
            decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char))
            piece = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        for c in piece:
            out.append(c)
            starts.append(i)
    starts.append(len(text))
    return Folded("".join(out), tuple(starts))


def _token_pattern(token: str) -> str:
    """A folded name token as a pattern: an apostrophe in it is optional ("o'?brien")."""
    return "'?".join(re.escape(part) for part in token.split("'"))


@dataclass(frozen=True, slots=True)
class NameMatch:
    start: int  # original span
    end: int
    label: str  # who it names, e.g. "the accused"
    plural: bool  # "the Williamses": the family, not the person


class NameForms:
    """Every form of some private persons' names, each mapped to how a redacted report names
    that person."""

    def __init__(self, names: dict[str, str]) -> None:
        """``names``: a full name as the case file writes it → the label replacing it."""
        alternatives: list[tuple[int, str, str]] = []  # (priority, pattern, label)
        self._labels: list[str] = []
        for name, label in names.items():
            tokens = [t for t in re.split(r"[\s,]+", fold(name).text) if t]
            parts = [p for t in tokens for p in t.split("-") if p]
            if not parts:
                continue
            words = [_token_pattern(p) for p in parts]
            # the whole name, its first and last parts, and each pair in order, joined or not
            sequences = {tuple(words)}
            if len(words) >= 2:
                sequences.add((words[0], words[-1]))
                sequences.update(itertools.pairwise(words))
            for seq in sequences:
                alternatives.append((sum(map(len, seq)) + 1000, _SEP.join(seq), label))
            for part, word in zip(parts, words, strict=True):
                if len(part.replace("'", "")) >= 3:
                    alternatives.append((len(part), word, label))
                else:  # a short surname or given name: only after a title
                    alternatives.append((len(part) + 500, _TITLES + word, label))
                for piece in part.split("'")[1:]:  # "O'Connor" is also written "Connor"
                    if len(piece) >= 3:
                        alternatives.append((len(piece), re.escape(piece), label))
        alternatives.sort(key=lambda a: -a[0])
        self._labels = [label for _p, _pat, label in alternatives]
        self._pattern = re.compile("|".join(f"(?P<n{i}>{pat})(?P<s{i}>(?:e?s)?)"
                                            for i, (_p, pat, _l) in enumerate(alternatives))
                                   ) if alternatives else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def find(self, text: str) -> Iterator[NameMatch]:
        """Each name form in ``text``, left to right, not overlapping."""
        if self._pattern is None or not text:
            return
        folded = fold(text)
        pos = 0
        while True:
            m = self._pattern.search(folded.text, pos)
            if m is None:
                return
            start, end = m.span()
            if not (_boundary_before(text, folded, start)
                    and _boundary_after(text, folded, end)):
                pos = start + 1
                continue
            group = m.lastgroup or ""
            index = int(group[1:])
            plural = bool(m.group(f"s{index}"))
            o_start, o_end = folded.span(start, end)
            yield NameMatch(o_start, o_end, self._labels[index], plural)
            pos = end

    def search(self, text: str) -> NameMatch | None:
        return next(self.find(text), None)


def _is_word(c: str) -> bool:
    return c.isalnum()


def _boundary_before(text: str, folded: Folded, start: int) -> bool:
    """The match does not begin inside a word — unless at a capital after a small letter
    (``TheWilliams``)."""
    if start == 0 or not _is_word(folded.text[start - 1]):
        return True
    first = text[folded.starts[start]]
    previous = text[folded.starts[start - 1]]
    return first.isupper() and previous.islower()


def _boundary_after(text: str, folded: Folded, end: int) -> bool:
    """The match does not end inside a word — unless a capital follows a small letter
    (``WilliamsFamily``)."""
    if end >= len(folded.text) or not _is_word(folded.text[end]):
        return True
    nxt = text[folded.starts[end]]
    last = text[folded.starts[end - 1]]
    return nxt.isupper() and last.islower()
