"""hwlib.escape: every destination gets literal text back, checked against an independent renderer where
one is installed (markdown-it, the parser MyST uses)."""

from __future__ import annotations

import csv
import io

import pytest
from markdown_it import MarkdownIt

from hwlib import escape

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "# heading",
    "> quote",
    "- item",
    "1. item",
    "**bold** _em_ `code`",
    "[link](javascript:alert(1))",
    "![img](x)",
    "$x^2$",
    "a | b",
    "~~gone~~",
    "line\n# break",
    "tab\there",
    "a & b &amp; c",
    "back\\slash",
    "\x1b[2Jclear",
    "{math}`x`",
    "    indented",
]


def _rendered_text(markdown: str) -> str:
    """The HTML markdown-it renders for ``markdown`` inside a paragraph."""
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown)


@pytest.mark.parametrize("value", HOSTILE)
def test_markdown_text_renders_as_one_paragraph_of_the_literal_text(value):
    html = _rendered_text(escape.markdown_text(value)).strip()
    assert html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1
    inner = html[3:-4]
    assert "<" not in inner.replace("&lt;", "")  # no element at all
    expected = " ".join(value.replace("\x1b", " ").split())
    assert inner == escape.html_text(expected).replace("&#x27;", "'").replace("&quot;", '"')


@pytest.mark.parametrize("value", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\t=x", " =x", "\r=x"])
def test_csv_cell_neutralises_formulas(value):
    assert escape.csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-6", "+1.5e3", "0.125", "ann", "dL/dz", ""])
def test_csv_cell_keeps_numbers_and_plain_text(value):
    assert escape.csv_cell(value) == value


def test_csv_cell_round_trips_through_the_csv_module():
    buffer = io.StringIO()
    csv.writer(buffer).writerow([escape.csv_cell('=a,"b"\nc')])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["'=a,\"b\"\nc"]


@pytest.mark.parametrize("value, expected", [
    ("\x1b[2J", "\\x1b[2J"), ("a\rb", "a\\rb"), ("a\nb", "a\\nb"), ("a\u202eb", "a\\u202eb"),
    ("\x7f", "\\x7f"), ("\x9b", "\\x9b"), ("plain µ text", "plain µ text"),
])
def test_terminal_shows_control_characters_as_escapes(value, expected):
    assert escape.terminal(value) == expected


@pytest.mark.parametrize("function", [escape.markdown_text, escape.html_text, escape.csv_cell, escape.terminal])
def test_non_strings_are_refused(function):
    with pytest.raises(TypeError, match="value must be a string, got 3"):
        function(3)
