"""When an answer agrees with the truth: one policy for the marker, the catalogue and the practice pages.

Every quantity is of one of two kinds (:attr:`hwlib.answers.Truth.kinds` declares each one's):

* a **count** (weights, MACs, padding, stride, filters, sizes) agrees only with the same whole number,
  exactly: ``1620000`` and ``1.62e6`` agree with 1,620,000, and ``1619999.9`` does not;
* a **real** quantity (Problem 3's forward values, loss and gradients) agrees when **the answer rounds
  to the truth at N significant figures** (N = 3 by default): both are rounded at the place of the
  truth's N-th significant digit, ties away from zero, and the two roundings must be equal.  With
  truth 0.12345, answers from 0.1225 up to (not including) 0.1235 agree; with truth 2, answers from
  1.995 to 2.005 (excluded).  A truth of 0 has no significant digit: only 0 agrees with it.
  With a relative tolerance ``rel`` instead, a real answer agrees when ``|answer - truth| <= rel |truth|``.

A value that is not finite (NaN, infinity) never agrees with anything.  Numbers are compared exactly:
a float as the decimal it prints as (``repr``, so that 0.1235 is the decimal 0.1235 and rounds up), a
``Decimal``, ``Fraction`` or ``int`` (what :mod:`hwlib.typed_number` returns) as itself.  The page
script ``book/practice/practice.js`` applies the same rule to what a reader types.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

__all__ = ["COUNT", "REAL", "KINDS", "Policy", "DEFAULT", "exact"]

COUNT = "count"
REAL = "real"
KINDS = (COUNT, REAL)
#: float64 holds every whole number up to 2**53 and not beyond: a count above it agrees with nothing
EXACT_COUNT_LIMIT = 2**53


def exact(value: object) -> Fraction | None:
    """``value`` as an exact fraction (a float as the decimal it prints as); ``None`` when it is not finite.

    Raises TypeError for anything that is not a real number (bools included).
    """
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
        raise TypeError(f"value must be a real number, got {value!r} of type {type(value).__name__}")
    if isinstance(value, Decimal):
        return Fraction(value) if value.is_finite() else None
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    value = float(value)
    if not math.isfinite(value):
        return None
    return Fraction(Decimal(repr(value)))


def _leading_exponent(value: Fraction) -> int:
    """e with 10^e <= |value| < 10^(e + 1), for a nonzero value, exactly."""
    value = abs(value)
    e = math.floor(math.log10(value.numerator) - math.log10(value.denominator))
    while Fraction(10) ** e > value:
        e -= 1
    while Fraction(10) ** (e + 1) <= value:
        e += 1
    return e


def _rounded(value: Fraction, place: int) -> int:
    """value / 10^place rounded to a whole number, ties away from zero."""
    scaled = value / Fraction(10) ** place
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    return magnitude if scaled >= 0 else -magnitude


@dataclass(frozen=True)
class Policy:
    """The rule of agreement (see the module docstring): N = ``sig_figs`` significant figures, or a relative
    tolerance ``rel`` when one is given (then ``sig_figs`` is not used)."""

    sig_figs: int = 3
    rel: float | None = None

    def __post_init__(self) -> None:
        if isinstance(self.sig_figs, bool) or not isinstance(self.sig_figs, int):
            raise TypeError(f"sig_figs must be an integer, got {self.sig_figs!r}")
        if not 1 <= self.sig_figs <= 17:
            raise ValueError(f"sig_figs must be between 1 and 17, got {self.sig_figs}")
        if self.rel is not None:
            if isinstance(self.rel, bool) or not isinstance(self.rel, numbers.Real):
                raise TypeError(f"rel must be a number, got {self.rel!r}")
            if not (math.isfinite(self.rel) and 0 <= self.rel < 1):
                raise ValueError(f"rel must be >= 0 and < 1, got {self.rel}")

    def agrees(self, value: object, truth: object, kind: str) -> bool:
        """Whether ``value`` agrees with ``truth`` for a quantity of ``kind`` (:data:`COUNT` or :data:`REAL`)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be {COUNT!r} or {REAL!r}, got {kind!r}")
        if type(value) in (int, float) and type(truth) in (int, float):  # the common case, decided in floats
            if not (math.isfinite(value) and math.isfinite(truth)):
                return False
            if value == truth:
                return kind == REAL or (float(value).is_integer() and abs(value) <= EXACT_COUNT_LIMIT)
            if kind == COUNT:
                return False
            if self.rel is None and truth != 0:
                unit = 10.0 ** (math.floor(math.log10(abs(truth))) - (self.sig_figs - 1))
                if abs(value - truth) > 1.01 * unit:  # two roundings at this place differ by at most one unit
                    return False
        v, t = exact(value), exact(truth)
        if v is None or t is None:
            return False
        if kind == COUNT:
            return v.denominator == 1 and v == t and abs(v) <= EXACT_COUNT_LIMIT
        if self.rel is not None:
            return abs(v - t) <= exact(self.rel) * abs(t)
        if t == 0:
            return v == 0
        place = _leading_exponent(t) - (self.sig_figs - 1)
        return _rounded(v, place) == _rounded(t, place)


DEFAULT = Policy()
