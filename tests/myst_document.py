"""MyST Markdown parsed into a docutils document as the book's parser reads it (dollar math on), for the tests
of the build extension's transforms (``_ext/hwlib_book``)."""

from __future__ import annotations

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.utils import new_document
from myst_parser.parsers.docutils_ import Parser


def myst_document(markdown: str) -> nodes.document:
    """``markdown`` parsed by MyST's docutils parser, system messages silenced."""
    parser = Parser()
    settings = get_default_settings(parser)
    settings.myst_enable_extensions = ["dollarmath"]
    settings.report_level = 5
    document = new_document("page.md", settings)
    parser.parse(markdown, document)
    return document
