"""What the pages carry: the book's stylesheet, the practice pages' script, one copy of each inline script,
the MyST Markdown download, and no JupyterHub button for a placeholder hub.

* **The book's stylesheet** ``static/hwlib-book.css`` on every page (no page scrolls sideways; figures in dark
  mode), served from this package rather than a root ``_static/`` (jupyter-book would add every file there).
* **The practice pages' script and style** (``book/practice/``) on the pages named ``book/practice_*`` only:
  ``practice.js`` checks a variant's answers in the browser (no kernel, no server, no request to another host).
* **One copy of each inline script.**  sphinx-thebe registers its inline configuration once per read, so pages
  carried it twice and the browser raised "Identifier 'THEBE_JS_URL' has already been declared".
* **A MyST Markdown download.**  Each notebook page's download menu offers the page's source ``myst/NAME.md``
  (the file people edit) beside the ``.ipynb``.
* **No JupyterHub button for a placeholder hub.**  A ``jupyterhub_url`` that is empty or on a reserved example
  domain (``example.edu``, ``*.example``, ``*.invalid``, ``*.test``) gives no button.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

from sphinx.util import logging

logger = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
PRACTICE_ASSETS = Path("book") / "practice"   # relative to the book's root
PRACTICE_PAGES = "book/practice_"
PRACTICE_SCRIPT = "practice.js"                # checks answers and poses fresh variants (plain text, no TeX)
SOURCES = "myst"                               # the pages' MyST sources, relative to the book's root
PLACEHOLDER_DOMAINS = ("example.edu", "example.com", "example.org", "example.net", ".example", ".invalid", ".test",
                       ".localhost")


def is_placeholder_url(url: str) -> bool:
    """True for an empty URL or one on a reserved example domain (RFC 2606/6761) such as jupyterhub.example.edu."""
    host = (urlsplit(url.strip()).hostname or "") if url and url.strip() else ""
    return not host or any(host == d.lstrip(".") or host.endswith(d if d.startswith(".") else "." + d)
                           for d in PLACEHOLDER_DOMAINS)


def no_placeholder_hub(app, config) -> None:
    """``config-inited``: drop a placeholder ``jupyterhub_url`` (no button) and say so."""
    launch = (config.html_theme_options or {}).get("launch_buttons") or {}
    url = launch.get("jupyterhub_url") or ""
    if url and is_placeholder_url(url):
        logger.info(f"no JupyterHub button: jupyterhub_url {url!r} is a placeholder "
                    "(set your course's hub in _config.yml)")
        launch["jupyterhub_url"] = ""


def static_files(app, config) -> None:
    """``config-inited``: the book's stylesheet on every page; the practice assets' folder as static files."""
    folders = [STATIC, Path(app.srcdir) / PRACTICE_ASSETS]
    for folder in folders:
        if folder.is_dir() and str(folder) not in config.html_static_path:  # a test's one-page book has no practice
            config.html_static_path.append(str(folder))
    app.add_css_file("hwlib-book.css")


def practice_assets(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context``: ``practice.css`` and ``practice.js`` on the practice pages only."""
    if pagename.startswith(PRACTICE_PAGES):
        app.add_css_file("practice.css")
        app.add_js_file(PRACTICE_SCRIPT, defer="defer")


def dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context``: each script once (the first of equal file name and attributes)."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        filename = getattr(script, "filename", script) or ""  # an inline script has None or ""
        key = (str(filename), repr(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def markdown_download(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context``: a ``.md`` entry in a notebook page's download menu."""
    if not (context.get("sourcename") or "").endswith(".ipynb"):
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].insert(1, {
                "type": "link",
                "url": f"{context['pathto']('_sources', 1)}/{pagename}.md",
                "text": ".md",
                "icon": "fas fa-file-lines",
                "tooltip": "Download as MyST Markdown",
                "label": "download-myst-button",
            })


def write_markdown_copies(app, exception) -> None:
    """``build-finished``: ``_sources/DOC.md`` for each notebook page: its source ``myst/NAME.md`` where there is
    one, otherwise the notebook written as MyST Markdown by jupytext."""
    if exception is not None or app.builder.format != "html":
        return
    for docname in sorted(app.env.found_docs):
        notebook = Path(app.env.doc2path(docname))
        if notebook.suffix != ".ipynb":
            continue
        target = Path(app.outdir) / "_sources" / f"{docname}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        source = Path(app.srcdir) / SOURCES / f"{notebook.stem}.md"
        if source.is_file():
            shutil.copyfile(source, target)
        else:
            import jupytext

            target.write_text(jupytext.writes(jupytext.read(notebook), fmt="md:myst"), encoding="utf-8")
