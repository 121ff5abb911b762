"""An answer box every notebook viewer shows: a Markdown block quote headed by one bold phrase.

A chapter writes its answer as a block quote whose first paragraph is exactly one strong phrase::

    > **Answer**
    >
    > The standard layer needs $k^2 C_{in} C_{out}$ weights ...

JupyterLab, Colab, VS Code and GitHub show that as a quote and typeset its math.  In the book,
:class:`AnswerBox` turns such a block quote into a ``tip`` admonition titled with the phrase (``Answer``), the
rest of the quote as its body.  A block quote that starts any other way stays a block quote.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms import SphinxTransform


def answer_title(quote: nodes.block_quote) -> nodes.strong | None:
    """The strong node that is the whole first paragraph of ``quote`` (whitespace aside), or None."""
    if not quote.children or not isinstance(quote[0], nodes.paragraph):
        return None
    parts = [child for child in quote[0].children if not (isinstance(child, nodes.Text) and not child.strip())]
    if len(parts) != 1 or not isinstance(parts[0], nodes.strong):
        return None
    return parts[0]


def to_admonition(quote: nodes.block_quote, strong: nodes.strong) -> nodes.admonition:
    """A ``tip`` admonition titled with ``strong``'s content, holding the rest of ``quote``."""
    title = nodes.title(strong.astext(), "", *[child.deepcopy() for child in strong.children])
    box = nodes.admonition("", title, *[child.deepcopy() for child in quote.children[1:]],
                           classes=["tip", "hwlib-answer"])
    box.source, box.line = quote.source, quote.line
    return box


class AnswerBox(SphinxTransform):
    """Every block quote headed by exactly one strong phrase becomes a ``tip`` admonition with that title."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        for quote in list(self.document.findall(nodes.block_quote)):
            strong = answer_title(quote)
            if strong is not None:
                quote.replace_self(to_admonition(quote, strong))
