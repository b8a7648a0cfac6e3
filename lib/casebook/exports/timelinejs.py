"""``timelinejs``: the chronology as TimelineJS3 JSON, for Knight Lab's TimelineJS.

Each event is a slide. A date known to the day is a start date; an uncertain one — a month,
``about March 2019``, one day in a range — is a start and an end at its earliest and latest
possible days, with the date as the case file words it as the display date, so the timeline
never shows more precision than the record has. The headline is the event's short label (or
its type), the text its summary with the accounts of a disputed date and its sources; the
media is the first cited source with a stored address, its citation as the caption. Every
text is HTML-escaped (TimelineJS renders it as HTML). The group is the event's stage.
"""

from __future__ import annotations

import json
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from ..atomic import write_text_atomic
from .case_export import CaseExport
from .registry import register_case

__all__ = ["timeline_json"]


def _date(day: date, display: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"year": day.year, "month": day.month, "day": day.day}
    if display:
        out["display_date"] = display
    return out


def timeline_json(source: CaseExport) -> dict[str, Any]:
    """The TimelineJS3 document of the case's dated events."""
    from ..engine.graph import time_order
    from ..views.citations import citations

    case = source.case
    vocab = case.vocabulary
    violations = source.violations()
    slides = []
    for eid in time_order(source.graph):
        ev = case.event_by_id[eid]
        if ev.context and not source.viewer.sees("context-events"):
            continue
        lo, hi = case.bounds(ev)
        if lo == date.min and hi == date.max:
            continue  # no bound at all: nowhere on a timeline
        shown = case.date_text(ev)
        exact = lo == hi
        start = lo if lo != date.min else hi
        slide: dict[str, Any] = {
            "unique_id": eid,
            "start_date": _date(start, shown),
            "text": {"headline": escape(ev.label or vocab.event_types[ev.type].label),
                     "text": _text(source, ev, violations.get(eid, []))},
            "group": vocab.event_types[ev.type].stage,
        }
        if not exact and hi != date.max and lo != date.min:
            slide["end_date"] = _date(hi, shown)
        cited = [c for c in citations(case, ev.sources) if c.url]
        if cited:
            slide["media"] = {"url": cited[0].url, "link": cited[0].url,
                              "caption": escape(cited[0].text)}
        slides.append(slide)
    return {"title": {"text": {"headline": escape(case.title),
                               "text": escape(case.file.case.summary)}},
            "events": slides}


def _text(source: CaseExport, ev: Any, rules: list[str]) -> str:
    from ..views.citations import citations

    case = source.case
    parts = [f"<p>{escape(ev.summary)}</p>"]
    if case.when_disputed(ev):
        accounts = "; ".join(
            f"{c.value} ({', '.join(sorted(case.claim_accounts(c, ev.sources)))})"
            for c in ev.when if c.rejected is None)
        parts.append(f"<p>Date disputed: {escape(accounts)}</p>")
    if ev.confidence == "single-source":
        parts.append("<p>Single source.</p>")
    if rules:
        parts.append(f"<p>Protocol failures counted under the {escape(source.lens)} lens: "
                     f"{escape(', '.join(rules))} (not by itself a finding of "
                     "unlawfulness).</p>")
    cited = citations(case, ev.sources)
    if cited:
        parts.append("<p>Sources: " + "; ".join(escape(c.text) for c in cited) + "</p>")
    return "".join(parts)


@register_case("timelinejs", "TimelineJS3 JSON: a slide per dated event", ".json")
def write_timelinejs(source: CaseExport, path: Path) -> list[Path]:
    write_text_atomic(path, json.dumps(timeline_json(source), ensure_ascii=False, indent=1))
    return [path]
