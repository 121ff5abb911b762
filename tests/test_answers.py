"""Tests of hwlib.answers: the truth tables agree with the modules they come from, and the local formulas hold."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from hwlib.answers import problem1_truth, problem2_truth, problem3_truth


def test_problem1_truth():
    truth = problem1_truth([30, 30, 20], [15, 15, 40], 3)
    assert truth.values["standard.macs"] == 1_620_000 and truth.values["separable.weights"] == 980
    assert (truth.values["padding"], truth.values["stride"]) == (1, 2)
    for quantity, formula in truth.formulas.items():  # every local formula reproduces its value
        assert float(formula.xreplace({sp.Symbol(k): v for k, v in truth.values.items()})) == truth.values[quantity]


def test_problem2_truth_leaves_impossible_parts_without_padding_and_never_nan():
    truth = problem2_truth([20, 20, 10], [20, 20, 10], {"a": 1, "b": 2})
    assert truth.values["a.padding"] == 0 and truth.values["b.filters"] == 10
    assert "b.padding" not in truth.values and "b.stride" not in truth.values
    assert not any(np.isnan(v) for v in truth.values.values())


def test_truths_check_height_and_width():
    """The width is checked, not assumed equal to the height."""
    with pytest.raises(ValueError, match="height and width alike"):
        problem1_truth([30, 20, 20], [15, 15, 40], 3)
    truth = problem1_truth((30, 20, 20), (15, 10, 40), 3)  # (1, 2) serves 30 -> 15 and 20 -> 10
    assert (truth.values["H_out"], truth.values["W_out"]) == (15, 10)
    assert truth.values["standard.macs"] == 15 * 10 * 40 * 9 * 20
    truth = problem2_truth([20, 30, 10], [20, 15, 4], {"a": 3})  # height needs stride 1, width stride 2
    assert "a.padding" not in truth.values and truth.values["a.filters"] == 4


def test_truths_accept_lists_and_tuples_alike():
    assert problem1_truth([30, 30, 20], [15, 15, 40], 3) == problem1_truth((30, 30, 20), (15, 15, 40), 3)
    assert problem2_truth([20, 20, 10], [20, 20, 10], {"a": 3}) == problem2_truth((20, 20, 10), (20, 20, 10), {"a": 3})


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    sizes=st.lists(st.integers(1, 3), min_size=3, max_size=4),
)
def test_problem3_local_formulas_reproduce_every_value(seed, sizes):
    rng = np.random.default_rng(seed)
    weights = [rng.integers(-3, 4, size=(sizes[i], sizes[i + 1])).tolist() for i in range(len(sizes) - 1)]
    x = rng.integers(-3, 4, size=sizes[0]).tolist()
    letters = ["x", "y", "z", "u"][: len(sizes) - 1] + ["o"]
    truth = problem3_truth(weights, x, 1.0, letters)
    env = {sp.Symbol(k): v for k, v in truth.values.items()}
    for quantity, formula in truth.formulas.items():
        assert np.isclose(float(formula.xreplace(env)), truth.values[quantity]), quantity
