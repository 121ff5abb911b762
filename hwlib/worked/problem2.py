"""Problem 2 in words and numbers, for any Given: padding, stride and number of filters.

Given ``{"in_volume": (H, W, C_in), "out_volume": (H_out, W_out, C_out), "kernels": {"a": 1, "b": 3, ...}}``.
A part that no symmetric padding and stride can solve is answered in words,
with the asymmetric padding that does it where one exists: never ``None`` or
``nan``.  Used by ``book/problem2_padding.ipynb`` and the practice pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hwlib import conv, fmt, givens
from hwlib.answers import problem2_truth
from hwlib.worked.axis import (AxisSolution, asymmetric_padding, common_solutions, impossible_reason, solve_axis,
                               why_text)
from hwlib.worked.markdown import answer_box, dims, dims_latex, join_words, pair, pairs, table

__all__ = ["Part", "Case", "solve", "statement", "solution", "answer_quantities", "repeat_note", "parts_text",
           "filters_text", "kernel_table", "floor_example", "answer"]


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


def _asymmetric(height: AxisSolution, width: AxisSolution) -> tuple[tuple[int, int], tuple[int, int], int] | None:
    h = asymmetric_padding(height.n_in, height.n_out, height.kernel)
    w = asymmetric_padding(width.n_in, width.n_out, width.kernel)
    if h is None or w is None:
        return None
    if h[2] == w[2]:
        return (h[0], h[1]), (w[0], w[1]), h[2]
    # one stride for both axes: try the larger one for the other axis
    for stride in sorted({h[2], w[2]}):
        sides = []
        for axis in (height, width):
            for total in range(0, 2 * (axis.kernel - 1) + 1):
                if axis.n_in + total >= axis.kernel and (axis.n_in + total - axis.kernel) // stride + 1 == axis.n_out:
                    sides.append((total // 2, total - total // 2))
                    break
        if len(sides) == 2:
            return sides[0], sides[1], stride
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
    asks = join_words([f"{part.label} ${fmt.latex(part.kernel)} \\times {fmt.latex(part.kernel)}$ filters"
                       for part in case.parts])
    return (f"An input volume of ${dims_latex(case.in_volume)}$ must come out of a convolutional layer as "
            f"${dims_latex(case.out_volume)}$. "
            f"Find the zero padding, the stride and the number of filters for {asks}.")


def repeat_note(given: Mapping[str, Any] | Case) -> str:
    """A note for each part whose filter size repeats an earlier part's ('' when no part repeats one)."""
    case = solve(given)
    notes = []
    for index, part in enumerate(case.parts):
        earlier = [p for p in case.parts[:index] if p.kernel == part.kernel]
        if earlier:
            notes.append(f"Part {part.label} asks for the same {part.filter_words} filter as part {earlier[0].label}, "
                         "so its answer is the same.")
    if not notes:
        return ""
    return " ".join(notes) + " The table of every kernel size from 1 to 7 further down answers the question for the other sizes."


def _part_text(case: Case, part: Part) -> str:
    i, o = case.in_volume[0], case.out_volume[0]
    head = f"For the {part.filter_words} filter of part {part.label}, "
    if not part.possible:
        if case.square:
            return head + "this part is impossible as posed: " + impossible_reason(part.height) + "."
        failing = [axis for axis in (part.height, part.width) if not axis.solutions]
        if failing:
            return head + "this part is impossible as posed: " + "; ".join(map(impossible_reason, failing)) + "."
        text = (head + "this part is impossible as posed: no single symmetric (padding, stride) serves both axes: "
                f"the height needs {pairs(part.height.solutions)}, the width {pairs(part.width.solutions)}.")
        if part.asymmetric is not None:
            (hb, ha), (wb, wa), stride = part.asymmetric
            text += (f" Asymmetric padding works: {fmt.number(hb)} before and {fmt.number(ha)} after along the height, "
                     f"{fmt.number(wb)} before and {fmt.number(wa)} after along the width, with stride "
                     f"{fmt.number(stride)}.")
        return text
    if len(part.solutions) == 1:
        text = head + f"exactly one setting works: **{pair(part.padding, part.stride)}**. "
    else:
        text = (head + f"{fmt.number(len(part.solutions))} settings work: {pairs(part.solutions)}; the answer uses "
                f"the first, **{pair(part.padding, part.stride)}** (the smallest stride, then the least padding). ")
    if case.square:
        return text + "Along each axis, " + _lower(why_text(i, o, part.kernel, part.stride, part.padding))
    return (text + "Along the height, " + _lower(why_text(i, o, part.kernel, part.stride, part.padding))
            + " Along the width, " + _lower(why_text(case.in_volume[1], case.out_volume[1], part.kernel, part.stride,
                                                     part.padding)))


def _lower(text: str) -> str:
    return text[0].lower() + text[1:]


def parts_text(given: Mapping[str, Any] | Case) -> str:
    """One paragraph per part: the settings that work and why, or why none does and what would."""
    case = solve(given)
    seen: dict[int, Part] = {}
    paragraphs = []
    for part in case.parts:
        if part.kernel in seen:
            paragraphs.append(f"Part {part.label} is part {seen[part.kernel].label} again.")
            continue
        seen[part.kernel] = part
        paragraphs.append(_part_text(case, part))
    return "\n\n".join(paragraphs)


def filters_text(given: Mapping[str, Any] | Case) -> str:
    """The number of filters and their depth, the same in every part."""
    case = solve(given)
    c_in, c_out = case.in_volume[2], case.out_volume[2]
    return (f"In every part the layer needs **{fmt.number(c_out)} filters**, one per output channel, each "
            f"$k \\times k \\times {fmt.latex(c_in)}$: as deep as the input, which has {fmt.number(c_in)} "
            f"channel{'s' if c_in != 1 else ''}.")


def kernel_table(given: Mapping[str, Any] | Case, kernels: range = range(1, 8)) -> str:
    """For each kernel size: the (padding, stride) pairs that give the output height, and the asymmetric padding."""
    case = solve(given)
    i, o = case.in_volume[0], case.out_volume[0]
    rows = []
    for k in kernels:
        solutions = conv.solve_padding_stride(i, o, k)
        asym = asymmetric_padding(i, o, k)
        rows.append([fmt.number(k), pairs(solutions) if solutions else "none",
                     "yes" if any(s == 1 for _, s in solutions) else "no",
                     f"{fmt.number(asym[0])} before, {fmt.number(asym[1])} after, stride {fmt.number(asym[2])}"
                     if asym else "none"])
    return table(["k", f"symmetric (padding, stride) giving {fmt.number(o)} from {fmt.number(i)}", "with stride 1?",
                  "least asymmetric padding that does"], rows, "rlll")


def floor_example(given: Mapping[str, Any] | Case) -> tuple[int, int, int, float, int] | None:
    """(k, p, s, formula without the floor, true size) for a setting where dropping the floor gives a wrong,
    fractional size: the first part's kernel, the largest padding p <= k - 1, the smallest stride >= 2 that shows it."""
    case = solve(given)
    i = case.in_volume[0]
    k = case.parts[0].kernel
    for s in range(2, i + 2 * k):
        for p in reversed(range(k)):
            if i + 2 * p >= k and (i + 2 * p - k) % s:
                return k, p, s, (i + 2 * p - k) / s + 1, conv.output_size(i, k, s, p)
    return None


def floor_text(given: Mapping[str, Any] | Case) -> str:
    """The 'drop the floor' warning with a worked example for this input size."""
    example = floor_example(given)
    text = ("* **Drop the floor and you can \"prove\" wrong answers.** Written without the floor, "
            "$o = (i + 2p - k)/s + 1$ can give sizes that do not exist")
    if example is not None:
        k, p, s, no_floor, true = example
        text += (f": for $k = {fmt.latex(k)}$, $p = {fmt.latex(p)}$ and $s = {fmt.latex(s)}$ it gives "
                 f"{fmt.number(no_floor)}, while the real convolution returns {fmt.number(true)}")
    return text + (". Solving the floor-free equation for $s$ can likewise give a fractional stride; only a search "
                   "over whole numbers with the floor finds every setting.")


def answer(given: Mapping[str, Any] | Case) -> str:
    """The answer box: padding, stride and filters of each part, or why a part is impossible."""
    case = solve(given)
    rows = []
    notes = []
    for part in case.parts:
        if part.possible:
            padding, stride = fmt.number(part.padding), fmt.number(part.stride)
            if len(part.solutions) > 1:
                notes.append(f"part {part.label} also works with {pairs(part.solutions[1:])}")
        elif part.asymmetric is not None:
            (hb, ha), (wb, wa), s = part.asymmetric
            sides = (f"{fmt.number(hb)} before, {fmt.number(ha)} after" if (hb, ha) == (wb, wa) else
                     f"height {fmt.number(hb)} + {fmt.number(ha)}, width {fmt.number(wb)} + {fmt.number(wa)}")
            padding, stride = f"no symmetric padding works; asymmetric: {sides}", fmt.number(s)
        else:
            padding, stride = "impossible", "impossible"
        rows.append([part.label, f"${fmt.latex(part.kernel)} \\times {fmt.latex(part.kernel)}$", padding, stride,
                     fmt.number(part.filters)])
    body = table(["part", "filter", "zero padding", "stride", "number of filters"], rows, "llrrr")
    if notes:
        body += "\n\nOther settings that work: " + "; ".join(notes) + "."
    elif all(part.possible for part in case.parts):
        body += "\n\nEach setting is the only one that works."
    if case.in_volume[:2] == case.out_volume[:2]:
        body += ("\n\n" if body.endswith("|") else " ") + ("In general a $k \\times k$ filter with odd $k$ keeps the size with stride 1 and padding $(k-1)/2$; "
                 "an even $k$ needs asymmetric padding.")
    return answer_box(body)


def answer_quantities(given: Mapping[str, Any] | Case) -> dict[str, float]:
    """Padding, stride and filters of each part (padding and stride only for a part that has them), key -> value."""
    case = solve(given)
    truth = problem2_truth(**case.given)
    keys = [f"{part.name}.{what}" for part in case.parts for what in ("padding", "stride", "filters")]
    return {key: truth.values[key] for key in keys if key in truth.values}


def solution(given: Mapping[str, Any] | Case) -> str:
    """The complete worked solution for this Given, as Markdown (the chapter's own sentences)."""
    case = solve(given)
    pieces = [
        "**The depth.** Each filter spans the whole input depth and produces one output channel, so the number of "
        "filters is the output depth $C_\\text{out}$, whatever $k$, $s$ and $p$ are.",
        "**The height and width.** Along each axis $o = \\lfloor (i + 2p - k)/s \\rfloor + 1$; we search every "
        "padding $0 \\le p \\le k - 1$ and stride $s \\ge 1$ for the output size asked for.",
        parts_text(case),
        filters_text(case),
    ]
    note = repeat_note(case)
    if note:
        pieces.insert(0, note)
    pieces.append(answer(case))
    return "\n\n".join(pieces)


def figure_part(given: Mapping[str, Any] | Case) -> Part | None:
    """The part the padded-grid figure draws: the first with padding, else the first that works; None if none does."""
    case = solve(given)
    possible = [part for part in case.parts if part.possible]
    padded = [part for part in possible if part.padding > 0]
    return (padded or possible or [None])[0]


def figure_text(given: Mapping[str, Any] | Case) -> str:
    """The sentence that introduces the padded-grid figure (or says there is nothing to draw)."""
    part = figure_part(given)
    if part is None:
        return "No part has a symmetric setting to draw."
    text = (f"The figure draws the input of part {part.label} ({part.filter_words} filter, "
            f"{pair(part.padding, part.stride)}) with the windows that produce the four corner outputs.")
    case = solve(given)
    if not case.square:
        (h, w, _), (h_out, w_out, _) = case.in_volume, case.out_volume
        text += (f" It draws the height on both axes, as a {fmt.number(h)} × {fmt.number(h)} input giving "
                 f"{fmt.number(h_out)} × {fmt.number(h_out)}; the width, {fmt.number(w)}, is padded and strided "
                 f"the same way and gives {fmt.number(w_out)}.")
    return text
