"""Intake: case files from what people already keep — a chronology in a spreadsheet — and a
starter file to write one by hand.

Above the model and below everything else: the importer produces case-file *text* and proves
it with the model's own validation (:func:`casebook.model.load.check_case_text`), each problem
told at the spreadsheet cell it came from.
"""

from __future__ import annotations

from .importer import Imported, SpreadsheetError, import_spreadsheet, write_new_case
from .starter import starter_case

__all__ = ["Imported", "SpreadsheetError", "import_spreadsheet", "starter_case",
           "write_new_case"]
