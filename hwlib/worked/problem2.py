"""Problem 2 in words and numbers, for any Given: padding, stride and number of filters.

Given ``{"in_volume": (H, W, C_in), "out_volume": (H_out, W_out, C_out), "kernels": {"a": 1, "b": 3, ...}}``.
A part that no symmetric padding and stride can solve is answered in words,
with the asymmetric padding that does it where one exists: never ``None`` or
``nan``.  Used by ``book/problem2_padding.ipynb`` and the practice pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from hwlib import fmt, givens
from hwlib.answers import problem2_truth
from hwlib.words import render
from hwlib.worked.axis import (
    AxisSolution,
    ImpossibleFacts,
    StrideRange,
    WindowFacts,
    asymmetric_padding,
    common_ranges,
    common_solutions,
    impossible_facts,
    pair_count,
    smallest_pair,
    solve_axis,
    stride_ranges,
    window_facts,
)
from hwlib.worked.markdown import answer_box

__all__ = ["Part", "Case", "solve", "statement", "solution", "answer_quantities", "repeat_note", "parts_text",
           "filters_text", "kernel_table", "floor_example", "floor_text", "answer", "principle_text", "figure_part",
           "figure_text", "PartFacts", "part_facts", "PrincipleFacts", "KernelPrinciple", "principle_facts",
           "FloorFacts", "floor_facts", "FigureFacts", "figure_facts", "KernelRow", "kernel_rows", "AnswerRow",
           "answer_rows", "without_pair"]


@dataclass(frozen=True)
class Part:
    """One part of the problem: a k x k filter, the (padding, stride) pairs that work, or why none does."""

    name: str
    kernel: int
    height: AxisSolution
    width: AxisSolution
    solutions: tuple[tuple[int, int], ...]
    filters: int
    asymmetric: tuple[tuple[int, int], tuple[int, int], int] | None  # ((before, after) height, width, stride)

    @property
    def possible(self) -> bool:
        return bool(self.solutions)

    @property
    def padding(self) -> int:
        return self.solutions[0][0]

    @property
    def stride(self) -> int:
        return self.solutions[0][1]

    @property
    def label(self) -> str:
        return f"({self.name})"

    @property
    def filter_words(self) -> str:
        return f"{fmt.number(self.kernel)} × {fmt.number(self.kernel)}"


@dataclass(frozen=True)
class Case:
    """Problem 2 worked out for one Given."""

    in_volume: tuple[int, int, int]
    out_volume: tuple[int, int, int]
    parts: tuple[Part, ...]

    @property
    def given(self) -> dict[str, Any]:
        return {"in_volume": self.in_volume, "out_volume": self.out_volume,
                "kernels": {part.name: part.kernel for part in self.parts}}

    @property
    def square(self) -> bool:
        return self.in_volume[0] == self.in_volume[1] and self.out_volume[0] == self.out_volume[1]


def _least_total(axis: AxisSolution, stride: int) -> int | None:
    """The least total padding P <= 2(k - 1) with floor((i + P - k)/s) + 1 = o at stride s, or None.

    floor((i + P - k)/s) = o - 1 holds exactly for (o - 1)s <= i + P - k <= os - 1, so
    P = max(0, k - i, (o - 1)s - i + k) when that is at most min(2(k - 1), os - 1 - i + k)."""
    i, o, k = axis.n_in, axis.n_out, axis.kernel
    least = max(0, k - i, (o - 1) * stride - i + k)
    return least if least <= min(2 * (k - 1), o * stride - 1 - i + k) else None


def _asymmetric(height: AxisSolution, width: AxisSolution) -> tuple[tuple[int, int], tuple[int, int], int] | None:
    """((before, after) height, (before, after) width, stride): the smallest stride that serves both axes with a
    total padding of at most 2(k - 1) each, then the least total on each axis, split as evenly as possible (the
    extra row after).  Every stride above i + k - 1 gives o = 1 like the stride i + k - 1, so the search stops there."""
    for stride in range(1, max(height.n_in, width.n_in) + height.kernel):
        totals = [_least_total(axis, stride) for axis in (height, width)]
        if totals[0] is not None and totals[1] is not None:
            (h, w) = totals
            return (h // 2, h - h // 2), (w // 2, w - w // 2), stride
    return None


def solve(given: Mapping[str, Any] | Case) -> Case:
    """Work Problem 2 out for ``given``; an ill-typed Given raises one clear error, an impossible part is kept."""
    if isinstance(given, Case):
        return given
    checked = givens.problem2(given)
    (h_in, w_in, _), (h_out, w_out, c_out) = checked["in_volume"], checked["out_volume"]
    parts = []
    for name, kernel in checked["kernels"].items():
        height = solve_axis("height", h_in, h_out, kernel)
        width = solve_axis("width", w_in, w_out, kernel)
        solutions = common_solutions(height, width)
        parts.append(Part(name, kernel, height, width, solutions, c_out,
                          None if solutions else _asymmetric(height, width)))
    return Case(checked["in_volume"], checked["out_volume"], tuple(parts))


def statement(given: Mapping[str, Any] | Case) -> str:
    """The problem as posed for this Given."""
    case = solve(given)
    return render("problem2/statement.md", in_volume=case.in_volume, out_volume=case.out_volume,
                  parts=[(part.label, part.kernel) for part in case.parts])


def _repeats(case: Case) -> list[tuple[Part, Part]]:
    """(part, the first earlier part with the same kernel) for each part whose filter size repeats."""
    out = []
    for index, part in enumerate(case.parts):
        earlier = [p for p in case.parts[:index] if p.kernel == part.kernel]
        if earlier:
            out.append((part, earlier[0]))
    return out


def repeat_note(given: Mapping[str, Any] | Case) -> str:
    """A note for each part whose filter size repeats an earlier part's ('' when no part repeats one)."""
    case = solve(given)
    return render("problem2/repeat_note.md", repeats=[(part.label, first.label, part.kernel)
                                                      for part, first in _repeats(case)],
                  square=case.square, in_hw=case.in_volume[:2], out_hw=case.out_volume[:2])


def without_pair(ranges: tuple[StrideRange, ...], chosen: tuple[int, int]) -> tuple[StrideRange, ...]:
    """``ranges`` less the one pair ``chosen``: the other settings that work."""
    padding, stride = chosen
    out = []
    for r in ranges:
        if r.padding != padding or stride not in r:
            out.append(r)
            continue
        if r.smallest < stride:
            out.append(StrideRange(padding, r.smallest, stride - 1))
        if r.largest is None or stride < r.largest:
            out.append(StrideRange(padding, stride + 1, r.largest))
    return tuple(out)


@dataclass(frozen=True)
class PartFacts:
    """One part's facts: every symmetric (padding, stride) that works, the one the answer uses and why, or why
    none does and what would."""

    label: str
    kernel: int
    square: bool                                # the height and the width are taken alike
    repeat_of: str | None                       # the label of an earlier part with the same kernel
    ranges: tuple[StrideRange, ...]             # every pair that serves both axes
    count: int | None                           # how many pairs; None when every larger stride works too
    padding: int | None                         # the pair the answer uses (None when none works)
    stride: int | None
    chosen_is_smallest: bool                    # it has the smallest stride, then the least padding
    others: tuple[StrideRange, ...]             # the pairs that work besides the one used
    height: WindowFacts | None
    width: WindowFacts | None
    failing: tuple[ImpossibleFacts, ...]        # the axes that no symmetric setting takes to their size
    height_ranges: tuple[StrideRange, ...]      # each axis on its own
    width_ranges: tuple[StrideRange, ...]
    asymmetric: tuple[tuple[int, int], tuple[int, int], int] | None

    @property
    def possible(self) -> bool:
        return bool(self.ranges)


def part_facts(given: Mapping[str, Any] | Case, name: str) -> PartFacts:
    """The facts of part ``name`` (a key of the Given's ``kernels``)."""
    case = solve(given)
    part = next((p for p in case.parts if p.name == name), None)
    if part is None:
        raise ValueError(f"name must be one of the Given's parts ({', '.join(p.name for p in case.parts)}), "
                         f"got {name!r}")
    repeat_of = next((first.label for p, first in _repeats(case) if p is part), None)
    (h_in, w_in, _), (h_out, w_out, _) = case.in_volume, case.out_volume
    k = part.kernel
    height_ranges, width_ranges = stride_ranges(h_in, h_out, k), stride_ranges(w_in, w_out, k)
    ranges = common_ranges(height_ranges, width_ranges)
    chosen = (part.padding, part.stride) if part.possible else smallest_pair(ranges)
    return PartFacts(
        label=part.label, kernel=k, square=case.square, repeat_of=repeat_of, ranges=ranges, count=pair_count(ranges),
        padding=chosen[0] if chosen else None, stride=chosen[1] if chosen else None,
        chosen_is_smallest=chosen is not None and chosen == smallest_pair(ranges),
        others=without_pair(ranges, chosen) if chosen else (),
        height=window_facts(h_in, h_out, k, chosen[1], chosen[0]) if chosen else None,
        width=window_facts(w_in, w_out, k, chosen[1], chosen[0]) if chosen else None,
        failing=tuple(impossible_facts(axis) for axis in (part.height, part.width)[:1 if case.square else 2]
                      if not stride_ranges(axis.n_in, axis.n_out, axis.kernel)),
        height_ranges=height_ranges, width_ranges=width_ranges, asymmetric=part.asymmetric)


def parts_text(given: Mapping[str, Any] | Case) -> str:
    """One paragraph per part: every setting that works and why the one used does, or why none does and what
    would."""
    case = solve(given)
    return "\n\n".join(render("problem2/part.md", f=part_facts(case, part.name)) for part in case.parts)


@dataclass(frozen=True)
class KernelPrinciple:
    """For one kernel size asked for: the padding stride 1 needs, and whether stride 1 or a larger one works."""

    kernel: int
    labels: tuple[str, ...]          # the parts that ask for it
    p_stride_one: Fraction           # (o - i + k - 1)/2 along the height
    stride_one_works: bool           # that padding is whole, in 0..k-1, and serves the width too
    larger_stride_works: bool        # some pair with a stride of 2 or more serves both axes
    most_at_stride_two: int          # floor((i + k - 2)/2) + 1: the most outputs any s >= 2, p <= k - 1 gives


@dataclass(frozen=True)
class PrincipleFacts:
    """The height-and-width principle, derived for the case at hand: o from i at stride 1 and beyond."""

    n_in: int
    n_out: int
    square: bool
    width_in: int
    width_out: int
    kernels: tuple[KernelPrinciple, ...]

    @property
    def difference(self) -> int:
        """o - i: stride 1 needs p = (k - 1 + o - i)/2."""
        return self.n_out - self.n_in

    @property
    def width_difference(self) -> int:
        return self.width_out - self.width_in


def principle_facts(given: Mapping[str, Any] | Case) -> PrincipleFacts:
    """The facts of :func:`principle_text`."""
    case = solve(given)
    (h_in, w_in, _), (h_out, w_out, _) = case.in_volume, case.out_volume
    kernels: dict[int, list[str]] = {}
    for part in case.parts:
        kernels.setdefault(part.kernel, []).append(part.label)
    rows = []
    for k, labels in kernels.items():
        ranges = common_ranges(stride_ranges(h_in, h_out, k), stride_ranges(w_in, w_out, k))
        p_one = Fraction(h_out - h_in + k - 1, 2)
        rows.append(KernelPrinciple(
            kernel=k, labels=tuple(labels), p_stride_one=p_one,
            stride_one_works=any(1 in r for r in ranges),
            larger_stride_works=any(r.largest is None or r.largest >= 2 for r in ranges),
            most_at_stride_two=(h_in + k - 2) // 2 + 1))
    return PrincipleFacts(h_in, h_out, case.square, w_in, w_out, tuple(rows))


def principle_text(given: Mapping[str, Any] | Case) -> str:
    """What stride 1 needs for this case (p = (k - 1 + o - i)/2, whole and at most k - 1), which kernels asked
    for meet it, and whether a larger stride can serve the others."""
    return render("problem2/principle.md", f=principle_facts(given))


def filters_text(given: Mapping[str, Any] | Case) -> str:
    """The number of filters and their depth, the same in every part."""
    case = solve(given)
    return render("problem2/filters.md", c_in=case.in_volume[2], c_out=case.out_volume[2])


@dataclass(frozen=True)
class KernelRow:
    """One row of the table of kernel sizes: every symmetric setting for the height, and the least asymmetric one."""

    kernel: int
    ranges: tuple[StrideRange, ...]
    stride_one: bool
    asymmetric: tuple[int, int, int] | None


def kernel_rows(given: Mapping[str, Any] | Case, kernels: range = range(1, 8)) -> tuple[KernelRow, ...]:
    """The facts of :func:`kernel_table`."""
    case = solve(given)
    i, o = case.in_volume[0], case.out_volume[0]
    rows = []
    for k in kernels:
        ranges = stride_ranges(i, o, k)
        rows.append(KernelRow(k, ranges, any(1 in r for r in ranges), asymmetric_padding(i, o, k)))
    return tuple(rows)


def kernel_table(given: Mapping[str, Any] | Case, kernels: range = range(1, 8)) -> str:
    """For each kernel size: the (padding, stride) pairs that give the output height, and the asymmetric padding."""
    case = solve(given)
    return render("problem2/kernel_table.md", n_in=case.in_volume[0], n_out=case.out_volume[0],
                  rows=kernel_rows(case, kernels), square=case.square)


def floor_example(given: Mapping[str, Any] | Case) -> tuple[int, int, int, Fraction, int] | None:
    """(k, p, s, formula without the floor, true size) for a setting where dropping the floor gives a wrong,
    fractional size: the first part's kernel, the largest padding p <= k - 1, the smallest stride >= 2 that shows it."""
    case = solve(given)
    i = case.in_volume[0]
    k = case.parts[0].kernel
    for s in range(2, i + 2 * k):
        for p in reversed(range(k)):
            if i + 2 * p >= k and (i + 2 * p - k) % s:
                return k, p, s, Fraction(i + 2 * p - k, s) + 1, (i + 2 * p - k) // s + 1
    return None


@dataclass(frozen=True)
class FloorFacts:
    """A setting where the formula without its floor gives a size that does not exist."""

    kernel: int
    padding: int
    stride: int
    no_floor: Fraction   # (i + 2p - k)/s + 1
    true_size: int       # floor of it: what the convolution returns


def floor_facts(given: Mapping[str, Any] | Case) -> FloorFacts | None:
    """The facts of :func:`floor_text` (None when no setting shows a fractional size)."""
    example = floor_example(given)
    return None if example is None else FloorFacts(*example)


def floor_text(given: Mapping[str, Any] | Case) -> str:
    """The 'drop the floor' warning with a worked example for this input size."""
    return render("problem2/floor.md", f=floor_facts(given))


@dataclass(frozen=True)
class AnswerRow:
    """One part in the answer box."""

    label: str
    kernel: int
    padding: int | None
    stride: int | None
    filters: int
    others: tuple[StrideRange, ...]
    asymmetric: tuple[tuple[int, int], tuple[int, int], int] | None
    repeat_of: str | None    # the label of an earlier part with the same kernel (its other settings said there)


def answer_rows(given: Mapping[str, Any] | Case) -> tuple[AnswerRow, ...]:
    """The facts of :func:`answer`, one row per part."""
    case = solve(given)
    rows = []
    for part in case.parts:
        f = part_facts(case, part.name)
        rows.append(AnswerRow(part.label, part.kernel, f.padding, f.stride, part.filters, f.others, part.asymmetric,
                              f.repeat_of))
    return tuple(rows)


def answer(given: Mapping[str, Any] | Case) -> str:
    """The answer box: padding, stride and filters of each part, or why a part is impossible."""
    case = solve(given)
    return answer_box(render("problem2/answer.md", rows=answer_rows(case),
                             same_size=case.in_volume[:2] == case.out_volume[:2]))


def answer_quantities(given: Mapping[str, Any] | Case) -> dict[str, float]:
    """Padding, stride and filters of each part (padding and stride only for a part that has them), key -> value."""
    case = solve(given)
    truth = problem2_truth(**case.given)
    keys = [f"{part.name}.{what}" for part in case.parts for what in ("padding", "stride", "filters")]
    return {key: truth.values[key] for key in keys if key in truth.values}


def solution(given: Mapping[str, Any] | Case) -> str:
    """The complete worked solution for this Given, as Markdown (the chapter's own sentences)."""
    case = solve(given)
    return render("problem2/solution.md", note=repeat_note(case), parts=parts_text(case), filters=filters_text(case),
                  answer=answer(case))


def figure_part(given: Mapping[str, Any] | Case) -> Part | None:
    """The part the padded-grid figure draws: the first with padding, else the first that works; None if none does."""
    case = solve(given)
    possible = [part for part in case.parts if part.possible]
    padded = [part for part in possible if part.padding > 0]
    return (padded or possible or [None])[0]


@dataclass(frozen=True)
class FigureFacts:
    """What the padded-grid figure draws: one part's setting along the height, drawn on both axes."""

    label: str
    kernel: int
    padding: int
    stride: int
    square: bool
    in_hw: tuple[int, int]
    out_hw: tuple[int, int]
    windows: int   # the windows drawn: those of the corner outputs, 1 when there is one output, else 4


def figure_facts(given: Mapping[str, Any] | Case) -> FigureFacts | None:
    """The facts of :func:`figure_text` (None when no part has a symmetric setting to draw)."""
    part = figure_part(given)
    if part is None:
        return None
    case = solve(given)
    (h, w, _), (h_out, w_out, _) = case.in_volume, case.out_volume
    return FigureFacts(part.label, part.kernel, part.padding, part.stride, case.square, (h, w), (h_out, w_out),
                       1 if h_out == 1 else 4)


def figure_text(given: Mapping[str, Any] | Case) -> str:
    """The sentence that introduces the padded-grid figure (or says there is nothing to draw)."""
    return render("problem2/figure.md", f=figure_facts(given))
