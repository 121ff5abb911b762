"""Open every page of the built book in headless Chromium and check what a reader sees.

Per page: every formula typeset by MathJax (no raw TeX left), every image loaded
with a non-zero size, no JavaScript console errors, no request to another host,
and every internal link (and its #fragment) resolving.  A full-page screenshot
of each chapter is saved under ``_build/screenshots/`` for a person to look at.

Needs a built book (the README's build command), Debian's ``chromium`` and the
``playwright`` package.  Without them the test skips with the reason, unless
HWBOOK_REQUIRE_BROWSER=1 (set by .ci/run), where a skip would hide a failure.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from browser_support import HTML, SCREENSHOTS, OffsiteRequests, book_pages, book_url, chromium  # noqa: F401

RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\$[^$\s][^$]*\$")


@functools.lru_cache(maxsize=None)
def _ids(path: Path) -> frozenset[str]:
    return frozenset(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8", errors="replace")))


def _check_page(browser, base: str, page_path: str) -> list[str]:
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    host = urlsplit(base).netloc
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    offsite = OffsiteRequests(base)
    offsite.attach(page)
    page.on("response", lambda r: problems.append(f"HTTP {r.status} for {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}") if urlsplit(r.url).netloc == host else None)
    page.goto(f"{base}/{page_path}", wait_until="load")
    page.wait_for_load_state("networkidle")
    # MathJax 3 typesets on start-up; wait for it where the page loads it.
    page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
    # Make every image load (even lazy ones) and wait until each is decoded.
    page.evaluate(
        """async () => {
            for (const img of document.images) { img.loading = 'eager'; }
            window.scrollTo(0, document.body.scrollHeight);
            await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
        }"""
    )
    page.wait_for_load_state("networkidle")  # whatever the scroll started (fonts, images) has finished
    math = page.evaluate(
        """() => {
            const nodes = [...document.querySelectorAll('span.math, div.math')];
            return {total: nodes.length, typeset: nodes.filter(n => n.querySelector('mjx-container')).length};
        }"""
    )
    if math["typeset"] != math["total"]:
        problems.append(f"{math['total'] - math['typeset']} of {math['total']} formulas not typeset")
    text = page.evaluate(
        """() => {
            const body = document.body.cloneNode(true);
            body.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight').forEach(n => n.remove());
            return body.innerText;
        }"""
    )
    for match in RAW_TEX.finditer(text):
        problems.append(f"raw TeX left in the page: {text[max(match.start() - 30, 0):match.end() + 30]!r}")
    broken = page.evaluate(
        "() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0 && i.naturalHeight > 0)).map(i => i.src)"
    )
    problems += [f"image not loaded: {src}" for src in broken]
    links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    for link in sorted(set(links)):
        parts = urlsplit(link)
        if parts.netloc != host or parts.scheme not in ("http", "https"):
            continue
        target = HTML / unquote(parts.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            problems.append(f"internal link to a missing file: {link}")
        elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _ids(target):
            problems.append(f"internal link to a missing anchor: {link}")
    if page_path.startswith("book/"):
        page.evaluate("() => window.scrollTo(0, 0)")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / (Path(page_path).stem + ".png")), full_page=True)
    problems += [f"request to another host: {url}" for url in offsite.urls]
    found = list(problems)  # requests that closing the page cancels are not the page's fault
    page.close()
    return found


def test_every_page_renders_offline(book_url, chromium):
    server, browser = book_url, chromium
    pages = book_pages()
    assert "book/intro.html" in pages and len(pages) >= 5
    assert (HTML / "favicon.ico").is_file()  # browsers ask for it on pages without a <link rel="icon">
    report = {page: _check_page(browser, server, page) for page in pages}
    failures = {page: problems for page, problems in report.items() if problems}
    assert not failures, "\n".join(f"{page}:\n  " + "\n  ".join(p) for page, p in failures.items())
    for chapter in (p for p in pages if p.startswith("book/")):
        assert (SCREENSHOTS / (Path(chapter).stem + ".png")).stat().st_size > 10_000
