"""Safe rich output for notebooks and their HTML export.

Every text that reaches a report comes from a case file or a protocol — untrusted — so it is
HTML-escaped here, in one place; links are made only from http(s) URLs. Figures are emitted as
a bundle: ``application/vnd.plotly.v1+json`` for JupyterLab's plotly renderer and ``text/html``
(a div plus a ``Plotly.newPlot`` call) for nbconvert, which drops the plotly MIME type. The
figure JSON is embedded with ``<``, ``>`` and ``&`` escaped, so no string in it can close the
``<script>`` element. plotly.js itself is loaded once per document by :func:`plotly_loader`.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # batch index pages escape text without paying for pandas
    import pandas as pd

__all__ = ["PLOTLY_JS_NAME", "escape", "figure_bundle", "link", "plotly_js", "plotly_loader",
           "table_html"]

PLOTLY_JS_NAME = "plotly.min.js"
_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
# One rule set per table instead of a style attribute on every cell: a 200-finding table
# is ~70% smaller. Scoped to casebook's tables; repeated per table, so each output stands alone
# (JupyterLab renders it without the report page's stylesheet).
_TABLE_STYLE = (
    "<style>table.casebook-table{border-collapse:collapse;font-size:13px;margin:.5em 0;"
    "font-family:system-ui,-apple-system,Segoe UI,sans-serif}"
    "table.casebook-table th{text-align:left;border-bottom:2px solid #999;padding:4px}"
    "table.casebook-table td{text-align:left;vertical-align:top;"
    "border-bottom:1px solid #ddd;padding:4px}</style>")


def escape(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def link(url: str | None, text: str | None = None) -> str:
    """An anchor only for an http(s) URL; anything else is shown as inert text."""
    label = escape(text if text is not None else url)
    if url and _SAFE_URL.match(url):
        return f'<a href="{escape(url)}" rel="noopener noreferrer" target="_blank">{label}</a>'
    return label


def table_html(frame: pd.DataFrame, *, links: dict[str, str] | None = None,
               max_rows: int | None = None, css_class: str = "") -> str:
    """An escaped HTML table; ``links`` maps a column to the column holding its URL;
    ``css_class`` names the table for the page's stylesheet (``exhibit-list``)."""
    links = links or {}
    hidden = set(links.values())
    cols = [c for c in frame.columns if c not in hidden]
    rows = frame if max_rows is None else frame.head(max_rows)
    head = "".join(f"<th>{escape(str(c).replace('_', ' '))}</th>" for c in cols)
    columns = [rows[c].tolist() for c in cols]  # by column: a Series per row costs more
    urls = {c: rows[links[c]].tolist() for c in cols if c in links}
    body = []
    for n, values in enumerate(zip(*columns, strict=True)):
        cells = [link(urls[c][n] or None, value) if c in urls else _cell(value)
                 for c, value in zip(cols, values, strict=True)]
        body.append("<tr><td>" + "</td><td>".join(cells) + "</td></tr>")
    classes = " ".join(filter(None, ("casebook-table", re.sub(r"[^a-z-]", "", css_class))))
    return (f'{_TABLE_STYLE}<table class="{classes}"><thead><tr>{head}</tr>'
            f"</thead><tbody>{''.join(body)}</tbody></table>")


def _cell(value: Any) -> str:
    """A cell: text escaped; a citation (anything with ``text`` and ``url``) a link; a list or
    tuple of them, one per line."""
    if isinstance(value, list | tuple):
        return "<br>".join(_cell(v) for v in value)
    if hasattr(value, "url") and hasattr(value, "text"):
        return link(value.url, value.text)
    return escape(value)


def _safe_json(value: Any) -> str:
    from plotly.utils import PlotlyJSONEncoder

    text = json.dumps(value, cls=PlotlyJSONEncoder)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def figure_bundle(fig: Any, div_id: str) -> dict[str, Any]:
    """A display bundle that renders in JupyterLab and survives nbconvert's HTML export."""
    spec = fig.to_plotly_json()
    height = spec.get("layout", {}).get("height") or 450
    div = re.sub(r"[^A-Za-z0-9_-]", "-", div_id)
    data = _safe_json(spec)  # serialised once: the page's script and the plain data read it
    script = (f'<div id="{div}" class="casebook-figure" style="width:100%;height:{height}px">'
              f"</div><script>(function(){{var s={data};"
              f"Plotly.newPlot({json.dumps(div)},s.data,s.layout,"
              "{responsive:true,displaylogo:false});})();</script>")
    return {"application/vnd.plotly.v1+json": json.loads(data), "text/html": script}


def plotly_js() -> str:
    """The plotly.js bundled with the installed plotly package (offline, no CDN)."""
    return (resources.files("plotly") / "package_data" / PLOTLY_JS_NAME).read_text("utf-8")


def plotly_loader(shared: str | None = None) -> str:
    """A script element that loads plotly.js: inline (a self-contained document) or from a
    shared file beside the report (``shared`` = its relative path)."""
    if shared:
        return f'<script src="{escape(shared)}"></script>'
    code = plotly_js().replace("</script", "<\\/script")
    return f'<script type="text/javascript">{code}</script>'
