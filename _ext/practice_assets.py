"""Sphinx extension: the practice pages' script and style (``book/practice/``), on those pages only.

``practice.js`` checks a variant's answers in the browser (no kernel, no
server, no request to another host); ``practice.css`` lays out its fields.
Both are copied into ``_static/`` and linked from the pages whose name starts
with ``book/practice_``; the other pages do not load them.
"""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "book" / "practice"


def _add_static_path(app, config) -> None:
    # A book without the practice folder (a test's one-page book) has nothing to add.
    if ASSETS.is_dir() and str(ASSETS) not in config.html_static_path:
        config.html_static_path.append(str(ASSETS))


def _link_on_practice_pages(app, pagename, templatename, context, doctree) -> None:
    if pagename.startswith("book/practice_"):
        app.add_css_file("practice.css")
        app.add_js_file("practice.js", defer="defer")


def setup(app):
    app.connect("config-inited", _add_static_path)
    app.connect("html-page-context", _link_on_practice_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
