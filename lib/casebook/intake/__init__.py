"""Intake: case files from what people already keep — a chronology in a spreadsheet — and a
starter file to write one by hand.

Above the model and below everything else: the importer produces case-file *text* and proves
it with the model's own validation (:func:`casebook.model.load.check_case_text`), each problem
told at the spreadsheet cell it came from. The names below are imported on first use, so that
reading the layout (:mod:`.layout`, which the exports share) costs nothing more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .importer import Imported, SpreadsheetError, import_spreadsheet, write_new_case
    from .starter import starter_case

__all__ = ["Imported", "SpreadsheetError", "import_spreadsheet", "starter_case",
           "write_new_case"]


def __getattr__(name: str) -> Any:
    if name == "starter_case":
        from .starter import starter_case

        return starter_case
    if name in __all__:
        from . import importer

        return getattr(importer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
