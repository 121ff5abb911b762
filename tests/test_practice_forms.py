"""A practice page's placeholder comments become its answer forms and controls (_ext/hwlib_book/practice_forms.py).

Parsed as MyST parses a cell's Markdown output, where an HTML comment is a raw-HTML node.
"""

from __future__ import annotations

from docutils import nodes
from myst_document import myst_document

from hwlib import practice_page

from hwlib_book.practice_forms import PracticeForms


def transformed(markdown: str) -> nodes.document:
    document = myst_document(markdown)
    PracticeForms(document).apply()
    return document


def test_the_placeholders_become_the_form_and_the_controls_and_nothing_else_changes():
    markdown = (practice_page.controls_markdown(3) + "\n" + practice_page.variant_markdown(3, 7, 1)
                + "\n<!-- a comment of the author -->\n")
    raws = [r.astext().strip() for r in transformed(markdown).findall(nodes.raw)]
    assert raws == [practice_page.controls_html(3).strip(), practice_page.form_html(3, 7).strip(),
                    "<!-- a comment of the author -->"]
    paragraphs = [p.astext() for p in transformed(markdown).findall(nodes.paragraph)]
    assert any(p.startswith("A network has inputs") for p in paragraphs)  # the statement stays as it was
