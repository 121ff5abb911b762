"""Debian's Chromium, started so that it reaches nothing but this machine.

Shared by the build (math typeset at build time, the book's PDF: one
session, :func:`book_browser`) and the browser tests
(``tests/browser_support.py``).  Playwright's own
``--disable-background-networking`` is not enough: Chromium 156 still asks accounts.google.com (the signed-in
account list) and update.googleapis.com (a component update) at start-up.
Those services are switched off by flag where a flag exists, and otherwise
pointed at a closed port on this machine, so their requests fail at once
without a name lookup.  ``--log-net-log`` records everything the browser
process and its pages resolve or request; :func:`lookups_to_other_hosts`
reads that log.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
# port 9 ("discard") on this machine: nothing listens, a connection is refused at once
NOWHERE = "http://127.0.0.1:9"
CHROMIUM_FLAGS = [
    "--no-sandbox",               # CI runs as root
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
    f"--gaia-url={NOWHERE}",                       # accounts.google.com/ListAccounts at start-up
    f"--google-apis-url={NOWHERE}",
    f"--component-updater=url-source={NOWHERE}/",  # update.googleapis.com despite --disable-component-update
    f"--autofill-server-url={NOWHERE}/",           # content-autofill.googleapis.com for a form a script adds
]
# Debian's /usr/bin/chromium wrapper exports Google API keys and loads
# extensions: the binary behind it is started directly where it exists.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser", "google-chrome")
QUIET_ENV = {"GOOGLE_API_KEY": "no", "GOOGLE_DEFAULT_CLIENT_ID": "no", "GOOGLE_DEFAULT_CLIENT_SECRET": "no"}


def find_chromium() -> str | None:
    """Path of the system's Chromium, or None."""
    for name in CHROMIUM_CANDIDATES:
        if os.path.isabs(name):
            if os.access(name, os.X_OK):
                return name
        elif shutil.which(name):
            return shutil.which(name)
    return None


@functools.cache
def why_unavailable() -> str | None:
    """Why the build cannot use Chromium on this machine (no Chromium, Playwright or pypdf), or None."""
    if find_chromium() is None:
        return "Chromium is not installed (Debian: apt-get install chromium)"
    for module in ("playwright", "pypdf"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install -r requirements.txt)"
    return None


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
                if "://" in item:
                    host = urlsplit(item).hostname
                else:
                    host = item.rsplit(":", 1)[0] if item.count(":") == 1 else item
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
    text = Path(netlog).read_text(encoding="utf-8", errors="replace")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:
        text = text[: text.rfind("}") + 1].rstrip().rstrip(",")
        log = json.loads(text + ("]}" if '"events"' in text else "}"))
    found: set[str] = set()
    for event in log.get("events", []):
        _hosts_in(event.get("params", {}), found)
    return sorted(host for host in found if host.strip("[]") not in LOCAL_HOSTS)


class OfflineChromium:
    """A launched Chromium (``.browser``, a Playwright ``Browser``) whose network log is read when it closes."""

    def __init__(self, browser, netlog: Path):
        self.browser = browser
        self.netlog = netlog

    def close(self) -> list[str]:
        """Close the browser; return the hosts other than this machine it looked up or asked."""
        if self.browser.is_connected():
            self.browser.close()
        return lookups_to_other_hosts(self.netlog) if self.netlog.exists() else []


@contextlib.contextmanager
def offline_chromium(
    playwright, executable: str | None = None, extra_args: list[str] | None = None
) -> Iterator[OfflineChromium]:
    """Launch headless Chromium with :data:`CHROMIUM_FLAGS` and a network log in a temporary folder.

    Call ``session.close()`` to close it and get the hosts it looked up;
    leaving the block closes it if that was not done.
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no request log on the console
        pass


class BookServer:
    """Serve a directory on 127.0.0.1 (a free port) in a daemon thread: ``with BookServer(path) as url: ...``."""

    def __init__(self, directory: Path):
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


# Wait until MathJax has typeset every formula (its lazy mode included) and every image is decoded.
PAGE_READY_JS = """async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
        await MathJax.startup.promise;
        const doc = MathJax.startup.document;
        if (doc && doc.lazyTypesetAll) { await doc.lazyTypesetAll(); }
    }
    for (const img of document.images) { img.loading = 'eager'; }
    await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
    await document.fonts.ready;
}"""


@contextlib.contextmanager
def book_browser(directory: Path) -> Iterator[tuple[str, OfflineChromium]]:
    """Serve ``directory`` on 127.0.0.1 and launch one offline Chromium: ``with book_browser(html) as (url, session)``.

    The build typesets the math and then prints the PDF in this one session.
    """
    from playwright.sync_api import sync_playwright

    with BookServer(directory) as base, sync_playwright() as playwright, offline_chromium(playwright) as session:
        yield base, session
