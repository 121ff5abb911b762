"""Benchmark: how long each page of the built book takes to be ready with its formulas typeset.

    python benchmarks/math_ready.py [--runs 5] [--html _build/html]

For every page, in headless Chromium (offline, as in the tests), each run in a
fresh browser context (empty cache):

* **math blocked**: the page with every request under ``_static/mathjax/``
  aborted; ready at the end of its ``load`` event;
* **with math**: the page as a reader gets it; ready when the ``load`` event
  has ended, every formula inside the window is typeset and the fonts are
  loaded.  Where the build typeset the formulas (``_ext/hwlib_book/prerender_math.py``)
  that is the page's own load; where MathJax runs in the browser, it is when
  MathJax has typeset the formulas in view (its lazy mode typesets the others
  as they scroll in).

It reports the median of each and their ratio (the goal: 1.5 or less).  A
script that measures and reports, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))  # a script run from anywhere: the build extension's Chromium launcher
from hwlib_book.chromium import BookServer, find_chromium, offline_chromium  # noqa: E402

VIEWPORT = {"width": 1280, "height": 900}
LOAD_END_JS = "() => performance.getEntriesByType('navigation')[0].loadEventEnd"
# milliseconds since navigation start when the formulas in the window are typeset
MATH_READY_JS = """async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
    const inView = el => { const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; };
    const pending = () => [...document.querySelectorAll('span.math, div.math')]
        .filter(el => inView(el) && !el.querySelector('mjx-container')).length;
    const start = performance.now();
    while (pending() && performance.now() - start < 60000) { await new Promise(requestAnimationFrame); }
    await document.fonts.ready;  // the formulas' glyphs drawn in their own fonts
    return performance.now();
}"""


def pages_of(html: Path) -> list[str]:
    """The book's pages that hold formulas or text (the root's and book/'s HTML files)."""
    return sorted(p.relative_to(html).as_posix() for p in (html / "book").glob("*.html"))


def _ready_ms(browser, url: str, block_math: bool) -> float:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        if block_math:
            context.route("**/_static/mathjax/**", lambda route: route.abort())
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_function("() => performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
        load_end = page.evaluate(LOAD_END_JS)
        if block_math:
            return load_end
        return max(load_end, page.evaluate(MATH_READY_JS))
    finally:
        context.close()


def measure(html: Path, runs: int = 5) -> list[tuple[str, float, float, float]]:
    """(page, median seconds with math blocked, median seconds with math, ratio) for every page."""
    from playwright.sync_api import sync_playwright

    rows = []
    with BookServer(html) as base, sync_playwright() as playwright, offline_chromium(playwright) as session:
        for page in pages_of(html):
            url = f"{base}/{page}"
            _ready_ms(session.browser, url, False)  # warm the server and the browser once
            blocked, with_math = [], []
            for _ in range(runs):  # interleaved, so a busy moment affects both
                blocked.append(_ready_ms(session.browser, url, True))
                with_math.append(_ready_ms(session.browser, url, False))
            b, m = statistics.median(blocked) / 1000, statistics.median(with_math) / 1000
            rows.append((page, b, m, m / b))
    return rows


def table(rows: list[tuple[str, float, float, float]]) -> list[str]:
    lines = ["| page ready (formulas in view typeset) | math blocked, s | with math, s | ratio |", "|---|--:|--:|--:|"]
    lines += [f"| `{page}` | {b:.2f} | {m:.2f} | {r:.2f}x |" for page, b, m, r in rows]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per page and mode (the median is reported)")
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built book")
    args = parser.parse_args()
    if not (args.html / "book").is_dir():
        sys.exit(f"no built book at {args.html}: run the README's build command first")
    if find_chromium() is None:
        sys.exit("no Chromium on this machine (Debian: apt-get install chromium)")
    print("\n".join(table(measure(args.html, args.runs))))


if __name__ == "__main__":
    main()
