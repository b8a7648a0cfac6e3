"""``report.html`` → ``report.pdf`` through headless Chromium, over the DevTools protocol.

Chromium's own ``--print-to-pdf`` cannot put "page X of Y", an exhibit label or a running
header on every page, and cannot wait until the figures are drawn. So casebook drives it
directly: Chromium is started with ``--remote-debugging-pipe`` (commands on fd 3, replies on
fd 4, JSON messages ended by a NUL byte — no network port, no extra package), opens the page
from the file system with every network request refused, waits until Plotly has drawn every
figure, switches to print media (the page redraws its figures to the paper's width) and prints:
the text stays text (searchable), the figures stay vector graphics, and nothing active is
carried into the PDF.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from ..errors import CasebookError
from ..views.display import escape

__all__ = ["PdfError", "chromium_path", "print_pdf"]

#: Paper, in inches: US Letter, the size US courts file on.
PAPER = (8.5, 11.0)
_WAIT_DRAWN = """(() => { const f = [...document.querySelectorAll('.casebook-figure')];
  return f.every(d => d.querySelector('.main-svg') && d._fullLayout); })()"""
_WAIT_FITTED = """(() => [...document.querySelectorAll('.casebook-figure')]
  .every(d => !d._fullLayout || d._fullLayout.width <= PRINT_WIDTH))()"""


class PdfError(CasebookError):
    """The PDF could not be made: Chromium is missing, failed, or the page never drew."""


def chromium_path() -> str:
    """Debian's ``chromium`` (or ``CASEBOOK_CHROMIUM``); a precise error when it is missing."""
    given = os.environ.get("CASEBOOK_CHROMIUM")
    if given:
        found = shutil.which(given)
        if not found:
            raise PdfError(f"CASEBOOK_CHROMIUM={given}: not an executable browser")
        return found
    for candidate in ("chromium", "chromium-browser", "/usr/bin/chromium"):
        found = shutil.which(candidate)
        if found:
            return found
    raise PdfError("--pdf needs headless Chromium, which was not found: install Debian's "
                   "`chromium` package (apt install chromium), or set CASEBOOK_CHROMIUM to "
                   "the browser's path")


class _Pipe:
    """The DevTools protocol over Chromium's pipe: one command at a time, its reply awaited,
    events kept for whoever waits on them."""

    def __init__(self, proc: subprocess.Popen[bytes], write: int, read: int, deadline: float):
        self.proc, self.write, self.read, self.deadline = proc, write, read, deadline
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _message(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            if time.monotonic() > self.deadline:
                raise PdfError("Chromium did not answer in time")
            chunk = os.read(self.read, 1 << 16)
            if not chunk:
                raise PdfError(f"Chromium stopped (exit {self.proc.poll()})")
            self.buffer += chunk
        raw, _, self.buffer = self.buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._message()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise PdfError(f"Chromium refused {method}: {reply['error'].get('message')}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_event(self, method: str) -> None:
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._message())

    def until(self, session: str, expression: str, what: str) -> None:
        while True:
            value = self.call("Runtime.evaluate", session, expression=expression,
                              returnByValue=True)
            if value.get("result", {}).get("value") is True:
                return
            if time.monotonic() > self.deadline:
                raise PdfError(f"the page never {what}")
            time.sleep(0.2)


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
    binary = chromium_path()
    profile = Path(tempfile.mkdtemp(prefix="casebook-chromium-"))
    cmd_read, cmd_write = os.pipe()
    out_read, out_write = os.pipe()

    def plumbing() -> None:  # in the child: the protocol's fd 3 and fd 4
        os.dup2(cmd_read, 3)
        os.dup2(out_write, 4)

    args = [binary, "--headless=new", "--remote-debugging-pipe", "--no-sandbox",
            "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--mute-audio",
            "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}",
            "about:blank"]
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=plumbing,
                            pass_fds=(3, 4))  # kept open across exec, as dup2 made them
    os.close(cmd_read)
    os.close(out_write)
    pipe = _Pipe(proc, cmd_write, out_read, time.monotonic() + timeout)
    try:
        target = pipe.call("Target.createTarget", url="about:blank")["targetId"]
        session = pipe.call("Target.attachToTarget", targetId=target,
                            flatten=True)["sessionId"]
        pipe.call("Page.enable", session)
        pipe.call("Network.enable", session)
        pipe.call("Network.setBlockedURLs", session, urls=["http://*", "https://*"])
        pipe.call("Page.navigate", session, url=html.resolve().as_uri())
        pipe.wait_event("Page.loadEventFired")
        pipe.until(session, _WAIT_DRAWN, "drew its figures")
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
        try:
            pipe.call("Browser.close")
        except PdfError:
            pass
    finally:
        for fd in (cmd_write, out_read):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
