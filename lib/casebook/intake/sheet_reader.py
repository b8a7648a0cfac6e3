"""Reading the rows of a sheet as a case file holds them, every field's cell remembered.

The bookkeeping the builder (:mod:`.build`) stands on: which cell each field of the case file
came from (so a problem found later is told at that cell), the comments and notes for the
author, and the conversion of a row's cells by their column's kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import FieldPath, Problem, format_field, suggest
from ..model.registry import Registry
from ..model.vocabulary import Vocabulary
from .cells import (
    CellError,
    bool_of,
    fact_kind,
    fact_value,
    ids_of,
    pairs_of,
    sources_of,
    split_claims,
    who_of,
)
from .layout import ACTORS, EVENTS, EVIDENCE, SheetLayout, header_key
from .reading import Cell, Sheet, Spreadsheet
from .written_dates import WrittenDateError, edtf_of

__all__ = ["Built", "SheetReader"]


@dataclass
class Built:
    """The case file's content, where each field came from, and what to tell the author."""

    data: dict[str, Any]
    origins: dict[str, Cell | Sheet] = field(default_factory=dict)  # by format_field(path)
    comments: dict[FieldPath, str] = field(default_factory=dict)
    above: dict[FieldPath, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class SheetReader:
    """Rows to case-file fields, each remembered with its cell."""

    def __init__(self, book: Spreadsheet, vocab: Vocabulary, registry: Registry,
                 case_id: str | None) -> None:
        self.book = book
        self.vocab = vocab
        self.registry = registry
        self.case_id = case_id
        self.out = Built({"casebook": 1})

    # -- bookkeeping ----------------------------------------------------------------------
    def at(self, path: FieldPath, origin: Cell | Sheet) -> None:
        self.out.origins.setdefault(format_field(path), origin)

    def fail(self, cell: Cell, message: str, suggestion: str | None = None) -> None:
        self.out.problems.append(cell.problem(message, suggestion))

    def sheet(self, layout: SheetLayout) -> Sheet | None:
        sheet = self.book.sheets.get(header_key(layout.name))
        if sheet is None:
            return None
        known = [c.key for c in layout.columns]
        facts = list(self.vocab.facts) if layout in (EVENTS, ACTORS, EVIDENCE) else []
        canonical: dict[str, str] = {}
        for h in sheet.headers:
            key = header_key(h.text)
            col = layout.column(key)
            if col is not None and col.key != key:
                if col.key in canonical.values() or col.key in \
                        {header_key(o.text) for o in sheet.headers}:
                    self.fail(h, f"column {h.text!r} is another name for {col.name!r}, "
                              "which the sheet already has: keep one")
                    continue
                canonical[key] = col.key
            elif key and key not in known and key not in facts:
                what = " or a fact name" if facts else ""
                self.fail(h, f"unknown column {h.text!r}; the {layout.name} sheet has: "
                          f"{', '.join(known)}{what}", suggest(key, [*known, *facts]))
        if canonical:
            sheet.rows = [{canonical.get(k, k): c for k, c in row.items()}
                          for row in sheet.rows]
        present = {canonical.get(k, k) for k in (header_key(h.text) for h in sheet.headers)}
        for col in layout.columns:
            if col.required and col.key not in present and sheet.rows:
                self.out.problems.append(sheet.place().with_message(
                    f"the {layout.name} sheet has no {col.name!r} column ({col.meaning})"))
        return sheet

    def date(self, cell: Cell, value: Any = None, at: FieldPath | None = None) -> str | None:
        raw = cell.value if value is None else value
        try:
            edtf = edtf_of(raw)
        except WrittenDateError as err:
            self.fail(cell, err.message, err.suggestion)
            return None
        written = " ".join(str(raw).split())
        if written != edtf:
            self.out.notes.append(str(cell.problem(f"{written!r} read as {edtf}")))
            if at is not None:
                self.out.comments[at] = f"written {written!r}"
        return edtf

    def convert(self, cell: Cell, fn: Callable[[Cell], Any]) -> Any:
        try:
            return fn(cell)
        except CellError as err:
            self.fail(cell, err.message, err.suggestion)
            return None

    # -- sections -------------------------------------------------------------------------
    def row_fields(self, layout: SheetLayout, row: dict[str, Cell], at: FieldPath
             ) -> dict[str, Any]:
        """The columns of one row, converted by their kind; facts gathered."""
        item: dict[str, Any] = {}
        facts: dict[str, list[Any]] = {}
        for key, cell in row.items():
            col = layout.column(key)
            if col is None:
                if key in self.vocab.facts:
                    self.fact_cell(facts, key, cell, (*at, "facts", key))
                continue
            if key == "id" or (layout is EVENTS and key in ("when", "where")):
                continue
            if key == "facts":
                for name, text in self.convert(cell, pairs_of) or []:
                    self.fact_cell(facts, name, cell, (*at, "facts", name), text)
                continue
            target = (*at, col.yaml_key)
            value: Any
            if col.kind == "list":
                value = ids_of(cell)
            elif col.kind == "bool":
                value = self.convert(cell, bool_of)
            elif col.kind == "date":
                value = self.date(cell)
            elif col.kind == "sources":
                value = self.convert(cell, sources_of)
            elif col.kind == "who":
                value = self.convert(cell, who_of)
            else:
                value = cell.value if isinstance(cell.value, bool | int) else cell.text
            if value is None:
                continue
            item[col.yaml_key] = value
            self.at(target, cell)
        if facts:
            item["facts"] = facts
        return item

    def fact_cell(self, facts: dict[str, list[Any]], name: str, cell: Cell, at: FieldPath,
                  value: Any = None) -> None:
        raw = cell.value if value is None else value
        parts = split_claims(Cell(cell.path, cell.sheet, cell.row, cell.column, cell.header,
                                  raw))
        for part in parts:
            try:
                converted = fact_value(part, fact_kind(self.vocab, name), cell)
            except CellError as err:
                named = "" if header_key(cell.header) == name else f"{name}: "
                self.fail(cell, f"{named}{err.message}", err.suggestion)
                continue
            facts.setdefault(name, []).append({"value": converted})
        self.at(at, cell)
