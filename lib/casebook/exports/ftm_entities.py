"""``ftm``: the case as FollowTheMoney entities, one JSON object per line, built with the
``followthemoney`` package — what Aleph and the other FtM tools ingest.

What maps to what (docs/export-ftm.md): a person is a ``Person`` (named as the case file
names them: a private person by role in a redacted export, never an invented name); an
agency, unit or court a ``PublicBody``; another organisation or vendor an ``Organization``;
an event an ``Event`` (its participants ``involved``, its agency the ``organizer``, a date
known to the day, month or year as ``date``, an uncertain one as ``startDate``/``endDate`` at
its earliest and latest possible days, the date as recorded in ``notes``); a source a
``Document`` (title, publisher, publication date, address); each citation of a source by an
event a ``Documentation`` linking the two, the pinpoint as its ``summary``; an evidence item a
``Document`` too, tied to the events that used or produced it by ``Documentation`` (role
``used`` / ``produced``) and to the items it was derived from by an ``UnknownLink``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_text_atomic
from .case_export import CaseExport
from .registry import register_case

if TYPE_CHECKING:
    from followthemoney.proxy import EntityProxy

__all__ = ["ftm_entities"]

_SCHEMA_OF_KIND = {"person": "Person", "agency": "PublicBody", "unit": "PublicBody",
                   "court": "PublicBody", "organization": "Organization",
                   "vendor": "Organization"}
_DAY_PRECISE = {"day", "month", "year"}


def ftm_entities(source: CaseExport) -> list[EntityProxy]:
    """Every entity of the case, sources first, then actors, evidence and events."""
    from followthemoney import model

    case = source.case
    prefix = case.id
    out: list[EntityProxy] = []

    def make(schema: str, *key: str, **props: Any) -> EntityProxy:
        entity = model.make_entity(schema)
        entity.id = "-".join((prefix, *key))
        for prop, value in props.items():
            for v in value if isinstance(value, list) else [value]:
                if v is not None and v != "":
                    entity.add(prop, str(v))
        out.append(entity)
        return entity

    for sid, src in case.sources.items():
        make("Document", "source", sid, title=src.title, publisher=src.publisher,
             author=src.author, publishedAt=_ftm_date(src.date), sourceUrl=src.url,
             summary=f"{src.kind}; account: {src.account}; {src.reliability}")
    actors = {}
    for aid, actor in case.actors.items():
        actors[aid] = make(_SCHEMA_OF_KIND.get(actor.kind, "LegalEntity"), "actor", aid,
                           name=source.label(aid),
                           description=", ".join(r.replace("-", " ") for r in actor.roles))
    items = {}
    derived = source.fr_derived()
    for eid, item in case.evidence.items():
        items[eid] = make("Document", "evidence", eid, title=item.label or item.summary or eid,
                          summary=item.summary, keywords=[item.kind] + (
                              ["fr-derived"] if eid in derived else []))
    for eid, item in case.evidence.items():
        for parent in item.derived_from:
            make("UnknownLink", "derived", eid, parent, subject=items[eid].id,
                 object=items[parent].id, role="derived from")
    violations = source.violations()
    for ev in case.events:
        if ev.context and not source.viewer.sees("context-events"):
            continue
        dates = case.dates(ev)
        lo, hi = case.bounds(ev)
        exact = len(dates) == 1 and dates[0].kind in _DAY_PRECISE and \
            not (dates[0].approximate or dates[0].uncertain)
        notes = [f"Date as recorded: {case.date_text(ev)}"]
        if case.when_disputed(ev):
            notes.append("The date is disputed: " + " | ".join(
                str(c.value) for c in ev.when if c.rejected is None))
        rules = violations.get(ev.id, [])
        if rules:
            notes.append(f"Protocol failures counted under the {source.lens} lens: "
                         f"{', '.join(rules)} (not by itself a finding of unlawfulness)")
        involved = [actors[a].id for ids in ev.participants.values() for a in ids
                    if a in actors]
        organizer = [actors[a].id for a in ev.participants.get("by", [])
                     if a in actors and case.actors[a].kind != "person"]
        entity = make("Event", "event", ev.id, name=ev.label or ev.summary,
                      summary=ev.summary, involved=involved, organizer=organizer,
                      notes=notes, keywords=ev.type)
        if exact:
            entity.add("date", dates[0].text)
        else:
            if lo != date.min:
                entity.add("startDate", lo.isoformat())
            if hi != date.max:
                entity.add("endDate", hi.isoformat())
        for n, sid in enumerate(ev.sources):
            pin = getattr(sid, "pin", None)
            make("Documentation", "cites", ev.id, str(n), document=f"{prefix}-source-{sid}",
                 entity=entity.id, role="source", summary=pin.text() if pin else None)
        for role, refs in (("used", ev.uses), ("produced", ev.produces)):
            for item_id in refs:
                make("Documentation", role, ev.id, item_id, document=items[item_id].id,
                     entity=entity.id, role=role)
    return out


def _ftm_date(value: Any) -> str | None:
    """A publication date FtM can hold: the EDTF's day, month or year, when it is one."""
    if value is None:
        return None
    from ..model.dates import parse_edtf

    d = parse_edtf(value)
    return str(value) if d.kind in _DAY_PRECISE and not (d.approximate or d.uncertain) \
        else None


@register_case("ftm", "FollowTheMoney entities, one JSON object per line, for Aleph",
               ".json")
def write_ftm(source: CaseExport, path: Path) -> list[Path]:
    lines = [json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True)
             for e in ftm_entities(source)]
    write_text_atomic(path, "\n".join(lines) + "\n")
    return [path]
