"""One spatial axis of a convolution in words: which (padding, stride) give a size, and why.

Shared by the worked solutions of Problems 1 and 2.  Notation of Dumoulin &
Visin: input size i, kernel k, stride s, symmetric zero padding p, output o,

    o = floor((i + 2p - k) / s) + 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from hwlib import conv
from hwlib._checks import check_int
from hwlib.words import render

__all__ = ["AxisSolution", "solve_axis", "common_solutions", "common_ranges", "why_text", "impossible_reason",
           "asymmetric_padding", "coverage", "StrideRange", "stride_ranges", "smallest_pair", "pair_count",
           "WindowFacts", "window_facts", "ImpossibleFacts", "impossible_facts"]


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


@dataclass(frozen=True)
class ImpossibleFacts:
    """Why no symmetric (padding, stride) takes one axis from ``n_in`` to ``n_out``, and what would work instead."""

    name: str
    n_in: int
    n_out: int
    kernel: int
    too_large: bool                                 # n_out > n_in + k - 1, the largest size any setting gives
    largest: int                                    # n_in + k - 1 (padding k - 1, stride 1)
    nearest: tuple[tuple[int, int, int], ...]       # (size, padding, stride): nearest sizes below/above that work
    asymmetric: tuple[int, int, int] | None         # (before, after, stride) of the least asymmetric padding
    odd_total_at_stride_one: bool                   # keeping the size with an even k at stride 1 needs odd total k - 1


def impossible_facts(axis: AxisSolution) -> ImpossibleFacts:
    """The facts :func:`impossible_reason` words."""
    i, o, k = axis.n_in, axis.n_out, axis.kernel
    too_large = o > i + k - 1
    nearest = () if too_large else tuple((size, p, s) for size, (p, s) in _nearest_sizes(i, o, k))
    asym = None if too_large else asymmetric_padding(i, o, k)
    return ImpossibleFacts(axis.name, i, o, k, too_large, i + k - 1, nearest, asym,
                           asym is not None and asym[2] == 1 and k % 2 == 0 and o == i)


def impossible_reason(axis: AxisSolution) -> str:
    """Why no symmetric (padding, stride) takes this axis from i to o, and what would work instead."""
    return render("axis/impossible.md", f=impossible_facts(axis))


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


class StrideRange(NamedTuple):
    """Every stride from ``smallest`` to ``largest`` (``None``: every stride from ``smallest`` up) works with
    ``padding``; equal to the plain ``(padding, smallest, largest)`` tuples of
    :func:`hwlib.conv.padding_stride_ranges`."""

    padding: int
    smallest: int
    largest: int | None

    @property
    def count(self) -> int | None:
        """How many strides work with this padding; None when every larger stride works too."""
        return None if self.largest is None else self.largest - self.smallest + 1

    def __contains__(self, stride: int) -> bool:
        return stride >= self.smallest and (self.largest is None or stride <= self.largest)


def stride_ranges(n_in: int, n_out: int, kernel: int) -> tuple[StrideRange, ...]:
    """Every symmetric (padding, stride) with 0 <= p <= k - 1 that takes ``n_in`` to ``n_out``, as one range of
    strides per padding (:func:`hwlib.conv.padding_stride_ranges`).  With m = i + 2p - k + 1 window positions,
    floor((m - 1)/s) = o - 1 holds exactly for

        floor((m - 1)/o) + 1 <= s <= floor((m - 1)/(o - 1))   (o >= 2),     s >= m   (o = 1: no upper bound).
    """
    n_in = check_int("n_in", n_in, minimum=1)
    n_out = check_int("n_out", n_out, minimum=1)
    kernel = check_int("kernel", kernel, minimum=1)
    return tuple(StrideRange(*r) for r in conv.padding_stride_ranges(n_in, n_out, kernel))


def common_ranges(*axes: AxisSolution | tuple[StrideRange, ...]) -> tuple[StrideRange, ...]:
    """The (padding, stride) ranges that serve every axis (each an :class:`AxisSolution` or its ranges): per
    padding, the overlap of the axes' stride ranges (arithmetic, linear in the kernel)."""
    axes = tuple(tuple(StrideRange(*r) for r in (a.ranges if isinstance(a, AxisSolution) else a)) for a in axes)
    by_padding: dict[int, StrideRange] = {r.padding: r for r in axes[0]}
    for ranges in axes[1:]:
        other = {r.padding: r for r in ranges}
        merged = {}
        for padding, r in by_padding.items():
            if padding not in other:
                continue
            smallest = max(r.smallest, other[padding].smallest)
            tops = [t for t in (r.largest, other[padding].largest) if t is not None]
            largest = min(tops) if tops else None
            if largest is None or smallest <= largest:
                merged[padding] = StrideRange(padding, smallest, largest)
        by_padding = merged
    return tuple(by_padding[p] for p in sorted(by_padding))


def smallest_pair(ranges: tuple[StrideRange, ...]) -> tuple[int, int] | None:
    """The (padding, stride) with the smallest stride, then the least padding; None when ``ranges`` is empty."""
    if not ranges:
        return None
    best = min(ranges, key=lambda r: (r.smallest, r.padding))
    return best.padding, best.smallest


def pair_count(ranges: tuple[StrideRange, ...]) -> int | None:
    """How many (padding, stride) pairs the ranges hold; None when some padding takes every larger stride."""
    counts = [r.count for r in ranges]
    return None if any(c is None for c in counts) else sum(counts)


@dataclass(frozen=True)
class WindowFacts:
    """Where the windows of one axis fall, for i = ``n_in``, kernel k, stride s, padding p (o outputs).

    Rows are numbered from 0 in the padded input (i + 2p rows; the input's own rows are p .. p + i - 1).
    Window j reads rows s*j .. s*j + k - 1."""

    n_in: int
    n_out: int
    kernel: int
    stride: int
    padding: int
    positions: int            # i + 2p - k + 1: where the window fits at stride 1
    padded: int               # i + 2p
    gap: int                  # rows between one window and the next that neither reads (s - k when s > k, o >= 2)
    tail: int                 # rows after the last window: (i + 2p - k) mod s
    unread_input: int         # input rows that no window reads
    unread_padding: int       # padded zero rows that no window reads
    out_unpadded: int | None  # outputs of the same stride without padding; None when the window would not fit

    @property
    def unread(self) -> int:
        return self.unread_input + self.unread_padding

    @property
    def fewer(self) -> int | None:
        return None if self.out_unpadded is None else self.n_out - self.out_unpadded


def window_facts(n_in: int, n_out: int, kernel: int, stride: int, padding: int) -> WindowFacts:
    """The facts :func:`why_text` words, computed from the windows' positions."""
    i, n_out = check_int("n_in", n_in, minimum=1), check_int("n_out", n_out, minimum=1)
    k, s = check_int("kernel", kernel, minimum=1), check_int("stride", stride, minimum=1)
    p = check_int("padding", padding, minimum=0)
    if i + 2 * p < k:
        raise ValueError(f"kernel must fit in the padded input n_in + 2 * padding = {i + 2 * p}, got {k}")
    o = conv.output_size(i, k, s, p)
    if o != n_out:
        raise ValueError(f"padding {p} and stride {s} give {o} outputs from {i} with kernel {k}, not n_out = {n_out}")
    read = set()
    for j in range(o):
        read.update(range(s * j, s * j + k))
    unread = [row for row in range(i + 2 * p) if row not in read]
    unread_input = sum(p <= row < p + i for row in unread)
    return WindowFacts(
        n_in=i, n_out=o, kernel=k, stride=s, padding=p, positions=i + 2 * p - k + 1, padded=i + 2 * p,
        gap=max(s - k, 0) if o >= 2 else 0, tail=(i + 2 * p - k) % s, unread_input=unread_input,
        unread_padding=len(unread) - unread_input, out_unpadded=conv.output_size(i, k, s, 0) if i >= k else None)


def why_text(n_in: int, n_out: int, kernel: int, stride: int, padding: int) -> str:
    """Why (padding, stride) gives n_out outputs, and what the padding changes: the reason true for this case."""
    return render("axis/why.md", f=window_facts(n_in, n_out, kernel, stride, padding))
