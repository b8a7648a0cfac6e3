"""``import_spreadsheet``: a chronology kept in a spreadsheet, as case-file text proven to
load — or every problem, each at its cell."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_bytes_new
from ..errors import CasefileError, Problem, display_path
from ..model.load import check_case_text
from ..model.registry import load_registry
from ..model.vocabulary import load_vocabulary
from .build import Built, build_case
from .reading import Cell, Sheet, Spreadsheet, read_spreadsheet
from .yaml_text import case_yaml

__all__ = ["Imported", "SpreadsheetError", "import_spreadsheet", "write_new_case"]


class SpreadsheetError(CasefileError):
    """A spreadsheet cannot become a case file; ``problems`` names every cell at fault."""


@dataclass(frozen=True)
class Imported:
    text: str  # the case file
    notes: list[str]  # what was read otherwise than written (dates), to show the author


def import_spreadsheet(path: str | Path, *, case_id: str | None = None,
                       companions: dict[str, str | Path] | None = None,
                       output: str | Path = "new.yaml") -> Imported:
    """Read a ``.xlsx`` workbook (or a ``.csv`` chronology, with the other sheets as
    ``companions``: {"Sources": path, …}) and return the case file it makes, validated as
    ``output`` would be; raise :class:`SpreadsheetError` with every problem."""
    book = read_spreadsheet(path)
    for name, other in (companions or {}).items():
        extra = read_spreadsheet(other, sheet_for_csv=name)
        book.problems += extra.problems
        book.sheets.update(extra.sheets)
    if book.problems and not book.sheets:
        raise SpreadsheetError(book.problems)
    if not case_id and "case" not in book.sheets:
        stem = re.sub(r"[^a-z0-9]+", "-", Path(output).stem.casefold()).strip("-")
        case_id = stem or None
    built = build_case(book, load_vocabulary(), load_registry(), case_id)
    problems = [*book.problems, *built.problems]
    header = (f"Imported from {Path(str(book.path)).name} by `casebook import`. Check every "
              "`unknown`\nand every comment, then run `casebook validate` on this file.")
    text = case_yaml(built.data, built.comments, built.above, header, output)
    shown = display_path(output)
    # The case file's own checks run even when cells were refused, so that every problem
    # is told at once; a cell already refused is not told twice.
    cells_at_fault = {(p.path, p.line, p.column) for p in problems}
    for problem in check_case_text(text, shown):
        located = _at_cell(problem, built, book)
        if (located.path, located.line, located.column) not in cells_at_fault:
            problems.append(located)
    if problems:
        raise SpreadsheetError(problems)
    return Imported(text, built.notes)


def _at_cell(problem: Problem, built: Built, book: Spreadsheet) -> Problem:
    """A problem of the generated file, told at the cell its field came from."""
    field = problem.field
    while field:
        origin = built.origins.get(field)
        if isinstance(origin, Cell):
            return origin.problem(f"{_field_name(problem.field)}{problem.message}",
                                  problem.suggestion)
        if isinstance(origin, Sheet):
            return origin.place().with_message(f"{problem.field}: {problem.message}",
                                               problem.suggestion)
        field = re.sub(r"(\[\d+\]|\.[^.\[]+)$", "", field) if re.search(
            r"(\[\d+\]|\.[^.\[]+)$", field) else ""
    return Problem(book.path, 0, 0, problem.field, problem.message, problem.suggestion)


def _field_name(field: str) -> str:
    """The part of a field path worth repeating at a cell: a fact's name."""
    m = re.search(r"\.facts\.([^.\[]+)", field)
    return f"{m[1]}: " if m else ""


def write_new_case(text: str, output: str | Path) -> Path:
    """Write the case file, never over an existing file (:class:`FileExistsError`)."""
    out = Path(output)
    write_bytes_new(out, text.encode("utf-8"))
    return out

