"""Sphinx extension: a PDF of the whole book, printed from the built HTML by Debian's Chromium.

After an HTML build, every page of the table of contents is opened in headless
Chromium (through Playwright, offline: ``offline_chromium.py``), its formulas
typeset and its figures loaded, printed with ``page.pdf()``, and the pages are
joined in table-of-contents order into ``_build/html/book.pdf`` with ``pypdf``
(one bookmark per chapter).  Every page's download menu links to it.  Pages
matched by ``hwlib_pdf_exclude`` (glob patterns of document names; the practice
pages, whose answer fields and Check buttons do nothing on paper) are left out.

Without Chromium (or Playwright) the build says so plainly and goes on without
a PDF and without the link.  A PDF whose pages have not changed is kept.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import sys
import time
from pathlib import Path

from sphinx.util import logging

sys.path.insert(0, str(Path(__file__).resolve().parent))
from offline_chromium import PAGE_READY_JS, BookServer, find_chromium, offline_chromium  # noqa: E402

logger = logging.getLogger(__name__)
PDF_NAME = "book.pdf"
_DIGEST_NAME = ".book-pdf.sha256"


def _why_not(app) -> str | None:
    """Why no PDF can be printed on this machine, or None when it can."""
    if find_chromium() is None:
        return "Chromium is not installed (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
        import pypdf  # noqa: F401
    except ImportError as error:
        return f"{error.name} is not installed (pip install -r requirements.txt)"
    return None


def _check_availability(app) -> None:
    app.hwlib_pdf_missing = _why_not(app) if app.builder.format == "html" else "not an HTML build"
    if app.hwlib_pdf_missing and app.builder.format == "html":
        logger.info(f"book PDF: not made, {app.hwlib_pdf_missing}; the pages link to no PDF", color="yellow")


def _pdf_link(app, pagename, templatename, context, doctree) -> None:
    if getattr(app, "hwlib_pdf_missing", "unknown"):
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].append({
                "type": "link",
                "url": context["pathto"](PDF_NAME, 1),
                "text": "book .pdf",
                "icon": "fas fa-book",
                "tooltip": "Download the whole book as a PDF",
                "label": "download-book-pdf-button",
            })


def toc_order(app) -> list[str]:
    """Document names in reading order: the root, then its toctree, depth first."""
    env = app.env
    order: list[str] = []

    def visit(docname: str) -> None:
        if docname in order:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            visit(child)

    visit(app.config.root_doc)
    return order


def _digest(outdir: Path, pages: list[str]) -> str:
    digest = hashlib.sha256()
    for page in pages:
        digest.update(page.encode())
        digest.update((outdir / f"{page}.html").read_bytes())
    for css in sorted((outdir / "_static").glob("*.css")):
        digest.update(css.read_bytes())
    return digest.hexdigest()


def print_book(html: Path, pages: list[str], target: Path) -> tuple[int, list[str]]:
    """Print ``pages`` (names under ``html``, without .html) into one PDF at ``target``.

    Returns the number of PDF pages and the hosts other than this machine that
    Chromium looked up (none expected).
    """
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    with BookServer(html) as base, sync_playwright() as playwright, offline_chromium(playwright) as session:
        page = session.browser.new_page(viewport={"width": 1000, "height": 1400})
        page.emulate_media(media="print", color_scheme="light")
        for name in pages:
            page.goto(f"{base}/{name}.html", wait_until="load")
            page.evaluate(PAGE_READY_JS)
            title = page.evaluate("() => (document.querySelector('.bd-article h1') || {}).innerText || document.title")
            pdf = page.pdf(format="A4", print_background=True, outline=True, tagged=True,
                           margin={"top": "15mm", "bottom": "15mm", "left": "14mm", "right": "14mm"})
            writer.append(PdfReader(io.BytesIO(pdf)), outline_item=title.replace("#", "").strip())
        page.close()
        lookups = session.close()
    writer.add_metadata({"/Title": "Executable worked solutions: convolutions and backpropagation"})
    buffer = io.BytesIO()
    writer.write(buffer)
    target.write_bytes(buffer.getvalue())
    return len(writer.pages), lookups


def _make_pdf(app, exception) -> None:
    if exception is not None or getattr(app, "hwlib_pdf_missing", "unknown"):
        return
    outdir = Path(app.outdir)
    excluded = app.config.hwlib_pdf_exclude
    pages = [name for name in toc_order(app) if (outdir / f"{name}.html").is_file()
             and not any(fnmatch.fnmatchcase(name, pattern) for pattern in excluded)]
    target = outdir / PDF_NAME
    stamp = Path(app.outdir).parent / _DIGEST_NAME
    digest = _digest(outdir, pages)
    if target.is_file() and stamp.is_file() and stamp.read_text().strip() == digest:
        logger.info(f"book PDF: {target} is up to date")
        return
    start = time.perf_counter()
    try:
        count, lookups = print_book(outdir, pages, target)
    except Exception as error:  # Chromium is there but printing failed: a real failure
        logger.warning(f"book PDF: printing with Chromium failed: {error}")
        return
    if lookups:
        logger.warning(f"book PDF: Chromium looked up other hosts while printing: {lookups}")
    stamp.write_text(digest)
    logger.info(f"book PDF: {target} ({len(pages)} pages of the book, {count} PDF pages, "
                f"{target.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")


def setup(app):
    app.add_config_value("hwlib_pdf_exclude", [], "env", types=[list])
    app.connect("builder-inited", _check_availability)
    app.connect("html-page-context", _pdf_link, priority=950)
    app.connect("build-finished", _make_pdf, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
