"""How the book writes a number: one formatter for chapters, marker, answer key and practice.

Rules (one way to write each thing):

* integers (and floats that are whole) with thousands separators: ``1,620,000``;
* other values with at most ``digits`` significant digits, trailing zeros dropped: ``0.136``;
* a real minus sign (U+2212) in prose, never a negative zero;
* :func:`term` parenthesises a negative value inside an expression: ``(−1 − (−1))²``;
* :func:`latex` writes the same number for use inside ``$...$`` (``1{,}620{,}000``, ``-6``).

Precision in prose (one rule): a whole number is written exactly; any other value a sentence states is
written with :data:`PROSE_DIGITS` = 3 significant digits (``0.136``, ``7.35``, ``4.33``), or with its whole
part and one decimal when that is more (``112.5``, not ``112``; ``224.3``); the sentence says "≈" or "about"
exactly when that rounding changed the value (:func:`is_exact`).  A ratio of whole
numbers may be written as its fraction first: ``49/360 ≈ 0.136``.  :func:`number`'s default of 6 digits is
for tables and reports that compare values digit by digit.
"""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from hwlib.naming import FROM_SUPERSCRIPTS, SUPERSCRIPTS

__all__ = ["number", "term", "latex", "prose", "is_exact", "MINUS", "PROSE_DIGITS"]

MINUS = "\u2212"

#: significant digits of a value that is not whole, in prose (the book's one precision rule for sentences)
PROSE_DIGITS = 3


def _check(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a real number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"value must be finite, got {value}")
    return value + 0.0  # -0.0 + 0.0 == 0.0: no negative zero


# the exponent of 10 in superscript digits, 1.5 × 10²⁰, so that no viewer shows a bare caret


def _round(value: float | Fraction, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits, a tie away from zero, as the decimal it prints as:
    30.25 -> 30.3 and 0.4625 -> 0.463 alike (binary rounding would give 30.2 beside 0.463).  A
    :class:`fractions.Fraction` is rounded from its exact value (0.72249999999999999995 -> 0.722), not from the
    float nearest to it."""
    if isinstance(value, Fraction):
        with localcontext() as context:
            context.prec = 60
            exact = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        exact = Decimal(repr(value))
    if not exact:
        return value
    step = Decimal(1).scaleb(exact.adjusted() - digits + 1)
    return float(exact.quantize(step, rounding=ROUND_HALF_UP))


def _plain(value: float, digits: int) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    value = _round(value, digits)
    if 1e-4 <= value < 1e15:  # positional notation, rounded to `digits` significant digits first
        rounded = float(f"{value:.{digits}g}")  # 999999.5 -> 1000000.0, written 1,000,000, not 1 × 10⁶
        if rounded.is_integer():
            return f"{int(rounded):,}"
        decimals = max(digits - 1 - math.floor(math.log10(rounded)), 0)
        return f"{rounded:,.{decimals}f}".rstrip("0").rstrip(".")
    text = f"{value:,.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa} × 10{str(int(exponent)).translate(SUPERSCRIPTS)}"
    return text


def number(value: float, digits: int = 6) -> str:
    """``value`` as prose: thousands separators, ``digits`` significant digits at most, U+2212 for minus;
    very large or small values as ``1.5 × 10²⁰``, ``8.4 × 10⁻¹⁰`` (superscript digits)."""
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits must be an integer >= 1, got {digits!r}")
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):  # exact, however large: 2**53 + 1
        return (MINUS if value < 0 else "") + f"{abs(int(value)):,}"
    if isinstance(value, Fraction) and value.denominator != 1:
        value = _round(value, digits)  # from the exact value; the float nearest to it may sit on a tie
    value = _check(value)
    text = _plain(abs(value), digits)
    if text.strip("0.,") == "":  # rounds to zero: no "−0"
        return text
    return MINUS + text if value < 0 else text


def term(value: float, digits: int = 6) -> str:
    """``value`` as a term inside an expression: parenthesised when negative, ``(−1)``."""
    text = number(value, digits)
    return f"({text})" if text.startswith(MINUS) else text


def latex(value: float, digits: int = 6) -> str:
    """``value`` for use inside ``$...$``: ``1{,}620{,}000``, ``-6``, ``0.136``, ``1.5 \\times 10^{20}``."""
    text = number(value, digits).replace(MINUS, "-").replace(",", "{,}")
    if " × 10" in text:
        mantissa, exponent = text.split(" × 10")
        text = rf"{mantissa} \times 10^{{{exponent.translate(FROM_SUPERSCRIPTS)}}}"
    return text


def _prose_digits(value: float) -> int:
    """PROSE_DIGITS significant digits, and one more than the whole part has (112.5, not 112)."""
    whole = abs(int(float(value)))
    return max(PROSE_DIGITS, len(str(whole)) + 1) if whole else PROSE_DIGITS


def prose(value: float) -> str:
    """``value`` as a sentence states it: :func:`number` with :data:`PROSE_DIGITS` significant digits, or the
    whole part and one decimal when that is more (``0.136``, ``7.35``, ``112.5``)."""
    return number(value, _prose_digits(value))


def is_exact(value: float) -> bool:
    """Whether :func:`prose` writes ``value`` exactly (``0.75`` yes, ``49/360`` no), so that a sentence knows
    whether to say "≈".  Exact for integers and ``fractions.Fraction`` values."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return True
    # a float stands for the decimal it prints as (0.45, not the binary fraction nearest to it)
    exact = Fraction(value) if isinstance(value, Fraction) else Fraction(repr(_check(value)))
    if exact.denominator == 1:
        return True
    return Fraction(repr(_round(exact, _prose_digits(exact)))) == exact
