"""The facts behind the words of Problems 1 and 2, checked against independent brute-force computations.

Every fact a sentence words (which (padding, stride) pairs work and whether every larger stride works too, which
rows no window reads, what stride 1 needs, which layer does less work, how many windows the figure draws) is
recomputed here another way: by trying every (padding, stride) up to a bound far past any that could matter, by
running a real convolution on one-hot inputs to see which rows reach an output, by evaluating the cost formulas.
Givens are drawn across the whole valid space: single outputs, strides above 1, even kernels, kernels larger
than the input, non-square sizes.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hwlib import conv, fmt
from hwlib.worked import problem1, problem2
from hwlib.worked.axis import common_ranges, stride_ranges, window_facts

# --------------------------------------------------------------------------- brute force


def out_size(n: int, k: int, s: int, p: int) -> int | None:
    """floor((n + 2p - k)/s) + 1 by counting window starts one by one; None when the window does not fit."""
    starts = [start for start in range(n + 2 * p) if start + k <= n + 2 * p and start % s == 0]
    return len(starts) or None


def bound(n: int, k: int) -> int:
    """A stride bound well past every stride that could give a different answer (n + 2(k - 1) rows at most)."""
    return n + 2 * k + 6


def brute_pairs(n: int, o: int, k: int, top: int | None = None) -> set[tuple[int, int]]:
    """Every (padding <= k - 1, stride <= top, default bound(n, k)) that gives o outputs from n, trying them all."""
    top = bound(n, k) if top is None else top
    return {(p, s) for p in range(k) for s in range(1, top + 1) if out_size(n, k, s, p) == o}


def expand(ranges, top: int) -> set[tuple[int, int]]:
    """The pairs of ``ranges`` with strides up to ``top``."""
    return {(r.padding, s) for r in ranges for s in range(r.smallest, (top if r.largest is None else r.largest) + 1)}


def read_rows(n: int, k: int, s: int, p: int) -> set[int]:
    """Rows of the padded input that reach some output: a depthwise convolution of one one-hot channel per row."""
    rows = n + 2 * p
    x = np.zeros((rows, k, rows))
    x[np.arange(rows), :, np.arange(rows)] = 1.0
    y = conv.conv2d(x, np.ones((k, k, 1, rows)), stride=s, groups=rows)
    return {r for r in range(rows) if y[:, :, r].any()}


# --------------------------------------------------------------------------- Givens


@st.composite
def axis_cases(draw):
    """(n, k, s, p, o) for one axis: a kernel possibly larger than the input, strides up to far past it."""
    k = draw(st.integers(1, 9))
    n = draw(st.integers(max(1, k - 2 * (k - 1)), 40))
    p = draw(st.integers(max(0, -(-(k - n) // 2)), k - 1))
    s = draw(st.one_of(st.integers(1, 4), st.integers(1, n + 2 * p + 3)))
    return n, k, s, p, (n + 2 * p - k) // s + 1


@st.composite
def p1_givens(draw):
    """A solvable Problem 1 Given: one (padding, stride) applied to a height and a width drawn apart."""
    k = draw(st.integers(1, 8))
    p = draw(st.integers(0, k - 1))
    h = draw(st.integers(max(1, k - 2 * p), 40))
    w = draw(st.one_of(st.just(h), st.integers(max(1, k - 2 * p), 40)))
    s = draw(st.one_of(st.integers(1, 3), st.integers(1, max(h, w) + 2 * p + 2)))
    out = ((h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1)
    g = {"in_shape": (h, w, draw(st.integers(1, 64))), "out_shape": (*out, draw(st.integers(1, 64))), "kernel": k}
    return g


@st.composite
def p2_givens(draw):
    """A Problem 2 Given, solvable or not: sizes drawn independently, square or not, one to four parts."""
    h = draw(st.integers(1, 36))
    w = draw(st.one_of(st.just(h), st.integers(1, 36)))
    ho = draw(st.one_of(st.just(h), st.integers(1, h), st.integers(1, 40)))
    wo = draw(st.one_of(st.just(ho), st.integers(1, 40))) if w != h else ho
    kernels = draw(st.lists(st.integers(1, 8), min_size=1, max_size=4))
    return {"in_volume": (h, w, draw(st.integers(1, 16))), "out_volume": (ho, wo, draw(st.integers(1, 16))),
            "kernels": {chr(97 + i): k for i, k in enumerate(kernels)}}


# --------------------------------------------------------------------------- one axis


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 40), st.integers(1, 45), st.integers(1, 9))
def test_stride_ranges_are_every_pair_and_unbounded_exactly_with_one_output(n, o, k):
    ranges = stride_ranges(n, o, k)
    top = bound(n, k)
    assert expand(ranges, top) == brute_pairs(n, o, k)
    for r in ranges:
        if r.largest is None:  # every stride from the smallest up: one output, however long the stride
            assert o == 1 and all(out_size(n, k, s, r.padding) == 1 for s in (top, 10 * top, 1000 * top))
        else:  # a bounded range ends where the next stride no longer gives o
            assert out_size(n, k, r.largest + 1, r.padding) != o
        assert r.smallest == 1 or out_size(n, k, r.smallest - 1, r.padding) != o


@settings(max_examples=100, deadline=None)
@given(axis_cases())
def test_window_facts_match_the_rows_a_convolution_reads(case):
    n, k, s, p, o = case
    f = window_facts(n, o, k, s, p)
    read = read_rows(n, k, s, p)
    unread = set(range(n + 2 * p)) - read
    assert f.unread_input == len([r for r in unread if p <= r < p + n])
    assert f.unread_padding == len([r for r in unread if not p <= r < p + n])
    assert f.positions == len([start for start in range(n + 2 * p) if start + k <= n + 2 * p])
    # the words place the unread rows: `gap` rows between each window and the next, `tail` after the last
    placed = {j * s + k + g for j in range(o - 1) for g in range(f.gap)} | set(range(n + 2 * p - f.tail, n + 2 * p))
    assert placed == unread
    assert f.gap == 0 or (s > k and o >= 2)
    if n >= k:
        assert f.out_unpadded == out_size(n, k, s, 0) and f.fewer == o - out_size(n, k, s, 0)
    else:
        assert f.out_unpadded is None and out_size(n, k, s, 0) is None


def test_a_1x1_kernel_at_stride_2_leaves_every_other_row_unread():
    """32 rows, k = 1, s = 2: rows 0, 2, ..., 30 are read, the 16 others are not, one after each window."""
    f = window_facts(32, 16, 1, 2, 0)
    assert read_rows(32, 1, 2, 0) == set(range(0, 32, 2))
    assert (f.unread_input, f.gap, f.tail) == (16, 1, 1)
    text = problem2.parts_text({"in_volume": (32, 32, 3), "out_volume": (16, 16, 8), "kernels": {"a": 1}})
    assert "16 of the 32 input rows" in text and "the last" not in text


# --------------------------------------------------------------------------- Problem 1


@settings(max_examples=80, deadline=None)
@given(p1_givens())
def test_problem1_facts(g):
    (h, w, c_in), (ho, wo, c_out), k = g["in_shape"], g["out_shape"], g["kernel"]
    f = problem1.padding_stride_facts(g)
    top = bound(max(h, w), k)
    both = brute_pairs(h, ho, k, top) & brute_pairs(w, wo, k, top)
    assert expand(f.ranges, top) == both
    assert (f.count is None) == (ho == wo == 1)  # every longer stride works exactly when both axes give one output
    if f.count is not None:
        assert f.count == len(both)
    assert (f.padding, f.stride) in both
    assert f.chosen_is_smallest == ((f.stride, f.padding) == min((s, p) for p, s in both))
    assert f.square == ((h, ho) == (w, wo))
    costs = problem1.cost_facts(g)
    standard = ho * wo * c_out * k * k * c_in
    separable = ho * wo * c_in * k * k + ho * wo * c_in * c_out
    assert (costs.standard_macs, costs.separable_macs) == (standard, separable)
    assert costs.ratio == Fraction(separable, standard) == Fraction(k * k + c_out, k * k * c_out)
    assert costs.cheaper == (separable < standard)
    assert costs.factor == (Fraction(standard, separable) if costs.cheaper else Fraction(separable, standard))
    if not costs.cheaper:  # the two reasons the words can give are the only two there are
        assert costs.kernel_is_one == (k == 1) and (k == 1 or c_out == 1)
    conventions = problem1.conventions_facts(g)
    ones = conv.conv2d(np.ones((h, w, 1)), np.ones((k, k, 1, 1)), f.stride, f.padding)
    assert conventions.padded_macs == standard - int(ones.sum()) * c_in * c_out
    assert (conventions.padded_macs == 0) == (conventions.padding == 0)


def too_precise(text: str) -> list[str]:
    """Decimals in ``text`` written with more digits than prose allows: three significant digits, or the whole
    part and one decimal."""
    found = []
    for m in re.findall(r"(?<![\d.,])\d[\d,]*\.\d+", text):
        whole, decimals = m.replace(",", "").split(".")
        digits = len((whole + decimals).lstrip("0"))
        if digits > max(3, len(whole.lstrip("0")) + 1):
            found.append(m)
    return found


@settings(max_examples=60, deadline=None)
@given(p1_givens())
def test_problem1_words_say_what_the_facts_say(g):
    f = problem1.padding_stride_facts(g)
    text = problem1.solution(g)
    assert ("infinitely many pairs work" in text) == (f.count is None)
    assert ("exactly one pair works" in text) == (f.count == 1)
    assert ("any stride ≥" in text) == (f.count is None)
    assert not re.search(r"\b1 (filters|weights|MACs|positions|outputs|rows|channels)\b", text)
    assert not re.search(r"\ba (8|11|18)\b|\ban (1|2|3|4|5|6|7|9)\b", text)
    assert not too_precise(text)
    costs = problem1.cost_facts(g)
    written = fmt.prose(costs.factor)
    exact = Fraction(written.replace(",", "")) == costs.factor  # "about" exactly when the words round
    assert (f"about {written} times" in text) == (not exact) and f"{written} times" in text
    unread = f.height.unread_input + f.height.unread_padding
    assert ("no window reads" in text) == bool(unread or f.width.unread_input + f.width.unread_padding)
    box = problem1.answer(g)
    # a share of the work below 1, a multiple of it above 1: never "needs 2 of the weights"
    assert ("of the weights and of the work" in box) == costs.cheaper
    assert ("times the weights and the work" in box) == (not costs.cheaper)


# --------------------------------------------------------------------------- Problem 2


@settings(max_examples=80, deadline=None)
@given(p2_givens())
def test_problem2_facts(g):
    (h, w, _), (ho, wo, _) = g["in_volume"], g["out_volume"]
    for name, k in g["kernels"].items():
        f = problem2.part_facts(g, name)
        top = bound(max(h, w), k)
        both = brute_pairs(h, ho, k, top) & brute_pairs(w, wo, k, top)
        assert expand(f.ranges, top) == both
        assert f.possible == bool(both)
        assert (f.count is None) == (bool(both) and ho == wo == 1)
        if f.possible:
            assert (f.padding, f.stride) in both
            assert expand(f.others, top) == both - {(f.padding, f.stride)}
        failing = {a.name for a in f.failing}
        assert ("height" in failing) == (not brute_pairs(h, ho, k))
        if (h, ho) != (w, wo):
            assert ("width" in failing) == (not brute_pairs(w, wo, k))
    principle = problem2.principle_facts(g)
    for row in principle.kernels:
        k = row.kernel
        top = bound(max(h, w), k)
        both = brute_pairs(h, ho, k, top) & brute_pairs(w, wo, k, top)
        assert row.stride_one_works == any(s == 1 for _, s in both)
        assert row.larger_stride_works == any(s >= 2 for _, s in both)
        assert h + 2 * row.p_stride_one - k + 1 == ho  # the padding stride 1 needs, exactly
        assert row.most_at_stride_two == max(out_size(h, k, s, p) or 0 for p in range(k) for s in range(2, top))
        whole = row.p_stride_one.denominator == 1 and 0 <= row.p_stride_one <= k - 1
        # the condition the words state for a whole padding in 0..k-1: k >= |o - i| + 1 and k - 1 + o - i even
        assert whole == (k >= abs(ho - h) + 1 and (k - 1 + ho - h) % 2 == 0)
    floor = problem2.floor_facts(g)
    if floor is not None:
        assert floor.no_floor == Fraction(h + 2 * floor.padding - floor.kernel, floor.stride) + 1
        assert floor.no_floor.denominator != 1 and floor.true_size == out_size(h, floor.kernel, floor.stride,
                                                                               floor.padding)
    figure = problem2.figure_facts(g)
    if figure is not None:
        corners = {(r, c) for r in (0, figure.out_hw[0] - 1) for c in (0, figure.out_hw[0] - 1)}
        assert figure.windows == len(corners)


@settings(max_examples=60, deadline=None)
@given(p2_givens())
def test_problem2_words_say_what_the_facts_say(g):
    text = problem2.solution(g) + problem2.figure_text(g) + problem2.floor_text(g) + problem2.principle_text(g)
    assert not re.search(r"\b1 (filters|positions|outputs|rows|channels)\b", text)
    assert not re.search(r"\ba (8|11|18)\b|\ban (1|2|3|4|5|6|7|9)\b", text)
    assert not too_precise(text)
    assert not re.search(r"\bnan\b|\bNone\b", text)
    principle = problem2.principle_facts(g)
    words = problem2.principle_text(g)
    (h, w, _), (ho, wo, _) = g["in_volume"], g["out_volume"]
    if (h, ho) == (w, wo):  # the rule stated for a whole padding in 0..k-1 at stride 1, checked by trying every k
        whole = [k for k in range(1, 60) if (ho - h + k - 1) % 2 == 0 and 0 <= (ho - h + k - 1) // 2 <= k - 1]
        parity = "odd" if whole[0] % 2 else "even"
        assert f"only when $k$ is {parity}" in words and all(k % 2 == whole[0] % 2 for k in whole)
        assert (f"$k \\ge {whole[0]}$" in words) == (whole[0] > 1) and whole == list(range(whole[0], 60, 2))
        works = [row.stride_one_works for row in principle.kernels]
        some = "Of the kernels asked for," in words  # "..., k = 3 (p = 1) meets it; k = 2 does not"
        assert (some or "Every kernel asked for meets it" in words or "The kernel asked for meets it" in words) == any(
            works)
        assert some == (any(works) and not all(works))
        none = "No kernel asked for" in words or re.search(r"The kernel asked for \(k = \d+\) does not meet it", words)
        assert bool(none) == (not any(works))
        assert ("no stride above 1 works" in words) == any(row.most_at_stride_two < ho for row in principle.kernels)
    rows = problem2.answer_rows(g)
    only = all(r.padding is not None and not r.others for r in rows)
    assert ("Each setting is the only one that works" in text) == only
    assert ("four corner outputs" in text) == (problem2.figure_part(g) is not None and g["out_volume"][0] > 1)


def brute_asymmetric(h: int, ho: int, w: int, wo: int, k: int):
    """The smallest stride serving both axes with a total padding of at most 2(k - 1) on each, then the least
    totals, trying every stride and total and convolving zero-padded arrays; None when none does."""
    for s in range(1, bound(max(h, w), k)):
        totals = []
        for n, o in ((h, ho), (w, wo)):
            fits = [t for t in range(2 * k - 1) if n + t >= k and conv.conv2d(
                np.ones((n + t, k, 1)), np.ones((k, k, 1, 1)), stride=s).shape[0] == o]
            totals.append(fits[0] if fits else None)
        if None not in totals:
            return totals[0], totals[1], s
    return None


@settings(max_examples=60, deadline=None)
@given(p2_givens())
def test_problem2_unsolved_parts_say_what_works_instead(g):
    (h, w, _), (ho, wo, _) = g["in_volume"], g["out_volume"]
    case = problem2.solve(g)
    paragraphs = problem2.parts_text(g).split("\n\n")
    assert len(paragraphs) == len(case.parts)
    for part, text in zip(case.parts, paragraphs):
        f = problem2.part_facts(g, part.name)
        assert "this part" not in text and text.count(f.label) == 1
        if f.possible:
            assert f.asymmetric is None
            continue
        brute = brute_asymmetric(h, ho, w, wo, part.kernel)
        if brute is None:
            assert f.asymmetric is None
        else:
            (hb, ha), (wb, wa), s = f.asymmetric
            assert (hb + ha, wb + wa, s) == brute and 0 <= ha - hb <= 1 and 0 <= wa - wb <= 1
        if f.repeat_of:
            continue
        # impossible exactly when no padding, symmetric or not, serves both axes at one stride
        assert ("is impossible as posed" in text) == (brute is None)
        offer = re.search(r"(An asymmetric padding|A padding that differs between the axes)[ ,]", text)
        assert bool(offer) == (brute is not None)
        if brute is not None:
            hb, ha = brute[0] // 2, brute[0] - brute[0] // 2
            wb, wa = brute[1] // 2, brute[1] - brute[1] // 2
            assert (offer.group(1) == "An asymmetric padding") == (hb != ha or wb != wa)
            if (hb, ha) == (wb, wa):
                assert f"{hb} before and {ha} after, with stride {brute[2]}, does." in text
            else:
                assert (f"{hb} before and {ha} after along the height, {wb} before and {wa} after along the width, "
                        f"with stride {brute[2]}.") in text
        height_fails, width_fails = not brute_pairs(h, ho, part.kernel), not brute_pairs(w, wo, part.kernel)
        square = (h, ho) == (w, wo)
        assert ("along either axis" in text) == (not square and height_fails and width_fails)
        assert ("takes either axis" in text) == (square and height_fails)
        assert ("no single one serves both" in text) == (not height_fails and not width_fails)
        for n, o, fails in ((h, ho, height_fails), (w, wo, width_fails)):
            if fails and o > n + part.kernel - 1:  # the largest size, at padding k - 1 and stride 1
                assert f"the largest size any setting gives is {n + part.kernel - 1} " in text
            elif fails:  # the nearest sizes below and above o that some symmetric setting reaches
                sizes = {size for p in range(part.kernel) for s in range(1, bound(n, part.kernel) + 1)
                         if (size := out_size(n, part.kernel, s, p))}
                near = [max(x for x in sizes if x < o)] + [min(x for x in sizes if x > o)] * any(x > o for x in sizes)
                assert re.search(rf"nearest (sizes |size )?to {o} (that work are|that works is|are|is) "
                                 + " and ".join(rf"{x} \(padding \d+, stride \d+\)" for x in near), text)
        keeping = brute is not None and brute[2] == 1 and part.kernel % 2 == 0 and all(
            o == n for n, o, fails in ((h, ho, height_fails), (w, wo, width_fails)) if fails) and (
            height_fails or width_fails)
        assert ("Keeping the size at stride 1 takes a total padding of k − 1" in text) == keeping


@pytest.mark.parametrize("k", [2, 4, 6, 8])
def test_even_kernel_at_stride_one_misses_the_input_size_by_an_odd_distance(k):
    """The chapter's words: symmetric padding p at stride 1 gives o = i + 2p - k + 1, an odd distance from i,
    i - 1 or i + 1 at best (p = k/2 - 1 or k/2), never i; checked by convolving zero-padded arrays."""
    for i in range(1, 30):
        distances = {}
        for p in range(k):
            if i + 2 * p >= k:
                o = conv.conv2d(np.ones((i + 2 * p, k, 1)), np.ones((k, k, 1, 1)), stride=1).shape[0]
                assert o == i + 2 * p - k + 1 and (o - i) % 2 == 1
                distances[p] = o - i
        if i >= k:  # both nearest paddings fit
            assert distances[k // 2 - 1] == -1 and distances[k // 2] == 1
            assert min(abs(d) for d in distances.values()) == 1


def test_two_axes_ranges_meet_per_padding():
    """Height 4 -> 1 (every stride from the smallest up) with width 10 -> 3, k = 3: (0, 3) serves both."""
    ranges = common_ranges(stride_ranges(4, 1, 3), stride_ranges(10, 3, 3))
    assert (0, 3) in expand(ranges, 40) and out_size(4, 3, 3, 0) == 1 and out_size(10, 3, 3, 0) == 3


def test_facts_refuse_impossible_arguments_by_name():
    with pytest.raises(ValueError, match="n_out must be >= 1"):
        stride_ranges(5, 0, 3)
    with pytest.raises(TypeError, match="kernel"):
        stride_ranges(5, 2, 2.5)
    with pytest.raises(ValueError, match="padding must be >= 0"):
        window_facts(5, 3, 3, 1, -1)
    with pytest.raises(ValueError, match="kernel must fit"):
        window_facts(2, 1, 5, 1, 0)
    with pytest.raises(ValueError, match="not n_out = 4"):
        window_facts(5, 4, 3, 1, 0)
    with pytest.raises(ValueError, match=r"name must be one of the Given's parts \(a\), got 'z'"):
        problem2.part_facts({"in_volume": (5, 5, 1), "out_volume": (5, 5, 1), "kernels": {"a": 3}}, "z")


def test_the_kernel_table_of_a_non_square_volume_says_it_answers_for_the_height_only():
    """9 x 7 -> 5 x 4: the note said the table 'answers the question for the other sizes', but its row k = 5 lists
    (padding 0, stride 1), which gives 5 x 3, not 5 x 4: the table solves the height alone."""
    g = {"in_volume": (9, 7, 4), "out_volume": (5, 4, 6), "kernels": {"a": 3, "b": 3}}
    row = next(r for r in problem2.kernel_rows(g) if r.kernel == 5)
    assert any(r.padding == 0 and 1 in r for r in row.ranges)  # the height's setting ...
    assert conv.output_size(7, 5, 1, 0) != 4                    # ... is not the width's
    note, table_ = problem2.repeat_note(g), problem2.kernel_table(g)
    assert "answers the question for the other sizes" not in note and "height from 9 to 5" in note
    assert "giving the height 5 from 9" in table_
    square = {"in_volume": (9, 9, 4), "out_volume": (5, 5, 6), "kernels": {"a": 3, "b": 3}}
    assert "answers the question for the other sizes" in problem2.repeat_note(square)
    assert "giving 5 from 9" in problem2.kernel_table(square)
