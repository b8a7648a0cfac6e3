"""Competing accounts: a further row of the same event, and the Claims sheet — each claim
with its own sources, so that a fact whose sources disagree is recorded as disputed."""

from __future__ import annotations

from typing import Any

from ..errors import FieldPath, format_field, suggest
from .cells import CellError, fact_kind, fact_value, pairs_of, sources_of, split_claims
from .layout import CLAIMS, EVENTS, header_key
from .reading import Cell
from .sheet_reader import SheetReader

__all__ = ["AccountsReader"]

_CLAIM_KEYS = ("sources", "account", "confidence", "rejected", "known_from", "note")
_OWNERS = {"event": "events", "evidence": "evidence", "actor": "actors"}


class AccountsReader(SheetReader):
    """Claims beyond an owner's own row."""

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
