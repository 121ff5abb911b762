"""Formulas typeset at build time, so a page is ready as soon as it loads.

MathJax in the reader's browser typesets Problem 3's 200 formulas after the page has loaded (about 2.8 times
the page's own load time on a 2-core machine).  Here, after an HTML build, each page with formulas is opened in
the build's headless Chromium session (:func:`chromium.book_browser`), MathJax typesets every formula, and the
typeset result is written back into the page's HTML:

* each ``span.math`` / ``div.math`` gets MathJax's output (CommonHTML, with its MathML for screen readers) in
  place of its TeX, those inside a ``<template>`` too (the practice pages' worked solutions, which their script
  puts in place when a reader opens one): the browser typesets a copy of each template's content off screen;
* MathJax's stylesheet for that page (fonts and every glyph it typeset, the templates' too, with font URLs made
  relative) goes into the page's ``<head>``, under an id of its own (:data:`STYLES_ID`);
* the MathJax scripts are dropped from the page: nothing is left to typeset.  No page's script writes TeX while
  it is read (the practice pages write a fresh variant's statement and feedback as plain text), so the practice
  pages lose MathJax too; their script typesets a formula only where the build left TeX and MathJax is there.

A page that is already pre-rendered is left alone, so an incremental build renders only the pages Sphinx wrote
again.  Without Chromium the pages keep MathJax, loaded lazily (``mathjax3_config`` in ``_config.yml``).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

MARKER = '<meta name="hwlib-math" content="typeset at build time" />'
MATH_CLASSES = frozenset({"math", "notranslate", "nohighlight"})  # Sphinx's math elements, in any class order
MATH_TAGS = frozenset({"span", "div"})
MATHJAX_CONFIG = "window.MathJax ="
MATHJAX_FILES = "_static/mathjax/"
STYLES_ID = "hwlib-math-styles"
# Every math element in source order, those inside <template> elements included: the content of each template
# (nested ones too) is copied into a box, put off screen once all are found, where MathJax typesets it; the
# boxes go once read.
TYPESET_JS = """async () => {
    const selector = 'span.math.notranslate.nohighlight, div.math.notranslate.nohighlight';
    const found = [], boxes = [];
    const walk = node => {
        for (const child of node.children) {
            if (child.matches(selector)) {
                found.push(child);
            } else if (child.localName === 'template') {
                const box = document.createElement('div');
                box.style.cssText = 'position: absolute; left: -10000px; top: 0; width: 800px;';
                box.appendChild(child.content.cloneNode(true));
                boxes.push(box);
                walk(box);
            } else {
                walk(child);
            }
        }
    };
    walk(document.documentElement);
    boxes.forEach(box => document.body.appendChild(box));  // after the walk, which would find them again
    if (boxes.length && window.MathJax && MathJax.typesetPromise) {
        await MathJax.typesetPromise(boxes);
        const doc = MathJax.startup.document;
        if (doc && doc.lazyTypesetAll) { await doc.lazyTypesetAll(); }
    }
    const math = found.map(el => el.querySelector('mjx-container') ? el.innerHTML : null);
    // the rules MathJax inserted (insertRule) are not in the element's text: read the sheet
    const sheet = document.getElementById('MJX-CHTML-styles');
    const styles = sheet && sheet.sheet ? [...sheet.sheet.cssRules].map(r => r.cssText).join('\\n') : '';
    boxes.forEach(box => box.remove());
    return {math, styles};
}"""


def needs_typesetting(page: Path) -> bool:
    """True for an HTML page that loads MathJax and is not pre-rendered yet."""
    text = page.read_text(encoding="utf-8")
    return MARKER not in text and "_static/mathjax/" in text and "math notranslate nohighlight" in text


def pages_to_typeset(outdir: Path) -> list[Path]:
    """The HTML pages under ``outdir`` (not ``_static``) that :func:`needs_typesetting`."""
    return [p for p in sorted(outdir.rglob("*.html")) if "_static" not in p.relative_to(outdir).parts
            and needs_typesetting(p)]


class PageParts(HTMLParser):
    """Where a page's formulas and MathJax's scripts are, as offsets into its HTML.

    ``math``: ``(content_start, content_end)`` of each ``span`` or ``div`` whose classes include ``math``,
    ``notranslate`` and ``nohighlight`` (Sphinx's math elements; any other classes, any order), in document
    order, those inside a ``<template>`` included; ``scripts``: ``(start, end)`` of each ``<script>`` that
    configures or loads MathJax, with the whitespace before it.
    """

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.math: list[tuple[int, int]] = []
        self.scripts: list[tuple[int, int]] = []
        self._lines = [0]
        self._lines += [index + 1 for index, char in enumerate(text) if char == "\n"]
        self._open: list = []       # [tag, depth, content_start] of the math element being read
        self._script: list = []     # [start, is_mathjax] of the script being read
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        attributes = dict(attrs)
        if tag == "script":
            self._script = [start, MATHJAX_FILES in (attributes.get("src") or "")]
        elif self._open and tag == self._open[0]:
            self._open[1] += 1
        elif not self._open and tag in MATH_TAGS and MATH_CLASSES <= set((attributes.get("class") or "").split()):
            self._open = [tag, 0, start + len(self.get_starttag_text() or "")]

    def handle_data(self, data: str) -> None:
        if self._script and data.lstrip().startswith(MATHJAX_CONFIG):
            self._script[1] = True

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        end = self.text.index(">", start) + 1
        if tag == "script" and self._script:
            if self._script[1]:
                begin = self._script[0]
                while begin > 0 and self.text[begin - 1].isspace():
                    begin -= 1
                self.scripts.append((begin, end))
            self._script = []
        elif self._open and tag == self._open[0]:
            if self._open[1]:
                self._open[1] -= 1
            else:
                self.math.append((self._open[2], start))
                self._open = []


def rewrite_page(text: str, math: list[str | None], styles: str, base: str, root_prefix: str) -> str:
    """The page's HTML with each formula's TeX replaced by its typeset HTML and MathJax's scripts removed.

    ``math`` lists the typeset inner HTML of each math element in source order (:class:`PageParts`), those in
    a ``<template>`` included; ``styles`` is MathJax's stylesheet with URLs under ``base`` (the server that
    typeset it), written relative to the page (``root_prefix``).
    """
    parts = PageParts(text)
    if len(parts.math) != len(math):
        raise ValueError(f"the page has {len(parts.math)} math elements, the browser typeset {len(math)}")
    if any(item is None for item in math):
        raise ValueError(f"{sum(item is None for item in math)} formulas were not typeset")
    replacements = sorted([*zip(parts.math, math), *((span, "") for span in parts.scripts)])
    pieces, last = [], 0
    for (start, end), new in replacements:
        pieces += [text[last:start], new]
        last = end
    pieces.append(text[last:])
    text = "".join(pieces)
    styles = styles.replace(f"{base}/", root_prefix).replace("</style", "<\\/style")
    head = f'{MARKER}\n<style id="{STYLES_ID}">{styles}</style>\n'
    return text.replace("</head>", head + "</head>", 1)


def typeset_pages(browser, base: str, outdir: Path, pages: list[Path]) -> tuple[int, list[str]]:
    """Pre-render the formulas of ``pages`` (HTML files under ``outdir``, served at ``base``) in place.

    ``browser`` is a Playwright ``Browser``.  Returns the number of formulas written and the pages left
    untouched to MathJax because the browser found another number of formulas than their HTML holds.
    """
    from .chromium import PAGE_READY_JS

    written, left = 0, []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        for path in pages:
            relative = path.relative_to(outdir).as_posix()
            page.goto(f"{base}/{relative}", wait_until="load")
            page.evaluate(PAGE_READY_JS)
            result = page.evaluate(TYPESET_JS)
            source = path.read_text(encoding="utf-8")
            parts = PageParts(source)
            if len(parts.math) != len(result["math"]):
                left.append(relative)
                continue
            root_prefix = "../" * relative.count("/")
            path.write_text(rewrite_page(source, result["math"], result["styles"], base, root_prefix), encoding="utf-8")
            written += len(result["math"])
    finally:
        page.close()
    return written, left
