"""Cells that stay text: nothing a case says becomes a spreadsheet formula (OWASP, "CSV
injection").

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, after a
tab or carriage return, whatever follows) as a formula: a case summary written as
``=HYPERLINK("http://…?"&A1, "…")`` would send the sheet's contents away when counsel opens
the file. In CSV such a cell gets OWASP's leading apostrophe; in a workbook it is stored as a
string with Excel's quote prefix, so even editing the cell keeps it text.
"""

from __future__ import annotations

import re
from typing import Any

from ..intake.formulas import FORMULA_START, starts_like_formula

__all__ = ["FORMULA_START", "csv_cell", "starts_like_formula", "xml_text"]

#: The control characters XML 1.0 cannot hold (tab, line feed and carriage return it can).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: text that a spreadsheet would run gets a leading apostrophe;
    numbers, booleans and other text are left as they are."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


def xml_text(value: Any) -> str:
    """``value`` as text an Office file can hold: the control characters XML forbids
    dropped (a workbook or document holding one does not open)."""
    return _NOT_XML.sub("", str(value))
