"""The registry of the homework's three problems: what each problem is, in one place.

A :class:`Problem` holds a problem's number, its chapter, the names of its Given and the check of them
(:mod:`hwlib.givens`), its truth (:mod:`hwlib.answers`, through the one truth cache
:func:`hwlib.answers.truth`), the quantities it asks for, its catalogue of known mistakes
(:mod:`hwlib.mistakes`) and its worked solution (``hwlib.worked.problemN``).  Modules that need any of
these ask :func:`get` rather than keep their own ``{1: ..., 2: ..., 3: ...}`` table.

Two lists of quantities, both keys of the truth (:attr:`hwlib.answers.Truth.values`):

* :meth:`Problem.asked`: what the homework asks for, the answers of a practice variant (Problem 1: the
  weights and MACs of each step; Problem 2: each part's padding, stride and filters; Problem 3: the
  forward values, the loss and every weight's gradient);
* :meth:`Problem.computed`: every quantity a solution computes on the way, in the order of the working
  (Problem 1 adds the padding and stride, Problem 3 every unit's gradient); a class is marked on these.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from hwlib import answers, givens, mistakes, worked
from hwlib.answers import Truth

__all__ = ["Problem", "PROBLEMS", "NUMBERS", "get"]


def _p1_asked(truth: Truth) -> list[str]:
    return [f"{step}.{what}" for step in ("standard", "depthwise", "pointwise", "separable")
            for what in ("weights", "macs")]


def _p1_computed(truth: Truth) -> list[str]:
    return ["padding", "stride", *_p1_asked(truth)]


def _p2_asked(truth: Truth) -> list[str]:
    """Each part's padding, stride (when a symmetric pair exists) and filters, in the parts' order."""
    parts = [key.removesuffix(".k") for key in truth.values if key.endswith(".k")]
    return [f"{part}.{what}" for part in parts for what in ("padding", "stride", "filters")
            if f"{part}.{what}" in truth.values]


def _p3_units(truth: Truth) -> list[str]:
    return [q for q in truth.values if re.fullmatch(r"[A-Za-z]\d*", q) and q not in ("t", "L")]


def _p3_asked(truth: Truth) -> list[str]:
    """The forward values (layer by layer), the loss, then every weight's gradient."""
    forward = [q for q in _p3_units(truth) if q in truth.formulas]
    return [*forward, "L", *(q for q in truth.values if q.startswith("dL/dw"))]


def _p3_computed(truth: Truth) -> list[str]:
    """The forward values and the loss; then, from the output back, each layer's gradients followed by those of
    the weights out of the layer before it (the order of backpropagation)."""
    units = _p3_units(truth)
    layer_of: dict[str, int] = {}
    for q in units:  # a unit's layer: 1 + the layer of the units its formula uses (inputs have none)
        formula = truth.formulas.get(q)
        layer_of[q] = 0 if formula is None else 1 + max(layer_of[str(s)] for s in formula.free_symbols
                                                        if str(s) in layer_of)
    forward = [q for q in units if layer_of[q] > 0] + ["L"]
    backward = []
    for layer in sorted(set(layer_of.values()), reverse=True):
        backward += [f"dL/d{q}" for q in units if layer_of[q] == layer]
        backward += [q for q in truth.values if re.fullmatch(rf"dL/dw{layer + 1}_\d+", q)]
    return forward + backward


@dataclass(frozen=True)
class Problem:
    """One problem of the homework; see the module docstring."""

    number: int
    chapter: str  # the chapter's notebook in book/, without ".ipynb"
    given_names: tuple[str, ...]
    check: Callable[[object], dict[str, Any]]  # the Given's check (hwlib.givens.problemN)
    truth_function: Callable[..., Truth]  # hwlib.answers.problemN_truth
    worked: ModuleType  # hwlib.worked.problemN: statement(given), solution(given), ...
    asked_keys: Callable[[Truth], list[str]]
    computed_keys: Callable[[Truth], list[str]]

    @property
    def notebook(self) -> str:
        """The chapter's file name, ``problemN_....ipynb``."""
        return f"{self.chapter}.ipynb"

    def truth(self, given: Mapping[str, Any]) -> Truth:
        """The truth of this problem for ``given`` (:func:`hwlib.answers.truth`, cached)."""
        return answers.truth(self.number, given)

    def asked(self, truth: Truth) -> list[str]:
        """The keys of the quantities the homework asks for, in the order it asks."""
        return self.asked_keys(truth)

    def computed(self, truth: Truth) -> list[str]:
        """The keys of every quantity a solution computes (everything but the Given), in the order of the working."""
        return self.computed_keys(truth)

    def answers(self, given: Mapping[str, Any]) -> dict[str, float]:
        """The asked quantities for ``given``, key -> true value."""
        truth = self.truth(given)
        return {key: truth.values[key] for key in self.asked(truth)}

    @property
    def catalogue(self) -> tuple[mistakes.Mistake, ...]:
        """The catalogue's mistakes of this problem, in catalogue order."""
        return tuple(m for m in mistakes.CATALOGUE if m.problem == self.number)


PROBLEMS: tuple[Problem, ...] = (
    Problem(1, "problem1_separable", answers.GIVEN_NAMES[1], givens.problem1, answers.problem1_truth,
            worked.problem1, _p1_asked, _p1_computed),
    Problem(2, "problem2_padding", answers.GIVEN_NAMES[2], givens.problem2, answers.problem2_truth,
            worked.problem2, _p2_asked, _p2_asked),
    Problem(3, "problem3_backprop", answers.GIVEN_NAMES[3], givens.problem3, answers.problem3_truth,
            worked.problem3, _p3_asked, _p3_computed),
)
NUMBERS: tuple[int, ...] = tuple(p.number for p in PROBLEMS)
_BY_NUMBER = {p.number: p for p in PROBLEMS}


def get(number: int) -> Problem:
    """The problem numbered ``number`` (1, 2 or 3)."""
    if isinstance(number, bool) or number not in _BY_NUMBER:
        raise ValueError(f"problem must be 1, 2 or 3, got {number!r}")
    return _BY_NUMBER[number]
