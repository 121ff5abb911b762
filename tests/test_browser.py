"""Open every page of the built book in headless Chromium and check what a reader sees.

Per page, at desktop width (1280 px):

* every formula typeset by MathJax (no raw TeX left), every image loaded with a
  non-zero size, no JavaScript console error, no request to another host, and
  every internal link (and its #fragment) resolving;
* accessibility: axe-core (bundled by ``axe-playwright-python``, nothing
  fetched) finds no serious or critical violation, and every image of the
  content has a real alt text (words, not a file name);
* nothing scrolls the page sideways or is cut off, at 1280 px and at a phone's
  390 px (there with every ``<details>`` open, the practice pages' worked
  solutions too): a wide table, formula or code line scrolls inside its own box;
* a page that only sends the reader on (the root's ``index.html``) must reach the page it names, which is
  checked as itself;
* the answer key shows no code (graders read answers, marks and mistakes);
* in the theme's dark mode the figures are drawn light on dark (CSS filter on
  the transparent figures);
* with HWBOOK_SCREENSHOTS=1 (set by .ci/run), a full-page screenshot of each
  chapter, light and dark, is saved under ``_build/screenshots/`` for a person
  to look at (taking them is half the test's time, and they check nothing).

The browser itself must make no lookup of its own (``browser_support.chromium``
fails at teardown otherwise).  The book's PDF is checked by ``test_book_pdf.py``
(a file of its own, so that the parallel workers share the two).

Needs a built book (the README's build command), Debian's ``chromium`` and the
``playwright`` package.  Without them the test skips with the reason, unless
HWBOOK_REQUIRE_BROWSER=1 (set by .ci/run), where a skip would hide a failure.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from browser_support import (  # noqa: F401  (book_url and chromium are fixtures)
    HTML,
    PAGE_READY_JS,
    SCREENSHOTS,
    OffsiteRequests,
    book_pages,
    book_url,
    chromium,
    unavailable,
)

RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\$[^$\s][^$]*\$")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SERIOUS = {"serious", "critical"}
SAVE_SCREENSHOTS = os.environ.get("HWBOOK_SCREENSHOTS") == "1"
FILE_LIKE = re.compile(r"[\w-]+\.(png|jpe?g|svg|gif|webp)\b|_images/|^[0-9a-f]{16,}", re.IGNORECASE)

# The page scrolls sideways, or some content sticks out of a box that hides its
# overflow (cut off).  A box that scrolls (overflow auto/scroll) is fine.
LAYOUT_JS = """() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (typeof el.className === 'string' && el.className ?
            '.' + el.className.trim().split(/\\s+/).join('.') : '');
    const text = el => (el.innerText || el.textContent || '').trim().slice(0, 50);
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth > width + 1) {
        // what sticks out, outside any box that scrolls or clips it (a visually hidden one too)
        const contained = el => {
            for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                if (getComputedStyle(p).overflowX !== 'visible') { return true; }
            }
            return false;
        };
        const culprits = [...document.querySelectorAll('.bd-main *')]
            .filter(el => el.getBoundingClientRect().right > width + 1 && !contained(el))
            .filter(el => ![...el.children].some(c => c.getBoundingClientRect().right > width + 1))
            .slice(0, 3)
            .map(el => `${name(el)} "${text(el)}" to ${Math.round(el.getBoundingClientRect().right)} px`);
        problems.push(
            `the page scrolls sideways: ${scrollWidth} px wide in a ${width} px window (${culprits.join('; ')})`);
    }
    for (const el of document.querySelectorAll('.bd-article *')) {
        if (el.closest('mjx-assistive-mml, .visually-hidden, .sr-only, script, style, .toggle-hidden, ' +
                       'details:not([open]) > :not(summary)')) continue;
        const box = el.getBoundingClientRect();
        if (box.width < 2 || box.height < 2) continue;
        for (let parent = el.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
            const style = getComputedStyle(parent);
            const overflow = style.overflowX;
            if (overflow === 'visible' ||
                style.display.startsWith('inline') && !style.display.startsWith('inline-')) continue;
            if ((overflow === 'hidden' || overflow === 'clip') &&
                box.right > parent.getBoundingClientRect().right + 1) {
                problems.push(`cut off: ${name(el)} "${text(el)}" ends at ${Math.round(box.right)} px, ` +
                              `outside ${name(parent)} (${Math.round(parent.getBoundingClientRect().right)} px)`);
            }
            // a box scrolls only to the right: what starts left of it, unscrolled, can never be seen
            if (parent.scrollLeft === 0 && box.left < parent.getBoundingClientRect().left - 1) {
                problems.push(`cut off on the left: ${name(el)} "${text(el)}" starts at ${Math.round(box.left)} px, ` +
                              `before ${name(parent)} (${Math.round(parent.getBoundingClientRect().left)} px)`);
            }
            break;
        }
    }
    return [...new Set(problems)].slice(0, 8);
}"""

# A page that only sends the reader on: <meta http-equiv="Refresh" content="0; url=...">
REFRESH = re.compile(r'<meta\s+http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', re.IGNORECASE)

# Open every closed <details> of the article; a practice page's worked solution is put in place from its <template>
# when opened (practice.js): wait until each one is.
OPEN_DETAILS_JS = """async () => {
    const closed = [...document.querySelectorAll('.bd-article details:not([open])')];
    closed.forEach(details => { details.open = true; });
    const solutions = document.querySelectorAll('details.practice-solution').length;
    const start = performance.now();
    while (document.querySelectorAll('div.practice-solution-body[data-typeset="true"]').length < solutions) {
        if (performance.now() - start > 60000) { throw new Error('a worked solution was not put in place'); }
        await new Promise(resolve => setTimeout(resolve, 20));
    }
    return closed.length;
}"""

IMAGES_JS = """() => [...document.querySelectorAll('.bd-article img')]
    .filter(img => img.getAttribute('role') !== 'presentation')
    .map(img => ({src: img.getAttribute('src'), alt: img.getAttribute('alt'),
                  filter: getComputedStyle(img).filter, figure: img.classList.contains('hwlib-figure')}))"""


def alt_text_problem(src: str, alt: str | None) -> str | None:
    """Why ``alt`` is not a real alt text for the image at ``src``, or None."""
    if alt is None or not alt.strip():
        return f"image without an alt text: {src}"
    if FILE_LIKE.search(alt) or alt.strip() in src:
        return f"image whose alt text is a file name: {src} (alt {alt!r})"
    if len(alt.split()) < 3:
        return f"image whose alt text is not a description: {src} (alt {alt!r})"
    return None


@functools.cache
def _ids(path: Path) -> frozenset[str]:
    return frozenset(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8", errors="replace")))


def _axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        unavailable("axe-playwright-python is not installed (pip install -r requirements.txt)")
    return Axe()


def _check_links(page, host: str) -> list[str]:
    problems = []
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
    return problems


def _check_page(browser, axe, base: str, page_path: str) -> list[str]:
    problems: list[str] = []
    page = browser.new_page(viewport=DESKTOP, color_scheme="light")
    host = urlsplit(base).netloc
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    offsite = OffsiteRequests(base)
    offsite.attach(page)
    page.on("response", lambda r: problems.append(f"HTTP {r.status} for {r.url}") if r.status >= 400 else None)
    page.on(
        "requestfailed",
        lambda r: problems.append(f"request failed: {r.url}") if urlsplit(r.url).netloc == host else None,
    )
    redirect = REFRESH.search((HTML / page_path).read_text(encoding="utf-8"))
    page.goto(f"{base}/{page_path}", wait_until="commit" if redirect else "load")
    if redirect:  # the root's index.html: it must take the reader to the page it names
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        target = urljoin(f"{base}/{page_path}", redirect.group(1))
        try:
            page.wait_for_url(target, wait_until="load")
        except PlaywrightTimeout:
            problems.append(f"the redirect to {target} did not happen")
        found = problems + [f"request to another host: {url}" for url in offsite.urls]
        page.close()
        return found  # the page it leads to is checked as itself
    # Every formula typeset (lazy ones too), every image decoded, every font loaded: the page is as a reader
    # sees it (no idle wait: the script awaits what is still loading).
    page.evaluate(PAGE_READY_JS)

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
            body.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight')
                .forEach(n => n.remove());
            return body.innerText;
        }"""
    )
    for match in RAW_TEX.finditer(text):
        problems.append(f"raw TeX left in the page: {text[max(match.start() - 30, 0):match.end() + 30]!r}")
    broken = page.evaluate(
        "() => [...document.images]"
        ".filter(i => !(i.complete && i.naturalWidth > 0 && i.naturalHeight > 0)).map(i => i.src)"
    )
    problems += [f"image not loaded: {src}" for src in broken]
    problems += _check_links(page, host)

    # accessibility
    images = page.evaluate(IMAGES_JS)
    problems += [p for p in (alt_text_problem(i["src"], i["alt"]) for i in images) if p]
    # preload off: axe's own fetch of @import-ed stylesheets resolves them against the page (a false 404)
    violations = axe.run(page, options={"resultTypes": ["violations"], "preload": False}).response["violations"]
    for violation in violations:
        if violation["impact"] in SERIOUS:
            where = "; ".join(" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                              for node in violation["nodes"][:3])
            problems.append(f"axe {violation['impact']}: {violation['id']} ({violation['help']}) at {where}")

    # the answer key is for graders: answers, marks and mistakes, no code
    if page_path == "book/answer_key.html":
        code = page.evaluate(
            "() => document.querySelectorAll("
            "'.bd-article .cell_input, .bd-article div[class*=\"highlight-ipython\"]').length"
        )
        if code:
            problems.append(f"the answer key shows {code} code cell(s): remove their input (tag remove-input)")

    problems += [f"at {DESKTOP['width']} px: {p}" for p in page.evaluate(LAYOUT_JS)]
    chapter = page_path.startswith("book/")
    if chapter:
        if SAVE_SCREENSHOTS:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.evaluate("() => window.scrollTo(0, 0)")
            page.screenshot(path=str(SCREENSHOTS / f"{Path(page_path).stem}.png"), full_page=True)

        # the theme's dark mode (it follows the reader's colour scheme): figures drawn light on dark
        page.emulate_media(color_scheme="dark")
        page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
        for image in page.evaluate(IMAGES_JS):
            if image["figure"] and "invert" not in image["filter"]:
                problems.append(f"dark mode: figure {image['src']} keeps its dark ink (filter {image['filter']!r})")
        if SAVE_SCREENSHOTS:
            (SCREENSHOTS / "dark").mkdir(exist_ok=True)
            page.evaluate("() => window.scrollTo(0, 0)")
            page.screenshot(path=str(SCREENSHOTS / "dark" / f"{Path(page_path).stem}.png"), full_page=True)
        page.emulate_media(color_scheme="light")

    # a phone's width, with every <details> open (the practice pages' worked solutions put in place): nothing
    # scrolls sideways, nothing is cut off
    page.evaluate(OPEN_DETAILS_JS)
    page.set_viewport_size(PHONE)
    page.wait_for_function(f"() => document.documentElement.clientWidth <= {PHONE['width']}")
    problems += [f"at {PHONE['width']} px: {p}" for p in page.evaluate(LAYOUT_JS)]

    problems += [f"request to another host: {url}" for url in offsite.urls]
    found = list(problems)  # requests that closing the page cancels are not the page's fault
    page.close()
    return found


def test_every_page_renders_offline_and_accessibly(book_url, chromium):
    pages = book_pages()
    assert "book/intro.html" in pages and len(pages) >= 5
    assert (HTML / "favicon.ico").is_file()  # browsers ask for it on pages without a <link rel="icon">
    axe = _axe()
    report = {page: _check_page(chromium, axe, book_url, page) for page in pages}
    failures = {page: problems for page, problems in report.items() if problems}
    assert not failures, "\n".join(f"{page}:\n  " + "\n  ".join(p) for page, p in failures.items())
    for chapter in (p for p in pages if p.startswith("book/") and SAVE_SCREENSHOTS):
        assert (SCREENSHOTS / f"{Path(chapter).stem}.png").stat().st_size > 10_000
        assert (SCREENSHOTS / "dark" / f"{Path(chapter).stem}.png").stat().st_size > 10_000


@pytest.mark.parametrize(("src", "alt", "ok"), [
    ("../_images/fe66.png", "../_images/fe66.png", False),
    ("../_images/fe66.png", "fe664c8c0a1b2c3d4e5f.png", False),
    ("../_images/fe66.png", "", False),
    ("../_images/fe66.png", None, False),
    ("../_images/fe66.png", "figure", False),
    ("../_images/fe66.png", "Network x → y → z: x₁ = 1, x₂ = −1, loss 9", True),
])
def test_alt_text_check_tells_a_description_from_a_file_name(src, alt, ok):
    assert (alt_text_problem(src, alt) is None) is ok
