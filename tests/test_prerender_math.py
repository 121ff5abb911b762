"""Tests of the build's math pre-rendering (_ext/hwlib_book/prerender_math.py): typeset formulas in, MathJax out."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from pathlib import Path

import pytest

from hwlib_book.chromium import book_browser, find_chromium
from hwlib_book.prerender_math import (
    MARKER,
    STYLES_ID,
    PageParts,
    needs_typesetting,
    pages_to_typeset,
    rewrite_page,
    typeset_pages,
)

PAGE = """<html><head>
<script>window.MathJax = {"loader": {"load": ["ui/lazy"]}}</script>
<script defer="defer" src="../_static/mathjax/tex-chtml.js?v=20daa33d"></script>
</head><body>
<p>Inline <span class="math notranslate nohighlight">\\(x_1\\)</span> and</p>
<div class="math notranslate nohighlight" id="equation-a">
<span class="eqno">(1)<a class="headerlink" href="#equation-a">#</a></span>\\[L = (z - t)^2\\]</div>
<div class="output text_latex math notranslate nohighlight">$\\displaystyle 2$</div>
</body></html>"""


def test_each_formula_gets_its_typeset_html_and_the_scripts_go():
    math = ["<mjx-container>x1</mjx-container>", '<span class="eqno">(1)</span><mjx-container>L</mjx-container>',
            "<mjx-container>2</mjx-container>"]
    styles = '@font-face { src: url("http://127.0.0.1:4321/_static/mathjax/fonts/Main.woff") }'
    text = rewrite_page(PAGE, math, styles, "http://127.0.0.1:4321", "../")
    assert "tex-chtml.js" not in text and "window.MathJax" not in text
    assert "\\(" not in text and "\\[" not in text and "displaystyle" not in text
    assert all(item in text for item in math)
    assert 'url("../_static/mathjax/fonts/Main.woff")' in text and "127.0.0.1" not in text
    assert text.count(MARKER) == 1 and text.index(MARKER) < text.index("</head>")
    assert 'id="equation-a"' in text  # the element and its anchor stay


def test_a_page_whose_formulas_do_not_all_come_back_is_refused():
    with pytest.raises(ValueError, match="3 math elements, the browser typeset 2"):
        rewrite_page(PAGE, ["a", "b"], "", "http://x", "")
    with pytest.raises(ValueError, match="1 formulas were not typeset"):
        rewrite_page(PAGE, ["a", None, "c"], "", "http://x", "")


def test_only_pages_with_untypeset_math_are_opened(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "_static").mkdir()
    (tmp_path / "book" / "math.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "book" / "done.html").write_text(PAGE.replace("<head>", "<head>" + MARKER), encoding="utf-8")
    (tmp_path / "plain.html").write_text("<html><head></head><body>no math</body></html>", encoding="utf-8")
    (tmp_path / "_static" / "copy.html").write_text(PAGE, encoding="utf-8")
    assert not needs_typesetting(tmp_path / "book" / "done.html")
    assert pages_to_typeset(tmp_path) == [tmp_path / "book" / "math.html"]


def test_math_elements_are_found_by_their_classes_in_any_order_and_nesting():
    page = ('<head><script src="../_static/jquery.js"></script>\n  <script>window.MathJax = {}</script></head>'
            '<p><span class="nohighlight extra math notranslate">\\(a\\)</span></p>'
            '<div class="math notranslate nohighlight"><span class="eqno">(2)<span>x</span></span>\\[b\\]</div>'
            '<span class="mathematics">not math</span>')
    parts = PageParts(page)
    assert [page[start:end] for start, end in parts.math] == [
        "\\(a\\)", '<span class="eqno">(2)<span>x</span></span>\\[b\\]']
    assert [page[start:end] for start, end in parts.scripts] == ["\n  <script>window.MathJax = {}</script>"]
    text = rewrite_page(page, ["A", "B"], "", "http://x", "")
    assert "jquery.js" in text and "window.MathJax" not in text and ">A</span>" in text and ">B</div>" in text


PRACTICE_PAGE = """<html><head>
<script>window.MathJax = {"loader": {"load": ["ui/lazy"]}}</script>
<script defer="defer" src="../_static/mathjax/tex-chtml.js?v=20daa33d"></script>
<script defer="defer" src="../_static/practice.js?v=1a2b"></script>
</head><body>
<p>An input of <span class="math notranslate nohighlight">\\(25 \\times 25\\)</span> to</p>
<form class="practice-variant"><input data-quantity="padding"></form>
<details class="practice-solution"><summary>Worked solution</summary>
<template class="practice-solution-body">
<p>With <span class="math notranslate nohighlight">\\(k = 3\\)</span>:</p>
<div class="math notranslate nohighlight">\\[o = \\lfloor (i + 2p - k)/s \\rfloor + 1\\]</div>
<template><span class="math notranslate nohighlight">\\(s\\)</span></template>
</template></details>
<p>Then <span class="math notranslate nohighlight">\\(p = 1\\)</span>.</p>
</body></html>"""


def test_formulas_inside_templates_are_found_in_source_order():
    parts = PageParts(PRACTICE_PAGE)
    assert [PRACTICE_PAGE[start:end] for start, end in parts.math] == [
        "\\(25 \\times 25\\)", "\\(k = 3\\)", "\\[o = \\lfloor (i + 2p - k)/s \\rfloor + 1\\]", "\\(s\\)",
        "\\(p = 1\\)"]
    assert [PRACTICE_PAGE[start:end].strip() for start, end in parts.scripts] == [
        '<script>window.MathJax = {"loader": {"load": ["ui/lazy"]}}</script>',
        '<script defer="defer" src="../_static/mathjax/tex-chtml.js?v=20daa33d"></script>']


def test_a_practice_page_gets_its_templates_typeset_and_loses_mathjax():
    math = [f"<mjx-container>{name}</mjx-container>" for name in ("volume", "k", "o", "s", "p")]
    text = rewrite_page(PRACTICE_PAGE, math, "mjx-c::before { }", "http://127.0.0.1:4321", "../")
    assert "\\(" not in text and "\\[" not in text and "lfloor" not in text
    body = text[text.index("<body>"):]
    assert [body.index(item) for item in math] == sorted(body.index(item) for item in math)  # each in its place
    template = body[body.index('<template class="practice-solution-body">'):body.rindex("</template>")]
    assert all(item in template for item in math[1:4]) and math[0] not in template and math[4] not in template
    assert '<span class="math notranslate nohighlight"><mjx-container>k</mjx-container></span>' in template
    # the practice script writes no TeX (a fresh variant is plain text): MathJax goes, the page's script stays
    assert "window.MathJax" not in text and "_static/mathjax/tex-chtml.js" not in text
    assert '<script defer="defer" src="../_static/practice.js?v=1a2b"></script>' in text
    assert text.count(MARKER) == 1 and f'<style id="{STYLES_ID}">mjx-c::before {{ }}</style>' in text
    assert "MJX-CHTML-styles" not in text
    with pytest.raises(ValueError, match="5 math elements, the browser typeset 3"):
        rewrite_page(PRACTICE_PAGE, math[:3], "", "http://x", "")


def test_chromium_typesets_a_practice_page_with_templates(tmp_path):
    """The whole path on a small page: Chromium and MathJax (the build's own copy) typeset the statement and the
    formulas inside the templates, nested ones included, each written in its place; the page's stylesheet draws
    every glyph of them, and MathJax is gone."""
    if find_chromium() is None or importlib.util.find_spec("playwright") is None:
        reason = "needs Chromium and playwright"
        if os.environ.get("HWBOOK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser test required (HWBOOK_REQUIRE_BROWSER=1): {reason}")
        pytest.skip(reason)
    mathjax = Path(importlib.metadata.distribution("sphinx-mathjax-offline").locate_file(
        "sphinx-mathjax-offline/static/mathjax"))
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "mathjax").symlink_to(mathjax, target_is_directory=True)
    (tmp_path / "_static" / "practice.js").write_text("", encoding="utf-8")
    page = tmp_path / "book" / "practice.html"
    page.parent.mkdir()
    page.write_text(PRACTICE_PAGE, encoding="utf-8")
    assert pages_to_typeset(tmp_path) == [page]
    with book_browser(tmp_path) as (base, session):
        written, left = typeset_pages(session.browser, base, tmp_path, [page])
        assert (written, left) == (5, [])
        glyphs = _undrawn_glyphs(session.browser, f"{base}/book/practice.html")
        assert session.close() == []
    assert glyphs["drawn"] > 0 and glyphs["undrawn"] == [] and glyphs["mathjax"] is False
    text = page.read_text(encoding="utf-8")
    assert "\\(" not in text and "\\[" not in text and not needs_typesetting(page)
    parts = PageParts(text)
    typeset = [text[start:end] for start, end in parts.math]
    assert len(typeset) == 5 and all(item.count("<mjx-container") == 1 for item in typeset)
    assert ["<mn>25</mn>" in item for item in typeset] == [True, False, False, False, False]
    assert ["<mi>s</mi>" in item for item in typeset] == [False, False, True, True, False]  # o = ⌊…/s⌋ + 1; s
    assert text.count("<template") == 2 and parts.scripts == [] and "window.MathJax" not in text
    assert "_static/mathjax/tex-chtml.js" not in text


# Every glyph of the page and of its templates' content (put in the page, as the practice script does): the ones
# whose ::before draws nothing; whether MathJax is there.
UNDRAWN_GLYPHS_JS = """() => {
    const box = document.createElement('div');
    document.querySelectorAll('template').forEach(t => box.appendChild(t.content.cloneNode(true)));
    box.querySelectorAll('template').forEach(t => box.appendChild(t.content.cloneNode(true)));
    document.body.appendChild(box);
    const glyphs = [...document.querySelectorAll('mjx-c')];
    const undrawn = glyphs.filter(c => ['none', 'normal', '""'].includes(getComputedStyle(c, '::before').content))
        .map(c => c.className);
    box.remove();
    return {drawn: glyphs.length - undrawn.length, undrawn, mathjax: 'MathJax' in window};
}"""


def _undrawn_glyphs(browser, url: str) -> dict:
    page = browser.new_page()
    try:
        page.goto(url, wait_until="load")
        return page.evaluate(UNDRAWN_GLYPHS_JS)
    finally:
        page.close()
