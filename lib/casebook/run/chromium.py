"""Headless Chromium over the DevTools protocol, for the PDF and the figures' pictures.

Chromium is started with ``--remote-debugging-pipe`` (commands on fd 3, replies on fd 4, JSON
messages ended by a NUL byte — no network port, no extra package) and opens one page from the
file system with every network request refused; :func:`open_page` yields the protocol and the
page's session once every figure on it is drawn.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import CasebookError

__all__ = ["ChromiumError", "Pipe", "chromium_path", "open_page"]

_WAIT_DRAWN = """(() => { const f = [...document.querySelectorAll('.casebook-figure')];
  return f.every(d => d.querySelector('.main-svg') && d._fullLayout); })()"""


class ChromiumError(CasebookError):
    """Headless Chromium is missing, failed, or the page never drew."""


def chromium_path() -> str:
    """Debian's ``chromium`` (or ``CASEBOOK_CHROMIUM``); a precise error when it is missing."""
    given = os.environ.get("CASEBOOK_CHROMIUM")
    if given:
        found = shutil.which(given)
        if not found:
            raise ChromiumError(f"CASEBOOK_CHROMIUM={given}: not an executable browser")
        return found
    for candidate in ("chromium", "chromium-browser", "/usr/bin/chromium"):
        found = shutil.which(candidate)
        if found:
            return found
    raise ChromiumError("headless Chromium was not found: install Debian's "
                   "`chromium` package (apt install chromium), or set CASEBOOK_CHROMIUM to "
                   "the browser's path")


class Pipe:
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
                raise ChromiumError("Chromium did not answer in time")
            chunk = os.read(self.read, 1 << 16)
            if not chunk:
                raise ChromiumError(f"Chromium stopped (exit {self.proc.poll()})")
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
                    message = reply["error"].get("message")
                    raise ChromiumError(f"Chromium refused {method}: {message}")
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
                raise ChromiumError(f"the page never {what}")
            time.sleep(0.2)


@contextmanager
def open_page(html: Path, *, timeout: float = 180,
              viewport: tuple[int, int] | None = None) -> Iterator[tuple[Pipe, str]]:
    """Chromium with ``html`` open and every figure drawn: (the protocol, the page's
    session). Chromium and its profile are gone when the block ends."""
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
            "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}", "about:blank"]
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=plumbing,
                            pass_fds=(3, 4))  # kept open across exec, as dup2 made them
    os.close(cmd_read)
    os.close(out_write)
    pipe = Pipe(proc, cmd_write, out_read, time.monotonic() + timeout)
    try:
        target = pipe.call("Target.createTarget", url="about:blank")["targetId"]
        session = pipe.call("Target.attachToTarget", targetId=target,
                            flatten=True)["sessionId"]
        pipe.call("Page.enable", session)
        pipe.call("Network.enable", session)
        pipe.call("Network.setBlockedURLs", session, urls=["http://*", "https://*"])
        if viewport:
            pipe.call("Emulation.setDeviceMetricsOverride", session, width=viewport[0],
                      height=viewport[1], deviceScaleFactor=1, mobile=False)
        pipe.call("Page.navigate", session, url=html.resolve().as_uri())
        pipe.wait_event("Page.loadEventFired")
        pipe.until(session, _WAIT_DRAWN, "drew its figures")
        yield pipe, session
        try:
            pipe.call("Browser.close")
        except ChromiumError:
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
