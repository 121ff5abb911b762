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
from hwlib.worked.axis import AxisSolution, common_solutions, coverage, impossible_reason, solve_axis, why_text
from hwlib.worked.markdown import answer_box, dims, dims_latex, join_words, pair, pairs, table

__all__ = ["Case", "solve", "statement", "solution", "answer_quantities", "padding_stride_text", "costs_text",
           "routes_table", "conventions_text", "answer", "ANSWER_KEYS"]

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
                         f"{tuple(checked['out_shape'])} with kernel {kernel}: the height needs {pairs(height.solutions)}, "
                         f"the width {pairs(width.solutions)}. Choose sizes that one pair gives on both axes "
                         f"(a square input and output, for example).")
    padding, stride = solutions[0]
    return Case(
        in_shape=(h_in, w_in, c_in), out_shape=(h_out, w_out, c_out), kernel=kernel, height=height, width=width,
        solutions=solutions, padding=padding, stride=stride,
        standard=conv.conv2d_cost((h_in, w_in, c_in), c_out, kernel, stride, padding),
        separable=conv.depthwise_separable_cost((h_in, w_in, c_in), c_out, kernel, stride, padding),
    )


def statement(given: Mapping[str, Any] | Case) -> str:
    """The problem as posed for this Given."""
    case = solve(given)
    k = fmt.latex(case.kernel)
    return (f"A convolutional layer takes a ${dims_latex(case.in_shape)}$ input volume to a "
            f"${dims_latex(case.out_shape)}$ output volume with ${k} \\times {k}$ filters. Compare the number of "
            "**weights** and the number of **computations** (multiply-accumulates) of a standard convolution with "
            "those of a depthwise separable convolution.")


def padding_stride_text(given: Mapping[str, Any] | Case) -> str:
    """Which (padding, stride) pairs give the output size, which one the book uses, and why it gives that size."""
    case = solve(given)
    (h_in, w_in, _), (h_out, w_out, _) = case.in_shape, case.out_shape
    size_in = dims(case.in_shape[:2]) if h_in != w_in else fmt.number(h_in)
    size_out = dims(case.out_shape[:2]) if h_out != w_out else fmt.number(h_out)
    head = f"Taking {size_in} to {size_out} with a {fmt.number(case.kernel)} × {fmt.number(case.kernel)} kernel, "
    if len(case.solutions) == 1:
        head += f"exactly one pair works: **{pair(case.padding, case.stride)}**."
    else:
        head += (f"{fmt.number(len(case.solutions))} pairs work: {pairs(case.solutions)}. They give the same output "
                 f"size, so the same weights and MACs; the rest of the page uses the first, "
                 f"**{pair(case.padding, case.stride)}** (the smallest stride, then the least padding).")
    if (h_in, h_out) == (w_in, w_out):
        return head + " Along each axis, " + _lower_first(why_text(h_in, h_out, case.kernel, case.stride, case.padding))
    return (head + " Along the height, " + _lower_first(why_text(h_in, h_out, case.kernel, case.stride, case.padding))
            + " Along the width, " + _lower_first(why_text(w_in, w_out, case.kernel, case.stride, case.padding)))


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:]


def _ratio_words(case: Case) -> str:
    ratio = case.ratio
    exact = f"1/{fmt.number(case.out_shape[2])} + 1/{fmt.number(case.kernel ** 2)}"
    value = f"{exact} = {ratio.numerator:,}/{ratio.denominator:,}" if ratio.denominator != 1 else f"{exact} = {ratio}"
    return f"{value} ≈ {fmt.number(float(ratio), 3)}"


def _times_words(case: Case) -> str:
    """'about 7.35 times less work', or the truth when the separable layer costs as much or more."""
    speedup = case.standard.macs / case.separable.macs
    if case.separable.macs < case.standard.macs:
        return f"about {fmt.number(speedup, 3)} times less work"
    if case.separable.macs == case.standard.macs:
        return "as much work as the standard layer"
    if case.kernel == 1:
        why = "with a 1 × 1 kernel there is nothing to separate, and the depthwise step only adds work"
    else:
        why = ("with a single output channel the standard layer is already one filter, and the pointwise step "
               "adds its own work on top of the depthwise one")
    return f"about {fmt.number(1 / speedup, 3)} times *more* work: {why}"


def costs_text(given: Mapping[str, Any] | Case) -> str:
    """The costs of both layers and their ratio, in one sentence."""
    case = solve(given)
    return (f"The standard layer has {fmt.number(case.standard.weights)} weights and does "
            f"{fmt.number(case.standard.macs)} MACs; the separable one has {fmt.number(case.separable.weights)} "
            f"weights and does {fmt.number(case.separable.macs)} MACs. The ratio is {_ratio_words(case)} for the "
            f"weights and the MACs alike, so the separable layer does {_times_words(case)}.")


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
    case = solve(given)
    c_out = case.out_shape[2]
    padded = case.padded_macs
    if padded:
        padded_words = (f"of the standard layer's MACs, {fmt.number(padded)} "
                        f"({fmt.number(100 * padded / case.standard.macs, 3)} %) multiply a padded zero. A counter "
                        "that skips them would report fewer.")
    else:
        padded_words = "here there is no padding, so every MAC multiplies a real input."
    return "\n".join([
        "* **MACs, not FLOPs.** One multiply-accumulate $a \\leftarrow a + x w$ is one multiplication and one "
        f"addition, so it is often quoted as **two FLOPs**. The standard layer is {fmt.number(case.standard.macs)} "
        f"MACs = {fmt.number(case.standard.flops)} FLOPs; the separable one is {fmt.number(case.separable.flops)} "
        "FLOPs. Papers that say \"FLOPs\" (MobileNet's \"mult-adds\", for one) very often mean MACs: check which "
        "before comparing.",
        f"* **Bias terms.** A bias adds one weight per output channel ({fmt.number(c_out)} for the standard layer) "
        "and, in a separable layer, one per channel in each step. We count bias weights only when asked "
        "(`bias=True`) and never count the bias additions as MACs; some FLOP counters add "
        "$H_\\text{out} W_\\text{out} C_\\text{out}$ for them.",
        "* **Padded zeros.** A dense convolution multiplies the padded zeros like any other input, so they count: "
        + padded_words,
    ])


def answer(given: Mapping[str, Any] | Case) -> str:
    """The answer box: the costs table and the ratio."""
    case = solve(given)
    rows = [[label, fmt.number(case.cost(step).weights), fmt.number(case.cost(step).macs)] for step, label in (
        ("standard", "standard $k \\times k$ convolution"), ("depthwise", "depthwise step"),
        ("pointwise", "pointwise step"), ("separable", "depthwise separable, total"))]
    body = (f"With {pair(case.padding, case.stride)}:\n\n"
            + table(["", "weights", "multiply-accumulates"], rows, "lrr")
            + f"\n\nThe separable layer needs {fmt.number(float(case.ratio), 3)} of the weights and of the work "
            f"($1/C_\\text{{out}} + 1/k^2$): {_times_words(case)}.")
    if case.separable.macs < case.standard.macs:
        body += (" It is cheaper, but not free: it is a restricted standard convolution whose filters factor as "
                 "(spatial filter per channel) $\\times$ (channel mixing), so it can represent fewer functions. "
                 "\"Less work\" is not \"performs better\" without measuring accuracy.")
    return answer_box(body)


def answer_quantities(given: Mapping[str, Any] | Case) -> dict[str, float]:
    """The quantities the problem asks for (weights and MACs of each step), key -> true value."""
    case = solve(given)
    truth = problem1_truth(**case.given)
    return {key: truth.values[key] for key in ANSWER_KEYS}


FORMULAS = r"""$$
\begin{aligned}
W_\text{standard} &= k^2 C_\text{in} C_\text{out}, & M_\text{standard} &= H_\text{out} W_\text{out} C_\text{out} \, k^2 C_\text{in}, \\
W_\text{depthwise} &= k^2 C_\text{in}, & M_\text{depthwise} &= H_\text{out} W_\text{out} C_\text{in} \, k^2, \\
W_\text{pointwise} &= C_\text{in} C_\text{out}, & M_\text{pointwise} &= H_\text{out} W_\text{out} C_\text{in} C_\text{out}, \\
\frac{M_\text{separable}}{M_\text{standard}} &= \frac{W_\text{separable}}{W_\text{standard}} = \frac{1}{C_\text{out}} + \frac{1}{k^2} .
\end{aligned}
$$"""


def solution(given: Mapping[str, Any] | Case) -> str:
    """The complete worked solution for this Given, as Markdown (the chapter's own sentences)."""
    case = solve(given)
    (h_out, w_out, c_out), (_, _, c_in), k = case.out_shape, case.in_shape, case.kernel
    return "\n\n".join([
        "**Step 1: the padding and stride.** Along one axis, a convolution with input size $i$, kernel $k$, stride "
        "$s$ and zero padding $p$ on each side gives $o = \\lfloor (i + 2p - k)/s \\rfloor + 1$ outputs.",
        padding_stride_text(case),
        "**Step 2: the formulas.** A standard layer has $C_\\text{out}$ filters of $k \\times k \\times C_\\text{in}$ "
        "weights, each used once at every output position. The depthwise step has one $k \\times k$ filter per input "
        "channel; the pointwise step is a $1 \\times 1$ convolution from $C_\\text{in}$ to $C_\\text{out}$ channels.",
        FORMULAS,
        f"**Step 3: the numbers.** With $k = {fmt.latex(k)}$, $C_\\text{{in}} = {fmt.latex(c_in)}$, "
        f"$C_\\text{{out}} = {fmt.latex(c_out)}$ and $H_\\text{{out}} \\times W_\\text{{out}} = "
        f"{fmt.latex(h_out)} \\times {fmt.latex(w_out)}$:",
        costs_text(case),
        answer(case),
    ])
