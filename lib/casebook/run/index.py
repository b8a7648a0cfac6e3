"""A batch's own outputs: ``summary.csv``, ``findings.csv`` (all cases) and ``index.html``."""

from __future__ import annotations

import csv
from pathlib import Path

from ..atomic import write_text_atomic
from ..exports import Table, TableSet, export
from .outcomes import BatchResult, CaseOutcome

__all__ = ["write_outputs"]


def _settings(result: BatchResult) -> str:
    """What was run, in one line: audience, lens, as-of, protocols, redaction, when, version."""
    from ..views.display import escape

    if not result.settings:
        return ""
    items = " · ".join(f"{escape(k)}: <strong>{escape(v)}</strong>"
                       for k, v in result.settings.items())
    return f'<p class="settings">{items}</p>'

def write_outputs(result: BatchResult) -> None:
    """summary.csv, findings.csv (all cases) and index.html, each written atomically."""
    from ..views.display import escape

    out = result.out
    findings_rows: list[dict[str, str]] = []
    header: list[str] = []
    for c in result.cases:
        if c.report:
            f = out / Path(c.report).parent / "findings.csv"
            if f.exists():
                with f.open(newline="", encoding="utf-8") as fh:
                    reader = csv.DictReader(fh)
                    header = header or list(reader.fieldnames or [])
                    findings_rows.extend(reader)
    export(TableSet({"summary": Table.of(CaseOutcome.COLUMNS, [c.row() for c in result.cases]),
                     "findings": Table.of(header or ["case"], findings_rows)}), out, ("csv",))
    body = []
    for c in result.cases:
        name = c.case or Path(c.path).name
        cell = f'<a href="{escape(c.report)}">{escape(name)}</a>' if c.report else escape(name)
        error = f"<pre>{escape(c.error)}</pre>" if c.error else ""
        body.append(f"<tr><td>{cell}</td><td>{escape(c.status)}</td><td>{c.counts.events}</td>"
                    f"<td>{c.counts.violations}</td><td>{c.counts.unknowns}</td>"
                    f"<td>{c.counts.disputed}</td>"
                    f"<td>{c.seconds:.1f}</td><td>{error}</td></tr>")
    corpus = next(iter(sorted(out.glob("corpus/*/report.html"))), None)
    corpus_link = (f'<p>Across cases: <a href="{escape(str(corpus.relative_to(out)))}">the '
                   "corpus page</a></p>" if corpus else "")
    if result.corpus_error:
        corpus_link += ("<p>The corpus page could not be rebuilt"
                        f"{' (the one linked is older)' if corpus else ''}:</p>"
                        f"<pre>{escape(result.corpus_error)}</pre>")
    html = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>casebook batch</title><style>body{font-family:system-ui,sans-serif;"
            "margin:2em}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left;"
            "vertical-align:top}pre{white-space:pre-wrap;font-size:12px;margin:0}</style>"
            f"</head><body><h1>casebook batch</h1>{_settings(result)}"
            f"<p>{len(result.cases)} case files · "
            f"{sum(c.status in ('ok', 'up-to-date') for c in result.cases)} reports · "
            f"{sum(c.status == 'failed' for c in result.cases)} failed · "
            f"{sum(c.status == 'invalid' for c in result.cases)} invalid</p>{corpus_link}"
            "<table><thead><tr><th>case</th><th>status</th><th>events</th>"
            "<th>violations</th><th>unknowns</th><th>disputed facts</th><th>seconds</th>"
            f"<th>problem</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
            "<p><em>A protocol failure is not by itself a finding that anything was "
            "unlawful.</em></p></body></html>\n")
    write_text_atomic(out / "index.html", html)
