"""A practice page's answer forms and controls, put in the book's page where the notebook leaves their place.

A practice notebook holds, where a variant's answer form goes (and the page's controls), an HTML comment such as
``<!-- practice-form: problem 3, seed 0 -->`` (:data:`hwlib.practice_page.PLACEHOLDER`): a notebook viewer
hides it, since the form needs the page's script and would submit the viewer's own page.  :class:`PracticeForms`
replaces each such comment with the HTML it stands for (:func:`hwlib.practice_page.expand_placeholder`): the
form with the checker's data, or the seed field and New variant button with the generator's data.  Computed
when the page is read, from the hwlib of this build (the execution cache key hashes hwlib, so a change to it
reads the pages again).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms import SphinxTransform

from hwlib.practice_page import expand_placeholder


class PracticeForms(SphinxTransform):
    """Every raw-HTML placeholder comment of a practice page becomes the form or controls it stands for."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        for raw in list(self.document.findall(nodes.raw)):
            if "html" not in raw.get("format", "").split():
                continue
            html = expand_placeholder(raw.astext())
            if html is not None:
                raw.replace_self(nodes.raw("", html, format="html"))
