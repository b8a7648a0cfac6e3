"""Cells that stay text: nothing a case says becomes a spreadsheet formula (OWASP, "CSV
injection").

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, after a
tab or carriage return, whatever follows) as a formula: a case summary written as
``=HYPERLINK("http://…?"&A1, "…")`` would send the sheet's contents away when counsel opens
the file. In CSV such a cell gets OWASP's leading apostrophe; in a workbook it is stored as a
string with Excel's quote prefix, so even editing the cell keeps it text.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

__all__ = ["FORMULA_START", "csv_cell", "starts_like_formula"]

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


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: text that a spreadsheet would run gets a leading apostrophe;
    numbers, booleans and other text are left as they are."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value
