"""The book's Sphinx extension, one package split by concern (registered in ``_config.yml`` as ``hwlib_book``).

* :mod:`.cache_key`: the execution cache keyed on every file of hwlib, so no page shows stale numbers;
* :mod:`.lock`: one build of a folder at a time (POSIX and Windows);
* :mod:`.assets`: the book's stylesheet, the practice pages' script, one copy of each inline script, the MyST
  Markdown download, no JupyterHub button for a placeholder hub;
* :mod:`.answer_box`: a block quote headed by one bold phrase (``> **Answer**``) becomes a ``tip`` admonition;
* :mod:`.practice_forms`: a practice page's answer forms and controls, put where its notebook leaves their place;
* :mod:`.solution_toggle`: a practice variant's ``### Worked solution`` and the text under it go behind a toggle;
* :mod:`.chromium`: Debian's Chromium started so that it reaches nothing but this machine;
* :mod:`.prerender_math` and :mod:`.pdf`: after an HTML build, one Chromium session typesets the formulas into
  the pages and then prints the book's PDF (:func:`finish_in_chromium`).

Without Chromium (or Playwright, or pypdf) the build says so and goes on: MathJax typesets in the reader's
browser and there is no PDF and no link to one.
"""

from __future__ import annotations

import time
from pathlib import Path

from sphinx.util import logging

from . import assets, cache_key, lock, pdf, prerender_math
from .answer_box import AnswerBox
from .chromium import book_browser, why_unavailable
from .practice_forms import PracticeForms
from .solution_toggle import SolutionToggle

logger = logging.getLogger(__name__)


def report_chromium(app) -> None:
    """``builder-inited``: say once what an HTML build without Chromium leaves out."""
    missing = why_unavailable()
    if missing and app.builder.format == "html":
        logger.info(f"math and book PDF: {missing}; MathJax typesets in the reader's browser, no PDF is printed",
                    color="yellow")


def finish_in_chromium(app, exception) -> None:
    """``build-finished``: in one Chromium session, typeset the pages' formulas, then print the book's PDF."""
    if exception is not None or app.builder.format != "html" or why_unavailable():
        return
    outdir = Path(app.outdir)
    math_pages = prerender_math.pages_to_typeset(outdir)
    if not math_pages and pdf.is_up_to_date(outdir, pdf.book_pages(app)):
        logger.info(f"book PDF: {outdir / pdf.PDF_NAME} is up to date")
        return
    start = time.perf_counter()
    try:
        with book_browser(outdir) as (base, session):
            if math_pages:
                count, left = prerender_math.typeset_pages(session.browser, base, outdir, math_pages)
                logger.info(f"math: {count} formulas typeset at build time ({len(math_pages)} pages opened) "
                            f"in {time.perf_counter() - start:.1f} s")
                if left:
                    logger.warning(f"math: {len(left)} pages left to MathJax (the browser found another number of "
                                   f"formulas than their HTML holds): {', '.join(left)}")
            pages = pdf.book_pages(app)  # the pages as typeset
            if not pdf.is_up_to_date(outdir, pages):
                start = time.perf_counter()
                count = pdf.print_book(session.browser, base, outdir, pages)
                size = (outdir / pdf.PDF_NAME).stat().st_size / 1e6
                logger.info(f"book PDF: {outdir / pdf.PDF_NAME} ({len(pages)} pages of the book, {count} PDF pages, "
                            f"{size:.1f} MB) in {time.perf_counter() - start:.1f} s")
            lookups = session.close()
    except Exception as error:  # Chromium is there but typesetting or printing failed: a real failure
        logger.warning(f"Chromium: typesetting the math or printing the book's PDF failed: {error}")
        return
    if lookups:
        logger.warning(f"Chromium looked up other hosts while typesetting and printing: {lookups}")


def setup(app):
    app.add_config_value("hwlib_source_hash", "", "env")
    app.add_config_value("hwlib_pdf_exclude", [], "env", types=[list])
    app.add_transform(AnswerBox)
    app.add_transform(PracticeForms)
    app.add_post_transform(SolutionToggle)
    app.connect("config-inited", lock.one_build_at_a_time, priority=100)
    app.connect("config-inited", assets.no_placeholder_hub, priority=900)
    app.connect("config-inited", assets.static_files, priority=900)
    app.connect("config-inited", cache_key.key_execution_on_hwlib, priority=900)
    app.connect("builder-inited", report_chromium)
    app.connect("html-page-context", assets.practice_assets)
    app.connect("html-page-context", assets.dedupe_scripts, priority=900)
    app.connect("html-page-context", assets.markdown_download, priority=900)
    app.connect("html-page-context", pdf.pdf_link, priority=950)
    app.connect("build-finished", assets.write_markdown_copies)
    app.connect("build-finished", finish_in_chromium, priority=800)  # after MathJax's files are copied
    return {"parallel_read_safe": True, "parallel_write_safe": True}
