"""Data stays data: text from a file, a CLI argument or a Given, escaped for where it lands.

One function per destination:

* :func:`markdown_text` — inside Markdown prose (Jupyter, MyST, CommonMark, GitHub): HTML special
  characters become entities (``<`` → ``&lt;``), inline Markdown and math punctuation is
  backslash-escaped (``*`` → ``\\*``, ``$`` → ``\\$``), a line-start construct (``#``, ``>``, ``-``,
  ``1.``) is neutralised, and line breaks and control characters become spaces, so the value stays one
  run of literal text inside the sentence it is placed in;
* :func:`html_text` — inside HTML text or a quoted attribute value (``&``, ``<``, ``>``, ``"``, ``'``);
* :func:`csv_cell` — a CSV cell or header that a spreadsheet would run as a formula (``=``, ``+``,
  ``-``, ``@``, tab or carriage return first), or that starts with ``'``, gets a leading ``'``; numbers such
  as ``-6`` are kept;
* :func:`terminal` — text printed to a terminal: control characters (ANSI escapes, carriage returns,
  bidirectional overrides) are written as visible ``\\x1b``-style escapes.

Each takes a ``str`` and returns a ``str``; anything else raises TypeError.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata

__all__ = ["csv_cell", "html_text", "markdown_text", "terminal"]


def _check(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {value!r} of type {type(value).__name__}")
    return value


# invisible characters that reorder or hide text: bidi embeddings/overrides/isolates, zero-width marks
_BIDI = frozenset("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch in _BIDI


# ASCII punctuation that starts an inline Markdown/MyST construct or math: emphasis, code, links,
# images, roles, tables, strikethrough, autolinks, dollar math, backslash escapes themselves
_INLINE = re.compile(r"([\\`*_\[\]{}|~$!])")
# a construct that only counts at the start of a line: heading, quote, list item, thematic break,
# setext underline, numbered list item
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def markdown_text(value: str) -> str:
    """``value`` as literal text inside Markdown prose (Jupyter, MyST, CommonMark, GitHub).

    ``&``, ``<``, ``>`` become ``&amp;``, ``&lt;``, ``&gt;`` (no raw HTML); ``\\ ` * _ [ ] { } | ~ $ !``
    are backslash-escaped (no emphasis, code, link, role, table cell or math); a leading ``#``, ``>``,
    ``+``, ``-``, ``=`` or ``1.`` is escaped (no heading, quote or list); line breaks, tabs and other
    control or invisible characters become single spaces (the value never starts a new block).
    ``markdown_text("<img src=x onerror=alert(1)>")`` is ``&lt;img src=x onerror=alert(1)&gt;``.
    """
    text = _check("value", value)
    text = "".join(" " if _is_control(ch) else ch for ch in text)
    text = re.sub(r" {2,}", " ", text)  # no indented code block, no hard line break
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + _escape_start(m.group(2)), text)


def _escape_start(token: str) -> str:
    if token[-1] in ".)":  # "1." -> "1\."
        return token[:-1] + "\\" + token[-1]
    return "\\" + token


def html_text(value: str) -> str:
    """``value`` as HTML text or a quoted attribute value: ``& < > " '`` become entities."""
    return html.escape(_check("value", value), quote=True)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def csv_cell(value: str) -> str:
    """``value`` as a CSV cell or header a spreadsheet shows as text, never runs as a formula.

    A value whose first non-blank character is ``=``, ``+``, ``-`` or ``@`` (or that starts with a tab,
    carriage return or line feed) gets a leading ``'``, unless the whole value is a finite number such
    as ``-6`` or ``+1.5e3`` (a mark stays a number).  A value that itself starts with ``'`` gets one more, so
    that no two values give the same cell (``'-Ana`` is ``''-Ana``, shown as ``'-Ana``; ``-Ana`` is ``'-Ana``).
    Quoting of commas and quotes is the csv writer's job.
    ``csv_cell("=HYPERLINK(...)")`` is ``'=HYPERLINK(...)``.
    """
    text = _check("value", value)
    stripped = text.lstrip(" ")
    if text.startswith("'"):  # the apostrophe a spreadsheet hides: kept, so "-Ana" and "'-Ana" stay two cells
        return "'" + text
    if (text.startswith(_FORMULA_START) or stripped.startswith(_FORMULA_START)) and not _is_number(text):
        return "'" + text
    return text


def terminal(value: str) -> str:
    """``value`` safe to print on one terminal line: every control or invisible character (ESC, CR, LF,
    tab, DEL, C1 controls, bidirectional overrides, zero-width marks) is written as a visible escape,
    ``\\x1b``, ``\\n``, ``\\u202e``; backslashes stay as they are. ``terminal("\\x1b[2J")`` is ``\\x1b[2J``
    shown literally.
    """
    text = _check("value", value)
    return "".join(_visible(ch) if _is_control(ch) else ch for ch in text)


def _visible(ch: str) -> str:
    return repr(ch)[1:-1] if ch.isascii() or ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
