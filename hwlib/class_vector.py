"""Marking a class column by column: the rules of :class:`hwlib.marker.ValueMarker`, vectorised with numpy.

For each quantity ``q`` (a column) and each student (a row), with ``v`` the written value:

* **blank**: no value; **review**: a cell that is not a number, read with ``--lenient``;
* **correct**: ``v`` agrees with the exact truth (:func:`agrees`: a count exactly, a real value
  within the tolerance policy :class:`Policy`);
* **carried**: ``v`` is not correct, but the book's local formula for ``q``
  (:attr:`hwlib.answers.Truth.formulas`) fed with the student's own values gives it: what they
  wrote; where they wrote nothing, an intermediate's local formula on their own earlier values (a
  blank ``z`` is the ``z`` their ``y`` give), a given's true value;
* **wrong** otherwise, named by the catalogue mistakes (:mod:`hwlib.mistakes`) whose step formula on
  those values gives ``v``, else those whose prediction from the Given is ``v``.

A step that overflows on the student's own values carries nothing (``z = 1e308`` makes ``2(z − t)``
overflow, so no ``∂L/∂z`` is carried from it); a step that does not is judged as any other, as the scalar
marker and the practice pages judge it.  A correct value whose local formula on the student's own written
upstream values gives something else is *flagged* (``does_not_follow``): it stays correct, and
``mistakes.csv`` lists it.

Floating point never decides a mark by accident: the truth is computed exactly (integers for
counts, rationals for decimal Givens) and a Given whose float64 evaluation would disagree with the
exact truth is refused with the reason; a formula value that is not finite (a step that overflows)
agrees with nothing; a count agrees only with an equal count, and never above 2**53, where float64
stops holding every whole number.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from hwlib import answers, mistakes
from hwlib.marker import answer_quantities
from hwlib.tolerance import COUNT, EXACT_COUNT_LIMIT, REAL, Policy

__all__ = [
    "BLANK",
    "CARRIED",
    "CORRECT",
    "DOES_NOT_FOLLOW",
    "REVIEW",
    "VERDICT_WORDS",
    "WRONG",
    "ClassMarker",
    "Marked",
    "Policy",
    "exact_truth",
]

BLANK, CORRECT, CARRIED, WRONG, REVIEW = 0, 1, 2, 3, 4
VERDICT_WORDS = ("blank", "correct", "carried", "wrong", "review")
DOES_NOT_FOLLOW = "does_not_follow"
EXACT_LIMIT = EXACT_COUNT_LIMIT  # float64 holds every whole number up to here, and not beyond


def _near_tie(x: np.ndarray) -> np.ndarray:
    """Within a hair of a rounding tie (x.5), where float64 cannot decide the rounding."""
    return np.abs(np.abs(x) % 1 - 0.5) < 1e-6


def _sig_round(x: np.ndarray) -> np.ndarray:
    """Round half away from zero, elementwise."""
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def agrees(
    values: np.ndarray, reference: np.ndarray | float, count: bool, policy: Policy, whole: bool = True
) -> np.ndarray:
    """Elementwise :meth:`hwlib.tolerance.Policy.agrees` (both finite; counts equal and within 2**53).

    Decided in float64, except within a hair of a rounding tie or a power of ten, where the exact
    rule of :mod:`hwlib.tolerance` decides each such element.  ``whole=False`` lets a count equal a
    reference that is not a whole number (a catalogue mistake's prediction, such as padding 1.5).
    """
    values = np.asarray(values, dtype=np.float64)
    reference = np.broadcast_to(np.asarray(reference, dtype=np.float64), values.shape)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        finite = np.isfinite(values) & np.isfinite(reference)
        if count:
            same = finite & (values == reference) & (np.abs(reference) <= EXACT_LIMIT)
            return same & (reference == np.round(reference)) if whole else same
        magnitude = np.abs(reference)
        if policy.rel is not None:
            gap, allowed = np.abs(values - reference), policy.rel * magnitude
            ok = finite & (gap <= allowed)
            borderline = finite & (np.abs(gap - allowed) <= 1e-9 * magnitude)
        else:
            nonzero = magnitude > 0
            log = np.log10(np.where(nonzero, magnitude, 1.0))
            unit = np.power(10.0, np.floor(log) - (policy.sig_figs - 1))
            scaled_v, scaled_t = values / unit, reference / unit
            ok = finite & np.where(nonzero, _sig_round(scaled_v) == _sig_round(scaled_t), values == 0)
            # within a hair of a power of ten the unit of rounding is in doubt (np.power(10.0, -5) is not 1e-05):
            # the exact rule decides, as for a tie
            near_power = np.abs(log - np.round(log)) < 1e-9
            borderline = (
                finite & nonzero & (_near_tie(scaled_v) | _near_tie(scaled_t) | near_power | ~np.isfinite(scaled_v))
            )
    if borderline.any():
        kind = COUNT if count else REAL
        for i in np.flatnonzero(borderline):
            ok[i] = policy.agrees(float(values[i]), float(reference[i]), kind)
    return ok


@functools.lru_cache(maxsize=4096)
def _numpy_function(expr: sp.Expr) -> tuple[tuple[str, ...], Callable[..., Any], Callable[..., Any]]:
    """``expr`` compiled for numpy arrays and for Python numbers, with its argument names (sorted); compiled once
    per expression and process (lambdify is most of the time a small class takes to mark)."""
    names, scalar = answers.compiled(expr)  # names: shared by every caller, immutable
    symbols = sorted(expr.free_symbols, key=str)
    return names, sp.lambdify(symbols, expr, modules=answers.NUMPY_MODULES, dummify=True), scalar


def exact_truth(problem: int, given: Mapping[str, Any], policy: Policy | None = None) -> dict[str, Fraction]:
    """Every quantity of the problem, exactly: the Given's numbers as written, each formula in rationals.

    Raises ValueError (naming the quantity) when a count exceeds 2**53, or when the float64 value that
    marking uses would not agree with the exact one (a Given such as a weight of 1e17 next to 1).
    """
    policy = policy or Policy()
    truth = mistakes.truth_of(problem, given)
    exact = answers.exact_values(truth)
    compiled = {q: _numpy_function(sp.sympify(f)) for q, f in truth.formulas.items()}
    float_values: dict[str, float] = {}
    for q in truth.values:  # float64 as marking computes it: each formula on float upstream values
        if q in compiled:
            names, _, function = compiled[q]
            with np.errstate(all="ignore"):
                float_values[q] = float(np.float64(function(*[np.float64(float(exact[n])) for n in names])))
        else:
            float_values[q] = float(exact[q])
    asked = set(answer_quantities(problem, truth))
    for q, x in exact.items():
        if q not in asked:
            continue
        count = truth.kind(q) == COUNT
        if count and (x.denominator != 1 or abs(x) > EXACT_LIMIT):
            raise ValueError(
                f"{q} is {float(x):.4g}, above 2**53 = 9,007,199,254,740,992: counts are marked exactly "
                "in float64, which holds whole numbers only up to there"
            )
        exact_float = float(x)
        if not math.isfinite(exact_float):
            raise ValueError(
                f"{q} is too large for a float64 ({float(x):.4g})" if abs(x) < 1 else f"{q} is too large for a float64"
            )
        if not agrees(np.array([float_values[q]]), exact_float, count, policy)[0]:
            # off by float64's rounding only (0.1325 exactly, 0.13249999999999998 in float64) at a tie of the
            # rounding, or by more: a follow-through step worked in float64 would be judged on the wrong side
            rounding_only = x != 0 and abs(Fraction(float_values[q]) - x) <= Fraction(1, 10**9) * abs(x)
            why = ("the two round apart, as the value sits on a tie of the rounding; mark with --tolerance REL, "
                   "or change the Given" if rounding_only else
                   "numbers of very different sizes lose the smaller ones; scale the Given")
            raise ValueError(
                f"float64 arithmetic cannot mark this Given: {q} is {_fraction_text(x)} exactly, but "
                f"float64 gives {float_values[q]!r} ({why})"
            )
    return exact


def _fraction_text(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{float(x):.10g}"


@dataclass
class _Column:
    key: str
    problem: int
    count: bool
    truth: float
    local: tuple[tuple[str, ...], Callable[..., Any], Callable[..., Any]] | None
    steps: list[tuple[int, tuple[str, ...], Callable[..., Any], Callable[..., Any]]] = field(default_factory=list)
    predicted: list[tuple[int, float]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # bit i of a mistake field -> catalogue name


@dataclass
class Marked:
    """One chunk's verdicts: ``codes`` (students x columns, BLANK..REVIEW), per column the catalogue mistakes of
    the wrong values (``bits``: a bit field over ``ClassMarker.names(column)``), the correct values flagged as not
    following from the student's own values, and the local formula's value on the student's own values."""

    codes: np.ndarray
    bits: dict[int, np.ndarray]
    flagged: dict[int, np.ndarray]
    follow: dict[int, np.ndarray]
    truth: np.ndarray  # students x columns: each student's true values (NaN where absent)
    absent: np.ndarray | None = None  # students x columns: True where the student's variant lacks the quantity

    @staticmethod
    def combine(n: int, width: int, parts: list[tuple[np.ndarray, Marked]]) -> Marked:
        """One chunk's verdicts from those of groups of its rows (``parts``: row indices, their verdicts)."""
        codes = np.zeros((n, width), dtype=np.uint8)
        truth = np.zeros((n, width))
        bits: dict[int, np.ndarray] = {}
        flagged: dict[int, np.ndarray] = {}
        follow: dict[int, np.ndarray] = {}
        absent = np.zeros((n, width), dtype=bool) if any(part.absent is not None for _, part in parts) else None
        for rows, part in parts:
            codes[rows] = part.codes
            truth[rows] = part.truth
            if absent is not None and part.absent is not None:
                absent[rows] = part.absent
            for target, source, empty in (
                (bits, part.bits, 0),
                (flagged, part.flagged, False),
                (follow, part.follow, np.nan),
            ):
                for j, values in source.items():
                    if j not in target:
                        target[j] = np.full(n, empty, dtype=values.dtype)
                    target[j][rows] = values
        return Marked(codes, bits, flagged, follow, truth, absent)


class ClassMarker:
    """Marks chunks of a class against one set of Givens (problem -> Given) for ``columns`` (quantity keys).

    ``may_lack`` (quantity key -> problem) names columns these Givens need not have: a personalised class's
    columns are the union of its variants' keys, and a 2-2-1 network has no ``z1``.  Such a column of a
    Given without it is *absent*: a blank cell there is :data:`BLANK`, :attr:`Marked.absent` marks it, and
    a written value is left to the caller (:attr:`Marked.absent` and the value say where)."""

    def __init__(
        self,
        givens: Mapping[int, Mapping[str, Any]],
        columns: Sequence[str],
        policy: Policy | None = None,
        may_lack: Mapping[str, int] | None = None,
    ) -> None:
        self.policy = policy or Policy()
        self.columns = list(columns)
        self.truth: dict[str, float] = {}  # each column's true value
        # problem -> every quantity of its truth (a Given's too: P1 and P2 both have a C_out), as float64
        self._values: dict[int, dict[str, float]] = {}
        self._columns: dict[str, _Column] = {}
        self._decoded: dict[tuple[str, int], tuple[str, ...]] = {}
        # (problem, quantity) of a local formula that is no column (ReLU's slopes): worked out from the students'
        # values
        self._derived: dict[tuple[int, str], tuple[tuple[str, ...], Callable[..., Any], Callable[..., Any]]] = {}
        for problem in (1, 2, 3):
            given = givens[problem]
            truth = mistakes.truth_of(problem, given)
            exact = exact_truth(problem, given, self.policy)
            self._values[problem] = {q: float(x) for q, x in exact.items()}
            for q in answer_quantities(problem, truth):
                formula = truth.formulas.get(q)
                self._columns[q] = _Column(
                    q,
                    problem,
                    truth.kind(q) == COUNT,
                    float(exact[q]),
                    _numpy_function(sp.sympify(formula)) if formula is not None else None,
                )
                self.truth[q] = float(exact[q])
            for q, formula in truth.formulas.items():
                if q not in self._columns:
                    self._derived[problem, q] = _numpy_function(sp.sympify(formula))
            for m in mistakes.CATALOGUE:
                if m.problem != problem:
                    continue
                try:
                    overrides = m.formulas(given, truth)
                    predicted = m.predict(given)
                except (ValueError, TypeError, ArithmeticError):
                    continue
                for q, expr in overrides.items():
                    if q in self._columns:
                        column = self._columns[q]
                        names, numeric, scalar = _numpy_function(sp.sympify(expr))
                        column.steps.append((self._bit(column, m.name), names, numeric, scalar))
                for q, v in predicted.items():
                    if q in self._columns and math.isfinite(v):
                        column = self._columns[q]
                        column.predicted.append((self._bit(column, m.name), v))
        may_lack = may_lack or {}
        self._absent = {c: may_lack[c] for c in self.columns if c not in self._columns and c in may_lack}
        unknown = [c for c in self.columns if c not in self._columns and c not in self._absent]
        if unknown:
            raise ValueError(f"columns must be quantity keys (python -m hwlib.mark --quantities), got {unknown[0]!r}")

    @staticmethod
    def _bit(column: _Column, name: str) -> int:
        """A mistake's bit: its place among its problem's catalogue mistakes (the same for every Given)."""
        if not column.names:
            column.names.extend(m.name for m in mistakes.CATALOGUE if m.problem == column.problem)
            if len(column.names) > 63:
                raise ValueError(f"problem {column.problem}: more than 63 catalogue mistakes")
        return column.names.index(name)

    def has(self, quantity: str) -> bool:
        """Whether these Givens have the quantity (a column of ``may_lack`` may be absent)."""
        return quantity in self._columns

    def problem(self, quantity: str) -> int:
        if quantity in self._absent:
            return self._absent[quantity]
        return self._columns[quantity].problem

    def is_count(self, quantity: str) -> bool:
        return self._columns[quantity].count

    def names(self, quantity: str) -> list[str]:
        """The catalogue mistakes of a column, in the order of the bits of :attr:`Marked.bits` (catalogue order)."""
        if quantity in self._absent:
            return [m.name for m in mistakes.CATALOGUE if m.problem == self._absent[quantity]]
        column = self._columns[quantity]
        return column.names or [m.name for m in mistakes.CATALOGUE if m.problem == column.problem]

    def upstream(self, quantity: str) -> list[str]:
        if quantity in self._absent:
            return []
        local = self._columns[quantity].local
        return local[0] if local else []

    def _local(self, problem: int, quantity: str) -> tuple | None:
        """The compiled local formula of a column or of a quantity of ``problem`` worked out for every student (a
        slope), or None (a given)."""
        if quantity in self._columns and self._columns[quantity].problem == problem:
            return self._columns[quantity].local
        return self._derived.get((problem, quantity))

    def _evaluate(
        self,
        function: tuple[tuple[str, ...], Callable[..., Any], Callable[..., Any]] | tuple,
        own: Callable[[str], np.ndarray | float],
        n: int,
    ) -> np.ndarray:
        """A formula on the students' own values; NaN where any step of it overflows or is undefined."""
        names, numeric, scalar = function[-3], function[-2], function[-1]
        args = [own(name) for name in names]
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                result = np.asarray(numeric(*args), dtype=np.float64)
        except (FloatingPointError, ArithmeticError, ValueError):
            result = np.empty(n)
            for i in range(n):
                try:
                    with np.errstate(over="raise", invalid="raise", divide="raise"):
                        result[i] = float(scalar(*[np.float64(a[i] if isinstance(a, np.ndarray) else a) for a in args]))
                except (FloatingPointError, ArithmeticError, ValueError):
                    result[i] = np.nan
        result = np.broadcast_to(result, (n,)).astype(np.float64, copy=True)
        result[~np.isfinite(result)] = np.nan
        return result

    def mark(
        self,
        values: Mapping[str, np.ndarray],
        n: int,
        inexact: Mapping[str, np.ndarray] | None = None,
        review: Sequence[tuple[int, str, str]] = (),
    ) -> Marked:
        """Verdicts for ``n`` students: ``values`` maps each column to its float array (NaN: blank or review)."""
        inexact = inexact or {}
        policy = self.policy
        cache: dict[tuple[int, str], np.ndarray | float] = {}

        def own_of(problem: int, name: str) -> np.ndarray | float:
            """The students' own values of a quantity of ``problem`` (ValueMarker.own_values): what each wrote;
            where one wrote none, its local formula on their own earlier values (NaN where that overflows), else
            the true value of a given."""
            key = (problem, name)
            if key not in cache:
                cache[key] = np.nan  # no cycles in the formulas; a guard all the same
                written_column = name in self._columns and self._columns[name].problem == problem
                column = values.get(name) if written_column else None
                local = self._local(problem, name)
                fill = self._values[problem][name] if local is None else self._evaluate(local, owns[problem], n)
                if column is None:
                    cache[key] = fill
                else:  # a count typed past float64's precision agrees with nothing, but is the student's value
                    cache[key] = np.where(np.isfinite(column), column, fill)
            return cache[key]

        # the own values of each problem's quantities, for its formulas
        owns = {problem: functools.partial(own_of, problem) for problem in self._values}

        codes = np.zeros((n, len(self.columns)), dtype=np.uint8)
        bits: dict[int, np.ndarray] = {}
        flagged: dict[int, np.ndarray] = {}
        follow: dict[int, np.ndarray] = {}
        usable_of: dict[str, np.ndarray] = {}
        correct_of: dict[str, np.ndarray] = {}
        step_of: dict[str, np.ndarray] = {}

        def judged(q: str) -> None:
            if q in correct_of:
                return
            column = self._columns[q]
            v = values[q]
            usable = ~np.isnan(v)
            if q in inexact:
                usable &= ~inexact[q]
            usable_of[q] = usable
            correct_of[q] = usable & agrees(v, column.truth, column.count, policy)
            if column.local is not None:
                step_of[q] = self._evaluate(column.local, owns[column.problem], n)

        absent = None
        with np.errstate(over="ignore", invalid="ignore"):
            for j, q in enumerate(self.columns):
                if q in self._absent:  # blank (BLANK) or written (left to the caller); never judged
                    if absent is None:
                        absent = np.zeros((n, len(self.columns)), dtype=bool)
                    absent[:, j] = True
                    continue
                column = self._columns[q]
                v = values[q]
                blank = np.isnan(v)
                judged(q)
                usable, correct = usable_of[q], correct_of[q]
                carried = np.zeros(n, dtype=bool)
                if column.local is not None:
                    r = step_of[q]
                    follow[j] = r
                    right_on_own = agrees(v, r, column.count, policy)
                    carried = usable & ~correct & right_on_own
                    written_upstream = np.zeros(n, dtype=bool)
                    for name in column.local[0]:
                        if name in values and self._columns[name].problem == column.problem:
                            written_upstream |= np.isfinite(values[name])
                    flag = correct & written_upstream & ~right_on_own
                    if flag.any():
                        flagged[j] = flag
                wrong = ~blank & ~correct & ~carried
                codes[:, j] = np.where(blank, BLANK, np.where(correct, CORRECT, np.where(carried, CARRIED, WRONG)))
                if wrong.any() and (column.steps or column.predicted):
                    step_bits = np.zeros(n, dtype=np.int64)
                    for bit, *function in column.steps:
                        step = self._evaluate(function, owns[column.problem], n)
                        hit = usable & agrees(v, step, column.count, policy, whole=False)
                        step_bits |= hit.astype(np.int64) << bit
                    predicted_bits = np.zeros(n, dtype=np.int64)
                    for bit, p in column.predicted:
                        predicted_bits |= (usable & agrees(v, p, column.count, policy, whole=False)).astype(
                            np.int64
                        ) << bit
                    bits[j] = np.where(wrong, np.where(step_bits != 0, step_bits, predicted_bits), 0)
        position = {q: j for j, q in enumerate(self.columns)}
        for i, q, _ in review:
            codes[i, position[q]] = REVIEW
        truth = np.broadcast_to(
            np.array([self.truth.get(q, np.nan) for q in self.columns], dtype=np.float64), (n, len(self.columns))
        )
        return Marked(codes, bits, flagged, follow, truth, absent)

    def decode(self, quantity: str, field_: int) -> tuple[str, ...]:
        """The catalogue names of a bit field of :attr:`Marked.bits`."""
        key = (quantity, field_)
        if key not in self._decoded:
            names = self.names(quantity)
            self._decoded[key] = tuple(name for i, name in enumerate(names) if field_ >> i & 1)
        return self._decoded[key]
