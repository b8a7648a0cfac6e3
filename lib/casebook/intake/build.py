"""From a spreadsheet's sheets to the content of a case file, every cell remembered.

The builder reads the sheets of :mod:`.layout` into the mapping a case file holds, and keeps,
for every field it writes, the cell it came from. The case file's own validation then judges
the result (:func:`casebook.model.load.check_case_text`), and each of its problems is told at
the cell that caused it — ``chronology.xlsx:Events!C14: type: unknown event type …``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import FieldPath, Problem, format_field, suggest
from ..model.casefile import SECTIONS
from ..model.integrity import is_slug
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
from .layout import (
    ACTORS,
    CASE,
    CLAIMS,
    EVENTS,
    EVIDENCE,
    EXERCISES,
    REDACTED_MARK,
    SHEETS,
    SOURCES,
    SheetLayout,
    header_key,
)
from .reading import Cell, Sheet, Spreadsheet
from .written_dates import WrittenDateError, edtf_of

__all__ = ["Built", "build_case"]

_CASE_KEYS = ("id", "title", "jurisdiction", "summary", "state", "country", "tags")
_CLAIM_KEYS = ("sources", "account", "confidence", "rejected", "known_from", "note")
_OWNERS = {"event": "events", "evidence": "evidence", "actor": "actors"}


@dataclass
class Built:
    """The case file's content, where each field came from, and what to tell the author."""

    data: dict[str, Any]
    origins: dict[str, Cell | Sheet] = field(default_factory=dict)  # format_field(path) ->
    comments: dict[FieldPath, str] = field(default_factory=dict)
    above: dict[FieldPath, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Builder:
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

    def _row(self, layout: SheetLayout, row: dict[str, Cell], at: FieldPath
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
            item = self._row(layout, row, at)
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
            item = self._row(EVENTS, row, at)
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

    def competing(self, event: dict[str, Any], n: int, row: dict[str, Cell]) -> None:
        """A further row of the same event: its date, place and facts are claims cited to
        its own sources; anything else must agree with the first row."""
        at: FieldPath = ("events", n)
        extras: dict[str, Any] = {}
        for key in ("sources", "account", "confidence", "note"):
            if key in row:
                value = self.convert(row[key], sources_of) if key == "sources" \
                    else row[key].text
                if value:
                    extras[key] = value
        for key, cell in row.items():
            if key in ("id", "sources", "account", "confidence", "note"):
                continue
            if key == "when":
                for part in split_claims(cell):
                    claims = event.setdefault("when", [])
                    if len(claims) == 1 and (*at, "when") in self.out.comments:
                        self.out.comments[(*at, "when", 0)] = \
                            self.out.comments.pop((*at, "when"))
                    value = self.date(cell, part, (*at, "when", len(claims)))
                    if value is not None:
                        event.setdefault("when", []).append({"value": value, **extras})
                self.at((*at, "when", len(event.get("when", [])) - 1), cell)
            elif key == "where":
                event.setdefault("where", []).extend(
                    {"value": p, **extras} for p in split_claims(cell))
            elif key in self.vocab.facts or key == "facts":
                pairs = [(key, cell.value)] if key != "facts" else \
                    (self.convert(cell, pairs_of) or [])
                for name, value in pairs:
                    facts: dict[str, list[Any]] = {}
                    self.fact_cell(facts, name, cell, (*at, "facts", name), value)
                    for claim in facts.get(name, []):
                        event.setdefault("facts", {}).setdefault(name, []).append(
                            {**claim, **extras})
            else:
                col = EVENTS.column(key)
                field_name = col.yaml_key if col else key
                if str(event.get(field_name, "")) != cell.text:
                    self.fail(cell, f"a further row of event {event['id']!r} adds competing "
                              "accounts only (when, where, facts, with their sources): "
                              f"write {key!r} on the event's first row")

    def claims(self) -> None:
        """The Claims sheet: each row one account of a fact, with its own sources."""
        sheet = self.sheet(CLAIMS)
        if sheet is None:
            return
        events = {e["id"]: (n, e) for n, e in enumerate(self.out.data.get("events", []))}
        given: dict[tuple[str, ...], list[Any]] = {}
        shown: dict[tuple[str, ...], tuple[list[Any], FieldPath]] = {}
        for row in sheet.rows:
            about, fact = row.get("about"), row.get("fact")
            if about is None or fact is None or "value" not in row:
                first = next(iter(row.values()))
                self.fail(first, "a claim needs `about` (event ID, evidence ID or actor ID), "
                          "`fact` and `value`")
                continue
            kind, _, oid = about.text.partition(" ")
            section = _OWNERS.get(kind.casefold())
            oid = oid.strip()
            owner: dict[str, Any] | None
            at: FieldPath
            if section == "events":
                found = events.get(oid)
                owner, at = (found[1], ("events", found[0])) if found else (None, ())
            elif section:
                owner = self.out.data.get(section, {}).get(oid)
                at = (section, oid)
            else:
                self.fail(about, f"{about.text!r}: write `event ID`, `evidence ID` or "
                          "`actor ID`")
                continue
            if owner is None:
                known = [e for e in events] if section == "events" \
                    else list(self.out.data.get(section, {}))
                self.fail(about, f"no {kind} {oid!r} on its sheet", suggest(oid, known))
                continue
            name = header_key(fact.text)
            claim: dict[str, Any] = {}
            value_cell = row["value"]
            if name in ("when", "where") and section == "events":
                claim["value"] = self.date(value_cell) if name == "when" else value_cell.text
                target: FieldPath = (*at, name)
            else:
                try:
                    claim["value"] = fact_value(value_cell.value,
                                                fact_kind(self.vocab, name), value_cell)
                except CellError as err:
                    self.fail(value_cell, err.message, err.suggestion)
                    continue
                target = (*at, "facts", name)
            if claim["value"] is None:
                continue
            for key in _CLAIM_KEYS:
                if key in row:
                    cell = row[key]
                    claim[key] = (self.convert(cell, sources_of) if key == "sources" else
                                  self.date(cell) if key == "known_from" else cell.text)
            key_of = (oid, *map(str, target))
            container = owner if target[-2] != "facts" else owner.setdefault("facts", {})
            if key_of not in given and container.get(str(target[-1])) is not None:
                shown[key_of] = (container[str(target[-1])], target)
            given.setdefault(key_of, []).append(claim)
            container[str(target[-1])] = given[key_of]
            self.at((*target, len(given[key_of]) - 1), value_cell)
        self._shown_agrees(shown, given)

    def _shown_agrees(self, shown: dict[tuple[str, ...], tuple[list[Any], FieldPath]],
                      given: dict[tuple[str, ...], list[Any]]) -> None:
        """A date or place given as claims may also be shown on the event's own row, as the
        export writes it: the live values joined by `` | ``. A fact is given in one place."""
        for key_of, (before, target) in shown.items():
            origin = self.out.origins.get(format_field(target))
            live = [c["value"] for c in given[key_of] if not c.get("rejected")]
            same = target[-1] in ("when", "where") and \
                sorted(map(str, live)) == sorted(str(c["value"]) for c in before)
            if not same and isinstance(origin, Cell):
                self.fail(origin, f"{target[-1]!r} is given here and as claims on the Claims "
                          "sheet, and they differ: keep it in one place")

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
