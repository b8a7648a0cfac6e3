"""From a spreadsheet's sheets to the content of a case file, every cell remembered.

The builder reads the sheets of :mod:`.layout` into the mapping a case file holds, and keeps,
for every field it writes, the cell it came from. The case file's own validation then judges
the result (:func:`casebook.model.load.check_case_text`), and each of its problems is told at
the cell that caused it — ``chronology.xlsx:Events!C14: type: unknown event type …``.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import FieldPath, Problem, suggest
from ..model.casefile import SECTIONS
from ..model.integrity import is_slug
from ..model.registry import Registry
from ..model.vocabulary import Vocabulary
from .accounts import AccountsReader
from .cells import ids_of, split_claims
from .layout import (
    ACTORS,
    CASE,
    EVENTS,
    EVIDENCE,
    EXERCISES,
    REDACTED_MARK,
    SHEETS,
    SOURCES,
    SheetLayout,
    header_key,
)
from .reading import Cell, Spreadsheet
from .sheet_reader import Built

__all__ = ["Built", "build_case"]

_CASE_KEYS = ("id", "title", "jurisdiction", "summary", "state", "country", "tags")


class _Builder(AccountsReader):
    def build(self) -> Built:
        if not self.unknown_sheets():
            return self.out
        self.case_info()
        self.data_section(SOURCES, "sources")
        self.data_section(ACTORS, "actors")
        self.data_section(EVIDENCE, "evidence")
        self.events()
        self.claims()
        self.registry_actors()
        self.exercises()
        return self.out

    def unknown_sheets(self) -> bool:
        """Every sheet is one the layout knows (False: not a case workbook at all)."""
        known = {header_key(s.name) for s in SHEETS} | {"read_me"}
        if "chronology" in self.book.sheets and "events" not in self.book.sheets:
            self.out.problems.append(self.book.sheets["chronology"].place().with_message(
                "this is a report's workbook, laid out for reading: names stand for ids and "
                "citations for sources, so it cannot become a case file; export the case "
                "with `casebook export CASE --to xlsx` (or import case.xlsx, which "
                "`casebook report` writes beside this one) for a workbook to edit and import"))
            return False
        for key, sheet in self.book.sheets.items():
            if key not in known:
                self.out.problems.append(sheet.place().with_message(
                    f"unknown sheet {sheet.name!r}; a case workbook has the sheets "
                    f"{', '.join(s.name for s in SHEETS)} (and Read me, which is not read)",
                    suggest(sheet.name, [s.name for s in SHEETS])))
        return True

    def case_info(self) -> None:
        info: dict[str, Any] = {}
        sheet = self.sheet(CASE)
        for row in sheet.rows if sheet else []:
            key_cell, value_cell = row.get("key"), row.get("value")
            if key_cell is None:
                continue
            key = header_key(key_cell.text)
            if key == REDACTED_MARK:
                self.fail(key_cell, "this workbook is redacted: it hides who is who, and cannot "
                          "become a case file again; import the workbook exported without "
                          "--redact")
                continue
            if key not in _CASE_KEYS:
                self.fail(key_cell, f"unknown case key {key_cell.text!r}; expected one of: "
                          f"{', '.join(_CASE_KEYS)}", suggest(key, _CASE_KEYS))
                continue
            if value_cell is None:
                continue
            value: Any = value_cell.text
            if key == "tags":
                value = ids_of(value_cell)
            info[key] = value
            self.at(("case", key), value_cell)
        if self.case_id:
            info["id"] = self.case_id
        for key in ("id", "title", "jurisdiction", "summary"):
            if key not in info:
                info[key] = "unknown"
                self.out.comments[("case", key)] = "fill in: the spreadsheet does not say"
        self.out.data["case"] = {k: info[k] for k in _CASE_KEYS if k in info}
        if sheet:
            self.at(("case",), sheet)

    def data_section(self, layout: SheetLayout, section: str) -> None:
        sheet = self.sheet(layout)
        items: dict[str, Any] = {}
        no_ids = sheet is not None and all(header_key(h.text) != "id" for h in sheet.headers)
        for row in sheet.rows if sheet and not no_ids else []:
            id_cell = row.get("id")
            if id_cell is None:
                first = next(iter(row.values()))
                self.fail(first, f"a {layout.name} row without an id: give it a lower-case "
                          "id (e.g. `detroit-news-2020-06-24`)")
                continue
            sid = id_cell.text
            if sid in items:
                self.fail(id_cell, f"{sid!r} appears twice on the {layout.name} sheet")
                continue
            at: FieldPath = (section, sid)
            self.at(at, id_cell)
            item = self.row_fields(layout, row, at)
            if section == "sources":
                for key in ("title", "publisher"):
                    if key not in item:
                        item[key] = "unknown"
                        self.out.comments[(*at, key)] = "fill in: the sheet does not say"
            if section == "actors" and "ref" not in item and "kind" not in item \
                    and sid in self.registry.actors:
                item["ref"] = sid
            items[sid] = item
        if items or section == "sources":
            self.out.data[section] = items

    def events(self) -> None:
        sheet = self.sheet(EVENTS)
        events: list[dict[str, Any]] = []
        by_id: dict[str, tuple[int, Cell]] = {}
        if sheet is None:
            self.out.problems.append(Problem(self.book.path, 0, 0, "",
                                             "no Events sheet: the events of a case are one "
                                             "row each on a sheet named Events"))
            self.out.data["events"] = events
            return
        made: set[str] = set()
        for row in sheet.rows:
            id_cell = row.get("id")
            eid = id_cell.text if id_cell else self.made_id(row, made)
            if eid in by_id and id_cell is not None:
                self.competing(events[by_id[eid][0]], by_id[eid][0], row)
                continue
            n = len(events)
            first = id_cell or next(iter(row.values()))
            at: FieldPath = ("events", n)
            self.at(at, first)
            event: dict[str, Any] = {"id": eid}
            self.at((*at, "id"), first)
            if id_cell is None:
                self.out.comments[(*at, "id")] = "made from the summary"
            item = self.row_fields(EVENTS, row, at)
            when = row.get("when")
            if when is not None:
                parts = split_claims(when)
                values = [self.date(when, part, (*at, "when") if len(parts) == 1
                                    else (*at, "when", j)) for j, part in enumerate(parts)]
                # a refused date stays as written: the case file's own check then names
                # everything else wrong with the event (told once, at this cell)
                item["when"] = [{"value": v if v is not None else str(part)}
                                for v, part in zip(values, parts, strict=True)]
                self.at((*at, "when"), when)
            if "where" in row:
                item["where"] = [{"value": p} for p in split_claims(row["where"])]
                self.at((*at, "where"), row["where"])
            for key in ("when", "type", "summary"):
                if key not in item and not (key == "when" and when is not None):
                    if key == "summary":
                        item["summary"] = "unknown"
                        self.out.comments[(*at, "summary")] = "fill in: what happened"
                    else:
                        self.fail(first, f"event {eid!r} has no {key!r}: "
                                  f"{EVENTS.column(key).meaning}")  # type: ignore[union-attr]
            event.update(item)
            by_id[eid] = (n, first)
            events.append(event)
            self.out.above[at] = f"from line {first.row}" if sheet.csv \
                else f"from {sheet.name} row {first.row}"
        if not events:
            self.out.problems.append(sheet.place().with_message(
                f"the {sheet.name} sheet has no events: one row per event, under the header "
                "row"))
        self.out.data["events"] = events

    def made_id(self, row: dict[str, Cell], made: set[str]) -> str:
        words = re.findall(r"[a-z0-9]+", (row["what"].text if "what" in row else "event")
                           .casefold())
        base = "-".join(words[:5]) or "event"
        eid, n = base, 2
        while eid in made:
            eid, n = f"{base}-{n}", n + 1
        made.add(eid)
        return eid

    def registry_actors(self) -> None:
        """Actors named by a shared registry id and not on the Actors sheet become
        references to the registry entry."""
        actors = self.out.data.setdefault("actors", {})
        named: set[str] = set()
        for event in self.out.data.get("events", []):
            for ids in (event.get("participants") or {}).values():
                named.update(ids)
        for item in self.out.data.get("evidence", {}).values():
            named.update(item.get("implicates", []))
            if item.get("held_by"):
                named.add(item["held_by"])
        for aid in sorted(named - set(actors)):
            if aid in self.registry.actors:
                actors[aid] = {"ref": aid}
                self.out.comments[("actors", aid)] = "from the shared registry"
        if not actors:
            del self.out.data["actors"]

    def exercises(self) -> None:
        sheet = self.sheet(EXERCISES)
        out: list[dict[str, Any]] = []
        for row in sheet.rows if sheet else []:
            at: FieldPath = ("exercises", len(out))
            self.at(at, next(iter(row.values())))
            item = {}
            for key, cell in row.items():
                col = EXERCISES.column(key)
                if col is None:
                    continue
                item[col.yaml_key] = ids_of(cell) if col.kind == "list" else cell.text
                self.at((*at, col.yaml_key), cell)
            out.append(item)
        if out:
            self.out.data["exercises"] = out


def build_case(book: Spreadsheet, vocab: Vocabulary, registry: Registry,
               case_id: str | None = None) -> Built:
    """The case file's content from a spreadsheet, with the cell behind every field."""
    built = _Builder(book, vocab, registry, case_id).build()
    _in_file_order(built.data)
    if case_id is not None and not is_slug(case_id):
        built.problems.append(Problem(book.path, 0, 0, "", f"case id {case_id!r} is not a "
                                      "lower-case slug (letters, digits, hyphens)"))
    return built


def _in_file_order(data: dict[str, Any]) -> None:
    """Each item's keys in the order of its model's fields, as a person writes them."""
    for section, (shape, model) in SECTIONS.items():
        order = list(model.model_fields)
        items = data.get(section)
        if not items:
            continue
        values = items if shape == "list" else list(items.values())
        for item in values:
            ordered = sorted(item, key=lambda k: order.index(k) if k in order else len(order))
            for key in ordered:
                item[key] = item.pop(key)
