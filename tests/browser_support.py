"""Shared support for the browser tests: an offline Chromium and the built book on 127.0.0.1.

* :func:`find_chromium` finds Debian's Chromium (no browser is downloaded);
* :data:`CHROMIUM_FLAGS` start it with its background services off or pointed
  at a closed local port, so it makes no lookup of its own (Chromium 156 still
  asks accounts.google.com and update.googleapis.com with Playwright's own
  ``--disable-background-networking``);
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

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

# A closed port on this machine: services that cannot be switched off by a flag
# (sign-in's account list, the component updater) are pointed here, so their
# requests fail at once without a name lookup.  Port 9 is "discard".
NOWHERE = "http://127.0.0.1:9"
CHROMIUM_FLAGS = [
    "--no-sandbox",               # runs as root in CI containers
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-pings",
    f"--gaia-url={NOWHERE}",       # accounts.google.com/ListAccounts at start-up
    f"--google-apis-url={NOWHERE}",
    f"--component-updater=url-source={NOWHERE}/",  # update.googleapis.com despite --disable-component-update
]
# Debian's /usr/bin/chromium wrapper exports Google API keys and loads
# extensions; the binary behind it is started directly where it exists.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser", "google-chrome")
QUIET_ENV = {"GOOGLE_API_KEY": "no", "GOOGLE_DEFAULT_CLIENT_ID": "no", "GOOGLE_DEFAULT_CLIENT_SECRET": "no"}


def find_chromium() -> str | None:
    """Path of the system's Chromium, or None."""
    for name in CHROMIUM_CANDIDATES:
        path = name if os.path.isabs(name) and os.access(name, os.X_OK) else shutil.which(name)
        if path:
            return path
    return None


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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


class BookServer:
    """Serve a directory on 127.0.0.1 (a free port) in a daemon thread: ``with BookServer(HTML) as url: ...``."""

    def __init__(self, directory: Path = HTML):
        self.directory = Path(directory)
        self._httpd: http.server.ThreadingHTTPServer | None = None

    def __enter__(self) -> str:
        handler = functools.partial(_QuietHandler, directory=str(self.directory))
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __exit__(self, *exc) -> None:
        assert self._httpd is not None
        self._httpd.shutdown()
        self._httpd.server_close()


def _hosts_in(value, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and key in ("hostname", "qname"):
                found.add(item)
            elif isinstance(item, str) and key in ("url", "destination", "logical_destination"):
                parts = urlsplit(item)
                if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname:
                    found.add(parts.hostname)
            elif isinstance(item, str) and key == "host":  # "host:port" or a URL
                host = urlsplit(item).hostname if "://" in item else item.rsplit(":", 1)[0] if item.count(":") == 1 else item
                if host:
                    found.add(host)
            else:
                _hosts_in(item, found)
    elif isinstance(value, list):
        for item in value:
            _hosts_in(item, found)


def lookups_to_other_hosts(netlog: Path) -> list[str]:
    """Hosts other than this machine that a Chromium network log shows being resolved or requested.

    Reads the events of ``--log-net-log`` (DNS transactions, host-resolver jobs,
    URL requests, stream jobs).  A log cut short (the browser killed) is read up
    to its last complete event.
    """
    text = netlog.read_text(encoding="utf-8", errors="replace")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:
        text = text[: text.rfind("}") + 1].rstrip().rstrip(",")
        log = json.loads(text + ("]}" if '"events"' in text else "}"))
    found: set[str] = set()
    for event in log.get("events", []):
        _hosts_in(event.get("params", {}), found)
    return sorted(host for host in found if host.strip("[]") not in LOCAL_HOSTS and host != "0.0.0.0")


class OfflineChromium:
    """A launched Chromium (``.browser``) whose network log is checked when it closes."""

    def __init__(self, browser, netlog: Path):
        self.browser = browser
        self.netlog = netlog

    def close(self) -> list[str]:
        """Close the browser; return the hosts other than this machine it looked up or asked."""
        self.browser.close()
        return lookups_to_other_hosts(self.netlog) if self.netlog.exists() else []


@contextlib.contextmanager
def offline_chromium(playwright, executable: str | None = None, extra_args: list[str] | None = None) -> Iterator[OfflineChromium]:
    """Launch headless Chromium with :data:`CHROMIUM_FLAGS` and a network log in a temporary folder.

    The caller checks ``session.close()`` (the hosts looked up); leaving the
    block closes the browser if the caller did not.
    """
    executable = executable or find_chromium()
    if executable is None:
        raise RuntimeError("no Chromium on this machine (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="hwbook-chromium-") as tmp:
        netlog = Path(tmp) / "netlog.json"
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True,
            args=[*CHROMIUM_FLAGS, f"--log-net-log={netlog}", *(extra_args or [])],
            env={**os.environ, **QUIET_ENV},
        )
        session = OfflineChromium(browser, netlog)
        try:
            yield session
        finally:
            if browser.is_connected():
                browser.close()


class OffsiteRequests:
    """Record the requests a page (or a context) makes to hosts other than ``base``'s: ``attach(page)``, then ``.urls``."""

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
