"""The book's PDF (printed by the build in Chromium) holds every chapter, in reading order, with its formulas
typeset and its figures; the pages ``hwlib_pdf_exclude`` leaves out are not in it; every page links it.

Needs a built book with its PDF (the README's build command, where Chromium is installed); skips otherwise,
unless HWBOOK_REQUIRE_BROWSER=1 (set by .ci/run).
"""

from __future__ import annotations

import html
import re
import unicodedata

import pytest

from browser_support import HTML, unavailable


def _pdf_excluded(name: str) -> bool:
    """Whether _config.yml's ``hwlib_pdf_exclude`` leaves book/NAME out of the PDF (the practice pages)."""
    import fnmatch

    import yaml

    config = yaml.safe_load((HTML.parent.parent / "_config.yml").read_text(encoding="utf-8"))
    patterns = config["sphinx"]["config"].get("hwlib_pdf_exclude", [])
    return any(fnmatch.fnmatchcase(f"book/{name}", pattern) for pattern in patterns)


def _chapter_titles(in_pdf: bool = True) -> dict[str, str]:
    """h1 of every built page of book/ that the PDF holds (``in_pdf``), or that it leaves out."""
    titles = {}
    for page in sorted((HTML / "book").glob("*.html")):
        if _pdf_excluded(page.stem) == in_pdf:
            continue
        text = page.read_text(encoding="utf-8")
        article = text[text.find('class="bd-article"'):]
        match = re.search(r"<h1>(.*?)</h1>", article, re.DOTALL)
        if match:
            title = re.sub(r'<a class="headerlink".*?</a>|<[^>]+>', "", match.group(1), flags=re.DOTALL)
            titles[page.stem] = " ".join(html.unescape(title).split())
    return titles


def test_book_pdf_holds_every_chapter_and_every_page_links_it():
    pdf = HTML / "book.pdf"
    if not (HTML / "book" / "intro.html").exists():
        unavailable("the book is not built: run the README's build command first")
    if not pdf.is_file():
        unavailable(f"{pdf} was not made (the build makes it where Chromium is installed)")
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(pdf)
    # NFKC: the PDF's fonts set "fi" as one ligature glyph
    words = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    text = unicodedata.normalize("NFKC", words)
    titles = _chapter_titles()
    assert len(titles) >= 5
    missing = [title for title in titles.values() if title not in text]
    assert not missing, f"chapters missing from {pdf.name}: {missing}"
    left_out = _chapter_titles(in_pdf=False)  # the practice pages: fields and buttons do nothing on paper
    assert left_out, "no page is left out of the PDF: check hwlib_pdf_exclude in _config.yml"
    bookmarks = [item.title for item in reader.outline if not isinstance(item, list)]
    printed = [title for title in left_out.values() if title in bookmarks]
    assert not printed, f"pages printed although hwlib_pdf_exclude leaves them out: {printed}"
    # Sphinx writes a formula's TeX between \( \) or \[ \]: none left means every formula was typeset
    # (a `$` can be code the PDF prints, so the HTML test's stricter pattern does not apply here)
    untypeset = re.search(r"\\\(|\\\)|\\\[|\\\]", text)
    assert not untypeset, f"raw TeX in the PDF: {text[max(untypeset.start() - 40, 0):untypeset.end() + 40]!r}"
    assert [item.title for item in reader.outline if not isinstance(item, list)] == [
        t for t in _titles_in_reading_order(titles)
    ]
    assert sum(len(page.images) for page in reader.pages) >= 1  # the figures are in it
    for page in sorted((HTML / "book").glob("*.html")):
        assert 'href="../book.pdf"' in page.read_text(encoding="utf-8"), f"{page.name} does not link the book's PDF"


def _titles_in_reading_order(titles: dict[str, str]) -> list[str]:
    toc = (HTML.parent.parent / "_toc.yml").read_text(encoding="utf-8")
    order = re.findall(r"(?:root|file):\s*book/(\w+)", toc)
    return [titles[name] for name in order if name in titles]
