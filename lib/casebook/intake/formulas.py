"""What a spreadsheet program runs as a formula — known where cells are read (the importer
removes the apostrophe a CSV export put before such a cell) and where they are written
(:mod:`casebook.exports.cells` puts it there)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["FORMULA_START", "starts_like_formula", "without_guard"]

#: First characters that make a spreadsheet read a cell as a formula (with their full-width
#: forms, which some programs fold to the same).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def starts_like_formula(text: str) -> bool:
    """Would a spreadsheet program read ``text``, typed into a cell, as a formula?"""
    return _formula_head(text[:1])


@lru_cache(maxsize=4096)
def _formula_head(first: str) -> bool:
    """The answer for a first character, normalized once (a findings table of thousands of
    cases asks millions of times)."""
    head = unicodedata.normalize("NFKC", first)
    return bool(head) and head[0] in FORMULA_START


def without_guard(text: str) -> str:
    """A CSV cell as it was before export: OWASP's leading apostrophe, put before text a
    spreadsheet would run, taken off again (any other apostrophe stays)."""
    if text.startswith("'") and starts_like_formula(text[1:]):
        return text[1:]
    return text
