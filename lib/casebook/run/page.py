"""An executed notebook → one self-contained, offline HTML page.

casebook renders its own page instead of calling nbconvert: nbconvert's templates fetch
require.js, MathJax and mermaid from CDNs (an exhibit must not call out when opened), and
importing and running it cost ~3 s per report — most of a batch's per-case budget. Our
notebooks' outputs are already safe HTML (every case-file text escaped by
:mod:`casebook.display`), so the page is simply: the markdown cells rendered (raw HTML in them
escaped), the code shown or hidden by audience, the outputs by MIME priority, and a provenance
stamp. Tracebacks and streams are escaped text.

The page is an exhibit: a table of contents with anchors and a way back to it from each
section; tables that read without JavaScript and that a small inline script (no CDN) makes
sortable and filterable; and a print stylesheet — each section on a new page, figures redrawn
to the page's width with no toolbar, link addresses printed beside their text.
"""

from __future__ import annotations

import html
import re
from importlib import resources
from typing import Any

import mistune

from ..views.display import escape, plotly_loader

__all__ = ["notebook_html"]

_markdown = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_H2 = re.compile(r"<h2((?:\s+[a-z-]+=\"[^\"<>]*\")*)>(.*?)</h2>", re.S)
_H1 = re.compile(r"<h1>.*?</h1>", re.S)
#: The width figures are redrawn to for print: a US Letter or A4 page less its margins.
PRINT_WIDTH = 700

def _static(name: str) -> str:
    return (resources.files("casebook.run") / "static" / name).read_text("utf-8")


_CSS = _static("page.css")
#: Sorting and filtering for every casebook table, and figures fitted to the printed page.
_SCRIPT = _static("page.js").replace("PRINT_WIDTH", str(PRINT_WIDTH))


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
    content = _with_contents("".join(body))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_CSS}</style>"
            f"{plotly_loader(shared_plotly)}</head><body><main id=\"top\">{content}{footer}"
            f"</main><script>{_SCRIPT}</script></body></html>\n")


def _slug(text: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def _with_contents(body: str) -> str:
    """Each section heading anchored, with a link back to the contents; the page's title,
    then the contents, first."""
    used: set[str] = set()
    entries: list[str] = []

    def anchor(m: re.Match[str]) -> str:
        attributes, inner = m.group(1), m.group(2)   # e.g. a decision point's data-event
        plain = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        slug = _slug(plain, used)
        entries.append(f'<li><a href="#{slug}">{escape(plain)}</a></li>')
        return (f'<h2 id="{slug}"{attributes}>{inner}<a class="totop" href="#contents" '
                'aria-label="Back to the contents">↑ contents</a></h2>')

    body = _H2.sub(anchor, body)
    title = _H1.search(body)  # the case's title opens the page, whichever cell drew it
    if title:
        body = body[:title.start()] + body[title.end():]
    if not entries:
        return (title.group(0) if title else "") + body
    toc = (f'<nav class="toc" id="contents" aria-label="Contents"><strong>Contents</strong>'
           f'<ol>{"".join(entries)}</ol></nav>')
    return (title.group(0) if title else "") + toc + body
