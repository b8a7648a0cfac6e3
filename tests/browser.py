"""Headless Chromium for the browser tests, through Playwright, with the network shut off.

:func:`launch_chromium` starts Debian's Chromium (never a downloaded browser) and
:func:`open_page` gives a fresh context in which every request is aborted unless ``allow``
accepts its URL — by default only ``file:`` — and, when nothing but files is needed, the
context is also ``offline``. The :class:`BrowserPage` it yields records console errors, page
errors and every blocked request, and saves screenshots into ``test-artifacts/`` at the
repository root (git-ignored).

Without ``/usr/bin/chromium`` (or ``$CASEBOOK_CHROMIUM``) the tests are skipped with the reason,
or fail when ``CASEBOOK_REQUIRE_BROWSER=1`` says a browser must be there (CI).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium"))
#: Running as root needs --no-sandbox; the rest keep Chromium from calling home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-default-browser-check",
    "--metrics-recording-only",
]
#: Generous but bounded: a report inlines 4.6 MB of plotly.js.
NAVIGATION_TIMEOUT_MS = 60_000


def file_only(url: str) -> bool:
    return url.startswith("file:")


def local_server(port: int) -> Callable[[str], bool]:
    """Files, and one server on the loopback interface (HTTP and its websockets)."""
    prefixes = tuple(f"{scheme}://{host}:{port}/" for scheme in ("http", "ws")
                     for host in ("127.0.0.1", "localhost"))

    def allow(url: str) -> bool:
        return url.startswith("file:") or url.startswith(prefixes)

    return allow


def require_chromium() -> Path:
    """The Chromium executable, or skip (fail with ``CASEBOOK_REQUIRE_BROWSER=1``)."""
    problem = None
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        problem = (f"no Chromium at {CHROMIUM} (install Debian's 'chromium' package, or point "
                   "CASEBOOK_CHROMIUM at a Chromium binary); browser tests need a real browser")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as err:
            problem = f"the playwright Python package is missing ({err}); pip install -e .[test]"
    if problem:
        if os.environ.get("CASEBOOK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CASEBOOK_REQUIRE_BROWSER=1 but {problem}", pytrace=False)
        pytest.skip(problem)
    return CHROMIUM


_shared: dict[str, Any] = {"users": 0}


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """A headless Chromium ``Browser`` (skips or fails as :func:`require_chromium`).

    Playwright's sync API allows one instance per thread, so nested and concurrent users
    (a session fixture of one test module, a test of another) share one browser, which is
    closed when the last of them is done."""
    executable = require_chromium()
    if _shared["users"] == 0 or not _shared["browser"].is_connected():
        from playwright.sync_api import sync_playwright

        if _shared.get("playwright") is None:
            _shared["playwright"] = sync_playwright().start()
        try:
            _shared["browser"] = _shared["playwright"].chromium.launch(
                executable_path=str(executable), args=CHROMIUM_ARGS, headless=True,
                timeout=60_000)
        except BaseException:
            if _shared["users"] == 0:
                _shared.pop("playwright").stop()
            raise
    _shared["users"] += 1
    try:
        yield _shared["browser"]
    finally:
        _shared["users"] -= 1
        if _shared["users"] == 0:
            browser, playwright = _shared.pop("browser"), _shared.pop("playwright")
            try:
                browser.close()
            finally:
                playwright.stop()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "page"


@dataclass
class BrowserPage:
    """A page plus everything that went wrong on it."""

    page: Any
    allowed: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def screenshot(self, name: str, *, element: Any = None, full_page: bool = False) -> Path:
        """Save ``test-artifacts/<name>.png``: the viewport, or one ``element`` locator.
        Names are unique per test, so xdist workers never write the same file."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{_slug(name)}.png"
        target = element if element is not None else self.page
        options = {} if element is not None else {"full_page": full_page}
        target.screenshot(path=str(path), timeout=60_000, **options)
        return path

    def errors(self) -> list[str]:
        """Page errors, and console errors other than the refusals of blocked requests
        (those are in :attr:`blocked`, for the tests that care)."""
        refused = tuple(f"({url})" for url in self.blocked)
        return self.page_errors + [
            e for e in self.console_errors
            if not (e.startswith("Failed to load resource: net::ERR_BLOCKED_BY_CLIENT")
                    and e.endswith(refused))]


@contextmanager
def open_page(browser: Any, *, allow: Callable[[str], bool] = file_only,
              viewport: tuple[int, int] = (1400, 1000)) -> Iterator[BrowserPage]:
    """A new context and page: every request ``allow`` rejects is aborted (websockets too),
    and a files-only context is also offline."""
    offline = allow is file_only
    context = browser.new_context(offline=offline, java_script_enabled=True,
                                  service_workers="block",
                                  viewport={"width": viewport[0], "height": viewport[1]})
    context.set_default_timeout(NAVIGATION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    record = BrowserPage(page=None)

    def route(r: Any) -> None:
        url = r.request.url
        if allow(url):
            record.allowed.append(url)
            r.continue_()
        else:
            record.blocked.append(url)
            r.abort("blockedbyclient")

    def route_ws(ws: Any) -> None:
        if allow(ws.url):
            ws.connect_to_server()
        else:
            record.blocked.append(ws.url)
            ws.close()

    context.route("**/*", route)
    context.route_web_socket(re.compile(".*"), route_ws)
    page = context.new_page()
    record.page = page
    page.on("console", lambda msg: record.console_errors.append(
        f"{msg.text} ({msg.location.get('url', '')})") if msg.type == "error" else None)
    page.on("pageerror", lambda err: record.page_errors.append(str(err)))
    try:
        yield record
    finally:
        context.close()


#: Every visible text of a plotly figure, as drawn: [text, class, left, top, right, bottom]
#: (annotations, node labels, ticks, legend, title, buttons; the range slider's miniature and
#: the toolbar left out), the figure's own box, and the page's scroll and client widths.
FIGURE_TEXTS_JS = """(div) => {
  const texts = [];
  for (const t of div.querySelectorAll('svg text')) {
    if (t.closest('.rangeslider-container') || t.closest('.modebar')) continue;
    if (!t.textContent.trim()) continue;
    const r = t.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let hidden = false;
    for (let e = t; e && e !== div; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') {
        hidden = true; break; }
    }
    if (hidden) continue;
    const cls = [t, t.parentElement].map(e => e && e.getAttribute('class') || '').join(' ');
    texts.push([t.textContent, cls, r.left, r.top, r.right, r.bottom]);
  }
  const f = div.getBoundingClientRect();
  return {texts: texts, figure: [f.left, f.top, f.right, f.bottom],
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth};
}"""


def text_clashes(drawn: dict[str, Any], tolerance: float = 1.0) -> list[str]:
    """What is wrong with a figure measured by :data:`FIGURE_TEXTS_JS`: two texts overlapping
    (by more than ``tolerance`` px each way), or a text outside the figure."""
    texts, (fl, ft, fr, fb) = drawn["texts"], drawn["figure"]
    out = [f"{a[0][:40]!r} ({a[1][:20]}) overlaps {b[0][:40]!r} ({b[1][:20]})"
           for i, a in enumerate(texts) for b in texts[i + 1:]
           if a[2] < b[4] - tolerance and b[2] < a[4] - tolerance
           and a[3] < b[5] - tolerance and b[3] < a[5] - tolerance]
    out += [f"{t[0][:40]!r} ({t[1][:20]}) lies outside the figure" for t in texts
            if t[2] < fl - tolerance or t[4] > fr + tolerance
            or t[3] < ft - tolerance or t[5] > fb + tolerance]
    return out
