"""A PDF of the whole book, printed from the built HTML in the build's Chromium session.

Every page of the table of contents is opened in headless Chromium, its formulas typeset and its figures
loaded, printed with ``page.pdf()``, and the pages are joined in table-of-contents order into
``_build/html/book.pdf`` with ``pypdf`` (one bookmark per chapter).  Every page's download menu links to it.
Pages matched by ``hwlib_pdf_exclude`` (glob patterns of document names; the practice pages, whose answer
fields and Check buttons do nothing on paper) are left out.  A PDF whose pages have not changed is kept.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
from pathlib import Path

from .chromium import PAGE_READY_JS, why_unavailable

PDF_NAME = "book.pdf"
DIGEST_NAME = ".book-pdf.sha256"
TITLE = "Executable worked solutions: convolutions and backpropagation"


def toc_order(env, root_doc: str) -> list[str]:
    """Document names in reading order: the root, then its toctree, depth first."""
    order: list[str] = []

    def visit(docname: str) -> None:
        if docname in order:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            visit(child)

    visit(root_doc)
    return order


def book_pages(app) -> list[str]:
    """The pages the PDF holds: the table of contents' built pages, less ``hwlib_pdf_exclude``."""
    outdir = Path(app.outdir)
    return [name for name in toc_order(app.env, app.config.root_doc) if (outdir / f"{name}.html").is_file()
            and not any(fnmatch.fnmatchcase(name, pattern) for pattern in app.config.hwlib_pdf_exclude)]


def pages_digest(outdir: Path, pages: list[str]) -> str:
    """SHA-256 of the pages' names and HTML and of the site's stylesheets: what the PDF is printed from."""
    digest = hashlib.sha256()
    for page in pages:
        digest.update(page.encode())
        digest.update((outdir / f"{page}.html").read_bytes())
    for css in sorted((outdir / "_static").glob("*.css")):
        digest.update(css.read_bytes())
    return digest.hexdigest()


def is_up_to_date(outdir: Path, pages: list[str]) -> bool:
    """True when ``outdir/book.pdf`` was printed from exactly these pages."""
    stamp = outdir.parent / DIGEST_NAME
    return ((outdir / PDF_NAME).is_file() and stamp.is_file()
            and stamp.read_text(encoding="utf-8").strip() == pages_digest(outdir, pages))


def print_book(browser, base: str, outdir: Path, pages: list[str]) -> int:
    """Print ``pages`` (names under ``outdir``, served at ``base``) into ``outdir/book.pdf``; the PDF's page count.

    The PDF is written completely or not at all; the stamp beside ``_build/html`` records what it was printed from.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    try:
        page.emulate_media(media="print", color_scheme="light")
        for name in pages:
            page.goto(f"{base}/{name}.html", wait_until="load")
            page.evaluate(PAGE_READY_JS)
            title = page.evaluate("() => (document.querySelector('.bd-article h1') || {}).innerText || document.title")
            pdf = page.pdf(format="A4", print_background=True, outline=True, tagged=True,
                           margin={"top": "15mm", "bottom": "15mm", "left": "14mm", "right": "14mm"})
            writer.append(PdfReader(io.BytesIO(pdf)), outline_item=title.replace("#", "").strip())
    finally:
        page.close()
    writer.add_metadata({"/Title": TITLE})
    buffer = io.BytesIO()
    writer.write(buffer)
    target = outdir / PDF_NAME
    temporary = target.with_name(f".{PDF_NAME}.part")
    temporary.write_bytes(buffer.getvalue())
    temporary.replace(target)
    (outdir.parent / DIGEST_NAME).write_text(pages_digest(outdir, pages), encoding="utf-8")
    return len(writer.pages)


def pdf_link(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context``: the book's PDF in each page's download menu, where the build can print it."""
    if why_unavailable():
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
