"""Formulas typeset at build time, so a page is ready as soon as it loads.

MathJax in the reader's browser typesets Problem 3's 200 formulas after the page has loaded (about 2.8 times
the page's own load time on a 2-core machine).  Here, after an HTML build, each page with formulas is opened in
the build's headless Chromium session (:func:`chromium.book_browser`), MathJax typesets every formula, and the
typeset result is written back into the page's HTML:

* each ``span.math`` / ``div.math`` gets MathJax's output (CommonHTML, with its MathML for screen readers) in
  place of its TeX;
* MathJax's stylesheet for that page (fonts and the glyphs it uses, with font URLs made relative) goes into the
  page's ``<head>``;
* the MathJax scripts are dropped from the page: nothing is left to typeset.

A page that is already pre-rendered is left alone, so an incremental build renders only the pages Sphinx wrote
again.  A page whose formulas are not all in its document when it loads (the practice pages keep worked
solutions in a ``<template>`` that their script puts in place and has MathJax typeset) keeps MathJax.  Without
Chromium the pages keep MathJax, loaded lazily (``mathjax3_config`` in ``_config.yml``).
"""

from __future__ import annotations

import re
from pathlib import Path

MARKER = '<meta name="hwlib-math" content="typeset at build time" />'
MATH_ELEMENT = re.compile(
    r'(<(span|div) class="(?:[\w-]+ )*math notranslate nohighlight"[^>]*>)(.*?)(</\2>)', re.DOTALL
)
MATHJAX_SCRIPTS = re.compile(
    r'\s*<script>window\.MathJax = [^<]*</script>|\s*<script[^>]*src="[^"]*_static/mathjax/[^"]*"[^>]*></script>'
)
TYPESET_JS = """() => ({
    math: [...document.querySelectorAll('span.math.notranslate.nohighlight, div.math.notranslate.nohighlight')]
        .map(el => el.querySelector('mjx-container') ? el.innerHTML : null),
    // the rules MathJax inserted (insertRule) are not in the element's text: read the sheet
    styles: (() => { const el = document.getElementById('MJX-CHTML-styles');
                     return el && el.sheet ? [...el.sheet.cssRules].map(r => r.cssText).join('\\n') : ''; })(),
})"""


def needs_typesetting(page: Path) -> bool:
    """True for an HTML page that loads MathJax and is not pre-rendered yet."""
    text = page.read_text(encoding="utf-8")
    return MARKER not in text and "_static/mathjax/" in text and "math notranslate nohighlight" in text


def pages_to_typeset(outdir: Path) -> list[Path]:
    """The HTML pages under ``outdir`` (not ``_static``) that :func:`needs_typesetting`."""
    return [p for p in sorted(outdir.rglob("*.html")) if "_static" not in p.relative_to(outdir).parts
            and needs_typesetting(p)]


def rewrite_page(text: str, math: list[str | None], styles: str, base: str, root_prefix: str) -> str:
    """The page's HTML with each formula's TeX replaced by its typeset HTML and MathJax's scripts removed.

    ``math`` lists the typeset inner HTML of each math element in document order; ``styles`` is MathJax's
    stylesheet with URLs under ``base`` (the server that typeset it), written relative to the page
    (``root_prefix``).
    """
    found = list(MATH_ELEMENT.finditer(text))
    if len(found) != len(math):
        raise ValueError(f"the page has {len(found)} math elements, the browser typeset {len(math)}")
    if any(item is None for item in math):
        raise ValueError(f"{sum(item is None for item in math)} formulas were not typeset")
    pieces, last = [], 0
    for match, typeset in zip(found, math):
        pieces += [text[last:match.start()], match.group(1), typeset, match.group(4)]
        last = match.end()
    pieces.append(text[last:])
    text = "".join(pieces)
    styles = styles.replace(f"{base}/", root_prefix).replace("</style", "<\\/style")
    head = f'{MARKER}\n<style id="MJX-CHTML-styles">{styles}</style>\n'
    text = MATHJAX_SCRIPTS.sub("", text)
    return text.replace("</head>", head + "</head>", 1)


def typeset_pages(browser, base: str, outdir: Path, pages: list[Path]) -> tuple[int, list[str]]:
    """Pre-render the formulas of ``pages`` (HTML files under ``outdir``, served at ``base``) in place.

    ``browser`` is a Playwright ``Browser``.  Returns the number of formulas written and the pages that keep
    MathJax (formulas their own script shows later).
    """
    from .chromium import PAGE_READY_JS

    written, kept = 0, []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        for path in pages:
            relative = path.relative_to(outdir).as_posix()
            page.goto(f"{base}/{relative}", wait_until="load")
            page.evaluate(PAGE_READY_JS)
            result = page.evaluate(TYPESET_JS)
            source = path.read_text(encoding="utf-8")
            if len(MATH_ELEMENT.findall(source)) != len(result["math"]):
                kept.append(relative)  # formulas the page's own script puts in place later: MathJax stays on it
                continue
            root_prefix = "../" * relative.count("/")
            path.write_text(rewrite_page(source, result["math"], result["styles"], base, root_prefix), encoding="utf-8")
            written += len(result["math"])
    finally:
        page.close()
    return written, kept
