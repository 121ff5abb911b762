"""One spatial axis of a convolution in words: which (padding, stride) give a size, and why.

Shared by the worked solutions of Problems 1 and 2.  Notation of Dumoulin &
Visin: input size i, kernel k, stride s, symmetric zero padding p, output o,

    o = floor((i + 2p - k) / s) + 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from hwlib import conv, fmt
from hwlib.worked.markdown import join_words, pair

__all__ = ["AxisSolution", "solve_axis", "common_solutions", "common_ranges", "why_text", "impossible_reason",
           "asymmetric_padding", "coverage"]


@dataclass(frozen=True)
class AxisSolution:
    """An axis taken from ``n_in`` to ``n_out`` by a k x k kernel: every symmetric (padding, stride) that does it.

    ``ranges`` holds one (padding, smallest stride, largest stride) per padding that works (every stride
    between the two works too); the largest is None when every larger stride works as well (one output,
    ``unbounded``).  ``solutions`` lists the pairs, an unbounded range by its smallest stride only.
    """

    name: str          # "height" or "width"
    n_in: int
    n_out: int
    kernel: int
    ranges: tuple[tuple[int, int, int | None], ...]

    @property
    def unbounded(self) -> bool:
        """True when every stride from some point on works (one output): no largest stride."""
        return any(high is None for _, _, high in self.ranges)

    @cached_property
    def solutions(self) -> tuple[tuple[int, int], ...]:
        """Every (padding, stride) pair, sorted by (stride, padding); an unbounded range gives its smallest stride."""
        return _pairs(self.ranges)


def _pairs(ranges: tuple[tuple[int, int, int | None], ...]) -> tuple[tuple[int, int], ...]:
    by_stride = sorted((stride, padding) for padding, low, high in ranges
                       for stride in range(low, (low if high is None else high) + 1))
    return tuple((padding, stride) for stride, padding in by_stride)


def solve_axis(name: str, n_in: int, n_out: int, kernel: int) -> AxisSolution:
    """Every (padding, stride) with 0 <= p <= k - 1 for which floor((i + 2p - k)/s) + 1 = o, as stride ranges."""
    return AxisSolution(name, n_in, n_out, kernel, tuple(conv.padding_stride_ranges(n_in, n_out, kernel)))


def common_ranges(height: AxisSolution, width: AxisSolution) -> tuple[tuple[int, int, int | None], ...]:
    """The (padding, smallest stride, largest stride or None) ranges that serve both axes: per padding, the
    overlap of the two stride ranges (arithmetic, linear in the kernel)."""
    return tuple(conv.common_padding_stride_ranges(list(height.ranges), list(width.ranges)))


def common_solutions(height: AxisSolution, width: AxisSolution) -> tuple[tuple[int, int], ...]:
    """The (padding, stride) pairs that serve both axes, sorted by (stride, padding); an unbounded common range
    (one output on both axes) gives its smallest stride."""
    return _pairs(common_ranges(height, width))


def _reachable_around(starts: int, n_out: int) -> tuple[int | None, int | None]:
    """With ``starts`` window positions, the output sizes floor((starts-1)/s) + 1 nearest below and above n_out.

    q = floor(N/s) falls as s grows, so the largest q < o - 1 comes from the smallest s with N // s < o - 1,
    s = N // (o - 1) + 1, and the smallest q > o - 1 from the largest s with N // s >= o, s = N // o.
    """
    n = starts - 1
    below = n // (n // (n_out - 1) + 1) + 1 if n_out >= 2 else None
    above = n // (n // n_out) + 1 if n // n_out >= 1 else None
    return below, above


def _nearest_sizes(n_in: int, n_out: int, kernel: int) -> list[tuple[int, tuple[int, int]]]:
    """The nearest output sizes below and above n_out that some (padding, stride) reaches, with the first pair
    (smallest stride, then padding) giving each: arithmetic, one step per padding."""
    below: int | None = None
    above: int | None = None
    for padding in range(kernel):
        starts = n_in + 2 * padding - kernel + 1
        if starts < 1:
            continue
        low, high = _reachable_around(starts, n_out)
        if low is not None and low < n_out and (below is None or low > below):
            below = low
        if high is not None and high > n_out and (above is None or high < above):
            above = high
    found = []
    for size in (below, above):
        if size is not None:
            first = conv.first_padding_stride(conv.padding_stride_ranges(n_in, size, kernel))
            if first is not None:
                found.append((size, first))
    return sorted(found)


def asymmetric_padding(n_in: int, n_out: int, kernel: int) -> tuple[int, int, int] | None:
    """(before, after, stride): the smallest stride, then the least total padding P <= 2(k - 1), with
    floor((i + P - k)/s) + 1 = o, split as evenly as possible (the extra row after, as 'same' padding does).
    None when no such padding exists.  Arithmetic: with M = i + P - k, floor(M/s) = o - 1 holds exactly for
    floor(M/o) + 1 <= s <= floor(M/(o - 1)) (every s > M when o = 1)."""
    best: tuple[int, int] | None = None  # (stride, total)
    for total in range(0, 2 * (kernel - 1) + 1):
        span = n_in + total - kernel
        if span < 0:
            continue
        low = span // n_out + 1
        if n_out >= 2 and low > span // (n_out - 1):
            continue
        if best is None or (low, total) < best:
            best = (low, total)
    if best is None:
        return None
    stride, total = best
    return total // 2, total - total // 2, stride


def impossible_reason(axis: AxisSolution) -> str:
    """Why no symmetric (padding, stride) takes this axis from i to o, and what would work instead."""
    i, o, k = axis.n_in, axis.n_out, axis.kernel
    text = (f"no symmetric zero padding and stride take the {axis.name} from {fmt.number(i)} to {fmt.number(o)} "
            f"with a {fmt.number(k)} × {fmt.number(k)} kernel")
    if o > i + k - 1:
        return text + (f": the largest size it can give is {fmt.number(i + k - 1)} (padding {fmt.number(k - 1)}, "
                       f"stride 1), as more padding only adds outputs that see nothing but zeros")
    nearest = _nearest_sizes(i, o, k)
    if nearest:
        text += "; the nearest sizes that work are " + join_words(
            [f"{fmt.number(size)} ({pair(p, s)})" for size, (p, s) in nearest])
    asym = asymmetric_padding(i, o, k)
    if asym is not None:
        before, after, stride = asym
        text += (f". Asymmetric padding does it: {fmt.number(before)} before and {fmt.number(after)} after, "
                 f"with stride {fmt.number(stride)}")
        if k % 2 == 0 and o == i:
            text += " (an even kernel needs an odd total padding k − 1 to keep the size, which cannot be split evenly)"
    return text


#: the most output positions coverage adds up (a worked solution's sides are at most hwlib.givens.MAX_SIZE)
MAX_COVERAGE_OUTPUTS = 10**6


def coverage(n_in: int, kernel: int, stride: int, padding: int) -> int:
    """Sum over the output positions of how many real (not padded) input rows the window covers."""
    n_out = conv.output_size(n_in, kernel, stride, padding)
    if n_out > MAX_COVERAGE_OUTPUTS:
        raise ValueError(f"coverage sums over the {n_out:,} output positions one by one, more than the limit of "
                         f"{MAX_COVERAGE_OUTPUTS:,}")
    total = 0
    for j in range(n_out):
        start = stride * j - padding
        total += max(0, min(start + kernel, n_in) - max(start, 0))
    return total


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else noun + "s"


def why_text(n_in: int, n_out: int, kernel: int, stride: int, padding: int) -> str:
    """Why (padding, stride) gives n_out outputs, and what the padding changes: the reason true for this case."""
    i, o, k, s, p = n_in, n_out, kernel, stride, padding
    positions = i + 2 * p - k + 1
    parts = [f"a {fmt.number(k)}-wide window fits at i + 2p − k + 1 = {fmt.number(i)} + {fmt.number(2 * p)} − "
             f"{fmt.number(k)} + 1 = {fmt.number(positions)} {_plural(positions, 'position')}"]
    if s == 1:
        parts[0] += f", and stride 1 uses {'every one of them' if positions != 1 else 'it'}: o = {fmt.number(o)}"
    else:
        parts[0] += (f", and stride {fmt.number(s)} keeps one position in every {fmt.number(s)}: "
                     f"⌊({fmt.number(i)} + {fmt.number(2 * p)} − {fmt.number(k)}) / {fmt.number(s)}⌋ + 1 = {fmt.number(o)}")
        left_over = (i + 2 * p - k) % s
        if left_over:
            parts.append(f"the floor drops a partial step at the end: the last {fmt.number(left_over)} of the "
                         f"{fmt.number(i + 2 * p)} rows{' of the padded input' if p else ''} "
                         f"{'is' if left_over == 1 else 'are'} read by no window")
    if p > 0:
        if i < k:
            parts.append(f"without padding the {fmt.number(k)}-wide window would not fit in the {fmt.number(i)} "
                         f"input at all")
        else:
            o_nopad = conv.output_size(i, k, s, 0)
            parts.append(f"without padding the window fits at only i − k + 1 = {fmt.number(i - k + 1)} "
                         f"{_plural(i - k + 1, 'position')}, so the same stride gives {fmt.number(o_nopad)} "
                         f"{_plural(o_nopad, 'output')}, {fmt.number(o - o_nopad)} fewer: "
                         f"{fmt.number(p)} {'ring' if p == 1 else 'rings'} of zeros {'lets' if p == 1 else 'let'} the window "
                         "reach past the border")
    else:
        parts.append("no padding is needed")
    return " ".join(part[0].upper() + part[1:] + "." for part in parts)
