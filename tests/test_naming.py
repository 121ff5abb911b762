"""Tests of hwlib.naming: Problem 3's keys stay as they were for small layers and never collide."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hwlib import answers, naming
from hwlib.answers import problem3_truth
from hwlib.naming import gradient_key, gradient_label, network_keys, unit_key, unit_label, weight_key, weight_label
from hwlib.symbolic_network import symbolic_gradients

HOMEWORK_LETTERS = ("x", "y", "z", "z")
HOMEWORK_SIZES = (2, 2, 2, 1)


def test_the_homeworks_keys_are_exactly_as_before():
    keys = [unit_key(HOMEWORK_LETTERS, HOMEWORK_SIZES, layer, i)
            for layer in range(4) for i in range(HOMEWORK_SIZES[layer])]
    assert keys == [
        "x1", "x2", "y1", "y2", "z1", "z2", "z",
    ]
    assert unit_label(HOMEWORK_LETTERS, HOMEWORK_SIZES, 1, 0) == "y_{1}"
    assert unit_label(HOMEWORK_LETTERS, HOMEWORK_SIZES, 3, 0) == "z"
    assert weight_key(1, 1, 0) == "w2_21" and gradient_key(weight_key(1, 1, 0)) == "dL/dw2_21"
    assert weight_label(1, 1, 0) == "w^{2}_{21}"
    assert gradient_label("w^{2}_{21}") == r"\partial L / \partial w^{2}_{21}"
    assert weight_key(0, 8, 8) == "w1_99"  # the widest layer that keeps the old form


def test_two_digit_indices_get_a_separator():
    assert weight_key(0, 9, 1) == "w1_10_2" and weight_key(0, 0, 11) == "w1_1_12" and weight_key(0, 10, 1) == "w1_11_2"
    assert weight_label(0, 9, 1) == "w^{1}_{10,2}"
    assert weight_key(11, 0, 0) == "w12_11"


def test_answers_keeps_its_names_importable():
    assert answers.unit_key is naming.unit_key and answers.unit_label is naming.unit_label


WEIGHT_KEY = re.compile(r"^w(\d+)_(?:(\d)(\d)|(\d+)_(\d+))$")


def parse_weight_key(key):
    """Read (layer, i, j), 0-based, back from a weight key: the keys are unambiguous if this always works."""
    match = WEIGHT_KEY.match(key)
    layer, i1, j1, i2, j2 = match.groups()
    i, j = (i1, j1) if i1 is not None else (i2, j2)
    return int(layer) - 1, int(i) - 1, int(j) - 1


@settings(max_examples=60)
@given(sizes=st.lists(st.integers(1, 12), min_size=2, max_size=5))
def test_keys_are_unique_and_read_back_for_any_layer_sizes_up_to_12(sizes):
    letters = ["x", "y", "z", "u", "v"][: len(sizes) - 1] + ["o"]
    units = [unit_key(letters, sizes, layer, i) for layer, size in enumerate(sizes) for i in range(size)]
    weights = [weight_key(layer, i, j) for layer in range(len(sizes) - 1) for i in range(sizes[layer])
               for j in range(sizes[layer + 1])]
    everything = units + weights + [gradient_key(k) for k in units + weights]
    assert len(set(everything)) == len(everything)
    assert sorted(network_keys(letters, sizes)) == sorted(everything)
    for layer in range(len(sizes) - 1):
        for i in range(sizes[layer]):
            for j in range(sizes[layer + 1]):
                assert parse_weight_key(weight_key(layer, i, j)) == (layer, i, j)
                if i < 9 and j < 9:
                    assert weight_key(layer, i, j) == f"w{layer + 1}_{i + 1}{j + 1}"  # unchanged under ten units
    labels = [weight_label(layer, i, j) for layer in range(len(sizes) - 1) for i in range(sizes[layer])
              for j in range(sizes[layer + 1])]
    assert len(set(labels)) == len(labels)


def test_letters_that_would_give_two_units_one_key_are_refused():
    with pytest.raises(ValueError, match=r"give unit 1 of layer 3 and unit 1 of layer 2 the same key 'z1'"):
        network_keys(HOMEWORK_LETTERS, (2, 2, 2, 2))
    with pytest.raises(ValueError, match="letters must name each of the 4 layers, got 3"):
        network_keys(("x", "y", "z"), HOMEWORK_SIZES)
    with pytest.raises(ValueError, match="the same key"):
        problem3_truth([np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2))], [1, 1], 0.0)


def test_a_wide_layer_keeps_every_weight_apart_in_the_answers():
    """Eleven hidden units: w1_1_11 and w1_11_1 were both 'w1_111' before, one answer silently overwriting the other."""
    rng = np.random.default_rng(0)
    weights = [rng.integers(-3, 4, size=(2, 11)).tolist(), rng.integers(-3, 4, size=(11, 1)).tolist()]
    truth = problem3_truth(weights, [1, -1], 2.0, letters=("x", "y", "z"))
    weight_keys = [k for k in truth.values if k.startswith("w")]
    assert len(weight_keys) == 2 * 11 + 11 * 1
    assert truth.values["w1_2_11"] == weights[0][1][10] and truth.values["w2_11_1"] == weights[1][10][0]
    assert truth.values["w1_11"] == weights[0][0][0]
    assert truth.labels["dL/dw2_11_1"] == r"\partial L / \partial w^{2}_{11,1}"


def test_symbolic_gradients_use_the_same_names():
    from hwlib.network import Network

    net = Network([np.ones((2, 10)), np.ones((10, 1))])
    sym = symbolic_gradients(net, [1.0, 1.0], 0.0)
    assert str(sym.weight_symbols[0][1, 9]) == weight_label(0, 1, 9) == "w^{1}_{2,10}"
    assert str(sym.weight_symbols[0][1, 1]) == "w^{1}_{22}"
