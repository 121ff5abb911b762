"""Tests of _ext/prerender_math.py's page rewrite: typeset formulas in, MathJax's scripts out."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))
from prerender_math import MARKER, rewrite_page  # noqa: E402

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
