"""Plain-text views for the terminal (``casebook show``): chronology and graph summary."""

from __future__ import annotations

import textwrap

import networkx as nx

from ..engine.graph import graph_summary, time_order
from ..model.case import Case, FactView
from ..model.casefile import Event

__all__ = ["render_show"]


def _disputed(case: Case, event: Event) -> list[str]:
    names = [name for name in event.facts if case.fact(event, name).disputed]
    if FactView("when", tuple(event.when)).disputed:
        names.insert(0, "when")
    return names


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def render_show(case: Case, graph: nx.DiGraph, width: int = 100) -> str:
    """The chronology table, then the graph summary, fitted to ``width`` columns."""
    lines = [case.title, f"{case.file.case.jurisdiction} · {case.display_path}", ""]
    date_w, id_w, src_w = 32, 22, 4
    rest = max(width - date_w - id_w - src_w - 6, 20)
    head = f"{'when (as recorded)':<{date_w}} {'event':<{id_w}} {'src':>{src_w}}  what · who"
    lines += [head, "-" * min(width, len(head) + rest - 10)]
    for eid in time_order(graph):
        ev = case.event_by_id[eid]
        who = sorted({a.label() for a in case.participants(ev)})
        disputed = _disputed(case, ev)
        flags = ("context · " if ev.context else "") + (
            f"DISPUTED: {', '.join(disputed)} · " if disputed else "")
        what = f"{flags}{ev.summary}" + (f" · {', '.join(who)}" if who else "")
        wrapped = textwrap.wrap(what, rest) or [""]
        lines.append(f"{_clip(case.date_text(ev), date_w):<{date_w}} "
                     f"{_clip(eid, id_w):<{id_w}} {len(ev.sources):>{src_w}}  {wrapped[0]}")
        pad = " " * (date_w + id_w + src_w + 4)
        lines += [pad + more for more in wrapped[1:2]]
    s = graph_summary(graph)
    edges = ", ".join(f"{n} {label}" for label, n in s["edges"].items())
    lines += [
        "",
        f"graph: {s['events']} events, {s['evidence']} evidence items; edges: {edges}; "
        f"{'acyclic' if s['is_dag'] else 'HAS A LOOP'}",
        f"facial-recognition outputs: {', '.join(s['fr_outputs']) or 'none'}",
        f"events downstream of FR: {len(s['fr_downstream_events'])}; harms downstream of FR: "
        f"{', '.join(s['harms_downstream_of_fr']) or 'none'}",
        f"sources: {len(case.sources)}; actors: {len(case.actors)}",
    ]
    out: list[str] = []
    for line in lines:
        out.extend(textwrap.wrap(line, width, subsequent_indent="  ") or [""])
    return "\n".join(out)
