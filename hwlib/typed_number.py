"""A number as a person types it into a marks file or a practice page: read exactly, or refused with a reason.

Accepted (surrounding spaces ignored):

* an optional sign: ``-``, ``+``, the minus sign U+2212 or the en dash U+2013 (``−6``, ``–6``);
* digits, optionally in groups of three separated by one kind of separator throughout: a comma, a space,
  a thin space U+2009, a narrow no-break space U+202F or a no-break space U+00A0 (``1,620,000``,
  ``1 620 000``); the first group has one to three digits and does not start with 0;
* an optional decimal point with digits after it, or none (``0.5``, ``.5``, ``203,136.``);
* an optional exponent: ``e`` or ``E``, an optional sign, digits (``1e3``, ``2.5E-2``).

Refused, each with a reason (:class:`NumberError`, whose ``keyword`` names the case): nothing typed; a
decimal comma (``0,125``: is it 0.125 or 125? write ``0.125``); commas that do not separate groups of
three; ``_`` between digits (``7_200``); a fraction (``1/2``); words or units (``7200 weights``, ``n/a``);
digits other than 0 to 9 (full-width ``７``); a number that float64 cannot hold (``1e400``, ``1e-400``: it would
be read as infinity or as 0); anything else (``?``).

The value is exact: an integer spelling (no decimal point, no exponent) gives an ``int``; any other a
:class:`decimal.Decimal` (``1e3`` is exactly 1000, ``0.1`` exactly one tenth).  The accepted and refused
spellings are listed in ``hwlib/data/number_cases.json``, which the tests of this module and of the page
script's copy of these rules (``book/practice/practice.js``, under Node) both read.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from decimal import Decimal

__all__ = ["NumberError", "parse", "MAX_LENGTH", "MAX_EXPONENT"]

MAX_LENGTH = 100  # characters of a typed number
MAX_EXPONENT = 400  # |exponent| of the e-notation

_SPACES = " \t\n\r\u00a0\u2009\u202f"
_NUMBER = re.compile(
    "([-+\u2212\u2013])?"  # sign
    "([0-9]+|[1-9][0-9]{0,2}(?:([, \u2009\u202f\u00a0])[0-9]{3})(?:\\3[0-9]{3})*)?"  # digits, maybe grouped
    "(?:(\\.)([0-9]*))?"  # decimal point and fraction digits
    "(?:[eE]([-+\u2212]?)([0-9]+))?"  # exponent
)
_DECIMAL_COMMA = re.compile("[-+\u2212\u2013]?[0-9]+,[0-9]+")


class NumberError(ValueError):
    """A typed text that is not a number: ``keyword`` names the case, the message says what to write."""

    def __init__(self, keyword: str, reason: str) -> None:
        super().__init__(reason)
        self.keyword = keyword
        self.reason = reason


def _refusal(text: str) -> NumberError:
    """Why ``text`` (stripped, not empty, not a number) is refused."""
    if any(unicodedata.category(c) == "Nd" and not "0" <= c <= "9" for c in text):
        return NumberError("digits", "type the digits 0 to 9 (not full-width digits or those of another script)")
    if "_" in text:
        return NumberError("underscore", "'_' does not separate digits here: write 7200 or 7,200")
    if any(c.isalpha() for c in text):
        return NumberError("words", "type the number alone, without words or units")
    if "/" in text:
        return NumberError("fraction", "a fraction is not read: write it as a decimal, such as 0.5")
    if _DECIMAL_COMMA.fullmatch(text):
        return NumberError("decimal comma", f"a decimal comma is ambiguous: write {text.replace(',', '.')}")
    if "," in text:
        return NumberError("grouping", "commas separate groups of three digits, as in 1,620,000")
    return NumberError("not a number", "not a number: type digits, such as 1,620,000 or -2.5")


def parse(text: str) -> int | Decimal:
    """The number ``text`` spells (see the module docstring): an ``int`` for an integer spelling, else a
    ``Decimal``; raises :class:`NumberError` (a ValueError) with the reason, TypeError for a non-string."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise NumberError("too long", f"at most {MAX_LENGTH} characters, got {len(text)}")
    stripped = text.strip(_SPACES)
    if not stripped:
        raise NumberError("empty", "nothing typed")
    match = _NUMBER.fullmatch(stripped)
    if match is None or not (match.group(2) or match.group(5)):
        raise _refusal(stripped)
    sign, digits, separator, point, fraction, exponent_sign, exponent = match.groups()
    negative = sign in ("-", "\u2212", "\u2013")
    digits = (digits or "0").replace(separator, "") if separator else (digits or "0")
    if point is None and exponent is None:
        return -int(digits) if negative else int(digits)
    power = int(exponent or 0) * (-1 if exponent_sign in ("-", "\u2212") else 1)
    if abs(power) > MAX_EXPONENT:
        raise NumberError("range", f"the exponent must be between -{MAX_EXPONENT} and {MAX_EXPONENT}, got {power}")
    value = Decimal(f"{'-' if negative else ''}{digits}.{fraction or '0'}E{power}")
    if value:  # a number that float64 cannot hold: it would be read as infinity, or as 0 (or a denormal)
        size = abs(float(value))  # the nearest float64, as the page's script reads it too
        if size == math.inf:
            raise NumberError("range", "too large: at most about 1.8e308 (a float64)")
        if size < sys.float_info.min:
            raise NumberError("range", "too small to tell from 0: at least about 2.2e-308 (a float64)")
    return value
