"""Problem 1 in words and numbers, for any Given: standard versus depthwise separable convolution.

Given ``{"in_shape": (H, W, C_in), "out_shape": (H_out, W_out, C_out), "kernel": k}``.
:func:`solve` works out the case (every (padding, stride) that gives the output
size, the costs); the other functions turn it into the Markdown the chapter
``book/problem1_separable.ipynb`` shows, and :func:`solution` assembles them
into the whole worked solution (the practice pages use it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from hwlib import conv, fmt, givens
from hwlib.answers import problem1_truth
from hwlib.words import render
from hwlib.worked.axis import (
    AxisSolution,
    StrideRange,
    WindowFacts,
    common_ranges,
    common_solutions,
    coverage,
    impossible_reason,
    pair_count,
    smallest_pair,
    solve_axis,
    stride_ranges,
    window_facts,
)
from hwlib.worked.markdown import answer_box, dims, pairs, table

__all__ = ["Case", "solve", "statement", "solution", "answer_quantities", "padding_stride_text", "costs_text",
           "routes_table", "conventions_text", "answer", "ANSWER_KEYS", "PaddingStrideFacts", "padding_stride_facts",
           "CostFacts", "cost_facts", "ConventionsFacts", "conventions_facts", "AnswerFacts", "answer_facts"]

#: the quantities the problem asks for, keys of :func:`hwlib.answers.problem1_truth`
ANSWER_KEYS = tuple(f"{step}.{what}" for step in ("standard", "depthwise", "pointwise", "separable")
                    for what in ("weights", "macs"))
STEPS = ("standard", "depthwise", "pointwise", "separable")


@dataclass(frozen=True)
class Case:
    """Problem 1 worked out for one Given."""

    in_shape: tuple[int, int, int]
    out_shape: tuple[int, int, int]
    kernel: int
    height: AxisSolution
    width: AxisSolution
    solutions: tuple[tuple[int, int], ...]  # (padding, stride) pairs that serve both axes
    padding: int                              # the pair the book uses: the first (smallest stride, then padding)
    stride: int
    standard: conv.Cost
    separable: conv.SeparableCost

    @property
    def given(self) -> dict[str, Any]:
        return {"in_shape": self.in_shape, "out_shape": self.out_shape, "kernel": self.kernel}

    def cost(self, step: str) -> conv.Cost | conv.SeparableCost:
        """The cost of 'standard', 'depthwise', 'pointwise' or 'separable'."""
        return {"standard": self.standard, "depthwise": self.separable.depthwise,
                "pointwise": self.separable.pointwise, "separable": self.separable}[step]

    @property
    def ratio(self) -> Fraction:
        """M_separable / M_standard = 1/C_out + 1/k^2 (the weights have the same ratio)."""
        return Fraction(1, self.out_shape[2]) + Fraction(1, self.kernel**2)

    @property
    def padded_macs(self) -> int:
        """MACs of the standard layer that multiply a padded zero."""
        real = (coverage(self.in_shape[0], self.kernel, self.stride, self.padding)
                * coverage(self.in_shape[1], self.kernel, self.stride, self.padding)
                * self.in_shape[2] * self.out_shape[2])
        return self.standard.macs - real


def solve(given: Mapping[str, Any] | Case) -> Case:
    """Work Problem 1 out for ``given``; an impossible or ill-typed Given raises one clear error."""
    if isinstance(given, Case):
        return given
    checked = givens.problem1(given)
    (h_in, w_in, c_in), (h_out, w_out, c_out), kernel = checked["in_shape"], checked["out_shape"], checked["kernel"]
    height = solve_axis("height", h_in, h_out, kernel)
    width = solve_axis("width", w_in, w_out, kernel)
    for axis in (height, width):
        if not axis.solutions:
            raise ValueError(f"out_shape {tuple(checked['out_shape'])} cannot come from in_shape "
                             f"{tuple(checked['in_shape'])} with kernel {kernel}: {impossible_reason(axis)}. "
                             f"Change out_shape, in_shape or kernel.")
    solutions = common_solutions(height, width)
    if not solutions:
        raise ValueError(f"no single (padding, stride) takes in_shape {tuple(checked['in_shape'])} to out_shape "
                         f"{tuple(checked['out_shape'])} with kernel {kernel}: the height needs "
                         f"{pairs(height.solutions)}, "
                         f"the width {pairs(width.solutions)}. Choose sizes that one pair gives on both axes "
                         f"(a square input and output, for example).")
    padding, stride = solutions[0]
    return Case(
        in_shape=(h_in, w_in, c_in), out_shape=(h_out, w_out, c_out), kernel=kernel, height=height, width=width,
        solutions=solutions, padding=padding, stride=stride,
        standard=conv.conv2d_cost((h_in, w_in, c_in), c_out, kernel, stride, padding),
        separable=conv.depthwise_separable_cost((h_in, w_in, c_in), c_out, kernel, stride, padding),
    )


@dataclass(frozen=True)
class PaddingStrideFacts:
    """Step 1's facts: every (padding, stride) that gives the output size, the one used, and why it gives it."""

    in_hw: tuple[int, int]
    out_hw: tuple[int, int]
    kernel: int
    square: bool                      # the height and the width are taken alike (one explanation serves both)
    ranges: tuple[StrideRange, ...]   # every pair that serves both axes, as one range of strides per padding
    count: int | None                 # how many pairs; None when some padding takes every larger stride
    padding: int                      # the pair the rest of the page uses
    stride: int
    chosen_is_smallest: bool          # it has the smallest stride, then the least padding, of all that work
    height: WindowFacts
    width: WindowFacts


def padding_stride_facts(given: Mapping[str, Any] | Case) -> PaddingStrideFacts:
    """The facts of :func:`padding_stride_text`."""
    case = solve(given)
    (h_in, w_in, _), (h_out, w_out, _), k = case.in_shape, case.out_shape, case.kernel
    ranges = common_ranges(stride_ranges(h_in, h_out, k), stride_ranges(w_in, w_out, k))
    return PaddingStrideFacts(
        in_hw=(h_in, w_in), out_hw=(h_out, w_out), kernel=k, square=(h_in, h_out) == (w_in, w_out), ranges=ranges,
        count=pair_count(ranges), padding=case.padding, stride=case.stride,
        chosen_is_smallest=smallest_pair(ranges) == (case.padding, case.stride),
        height=window_facts(h_in, h_out, k, case.stride, case.padding),
        width=window_facts(w_in, w_out, k, case.stride, case.padding))


@dataclass(frozen=True)
class CostFacts:
    """Step 3's facts: both layers' costs, their ratio 1/C_out + 1/k^2, and which layer does less work."""

    kernel: int
    c_out: int
    standard_weights: int
    standard_macs: int
    separable_weights: int
    separable_macs: int
    ratio: Fraction            # M_separable / M_standard = W_separable / W_standard
    cheaper: bool              # the separable layer does fewer MACs
    factor: Fraction           # how many times less (cheaper) or more (not cheaper) work it does
    kernel_is_one: bool        # when not cheaper: a 1 x 1 kernel (else a single output channel)


def cost_facts(given: Mapping[str, Any] | Case) -> CostFacts:
    """The facts of :func:`costs_text` and of the answer box's last sentence."""
    case = solve(given)
    standard, separable = case.standard.macs, case.separable.macs
    cheaper = separable < standard
    return CostFacts(
        kernel=case.kernel, c_out=case.out_shape[2], standard_weights=case.standard.weights,
        standard_macs=standard, separable_weights=case.separable.weights, separable_macs=separable,
        ratio=case.ratio, cheaper=cheaper,
        factor=Fraction(standard, separable) if cheaper else Fraction(separable, standard),
        kernel_is_one=case.kernel == 1)


@dataclass(frozen=True)
class ConventionsFacts:
    """The counting conventions' facts: FLOPs, biases, padded zeros."""

    standard_macs: int
    standard_flops: int
    separable_flops: int
    c_out: int
    padding: int
    padded_macs: int           # MACs of the standard layer that multiply a padded zero
    padded_share: Fraction     # padded_macs / standard_macs


def conventions_facts(given: Mapping[str, Any] | Case) -> ConventionsFacts:
    """The facts of :func:`conventions_text`."""
    case = solve(given)
    return ConventionsFacts(case.standard.macs, case.standard.flops, case.separable.flops, case.out_shape[2],
                            case.padding, case.padded_macs, Fraction(case.padded_macs, case.standard.macs))


@dataclass(frozen=True)
class AnswerFacts:
    """The answer box's facts: the pair used, each step's cost, the ratio."""

    padding: int
    stride: int
    rows: tuple[tuple[str, int, int], ...]   # (step, weights, MACs) for standard, depthwise, pointwise, separable
    costs: CostFacts


def answer_facts(given: Mapping[str, Any] | Case) -> AnswerFacts:
    """The facts of :func:`answer`."""
    case = solve(given)
    rows = tuple((step, case.cost(step).weights, case.cost(step).macs) for step in STEPS)
    return AnswerFacts(case.padding, case.stride, rows, cost_facts(case))


def statement(given: Mapping[str, Any] | Case) -> str:
    """The problem as posed for this Given."""
    case = solve(given)
    return render("problem1/statement.md", in_shape=case.in_shape, out_shape=case.out_shape, kernel=case.kernel)


def padding_stride_text(given: Mapping[str, Any] | Case) -> str:
    """Which (padding, stride) pairs give the output size (all of them), which one the book uses, and why it gives
    that size."""
    return render("problem1/padding_stride.md", f=padding_stride_facts(given))


def costs_text(given: Mapping[str, Any] | Case) -> str:
    """The costs of both layers and their ratio, in one sentence."""
    return render("problem1/costs.md", f=cost_facts(given))


def routes_table(formula: Mapping[str, tuple[int, int]], counted: Mapping[str, tuple[int, int]],
                 shapes: Mapping[str, tuple[int, ...]], library: Mapping[str, Any]) -> str:
    """The two routes side by side: (weights, MACs) from the formulas and counted by conv2d, per step."""
    rows = []
    for step in STEPS:
        agree = formula[step] == tuple(counted[step]) and tuple(shapes[step]) == tuple(library[step].out_shape)
        rows.append([step, fmt.number(formula[step][0]), fmt.number(counted[step][0]), fmt.number(formula[step][1]),
                     fmt.number(counted[step][1]), dims(shapes[step]), "yes" if agree else "**NO**"])
    return table(["step", "weights (formula)", "weights (counted)", "MACs (formula)", "MACs (counted by conv2d)",
                  "output shape of conv2d", "agree"], rows, "lrrrrll")


def conventions_text(given: Mapping[str, Any] | Case) -> str:
    """The three counting conventions (FLOPs, biases, padded zeros) with this case's numbers, as a bullet list."""
    return render("problem1/conventions.md", f=conventions_facts(given))


def answer(given: Mapping[str, Any] | Case) -> str:
    """The answer box: the costs table and the ratio."""
    return answer_box(render("problem1/answer.md", f=answer_facts(given)))


def answer_quantities(given: Mapping[str, Any] | Case) -> dict[str, float]:
    """The quantities the problem asks for (weights and MACs of each step), key -> true value."""
    case = solve(given)
    truth = problem1_truth(**case.given)
    return {key: truth.values[key] for key in ANSWER_KEYS}


def solution(given: Mapping[str, Any] | Case) -> str:
    """The complete worked solution for this Given, as Markdown (the chapter's own sentences)."""
    case = solve(given)
    return render("problem1/solution.md", in_shape=case.in_shape, out_shape=case.out_shape, kernel=case.kernel,
                  padding_stride=padding_stride_text(case), costs=costs_text(case), answer=answer(case))
