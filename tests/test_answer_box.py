"""A block quote headed by one bold phrase becomes a ``tip`` admonition (_ext/hwlib_book/answer_box.py)."""

from __future__ import annotations

from docutils import nodes
from myst_document import myst_document

from hwlib_book.answer_box import AnswerBox


def doctree(markdown: str) -> nodes.document:
    document = myst_document(markdown)
    AnswerBox(document).apply()
    return document


def test_an_answer_quote_becomes_a_tip_titled_with_its_phrase():
    document = doctree("Before.\n\n> **Answer**\n>\n> The layer needs $k^2$ weights.\n>\n> - one\n> - two\n\nAfter.\n")
    boxes = list(document.findall(nodes.admonition))
    assert len(boxes) == 1 and not list(document.findall(nodes.block_quote))
    box = boxes[0]
    assert "tip" in box["classes"]
    assert isinstance(box[0], nodes.title) and box[0].astext() == "Answer"
    assert isinstance(box[1], nodes.paragraph) and list(box[1].findall(nodes.math))  # the math stays math
    assert isinstance(box[2], nodes.bullet_list)
    assert [p.astext() for p in document.children if isinstance(p, nodes.paragraph)] == ["Before.", "After."]


def test_a_title_keeps_its_inline_markup():
    box = next(doctree("> **Answer for $k = 3$**\n>\n> Nine.\n").findall(nodes.admonition))
    assert box[0].astext() == "Answer for k = 3" and list(box[0].findall(nodes.math))


def test_other_quotes_stay_quotes():
    for markdown in ("> **Answer**: nine.\n", "> *Answer*\n>\n> nine\n", "> Plain words.\n",
                     "> **Answer** and more\n>\n> nine\n", "> **A** **B**\n>\n> nine\n"):
        document = doctree(markdown)
        assert not list(document.findall(nodes.admonition)), markdown
        assert list(document.findall(nodes.block_quote)), markdown
