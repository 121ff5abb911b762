"""Tests of hwlib.worked: the worked solutions are true for any valid Given, and an impossible one fails clearly.

Every expected number here comes from an independent route: the closed-form cost formulas written out in the
test, a brute-force search over (padding, stride) with the floor formula, a real convolution, or exact central
differences of a loss computed with plain numpy (a linear network's loss is quadratic in each single weight, so
(L(w + 1) - L(w - 1)) / 2 is its derivative exactly).
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hwlib import conv, fmt
from hwlib.answers import problem2_truth
from hwlib.transcription import load_given
from hwlib.worked import problem1, problem2, problem3

BAD_WORDS = re.compile(r"\bnan\b|\bNone\b|\binf\b|- -|− −|−−|\+ -|\+ −", re.IGNORECASE)


def brute_force(n_in: int, n_out: int, k: int) -> list[tuple[int, int]]:
    """Every (padding <= k - 1, stride) with floor((n + 2p - k)/s) + 1 == n_out, by trying them all; strides up to
    the number of window starts n + 2p - k + 1 (a larger one gives the same single output)."""
    return sorted(((p, s) for p in range(k) for s in range(1, n_in + 2 * p - k + 2)
                   if n_in + 2 * p >= k and (n_in + 2 * p - k) // s + 1 == n_out), key=lambda ps: (ps[1], ps[0]))


def numbers_in(text: str) -> set[str]:
    return set(re.findall(r"\d[\d,]*(?:\.\d+)?", text))


# --------------------------------------------------------------------------- Problem 1

@st.composite
def problem1_givens(draw):
    """A solvable Given: sizes produced by some (padding, stride), as lists or tuples."""
    k = draw(st.integers(1, 7))
    n = draw(st.integers(k, 40))
    p = draw(st.integers(0, k - 1))
    s = draw(st.integers(1, 4))
    o = (n + 2 * p - k) // s + 1
    c_in, c_out = draw(st.integers(1, 64)), draw(st.integers(1, 64))
    as_list = draw(st.booleans())
    shape = list if as_list else tuple
    return {"in_shape": shape((n, n, c_in)), "out_shape": shape((o, o, c_out)), "kernel": k}


@settings(max_examples=60)
@given(problem1_givens())
def test_problem1_answers_match_the_closed_forms(g):
    n, _, c_in = g["in_shape"]
    o, _, c_out = g["out_shape"]
    k = g["kernel"]
    answers = problem1.answer_quantities(g)
    expected = {
        "standard.weights": k * k * c_in * c_out, "standard.macs": o * o * c_out * k * k * c_in,
        "depthwise.weights": k * k * c_in, "depthwise.macs": o * o * c_in * k * k,
        "pointwise.weights": c_in * c_out, "pointwise.macs": o * o * c_in * c_out,
    }
    expected["separable.weights"] = expected["depthwise.weights"] + expected["pointwise.weights"]
    expected["separable.macs"] = expected["depthwise.macs"] + expected["pointwise.macs"]
    assert answers == expected
    case = problem1.solve(g)
    assert list(case.solutions) == brute_force(n, o, k)
    text = problem1.solution(g)
    for value in expected.values():  # every answer appears, formatted the one way
        assert fmt.number(value) in text
    assert not BAD_WORDS.search(text)
    # lists and tuples give the same page
    flipped = {key: (list(v) if isinstance(v, tuple) else tuple(v)) if key != "kernel" else v for key, v in g.items()}
    assert problem1.solution(flipped) == text


@settings(max_examples=40)
@given(problem1_givens())
def test_problem1_padded_zero_macs_match_a_real_convolution(g):
    case = problem1.solve(g)
    n, _, c_in = case.in_shape
    ones = conv.conv2d(np.ones((n, n, 1)), np.ones((case.kernel, case.kernel, 1, 1)), case.stride, case.padding)
    real = int(ones.sum()) * c_in * case.out_shape[2]  # MACs that touch real inputs
    assert case.padded_macs == case.standard.macs - real


@pytest.mark.parametrize(("g", "error", "words"), [
    ({"in_shape": [28, 28, 3], "out_shape": [28, 28, 6], "kernel": 4}, ValueError, ["27", "29", "asymmetric"]),
    ({"in_shape": [30, 30, 3], "out_shape": [50, 50, 6], "kernel": 3}, ValueError, ["largest size", "32"]),
    ({"in_shape": [30, 20, 3], "out_shape": [15, 15, 6], "kernel": 3}, ValueError, ["width", "20", "15"]),
    ({"in_shape": [30, 30, 3], "out_shape": [15, 10, 6], "kernel": 3}, ValueError, ["height needs", "width"]),
    ({"in_shape": [30, 30], "out_shape": [15, 15, 6], "kernel": 3}, ValueError, ["in_shape", "3 entries"]),
    ({"in_shape": [30, 30, 3], "out_shape": [15, 15, 6], "kernel": 3.0}, TypeError, ["kernel", "3.0"]),
    ({"in_shape": [30, 30, 3], "out_shape": [15, 15, 0], "kernel": 3}, ValueError, ["out_shape[2]", "0"]),
    ({"in_shape": "30x30x3", "out_shape": [15, 15, 6], "kernel": 3}, TypeError, ["in_shape"]),
    ({"in_shape": [30, 30, 3], "out_shape": [15, 15, 6]}, TypeError, ["kernel", "missing"]),
])
def test_problem1_impossible_or_ill_typed_given_raises_one_clear_error(g, error, words):
    with pytest.raises(error) as info:
        problem1.solve(g)
    for word in words:
        assert word.lower() in str(info.value).lower()


# --------------------------------------------------------------------------- Problem 2

@st.composite
def problem2_givens(draw):
    n = draw(st.integers(1, 32))
    o = draw(st.integers(1, 40))
    parts = draw(st.lists(st.integers(1, 7), min_size=1, max_size=4))
    c_in, c_out = draw(st.integers(1, 32)), draw(st.integers(1, 32))
    return {"in_volume": [n, n, c_in], "out_volume": (o, o, c_out),
            "kernels": {chr(97 + i): k for i, k in enumerate(parts)}}


@settings(max_examples=80)
@given(problem2_givens())
def test_problem2_every_part_answered_without_nan(g):
    n, o, c_out = g["in_volume"][0], g["out_volume"][0], g["out_volume"][2]
    answers = problem2.answer_quantities(g)
    text = problem2.solution(g)
    assert not BAD_WORDS.search(text)
    assert not any(np.isnan(v) for v in problem2_truth(**g).values.values())
    for part, k in g["kernels"].items():
        expected = brute_force(n, o, k)
        assert answers[f"{part}.filters"] == c_out  # the filters come from C_out, never C_in
        if expected:
            assert (answers[f"{part}.padding"], answers[f"{part}.stride"]) == expected[0]
        else:
            assert f"{part}.padding" not in answers and f"{part}.stride" not in answers
            assert (f"Part ({part}), {k} × {k}, is impossible as posed: " in text
                    or f"Part ({part}), {k} × {k}: no symmetric padding" in text or f"Part ({part}) is part" in text)
    repeated = len(set(g["kernels"].values())) < len(g["kernels"])
    assert ("asks for the same" in problem2.repeat_note(g)) == repeated


@pytest.mark.parametrize(("c_in", "c_out"), [(10, 10), (3, 16), (16, 3)])
def test_problem2_filters_come_from_c_out_and_conv2d_agrees(c_in, c_out):
    g = {"in_volume": [12, 12, c_in], "out_volume": [12, 12, c_out], "kernels": {"a": 1, "b": 3, "c": 5}}
    answers = problem2.answer_quantities(g)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(g["in_volume"])
    for part, k in g["kernels"].items():
        assert answers[f"{part}.filters"] == c_out
        w = rng.standard_normal((k, k, c_in, int(answers[f"{part}.filters"])))
        y = conv.conv2d(x, w, int(answers[f"{part}.stride"]), int(answers[f"{part}.padding"]))
        assert y.shape == tuple(g["out_volume"])
    assert f"**{c_out} filters**" in problem2.filters_text(g) and f"{c_in} channel" in problem2.filters_text(g)


def test_problem2_even_kernel_is_answered_in_words_with_asymmetric_padding():
    g = {"in_volume": [20, 20, 10], "out_volume": [20, 20, 10], "kernels": {"a": 1, "b": 4}}
    text = problem2.answer(g)
    assert "no symmetric padding works; asymmetric: 1 before, 2 after" in text
    assert "Each setting is the only one that works" not in text
    # the asymmetric padding really keeps the size
    padded = np.pad(np.ones((20, 20, 1)), ((1, 2), (1, 2), (0, 0)))
    assert conv.conv2d(padded, np.ones((4, 4, 1, 1))).shape[:2] == (20, 20)


def test_problem2_repeat_note_only_when_a_part_repeats():
    assert problem2.repeat_note(load_given(2)).startswith("Part (c) asks for the same 1 × 1 filter as part (a)")
    assert problem2.repeat_note({"in_volume": [20, 20, 10], "out_volume": [20, 20, 10],
                                 "kernels": {"a": 1, "b": 3, "c": 5}}) == ""


@pytest.mark.parametrize(("g", "error", "words"), [
    ({"in_volume": [20, 20, 10], "out_volume": [20, 20, 10], "kernels": [1, 3]}, TypeError, ["kernels", "dict"]),
    ({"in_volume": [20, 20, 10], "out_volume": [20, 20, 10], "kernels": {"a": 0}}, ValueError, ["kernels['a']"]),
    ({"in_volume": [20, 20], "out_volume": [20, 20, 10], "kernels": {"a": 1}}, ValueError, ["in_volume"]),
    ({"in_volume": [20, 20, 10], "out_volume": [20, 20, 10], "kernels": {}}, TypeError, ["non-empty"]),
])
def test_problem2_ill_typed_given_raises_one_clear_error(g, error, words):
    with pytest.raises(error) as info:
        problem2.solve(g)
    for word in words:
        assert word.lower() in str(info.value).lower()


# --------------------------------------------------------------------------- Problem 3

@st.composite
def problem3_givens(draw):
    depth = draw(st.integers(1, 4))
    sizes = [draw(st.integers(1, 3)) for _ in range(depth)] + [1]
    ints = st.integers(-3, 3)
    weights = [[[draw(ints) for _ in range(sizes[l + 1])] for _ in range(sizes[l])] for l in range(depth)]
    x = [draw(ints) for _ in range(sizes[0])]
    return {"weights": weights, "x": x, "t": draw(ints)}


def plain_loss(weights, x, t) -> float:
    a = np.array(x, dtype=float)
    for w in weights:
        a = a @ np.array(w, dtype=float)
    return float(((a - t) ** 2).sum())


@settings(max_examples=60)
@given(problem3_givens())
def test_problem3_gradients_equal_exact_central_differences(g):
    answers = problem3.answer_quantities(g)
    case = problem3.solve(g)
    assert answers["L"] == plain_loss(g["weights"], g["x"], g["t"])
    for l, i, j in case.edges():
        up = [np.array(w, dtype=float) for w in g["weights"]]
        down = [w.copy() for w in up]
        up[l][i, j] += 1
        down[l][i, j] -= 1
        expected = (plain_loss(up, g["x"], g["t"]) - plain_loss(down, g["x"], g["t"])) / 2
        assert answers[f"dL/dw{l + 1}_{i + 1}{j + 1}"] == pytest.approx(expected, abs=1e-9)
    assert sum(key.startswith("dL/dw") for key in answers) == len(case.edges())
    text = problem3.solution(g)
    assert not BAD_WORDS.search(text.replace("\\", ""))
    # the loss line parenthesises a negative target
    t = g["t"]
    assert (f"- ({fmt.latex(t)}))^2" in text) == (t < 0)




@pytest.mark.parametrize(("g", "error", "words"), [
    ({"weights": [[[1, 2], [3, 4]]], "x": [1, 2], "t": 0}, ValueError, ["one column"]),
    ({"weights": [[[1], [2]]], "x": [1, 2, 3], "t": 0}, ValueError, ["x", "2 entries"]),
    ({"weights": [[[1, 2], [3, 4]], [[1], [2], [3]]], "x": [1, 2], "t": 0}, ValueError, ["chain", "weights[1]"]),
    ({"weights": [[[1], [2]]], "x": [True, 2], "t": 0}, TypeError, ["x[0]"]),
    ({"weights": [[["a"], [2]]], "x": [1, 2], "t": 0}, TypeError, ["weights[0][0][0]"]),
    ({"weights": [[[1], [2]]], "x": [1, 2], "t": float("nan")}, ValueError, ["t", "finite"]),
    ({"weights": [], "x": [1, 2], "t": 0}, ValueError, ["weights"]),
])
def test_problem3_ill_typed_given_raises_one_clear_error(g, error, words):
    with pytest.raises(error) as info:
        problem3.solve(g)
    for word in words:
        assert word.lower() in str(info.value).lower()


def test_answer_boxes_read_as_plain_markdown():
    """No MyST directive or role and no HTML: a blockquote whose first paragraph is **Answer**, every line quoted,
    so that every viewer typesets the mathematics and the table inside it."""
    for module, n in ((problem1, 1), (problem2, 2), (problem3, 3)):
        box = module.answer(load_given(n))
        assert ":::" not in box and "{glue" not in box and "{admonition}" not in box
        assert "<" not in box.replace(r"\le", "")  # no HTML tag
        lines = box.splitlines()
        assert lines[:2] == ["> **Answer**", ">"] and all(line == ">" or line.startswith("> ") for line in lines)
        assert "\n>\n> |" in box  # the table starts a Markdown block of its own, inside the quote
