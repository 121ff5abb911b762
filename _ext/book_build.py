"""Sphinx extension for this book's build: no stale numbers, and clean pages.

1. **Execution keyed on hwlib.**  myst-nb's execution cache keys a notebook on
   its code cells only, and Sphinx re-reads only source files that changed, so
   after a change to ``hwlib`` a rebuild would show the old numbers.  Here a
   hash of every file of the ``hwlib`` package the kernel imports is

   * part of the execution cache's path (``_build/.jupyter_cache/hwlib-<hash>``),
     so a new hwlib gets a fresh cache and every notebook runs again, and
   * a config value with ``rebuild="env"``, so Sphinx re-reads every page.

   A prose-only edit leaves the hash alone: the cache is reused and Sphinx
   re-reads only the edited page.

2. **A MyST Markdown download.**  Each notebook page's download menu offers
   the notebook as MyST Markdown (``.md``, written by jupytext) beside the
   ``.ipynb``, for readers who keep notebooks as text.

3. **One copy of each inline script.**  sphinx-thebe registers its inline
   configuration script once per read, so pages carried it twice and the
   browser raised "Identifier 'THEBE_JS_URL' has already been declared".

4. **The book's stylesheet** ``_ext/static/hwlib-book.css`` on every page
   (no page scrolls sideways; figures in dark mode), served from ``_ext/static``
   rather than a root ``_static/`` (jupyter-book would add every file there).

5. **No JupyterHub button for a placeholder hub.**  A ``jupyterhub_url`` that
   is empty or on a reserved example domain (``example.edu``, ``*.example``,
   ``*.invalid``, ``*.test``) gives no button.

6. **One build at a time.**  Two cold builds of the same folder raced in the
   execution cache (``FileExistsError``).  A build holds an exclusive lock on
   ``_build/.build.lock`` from start to end; a second one says it is waiting
   for the first (and its process id) and then runs, reusing its cache.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from sphinx.util import logging

logger = logging.getLogger(__name__)

CACHE_PREFIX = "hwlib-"


def hwlib_digest() -> str:
    """SHA-256 of the hwlib package's files (names and contents), as the kernel will import it."""
    spec = importlib.util.find_spec("hwlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("hwlib is not importable: pip install -r requirements.txt")
    package = Path(next(iter(spec.submodule_search_locations)))
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in {".py", ".toml", ".json", ".typed"}:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _key_execution_on_hwlib(app, config) -> None:
    digest = hwlib_digest()
    config.hwlib_source_hash = digest
    if config.nb_execution_mode not in ("cache",):
        return
    base = Path(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    if base.name.startswith(CACHE_PREFIX):  # already keyed (a second config-inited)
        base = base.parent
    config.nb_execution_cache_path = str(base / f"{CACHE_PREFIX}{digest}")
    if base.is_dir():  # keep only the cache of the current hwlib
        for old in base.glob(f"{CACHE_PREFIX}*"):
            if old.name != f"{CACHE_PREFIX}{digest}":
                shutil.rmtree(old, ignore_errors=True)


_LOCK_HANDLE = None  # kept open (and locked) until the build process exits
PLACEHOLDER_DOMAINS = ("example.edu", "example.com", "example.org", "example.net", ".example", ".invalid", ".test", ".localhost")


def _one_build_at_a_time(app, config) -> None:
    global _LOCK_HANDLE
    if _LOCK_HANDLE is not None:
        return
    build_dir = Path(app.outdir).parent
    build_dir.mkdir(parents=True, exist_ok=True)
    handle = open(build_dir / ".build.lock", "a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        logger.info(f"another build of this book is running (process {holder}); waiting for it to finish", color="yellow")
        fcntl.flock(handle, fcntl.LOCK_EX)
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    _LOCK_HANDLE = handle


def is_placeholder_url(url: str) -> bool:
    """True for an empty URL or one on a reserved example domain (RFC 2606/6761) such as jupyterhub.example.edu."""
    host = (urlsplit(url.strip()).hostname or "") if url and url.strip() else ""
    return not host or any(host == d.lstrip(".") or host.endswith(d if d.startswith(".") else "." + d) for d in PLACEHOLDER_DOMAINS)


def _no_placeholder_hub(app, config) -> None:
    launch = (config.html_theme_options or {}).get("launch_buttons") or {}
    url = launch.get("jupyterhub_url") or ""
    if url and is_placeholder_url(url):
        logger.info(f"no JupyterHub button: jupyterhub_url {url!r} is a placeholder (set your course's hub in _config.yml)")
        launch["jupyterhub_url"] = ""


def _book_stylesheet(app, config) -> None:
    static = str(Path(__file__).resolve().parent / "static")
    if static not in config.html_static_path:
        config.html_static_path.append(static)
    app.add_css_file("hwlib-book.css")


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
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


def _markdown_download(app, pagename, templatename, context, doctree) -> None:
    source = context.get("sourcename") or ""
    if not source.endswith(".ipynb"):
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


def _write_markdown_copies(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    import jupytext

    for docname in app.env.found_docs:
        source = Path(app.env.doc2path(docname))
        if source.suffix == ".ipynb":
            target = Path(app.outdir) / "_sources" / f"{docname}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            notebook = jupytext.read(source)
            target.write_text(jupytext.writes(notebook, fmt="md:myst"), encoding="utf-8")


def setup(app):
    app.add_config_value("hwlib_source_hash", "", "env")
    app.connect("config-inited", _one_build_at_a_time, priority=100)
    app.connect("config-inited", _no_placeholder_hub, priority=900)
    app.connect("config-inited", _book_stylesheet, priority=900)
    app.connect("config-inited", _key_execution_on_hwlib, priority=900)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _markdown_download, priority=900)
    app.connect("build-finished", _write_markdown_copies)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
