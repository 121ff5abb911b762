"""A practice variant's worked solution: plain Markdown in the notebook, behind a toggle in the book.

The notebook holds each variant's worked solution as a heading and the Markdown under it::

    ### Worked solution

    **(a) The forward pass.** ...

so JupyterLab, Colab, VS Code and GitHub show it, its math typeset, like any other text.  In the HTML book,
:class:`SolutionToggle` puts what follows that heading, up to the next heading of its level or above, into::

    <details class="practice-solution"><summary>Worked solution</summary>
    <template class="practice-solution-body"> ... </template></details>

The practice pages' script puts a template's content in place when its toggle first opens, so a page of twenty
solutions neither lays them out nor typesets them while it loads (:mod:`.prerender_math` typesets a template's
formulas at build time all the same).  Other builders keep the heading and the text as they are.
"""

from __future__ import annotations

import html

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

#: The heading's text that marks a worked solution.
TITLE = "Worked solution"


def _level(node: nodes.Node) -> int | None:
    """A heading's level as MyST writes it on a rubric (``### X`` inside a cell's output is a rubric of level
    3), or None for any other node."""
    if isinstance(node, nodes.rubric):
        return int(node.get("level", 1))
    return None


def wrap_solution(rubric: nodes.rubric) -> None:
    """Replace ``rubric`` and its following siblings, up to the next heading of its level or above, with the
    toggle: an opening raw-HTML node, those siblings, a closing one."""
    parent, level = rubric.parent, _level(rubric)
    index = parent.index(rubric)
    end = index + 1
    while end < len(parent) and not ((_level(parent[end]) or level + 1) <= level):
        end += 1
    opening = nodes.raw("", f'<details class="practice-solution">\n<summary>{html.escape(rubric.astext())}</summary>\n'
                            '<template class="practice-solution-body">', format="html")
    closing = nodes.raw("", "</template>\n</details>", format="html")
    body = list(parent[index + 1:end])
    parent[index:end] = [opening, *body, closing]


class SolutionToggle(SphinxPostTransform):
    """In HTML, every heading titled :data:`TITLE` that is not a section title (a heading inside a cell's
    output) becomes a toggle holding the text under it."""

    default_priority = 900
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for rubric in list(self.document.findall(nodes.rubric)):
            if rubric.astext().strip() == TITLE:
                wrap_solution(rubric)
