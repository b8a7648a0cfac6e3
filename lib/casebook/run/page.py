"""An executed notebook → one self-contained, offline HTML page.

casebook renders its own page instead of calling nbconvert: nbconvert's templates fetch
require.js, MathJax and mermaid from CDNs (an exhibit must not call out when opened), and
importing and running it cost ~3 s per report — most of a batch's per-case budget. Our
notebooks' outputs are already safe HTML (every case-file text escaped by
:mod:`casebook.display`), so the page is simply: the markdown cells rendered (raw HTML in them
escaped), the code shown or hidden by audience, the outputs by MIME priority, and a provenance
stamp. Tracebacks and streams are escaped text.
"""

from __future__ import annotations

import re
from typing import Any

import mistune

from ..views.display import escape, plotly_loader

__all__ = ["notebook_html"]

_markdown = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2733;
     margin:0;background:#fff;line-height:1.45}
main{max-width:1400px;margin:0 auto;padding:24px 32px 48px}
h1{font-size:1.8em;margin:.2em 0 .6em}h2{font-size:1.35em;margin:1.6em 0 .4em;
   border-bottom:1px solid #d6dde5;padding-bottom:.2em}h3{font-size:1.1em;margin:1.2em 0 .3em}
p{margin:.4em 0 .6em;max-width:75em}
pre{background:#f6f8fa;border:1px solid #e2e6ea;padding:8px 10px;overflow-x:auto;
    font-size:12.5px;margin:.4em 0}
pre.error{background:#fff3f3;border-color:#e6b8b8}
.cell-input pre{background:#f3f5f9}
.output{overflow-x:auto;margin:.3em 0 .8em}
.casebook-figure{margin:.5em 0}
@media print{main{max-width:none;padding:0}.casebook-figure{break-inside:avoid}}
"""


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _output_html(output: dict[str, Any]) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return f"<pre>{escape(_ANSI.sub('', _text(output.get('text', ''))))}</pre>"
    if kind == "error":
        trace = _ANSI.sub("", "\n".join(output.get("traceback", [])))
        return f'<pre class="error">{escape(trace)}</pre>'
    data = output.get("data", {})
    if "text/html" in data:
        return _text(data["text/html"])  # produced by casebook.display: already escaped
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            return f'<img alt="figure" src="data:{mime};base64,{_text(data[mime]).strip()}">'
    if "text/plain" in data:
        return f"<pre>{escape(_text(data['text/plain']))}</pre>"
    return ""


def notebook_html(nb: Any, *, title: str, show_code: bool, shared_plotly: str | None = None,
                  footer: str = "") -> str:
    """The page for an executed notebook (cells already filtered for the audience)."""
    body: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            body.append(f'<section class="cell-markdown">{_markdown(_text(cell.source))}'
                        "</section>")
            continue
        if cell.cell_type != "code":
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        parts = []
        if show_code and "parameters" not in tags and "injected-parameters" not in tags:
            parts.append(f'<div class="cell-input"><pre><code>{escape(_text(cell.source))}'
                         "</code></pre></div>")
        outputs = "".join(_output_html(o) for o in cell.get("outputs", []))
        if outputs:
            parts.append(f'<div class="output">{outputs}</div>')
        if parts:
            body.append(f'<section class="cell-code">{"".join(parts)}</section>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_CSS}</style>"
            f"{plotly_loader(shared_plotly)}</head><body><main>{''.join(body)}{footer}"
            "</main></body></html>\n")
