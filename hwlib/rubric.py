"""Points per quantity: the rubric of ``python -m hwlib.mark --rubric RUBRIC.toml``.

A rubric is a TOML file::

    default = 1        # points of each quantity (1 when absent)
    carried = 0.5      # the share of its points a carried value earns (1 when absent)

    [points]
    "standard.weights" = 2   # one quantity
    p3 = 0.5                 # each quantity of Problem 3 (a quantity's own entry wins)

A student's points are ``Σ points(q)·[q correct] + carried·Σ points(q)·[q carried]``, computed exactly:
every number of the rubric is read as the decimal it is written as, so the points are exact
decimals (``points_text``), never float sums.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from hwlib.class_input import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["Rubric", "points_text", "read_rubric"]

_LIMIT = 10**6
_PLACES = 6  # decimal places of a rubric's numbers: points stay short exact decimals


def _number(value: object, where: str, low_open: bool = False, high: float | None = None) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{where} must be a number, got {value!r}")
    exact = Fraction(value) if isinstance(value, int) else Fraction(repr(value))
    if exact < 0 or (high is not None and exact > high) or exact > _LIMIT:
        limit = f"from 0 to {high:g}" if high is not None else f">= 0 and <= {_LIMIT:,}"
        raise ValueError(f"{where} must be {limit}, got {value!r}")
    if (exact * 10**_PLACES).denominator != 1:
        raise ValueError(f"{where} must have at most {_PLACES} decimal places (a gradebook's precision), got {value!r}")
    return exact


@dataclass(frozen=True)
class Rubric:
    """``default`` points per quantity, the ``carried`` share, and ``points`` by quantity key or problem (``p1``..)."""

    default: Fraction = Fraction(1)
    carried: Fraction = Fraction(1)
    points: tuple[tuple[str, Fraction], ...] = ()

    def of(self, quantity: str, problem: int) -> Fraction:
        """The points of one quantity: its own entry, else its problem's, else the default."""
        table = dict(self.points)
        return table.get(quantity, table.get(f"p{problem}", self.default))

    def describe(self) -> str:
        table = ", ".join(f"{k} = {points_text(v)}" for k, v in self.points)
        per = f"{points_text(self.default)} point{'' if self.default == 1 else 's'} per quantity"
        share = {Fraction(1): "all of its points", Fraction(0): "none of its points"}.get(
            self.carried, f"{points_text(self.carried)} of its points")
        return f"{per}; a carried value earns {share}" + (f"; {table}" if table else "")

    def as_json(self) -> dict[str, object]:
        return {
            "default": points_text(self.default),
            "carried": points_text(self.carried),
            "points": {k: points_text(v) for k, v in self.points},
        }


def read_rubric(path: Path | None, known: Mapping[str, int]) -> Rubric:
    """The rubric of a TOML file (``known``: quantity key -> problem); the plain one (1 point each) for ``None``."""
    if path is None:
        return Rubric()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([f"{path}: cannot be read as UTF-8 text: {exc}"]) from exc
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise InputError([f"{path}: not valid TOML: {str(exc)[:200]}"]) from exc
    problems: list[str] = []
    default, carried = Fraction(1), Fraction(1)
    points: list[tuple[str, Fraction]] = []
    for key, value in data.items():
        try:
            if key == "default":
                default = _number(value, "default")
            elif key == "carried":
                carried = _number(value, "carried", high=1)
            elif key == "points" and isinstance(value, dict):
                for name, pts in value.items():
                    if name not in known and name not in ("p1", "p2", "p3"):
                        problems.append(f"{path}, [points], {name!r}: not a quantity key or p1, p2, p3")
                        continue
                    points.append((name, _number(pts, f"[points] {name!r}")))
            else:
                problems.append(f"{path}, {key!r}: not a rubric entry; use default, carried and a table [points]")
        except ValueError as exc:
            problems.append(f"{path}: {exc}")
    if problems:
        raise InputError(problems)
    return Rubric(default, carried, tuple(points))


def points_text(value: Fraction) -> str:
    """A number of points exactly, as a decimal when it has one (``7.5``), else as a fraction (``1/3``)."""
    if value.denominator == 1:
        return str(value.numerator)
    d = value.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    scaled = value.numerator * 10**places // value.denominator
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}".rstrip("0").rstrip(".")


def unit_scale(values: Sequence[Fraction]) -> int:
    """The least common denominator of ``values``: points times it are whole numbers."""
    scale = 1
    for v in values:
        scale = scale * v.denominator // math.gcd(scale, v.denominator)
    return scale
