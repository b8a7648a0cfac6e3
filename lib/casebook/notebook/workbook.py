"""The case-study notebook's one object: load, evaluate, and show each section.

``Workbook.open(...)`` takes the notebook's parameters; each section method returns an object
that Jupyter displays (escaped HTML, or a figure bundle). The notebook only calls these and
narrates, so a test or another notebook gets the same tables from :mod:`casebook.views`.
Audiences: ``counsel`` (violations, consequences, basis and sources first; no exercises),
``trainer`` (everything, and the lesson of :mod:`casebook.notebook.lesson`), ``student`` (the
lesson only, questions without answers — no findings, nothing of how the case ended).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from ..engine.consequences import Consequences, consequences, discovery_list
from ..engine.findings import DISCLAIMER, evaluate
from ..engine.protocols import Protocol, select_protocols
from ..exports import Table, TableSet, export
from ..exports.case_export import CaseExport
from ..exports.case_workbook import write_case_xlsx
from ..model.case import Case
from ..model.load import load_case
from ..paths import resolve
from ..views.audience import Audience
from ..views.audience import audience as audience_named
from ..views.citations import compact, pinned
from ..views.display import escape, figure_bundle, table_html
from ..views.findings_view import node_label, readable_findings
from ..views.redact import Redactor, redact_case
from ..views.summary import case_summary
from ..views.tables import (
    cast_table,
    chronology_table,
    disputes_table,
    evidence_table,
    facts_table,
    findings_by_standard,
    lens_comparison,
    sources_table,
)

__all__ = ["Workbook"]

_counter = itertools.count()


class Html:
    """Rich HTML output (Jupyter calls ``_repr_html_``)."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup


class Figure:
    """A plotly figure that renders in JupyterLab and in the exported HTML, and HTML shown
    under it (a graph's key when its nodes are numbered)."""

    def __init__(self, fig: Any, name: str, after: str = ""):
        self.fig = fig
        self.name = name
        self.after = after

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = figure_bundle(self.fig, f"casebook-{self.name}-{next(_counter)}")
        if self.after:
            bundle["text/html"] += self.after
        return bundle


def _para(text: str) -> str:
    return f"<p>{escape(text)}</p>"


@dataclass
class Workbook:
    case: Case
    protocols: list[Protocol]
    lens: str
    as_of: str | None
    audience: str
    redact: bool
    viewer: Audience
    redactor: Redactor | None = None
    _findings: pd.DataFrame | None = field(default=None, repr=False)
    _consequences: Consequences | None = field(default=None, repr=False)
    _discovery: pd.DataFrame | None = field(default=None, repr=False)

    @classmethod
    def open(cls, case: str | Path, protocols: str = "all", lens: str = "then",
             as_of: str | None = None, audience: str = "counsel", redact: bool = False
             ) -> Workbook:
        """Load the case and the standards named by the notebook's parameters."""
        return cls.of(load_case(resolve(case)), protocols=protocols, lens=lens, as_of=as_of,
                      audience=audience, redact=redact)

    @classmethod
    def of(cls, loaded: Case, protocols: str = "all", lens: str = "then",
           as_of: str | None = None, audience: str = "counsel", redact: bool = False
           ) -> Workbook:
        """The workbook of a case already loaded."""
        viewer = audience_named(audience)
        if lens not in ("then", "now", "best"):
            raise ValueError(f"lens must be then, now or best, not {lens!r}")
        protos = select_protocols(protocols)
        redactor = None
        if redact:
            loaded, redactor = redact_case(loaded)
        return cls(loaded, protos, lens, as_of or None, audience, bool(redact), viewer,
                   redactor)

    # -- computed once ----------------------------------------------------------------
    @property
    def findings(self) -> pd.DataFrame:
        if self._findings is None:
            found = evaluate(self.case, self.protocols, lens=self.lens,  # type: ignore[arg-type]
                             as_of=self.as_of)
            self._findings = self.redactor.frame(found) if self.redactor else found
        return self._findings

    @property
    def consequences(self) -> Consequences:
        if self._consequences is None:
            self._consequences = consequences(self.case, self.findings, self.protocols)
        return self._consequences

    @property
    def discovery_requests(self) -> pd.DataFrame:
        """The records to ask for (the summary counts them, a section lists them, the
        exports carry them)."""
        if self._discovery is None:
            self._discovery = discovery_list(self.findings)
        return self._discovery

    def _text(self, text: str) -> str:
        return self.redactor(text) if self.redactor else text

    def _table(self, frame: pd.DataFrame, **kw: Any) -> Html:
        if self.redactor:
            frame = self.redactor.frame(frame)
        return Html(table_html(frame, **kw))

    # -- sections ---------------------------------------------------------------------
    def summary(self) -> Html:
        """The executive summary: what happened; under the lens, what failed at which steps
        and what it led to; in the work-product edition, the earliest preventable point and
        what to ask for."""
        info = self.case.file.case
        f = self.findings
        parts = [f"<h1>{escape(self._text(info.title))}</h1>",
                 _para(f"{info.jurisdiction}. {self._text(info.summary)}"),
                 _para(f"The record: {len(self.case.events)} events, "
                       f"{len(self.case.evidence)} evidence items, {len(self.case.sources)} "
                       f"sources, {len(self.case.actors)} people and bodies.")]
        if self.viewer.sees("findings"):
            lens_words = {"then": "the standards in force and binding at the time",
                          "now": f"the standards in force on {self.as_of or date.today()}",
                          "best": "every standard as a benchmark"}[self.lens]
            violations = f[f["violation"]]
            parts.append(_para(
                f"Checked against {len(self.protocols)} standards under the '{self.lens}' "
                f"lens ({lens_words}): {len(violations)} violations at "
                f"{violations['event'].nunique()} steps, "
                f"{int((f['status'] == 'fail').sum())} failures in all, "
                f"{int((f['status'] == 'unknown').sum())} questions the record cannot "
                "answer."))
            steps = []
            for event, group in violations.groupby("event", sort=False):
                first = group.iloc[0]
                step = node_label(self.case, str(event)).capitalize()
                accounts = ", ".join(sorted({b for b in group["basis"] if b})) or "undisputed"
                steps.append(f"<li><strong>{escape(step)}</strong> "
                             f"({escape(first['event_date'])}): "
                             f"{escape(', '.join(sorted(set(group['rule']))))} — "
                             f"{escape(self._text(accounts))}</li>")
            if steps:
                parts.append("<p>What failed and counts:</p><ul>" + "".join(steps) + "</ul>")
            harms = sorted({h for hs in self.consequences.chains.get("harms", []) for h in hs
                            if h in self.case.event_by_id},
                           key=lambda h: self.case.bounds(self.case.event_by_id[h]))
            if harms:
                parts.append(_para("What it led to: " + self._text(", ".join(
                    f"{node_label(self.case, h)} "
                    f"({self.case.date_text(self.case.event_by_id[h])})" for h in harms)) + "."))
            if self.viewer.sees("work-product"):
                earliest = self.consequences.earliest
                if earliest:
                    parts.append(_para("Earliest preventable point: "
                                       + self._text(earliest["sentence"])))
                asks = self.discovery_requests
                if not asks.empty:
                    holders = ", ".join(dict.fromkeys(self._text(h) for h in asks["held_by"]))
                    parts.append(_para(f"What to ask for: {len(asks)} records the case file "
                                       f"lacks, held by {holders} (the discovery list)."))
            parts.append(f"<p><em>{escape(DISCLAIMER)}</em></p>")
        return Html("".join(parts))

    def _cited(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Findings with their sources as citations, pinpoints as the event cites them."""
        return frame.assign(sources=[
            pinned(self.case, self.case.event_by_id.get(e), s.split("; ") if s else [])
            for e, s in zip(frame["event"], frame["sources"], strict=True)])

    def key_violations(self) -> Html:
        """Counsel's lead: the violations, with basis and sources."""
        v = self.findings[self.findings["violation"]]
        if v.empty:
            return Html(_para(f"No violations under the '{self.lens}' lens."))
        cols = ["rule", "rule_title", "event", "event_date", "basis", "explanation", "sources"]
        return self._table(self._cited(v)[cols])

    def cast(self) -> Html:
        return self._table(cast_table(self.case, redact=self.redact).drop(columns=["id"]))

    def sources(self) -> Html:
        """The exhibit list."""
        table = sources_table(self.case, redact=self.redact).drop(columns=["citation"])
        return self._table(table, links={"title": "url"}, css_class="exhibit-list")

    def facts(self) -> Html:
        """Every recorded fact with its value, account, sources and note."""
        table = facts_table(self.case, redact=self.redact)
        if table.empty:
            return Html(_para("This case file records no facts beyond its events."))
        return self._table(table.assign(sources=table["sources"].map(compact)))

    def evidence(self) -> Html:
        table = evidence_table(self.case, redact=self.redact)
        if table.empty:
            return Html(_para("This case file records no evidence items."))
        return self._table(table)

    def chronology(self) -> Html:
        """The events in time order, sources in compact form (the exhibit list has them in
        full) and disputed facts by name (the disputes table below has every account)."""
        cols = ["when", "event", "what", "who", "account", "sources", "disputed", "note"]
        table = chronology_table(self.case, redact=self.redact)
        if not self.viewer.sees("context-events"):
            table = table[table["context"] == ""]
        table = table.assign(
            sources=table["sources"].map(compact),
            disputed=table["disputed"].map(
                lambda s: ", ".join(part.split(":", 1)[0] for part in s.split("; ")) if s
                else ""))
        return self._table(table[cols])

    def disputes(self) -> Html:
        table = disputes_table(self.case, redact=self.redact)
        if table.empty:
            return Html(_para("No fact is disputed in this case file."))
        return self._table(table)

    def timeline(self, upto: str | None = None) -> Figure:
        from ..views.timeline import KEY_COLUMNS, timeline_figure

        verdicts = self.viewer.sees("figure-verdicts")
        fig = timeline_figure(self.case, self.findings if verdicts else None, upto=upto,
                              redact=self.redact, show_verdicts=verdicts)
        key = (fig.layout.meta or {}).get("key") or []
        columns = list(KEY_COLUMNS if verdicts else KEY_COLUMNS[:-1])
        after = table_html(pd.DataFrame([row[:len(columns)] for row in key],
                                        columns=columns)) if key else ""
        return Figure(fig, "timeline", after)

    def graph(self, upto: str | None = None) -> Figure:
        from ..views.graph_figure import graph_figure, graph_key

        verdicts = self.viewer.sees("figure-verdicts")
        key = graph_key(self.case)
        after = table_html(pd.DataFrame(key, columns=["number", "node"])) if key else ""
        return Figure(graph_figure(self.case, self.findings if verdicts else None, upto=upto,
                                   redact=self.redact, show_fr=self.viewer.sees("fr-derivation"),
                                   show_verdicts=verdicts), "graph", after)

    def findings_by_step(self) -> Html:
        """The failures and open questions, by step, each reason once, in words."""
        if not self.viewer.sees("findings"):
            return Html(_para("Findings are not part of this edition."))
        table = readable_findings(self.case, self.findings)
        if table.empty:
            return Html(_para(f"Nothing fails and nothing is open under the '{self.lens}' "
                              "lens."))
        return self._table(table)

    def standards(self) -> Html:
        if not self.viewer.sees("findings"):
            return Html(_para("Findings are not part of this edition."))
        return self._table(findings_by_standard(self.findings, self.protocols))

    def findings_table(self) -> Html:
        if not self.viewer.sees("findings"):
            return Html(_para("Findings are not part of this edition."))
        f = self.findings.sort_values(["violation", "status"], ascending=[False, True],
                                      kind="stable")
        cols = ["rule", "rule_title", "event", "event_date", "status", "basis", "in_force",
                "binds", "counts", "explanation", "decided_by", "citation", "sources"]
        return self._table(self._cited(f[f["status"].isin(["fail", "unknown"])])[cols])

    def failure_chains(self) -> Html:
        if not self.viewer.sees("findings"):
            return Html("")
        cons = self.consequences
        parts = []
        if cons.chains.empty:
            parts.append(_para(f"No violations under the '{self.lens}' lens."))
        else:
            chains = cons.chains.assign(harms=cons.chains["harms"].map(", ".join))
            parts.append(table_html(self.redactor.frame(chains) if self.redactor else chains,
                                    max_rows=None).replace("all_harms", "leads to every harm"))
        if cons.earliest:
            parts.append(_para("Earliest preventable point: "
                               + self._text(cons.earliest["sentence"])))
        for proto, sentence in cons.counterfactuals.items():
            parts.append(_para(f"{proto}: {self._text(sentence)}"))
        parts.append(f"<p><em>{escape(DISCLAIMER)}</em></p>")
        return Html("".join(parts))

    def discovery(self) -> Html:
        if not self.viewer.sees("findings"):
            return Html("")
        table = self.discovery_requests
        if table.empty:
            return Html(_para("The record answers every rule that was checked."))
        return self._table(table)

    def lenses(self) -> Html:
        if not self.viewer.sees("findings"):
            return Html("")
        current = self.findings if not self.redactor else None  # redacted text differs
        known = {self.lens: current} if current is not None else {}
        return self._table(lens_comparison(self.case, self.protocols, self.as_of, known))

    def export(self, folder: str | Path) -> list[Path]:
        """The report's tables — chronology, findings, sources, cast, evidence, disputes,
        discovery — as CSV files (source ids, for programs), one workbook of seven sheets
        (``workbook.xlsx``, for people) and the chronology in Word; summary.json (the
        counts a batch index shows); and ``case.xlsx``, the case itself in the layout
        ``casebook import`` reads, to edit and import back (refused when redacted). Only for
        the audiences that get exports (data/audiences.yaml). Returns the files written."""
        if not folder or not self.viewer.sees("exports"):
            return []
        frames = {
            "chronology": chronology_table(self.case, redact=self.redact),
            "findings": self.findings.drop(columns=["event_earliest"]).assign(**{
                "cited sources": self._cited(self.findings)["sources"]}),
            "sources": sources_table(self.case, redact=self.redact),
            "cast": cast_table(self.case, redact=self.redact),
            "evidence": evidence_table(self.case, redact=self.redact),
            "disputes": disputes_table(self.case, redact=self.redact),
            "facts": facts_table(self.case, redact=self.redact),
            "discovery": self.discovery_requests,
        }
        if not self.viewer.sees("work-product"):  # the filing edition: no work product
            del frames["discovery"]
            frames["findings"] = frames["findings"].drop(
                columns=["discovery_record", "discovery_held_by"])
        if self.redactor:
            frames = {name: self.redactor.frame(frame) for name, frame in frames.items()}
        tables = TableSet({name: Table.from_frame(frame) for name, frame in frames.items()},
                          workbook="workbook", summary=case_summary(self.case, self.findings),
                          meta={"case": self.case.id, "title": self.case.title,
                                "lens": self.lens, "disclaimer": DISCLAIMER})
        written = export(tables, folder, ("csv", "xlsx", "docx", "summary"))
        editable = CaseExport(self.case, self.protocols, self.lens, self.as_of, self.viewer,
                              self.redact)
        return written + write_case_xlsx(editable, Path(folder) / "case.xlsx")
