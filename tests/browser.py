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


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """A headless Chromium ``Browser`` (skips or fails as :func:`require_chromium`)."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS,
                                     headless=True, timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


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

    def screenshot(self, name: str, *, full_page: bool = False) -> Path:
        """Save a PNG into ``test-artifacts/`` (the worker id keeps xdist runs apart)."""
        ARTIFACTS.mkdir(exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        path = ARTIFACTS / (_slug(name) + (f".{worker}" if worker else "") + ".png")
        self.page.screenshot(path=str(path), full_page=full_page, timeout=60_000)
        return path

    def errors(self) -> list[str]:
        """Page errors, and console errors other than the refusals of blocked requests
        (those are in :attr:`blocked`, for the tests that care)."""
        refused = {f"Failed to load resource: net::ERR_BLOCKED_BY_CLIENT ({url})"
                   for url in self.blocked}
        return self.page_errors + [e for e in self.console_errors if e not in refused]


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
