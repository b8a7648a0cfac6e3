"""A batch's own outputs: ``summary.csv``, ``findings.csv`` (all cases) and ``index.html``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..atomic import write_bytes_atomic, write_text_atomic
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

def _write_all_findings(out: Path, files: list[Path]) -> None:
    """findings.csv of every case, one after the other under one header. Reports of one
    batch share their columns, so the files are joined as they are (each already made safe
    for a spreadsheet); reports left from an older version may not: then row by row, by
    column name."""
    parts = [f.read_bytes() for f in files if f.exists()]
    split = [(*p.split(b"\n", 1), b"")[:2] for p in parts]  # (header, the rows)
    if len({head for head, _rows in split}) == 1:
        write_bytes_atomic(out / "findings.csv",
                           split[0][0] + b"\n" + b"".join(rows for _head, rows in split))
        return
    rows: list[dict[str, str]] = []
    header: list[str] = []
    for part in parts:
        reader = csv.DictReader(io.StringIO(part.decode("utf-8"), newline=""))
        header = header or list(reader.fieldnames or [])
        rows.extend(reader)
    export(TableSet({"findings": Table.of(header or ["case"], rows)}), out, ("csv",))


def write_outputs(result: BatchResult) -> None:
    """summary.csv, findings.csv (all cases) and index.html, each written atomically."""
    from ..views.display import escape

    out = result.out
    export(TableSet({"summary": Table.of(CaseOutcome.COLUMNS,
                                         [c.row() for c in result.cases])}), out, ("csv",))
    _write_all_findings(out, [out / Path(c.report).parent / "findings.csv"
                              for c in result.cases if c.report])
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
