"""``xlsx`` and ``csv`` of a whole case: the case as the spreadsheet layout the importer reads
(:mod:`casebook.intake.layout`) — Case, Events, Sources, Actors, Evidence, Claims, Exercises —
so it can be edited in a spreadsheet program and imported back with ``casebook import``.

A fact or date of one bare value is a cell on its owner's row (``facts``: ``name=value``);
one that carries its own sources, account or note, or that sources dispute, is one row per
claim on the Claims sheet (a disputed date is also shown on the event's row, its accounts
joined by `` | ``). Sources keep their pinpoints (``id {page: 12}``). A redacted case says so
on its Case sheet, and the importer refuses it. The template (``casebook new --xlsx``) is the
same workbook with no rows and a Read me sheet saying what each column holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_bytes_atomic, write_text_atomic
from ..intake.layout import REDACTED_MARK, SHEETS
from .csv_tables import table_csv
from .registry import register_case
from .tables import Table, TableSet
from .xlsx_workbook import xlsx_bytes

if TYPE_CHECKING:
    from ..model.casefile import Claim
    from .case_export import CaseExport

__all__ = ["case_tables", "template_bytes"]

_UNSAFE_IN_CELL = re.compile(r"[;\n=|{}]")


def _flow(value: Any) -> str:
    import yaml

    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9,
                          sort_keys=False).strip()
    return text.removesuffix("...").strip()


def sources_cell(refs: Iterable[str]) -> str:
    """Cited sources, one a line, a pinpoint in braces."""
    lines = []
    for ref in refs:
        pin = getattr(ref, "pin", None)  # a SourceRef cited with a pinpoint
        if pin is None:
            lines.append(str(ref))
        else:
            rest = pin.model_dump(exclude_none=True)
            rest.pop("id", None)
            lines.append(f"{ref} {_flow(rest)}")
    return "\n".join(lines)


def _bare(claims: Sequence[Claim]) -> bool:
    """One claim that is only a value, which a cell can hold as written."""
    if len(claims) != 1:
        return False
    c = claims[0]
    if c.sources or any(getattr(c, k) is not None for k in
                        ("account", "confidence", "note", "rejected", "known_from")):
        return False
    return not (isinstance(c.value, str) and _UNSAFE_IN_CELL.search(c.value))


def _value(value: Any) -> Any:
    return ", ".join(value) if isinstance(value, list) else value


def _pair_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(_value(value))


def _claim_rows(about: str, fact: str, claims: Sequence[Claim]) -> list[dict[str, Any]]:
    return [{"about": about, "fact": fact, "value": _value(c.value),
             "sources": sources_cell(c.sources), "account": c.account,
             "confidence": c.confidence, "rejected": c.rejected,
             "known_from": None if c.known_from is None else str(c.known_from),
             "note": c.note} for c in claims]


def _facts(about: str, facts: dict[str, list[Claim]], claims: list[dict[str, Any]]) -> str:
    """The owner's bare facts as ``name=value`` lines; the others go to the Claims rows."""
    pairs = []
    for name, values in facts.items():
        if _bare(values):
            pairs.append(f"{name}={_pair_value(values[0].value)}")
        else:
            claims += _claim_rows(about, name, values)
    return "\n".join(pairs)


def case_tables(source: CaseExport) -> TableSet:
    """The case in the importer's layout, a table per sheet."""
    case = source.case
    file = case.file
    claims: list[dict[str, Any]] = []
    info = file.case
    rows: dict[str, list[dict[str, Any]]] = {s.name: [] for s in SHEETS}
    rows["Case"] = [{"key": k, "value": v} for k, v in (
        ("id", info.id), ("title", info.title), ("jurisdiction", info.jurisdiction),
        ("summary", info.summary), ("state", info.state), ("country", info.country),
        ("tags", ", ".join(info.tags))) if v]
    if source.redacted:
        rows["Case"].append({"key": REDACTED_MARK, "value": "yes: private persons are named "
                             "by role and ids that name them are aliased; this workbook "
                             "cannot be imported back"})
    for sid, src in file.sources.items():
        rows["Sources"].append({"id": sid, **{k: (None if v is None else str(v))
                                              for k, v in src.model_dump().items()}})
    for aid, actor in file.actors.items():
        data = actor.model_dump(exclude={"facts", "sources"})
        data["roles"] = ", ".join(actor.roles)
        data["private"] = actor.private or None
        data["minor"] = actor.minor or None
        rows["Actors"].append({"id": aid, **data, "sources": sources_cell(actor.sources),
                               "facts": _facts(f"actor {aid}", actor.facts, claims)})
    for eid, item in file.evidence.items():
        rows["Evidence"].append({
            "id": eid, "kind": item.kind, "label": item.label, "summary": item.summary,
            "derived_from": ", ".join(item.derived_from),
            "implicates": ", ".join(item.implicates), "held_by": item.held_by,
            "sources": sources_cell(item.sources),
            "facts": _facts(f"evidence {eid}", item.facts, claims), "note": item.note})
    for ev in file.events:
        about = f"event {ev.id}"
        row: dict[str, Any] = {"id": ev.id}
        for name, value in (("when", ev.when), ("where", ev.where)):
            if not value:
                continue
            if _bare(value):
                row[name] = str(value[0].value)
            else:
                claims += _claim_rows(about, name, value)
                row[name] = " | ".join(str(c.value) for c in value if not c.rejected)
        row.update({
            "type": ev.type, "what": ev.summary, "label": ev.label,
            "who": "\n".join(f"{role}: {', '.join(ids)}"
                             for role, ids in ev.participants.items()),
            "uses": ", ".join(ev.uses), "produces": ", ".join(ev.produces),
            "follows": ", ".join(ev.follows), "sources": sources_cell(ev.sources),
            "account": ev.account, "confidence": ev.confidence,
            "context": True if ev.context else None,
            "facts": _facts(about, ev.facts, claims), "note": ev.note})
        rows["Events"].append(row)
    rows["Claims"] = claims
    if source.viewer.sees("model-answers"):
        rows["Exercises"] = [{"id": x.id, "at": x.at, "question": x.question,
                              "answer": x.answer, "rules": ", ".join(x.rules), "hint": x.hint}
                             for x in file.exercises]
    return _tableset(rows, case.id, source.meta())


def _tableset(rows: dict[str, list[dict[str, Any]]], name: str, meta: dict[str, Any]
              ) -> TableSet:
    tables = {}
    for sheet in SHEETS:
        columns = [c.key for c in sheet.columns]
        tables[sheet.name.lower()] = Table.of(columns, rows.get(sheet.name, []))
    return TableSet(tables, workbook=name, meta=meta)


def _headers() -> dict[str, str]:
    return {c.key: c.name for s in SHEETS for c in s.columns}


def _read_me() -> Table:
    rows = []
    for sheet in SHEETS:
        rows.append({"sheet": sheet.name, "column": "", "required": "",
                     "what it holds": sheet.meaning})
        rows += [{"sheet": sheet.name, "column": c.name, "required": "yes" if c.required
                  else "", "what it holds": c.meaning} for c in sheet.columns]
    return Table.of(["sheet", "column", "required", "what it holds"], rows)


def template_bytes(case_id: str) -> bytes:
    """The empty workbook to start a case in (``casebook new --xlsx``): the case's id on the
    Case sheet, a header row on every other, and a Read me sheet."""
    rows: dict[str, list[dict[str, Any]]] = {"Case": [
        {"key": "id", "value": case_id}, {"key": "title"}, {"key": "jurisdiction"},
        {"key": "summary"}, {"key": "state"}, {"key": "tags"}]}
    tables = _tableset(rows, case_id, {})
    return xlsx_bytes(TableSet({"read_me": _read_me(), **tables.tables},
                               workbook=case_id), _headers())


@register_case("xlsx", "an Excel workbook in the import layout: edit it, import it back",
               ".xlsx")
def write_case_xlsx(source: CaseExport, path: Path) -> list[Path]:
    write_bytes_atomic(path, xlsx_bytes(case_tables(source), _headers()))
    return [path]


@register_case("csv", "the import layout as CSV files in a folder (events.csv, sources.csv, "
               "…)", "/")
def write_case_csv(source: CaseExport, folder: Path) -> list[Path]:
    written = []
    headers = _headers()
    for name, table in case_tables(source).tables.items():
        if not table.rows:
            continue
        shown = Table.of([headers[c] for c in table.columns],
                         [{headers[k]: v for k, v in r.items()} for r in table.rows])
        path = folder / f"{name}.csv"
        write_text_atomic(path, table_csv(shown))
        written.append(path)
    return written

