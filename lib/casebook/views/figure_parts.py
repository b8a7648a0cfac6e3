"""What the timeline and the event-graph figure share: colours, the verdict of the findings at
each event, what was known at a decision point, hover text, and label geometry.

Both figures take ``findings`` from :func:`casebook.engine.findings.evaluate`;
``upto=event_id`` shows only what was known at that decision point (:func:`known_at`); people
are named only through :meth:`ActorView.label` with ``redact`` (redact the case text itself
with :func:`casebook.views.redact.redact_case`). Case text is HTML-escaped, since plotly
renders a subset of HTML in hover text and labels. Figures take the width of their container
(a page, JupyterLab's output area, a printed page) from :data:`MIN_WIDTH` up; their height and
axis ranges are fixed, and every label is placed for the narrowest width by rules that only
gain room as the figure widens, so the output is deterministic and the layout can be checked
in pixels at any width. For readers of the figure data: timeline event traces carry
``customdata`` ``[event id, lane]``, graph node traces the node id, the key-step annotations
are named ``key-step:<event type>:<event id>``, and ``layout.meta`` holds ``min_width`` (and a
numbered timeline's ``key``).
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..model.case import Case
from ..model.casefile import Event

__all__ = ["MIN_WIDTH", "SEVERITY_COLOURS", "known_at", "node_name"]

SEVERITIES = ("high", "medium", "low")
SEVERITY_COLOURS = {"high": "#d62728", "medium": "#ff7f0e", "low": "#e7ba52"}
NEUTRAL, CONTEXT, FR_COLOUR, EVIDENCE = "#4c78a8", "#c7c7c7", "#8e44ad", "#95a5a6"
FAIL_LINE = "#8b0000"
FONT = 11       # label font size (px); a character is taken as 0.62 em wide
CHAR = 0.62
#: The narrowest a figure is drawn (px): JupyterLab's output area beside its file browser on a
#: 1,000 px screen is about 570 px; a printed page about 700.
MIN_WIDTH = 540
TITLE_PX, SUBTITLE_PX, LEGEND_PX, LEGEND_BAR_PX = 22, 16, 20, 30    # a line of each


def known_at(case: Case, event_id: str) -> list[str]:
    """Ids of the events known at ``event_id``: it and every event that definitely or possibly
    came before it (earliest day <= its latest), context included, in date order."""
    if event_id not in case.event_by_id:
        raise KeyError(f"no event {event_id!r} in case {case.id!r}")
    latest = case.bounds(event_id)[1]
    known = [ev for ev in case.events if case.bounds(ev)[0] <= latest]
    return [ev.id for ev in sorted(known, key=lambda e: (*case.bounds(e), e.id))]


@dataclass(frozen=True)
class _Verdict:
    """What the findings say about one event: failed rules (violations first), top severity."""

    failed: tuple[str, ...] = ()
    violations: tuple[str, ...] = ()
    severity: str | None = None
    titles: tuple[tuple[str, str], ...] = ()     # (rule, title) of the violations


def _verdicts(findings: pd.DataFrame | None) -> dict[str, _Verdict]:
    if findings is None or findings.empty:
        return {}
    by_event: dict[str, list[tuple[str, bool, Any, str]]] = {}
    fails = findings[findings["status"] == "fail"]
    titles = fails["rule_title"] if "rule_title" in fails else [""] * len(fails)
    for event, rule, violation, severity, title in zip(
            fails["event"], fails["rule"], fails["violation"], fails["severity"], titles,
            strict=True):
        by_event.setdefault(str(event), []).append((str(rule), bool(violation), severity,
                                                    str(title)))
    out: dict[str, _Verdict] = {}
    for event in sorted(by_event):
        rows = by_event[event]
        viol = [r for r in rows if r[1]]
        v_ids = tuple(dict.fromkeys(r[0] for r in viol))
        rest = tuple(r for r in dict.fromkeys(r[0] for r in rows) if r not in v_ids)
        # a severity outside high/medium/low still marks a violation: drawn as low
        sev = min((str(r[2]) if r[2] in SEVERITIES else "low" for r in viol),
                  default=None, key=SEVERITIES.index)
        named = tuple({r[0]: r[3] for r in viol}.items()) if "rule_title" in fails else ()
        out[event] = _Verdict(v_ids + rest, v_ids, sev, named)
    return out


def _esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def _wrap(text: str, width: int = 70) -> str:
    return "<br>".join(_esc(line) for line in textwrap.wrap(text, width))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _clip_words(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, "…" when cut."""
    text = " ".join(text.split()).rstrip(".")
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return (cut or text[:limit - 1]) + "…"


def node_name(case: Case, node: str, limit: int = 28) -> str:
    """How a figure names an event or an evidence item: its ``label``, else its summary cut
    short, else what kind of thing it is — never its id."""
    if node in case.event_by_id:
        ev = case.event_by_id[node]
        if ev.label:
            return ev.label
        return _clip_words(ev.summary, limit) if ev.summary else \
            case.vocabulary.event_types[ev.type].label
    item = case.evidence.get(node)
    if item is None:
        return node
    if item.label:
        return item.label
    if item.summary:
        return _clip_words(item.summary, limit)
    kind = case.vocabulary.evidence_kinds.get(item.kind)
    return kind.label if kind and kind.label else item.kind.replace("-", " ")


def _date_text(case: Case, ev: Event) -> str:
    return case.date_text(ev) + (" (disputed)" if case.when_disputed(ev) else "")


def _who(case: Case, ev: Event, redact: bool) -> list[str]:
    return [f"{role.replace('_', ' ')}: "
            + _esc(", ".join(_short(case.actors[a].label(redact), 45) for a in ids))
            for role, ids in ev.participants.items() if ids]


def _rules_text(v: _Verdict) -> list[str]:
    titles = dict(v.titles)
    lines = [f"<b>violation</b>: {_esc(r)}" + (f" ({_esc(_short(titles[r], 50))})"
                                                if r in titles else "") for r in v.violations]
    rest = [r for r in v.failed if r not in v.violations]
    if rest:
        lines.append(_wrap("failed, not counting under this lens: " + ", ".join(rest)))
    return lines


def _event_hover(case: Case, ev: Event, v: _Verdict, redact: bool) -> str:
    publishers = list(dict.fromkeys(case.sources[s].publisher for s in ev.sources))
    shown = ", ".join(publishers[:4]) + (f" and {len(publishers) - 4} more"
                                         if len(publishers) > 4 else "")
    n = len(ev.sources)
    kind = case.vocabulary.event_types[ev.type].label
    lines = [f"<b>{_esc(node_name(case, ev.id, 60))}</b> ({_esc(kind)})",
             _esc(_date_text(case, ev)),
             _wrap(ev.summary), *_who(case, ev, redact),
             f"{n} source{'s' if n != 1 else ''}: " + _wrap(shown)]
    return "<br>".join(lines + _rules_text(v))


def _heading(kind: str, case: Case, upto: str | None, subtitle: str
             ) -> tuple[dict[str, Any], float]:
    """A case figure's title and subtitle (see :func:`_heading_text`)."""
    return _heading_text(f"{kind}: {case.title}" + (f" — as known at {upto}" if upto else ""),
                         subtitle)


def _heading_text(text: str, subtitle: str) -> tuple[dict[str, Any], float]:
    """The title and subtitle, wrapped to :data:`MIN_WIDTH`, and the pixels they take."""
    lines = textwrap.wrap(text, int((MIN_WIDTH - 20) / (16 * CHAR)))
    sub = textwrap.wrap(subtitle, int((MIN_WIDTH - 20) / (12 * CHAR)))
    title = {"text": "<br>".join(_esc(line) for line in lines), "x": 0.01, "xanchor": "left",
             # plotly lifts a title of several lines by about one line: the pad makes up for it
             "y": 1, "yref": "container", "yanchor": "top",
             "pad": {"t": 22 if len(lines) > 1 else 10},
             "font": {"size": 16}, "subtitle": {"text": "<br>".join(_esc(s) for s in sub),
                                                "font": {"size": 12}}}
    return title, 8 + TITLE_PX * len(lines) + SUBTITLE_PX * len(sub) + 10


def _legend(fig: go.Figure, plot_w: float) -> tuple[dict[str, Any], float]:
    """A legend under the figure in columns of one fixed width — the widest entry — so that
    how it wraps is known: at the narrowest plot width (``plot_w``) it takes the pixels
    returned, and wider it takes fewer lines. A bar's entry is taller."""
    entries = [t for t in fig.data if t.showlegend is not False and t.name]
    width = 40 + max((len(t.name) for t in entries), default=0) * FONT * CHAR
    per_line = max(1, int(plot_w // width))
    line = LEGEND_BAR_PX if any(t.type == "bar" for t in entries) else LEGEND_PX
    height = -(-len(entries) // per_line) * line + 10
    return {"orientation": "h", "x": 0, "xref": "container", "y": 0, "yref": "container",
            "yanchor": "bottom", "font": {"size": FONT}, "entrywidth": round(width),
            "entrywidthmode": "pixels"}, height


def _legend_only(name: str, symbol: str, colour: str, line: str, width: float) -> Any:
    return go.Scatter(x=[None], y=[None], mode="markers", name=name, hoverinfo="skip",
                      marker={"symbol": symbol, "size": 12, "color": colour,
                              "line": {"color": line, "width": width}})
