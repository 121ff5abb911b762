"""Shared support for the browser tests: an offline Chromium and the built book on 127.0.0.1.

* :func:`find_chromium` finds Debian's Chromium (no browser is downloaded);
* :data:`CHROMIUM_FLAGS` start it with its background services off or pointed
  at a closed local port, so it makes no lookup of its own (Chromium 156 still
  asks accounts.google.com and update.googleapis.com with Playwright's own
  ``--disable-background-networking``); these and the launcher live in
  ``_ext/hwlib_book/chromium.py``, shared with the build (math and PDF);
* :func:`offline_chromium` launches it through Playwright with a network log,
  and :func:`lookups_to_other_hosts` reads that log afterwards: every host the
  browser process or any page resolved or requested, other than this machine;
* :class:`BookServer` serves ``_build/html`` on 127.0.0.1;
* :class:`OffsiteRequests` records a page's requests to other hosts;
* fixtures ``book_url`` and ``chromium`` (module scope) for test modules:
  ``from browser_support import book_url, chromium  # noqa: F401`` makes them
  available; ``chromium`` fails at teardown if the browser made any lookup.

Without a built book, Chromium or Playwright the fixtures skip with the reason,
unless HWBOOK_REQUIRE_BROWSER=1 (set by .ci/run), where a skip would hide a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# One launcher for the build and the tests (pytest puts _ext on the path: pyproject.toml).
from hwlib_book.chromium import (
    CHROMIUM_FLAGS,
    NOWHERE,
    PAGE_READY_JS,
    BookServer,
    OfflineChromium,
    find_chromium,
    lookups_to_other_hosts,
    offline_chromium,
)

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"

__all__ = [
    "HTML", "SCREENSHOTS", "CHROMIUM_FLAGS", "NOWHERE", "PAGE_READY_JS", "OfflineChromium", "find_chromium",
    "lookups_to_other_hosts", "offline_chromium", "unavailable", "book_pages", "BookServer", "OffsiteRequests",
    "book_url", "chromium",
]


def unavailable(reason: str) -> None:
    """Skip with the reason, or fail where the browser test is required (HWBOOK_REQUIRE_BROWSER=1)."""
    if os.environ.get("HWBOOK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser test required (HWBOOK_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


def book_pages(html: Path = HTML) -> list[str]:
    """Every HTML page of the built book, relative to ``html`` (the root's and book/'s)."""
    pages = sorted(p.relative_to(html).as_posix() for p in html.glob("*.html"))
    pages += sorted(p.relative_to(html).as_posix() for p in (html / "book").glob("*.html"))
    return pages


class OffsiteRequests:
    """Record the requests a page (or a context) makes to hosts other than ``base``'s.

    ``attach(page)``, then read ``.urls``.
    """

    def __init__(self, base: str):
        self.host = urlsplit(base).netloc
        self.urls: list[str] = []

    def attach(self, target) -> None:
        target.on("request", self._on_request)

    def _on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.host:
            self.urls.append(request.url)


# ------------------------------------------------------------------ pytest fixtures
@pytest.fixture(scope="module")
def book_url() -> Iterator[str]:
    """Base URL of the built book served on 127.0.0.1 (skips, or fails under CI, without a build)."""
    if not (HTML / "book" / "intro.html").exists():
        unavailable(f"the book is not built ({HTML} has no book/intro.html): run the README's build command first")
    with BookServer(HTML) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium (Playwright ``Browser``); fails at teardown if it looked up any other host."""
    if find_chromium() is None:
        unavailable("no Chromium on this machine (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -r requirements.txt)")
    with sync_playwright() as playwright, offline_chromium(playwright) as session:
        yield session.browser
        lookups = session.close()
    assert not lookups, f"Chromium looked up or asked other hosts (the build and tests must stay offline): {lookups}"
