"""``report.html`` → ``report.pdf`` through headless Chromium (:mod:`.chromium`).

Chromium's own ``--print-to-pdf`` cannot put "page X of Y", an exhibit label or a running
header on every page, and cannot wait until the figures are drawn. Here the page is opened
with every figure drawn, switched to print media (the page redraws its figures to the paper's
width) and printed over the DevTools protocol: the text stays text (searchable), the figures
stay vector graphics, and nothing active is carried into the PDF.
"""

from __future__ import annotations

import base64
from pathlib import Path

from ..views.display import escape
from .chromium import ChromiumError, chromium_path, open_page

__all__ = ["PdfError", "chromium_path", "print_pdf"]

#: Paper, in inches: US Letter, the size US courts file on.
PAPER = (8.5, 11.0)
_WAIT_FITTED = """(() => [...document.querySelectorAll('.casebook-figure')]
  .every(d => !d._fullLayout || d._fullLayout.width <= PRINT_WIDTH))()"""

PdfError = ChromiumError


def _templates(header: str, exhibit: str | None) -> tuple[str, str]:
    style = ("font-family:system-ui,sans-serif;font-size:8px;color:#555;width:100%;"
             "margin:0 12mm;display:flex;justify-content:space-between")
    head = (f'<div style="{style}"><span>{escape(header)}</span>'
            "<span>Not by itself a finding that anything was unlawful</span></div>")
    foot = (f'<div style="{style}"><span>{escape(exhibit or "")}</span>'
            '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span>'
            "</span></div>")
    return head, foot


def print_pdf(html: Path, pdf: Path, *, header: str, exhibit: str | None = None,
              timeout: float = 180, print_width: int = 700) -> None:
    """Print ``html`` to ``pdf``: every figure drawn and fitted to the paper, "page X of Y" and
    ``exhibit`` in the footer, ``header`` on every page."""
    with open_page(html, timeout=timeout) as (pipe, session):
        pipe.call("Emulation.setEmulatedMedia", session, media="print")
        pipe.until(session, _WAIT_FITTED.replace("PRINT_WIDTH", str(print_width)),
                   "fitted its figures to the page")
        head, foot = _templates(header, exhibit)
        result = pipe.call("Page.printToPDF", session, printBackground=True,
                           displayHeaderFooter=True, headerTemplate=head, footerTemplate=foot,
                           paperWidth=PAPER[0], paperHeight=PAPER[1], marginTop=0.55,
                           marginBottom=0.55, marginLeft=0.45, marginRight=0.45,
                           generateDocumentOutline=True)
        pdf.write_bytes(base64.b64decode(result["data"]))
