"""Tests of hwlib.mistakes: each error model reproduces its mistake, checked against an independent computation."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hwlib.mistakes import CATALOGUE, Mistake, by_name, diagnose, diagnose_step
from hwlib.network import Network
from hwlib.transcription import load_given

P1, P2, P3 = load_given(1), load_given(2), load_given(3)


def predict(name, given):
    return by_name(name).predict(given)


# ------------------------------------------------------------------ the contract
def test_the_catalogue_is_a_tuple_of_frozen_mistakes_with_unique_names():
    assert isinstance(CATALOGUE, tuple) and len(CATALOGUE) >= 12
    assert len({m.name for m in CATALOGUE}) == len(CATALOGUE)
    for m in CATALOGUE:
        assert isinstance(m, Mistake) and m.problem in (1, 2, 3)
        assert m.name.isidentifier() and m.name == m.name.lower()
        assert m.feedback and m.feedback[0].islower() and "\n" not in m.feedback and not m.feedback.endswith(".")
        with pytest.raises(dataclasses.FrozenInstanceError):
            m.name = "other"  # type: ignore[misc]
    assert {m.problem for m in CATALOGUE} == {1, 2, 3}


def test_every_mistake_changes_something_on_the_homework():
    for m in CATALOGUE:
        if m.name == "filters_equal_in_channels":  # the homework's C_in equals its C_out: the slip cannot show there
            assert not m.predict(load_given(m.problem))
            continue
        if m.name.startswith("relu_"):  # the homework's network has no ReLU: a ReLU practice variant shows the slip
            from hwlib import practice

            assert not m.predict(load_given(3)) and m.predict(practice.make_given(3, 3)), m.name
            continue
        assert m.predict(load_given(m.problem)), m.name


def test_the_issue_list_is_in_the_catalogue():
    names = {m.name for m in CATALOGUE}
    assert {"dropped_factor_2", "target_minus_output", "transposed_weight", "missing_path",
            "lost_sign_of_negative_input", "depthwise_weights_with_c_out", "macs_with_input_size",
            "output_size_without_padding"} <= names


# ------------------------------------------------------------------ Problem 1, against the formulas by hand
def test_depthwise_weights_counted_with_c_out():
    k, c_in, c_out = 3, 20, 40
    h_out = w_out = 15
    # the MACs follow from the student's own weights: H_out · W_out · weights
    assert predict("depthwise_weights_with_c_out", P1) == {
        "depthwise.weights": k * k * c_out, "separable.weights": k * k * c_out + c_in * c_out,
        "depthwise.macs": h_out * w_out * k * k * c_out,
        "separable.macs": h_out * w_out * (k * k * c_out + c_in * c_out)}


def test_biases_counted_with_the_weights():
    """7,240 weights (one bias per filter counted) and then 225 · 7,240 = 1,629,000 MACs."""
    k, c_in, c_out, positions = 3, 20, 40, 15 * 15
    got = predict("biases_counted", P1)
    assert got["standard.weights"] == (k * k * c_in + 1) * c_out == 7240
    assert got["standard.macs"] == positions * 7240 == 1_629_000
    assert got["depthwise.weights"] == (k * k + 1) * c_in and got["pointwise.weights"] == (c_in + 1) * c_out


def test_a_count_rounded_to_three_significant_figures():
    """The homework's counts are exact at three figures but one: 220,500 separable MACs, a tie, rounds away from
    zero to 221,000 (as hwlib.tolerance rounds); the later steps use no count of it."""
    assert predict("count_rounded", P1) == {"separable.macs": 221_000}
    # a variant of many figures: 1,828,224 standard MACs written 1.83e6 is named, and 1.828e6 is not this slip
    from hwlib import practice

    given = practice.make_given(1, 0)
    assert practice.judge(1, given, {"standard.macs": 1.83e6})[0].mistake == "count_rounded"
    assert practice.judge(1, given, {"standard.macs": 1.828e6})[0].mistake is None


def test_c_in_used_as_the_number_of_filters():
    """3 · 3 · 20 · 20 = 3,600 weights, then 225 · 3,600 = 810,000 MACs."""
    got = predict("c_in_as_filters", P1)
    assert got["standard.weights"] == 3 * 3 * 20 * 20 == 3600
    assert got["standard.macs"] == 15 * 15 * 3600 == 810_000
    assert got["pointwise.weights"] == 20 * 20


def test_output_size_without_the_floor_or_the_plus_1():
    """i = 30, k = 3, s = 2, o = 15: i + 2p − k = (o − 1)s gives p = 1/2; ⌊(i + 2p − k)/s⌋ = o gives p = 2."""
    i, k, s, o = 30, 3, 2, 15
    assert predict("output_size_without_floor", P1) == {"padding": ((o - 1) * s - i + k) / 2} == {"padding": 0.5}
    without_plus_1 = predict("output_size_without_plus_1", P1)["padding"]
    assert (i + 2 * without_plus_1 - k) // s == o and (i + 2 * (without_plus_1 - 1) - k) // s < o


def test_padding_k_over_2():
    assert predict("padding_k_over_2", P2) == {"a.padding": 0.5, "b.padding": 1.5, "c.padding": 0.5}


def test_macs_counted_with_the_input_size():
    got = predict("macs_with_input_size", P1)
    assert got["standard.macs"] == 30 * 30 * 3 * 3 * 20 * 40
    assert got["depthwise.macs"] == 30 * 30 * 3 * 3 * 20
    assert got["pointwise.macs"] == 30 * 30 * 20 * 40
    assert got["separable.macs"] == 30 * 30 * 3 * 3 * 20 + 30 * 30 * 20 * 40


def test_padding_forgotten_in_the_output_size():
    got = predict("output_size_without_padding", P1)
    side = (30 - 3) // 2 + 1  # floor((i - k)/s) + 1 with p = 0: 14, not 15
    assert got["H_out"] == got["W_out"] == side == 14
    assert got["standard.macs"] == side * side * 3 * 3 * 20 * 40
    assert "standard.weights" not in got  # the weights do not depend on the output size


def test_macs_without_the_kernel_area_and_pointwise_as_k_by_k():
    assert predict("macs_without_kernel_area", P1)["standard.macs"] == 15 * 15 * 20 * 40
    got = predict("pointwise_as_k_by_k", P1)
    assert got["pointwise.weights"] == 3 * 3 * 20 * 40 and got["separable.weights"] == 180 + 3 * 3 * 20 * 40


# ------------------------------------------------------------------ Problem 2
def test_problem2_mistakes():
    assert predict("no_padding", P2) == {"b.padding": 0}  # only the 3 x 3 part needs padding
    assert predict("padding_k_minus_1", P2) == {"b.padding": 2}
    assert predict("filters_equal_kernel", P2) == {"a.filters": 1, "b.filters": 3, "c.filters": 1}
    assert predict("stride_equals_kernel", P2) == {"b.stride": 3}
    shrink = {"in_volume": [24, 28, 3], "out_volume": [12, 14, 16], "kernels": {"a": 7, "b": 5, "c": 3}}
    assert predict("filters_equal_in_channels", shrink) == {"a.filters": 3, "b.filters": 3, "c.filters": 3}


# ------------------------------------------------------------------ Problem 3, against hwlib.network
def network(given):
    return Network([np.array(w, dtype=float) for w in given["weights"]])


def test_dropped_factor_2_halves_every_gradient():
    net = network(P3)
    (z,) = net.forward(P3["x"])[-1]
    got = predict("dropped_factor_2", P3)
    assert got["dL/dz"] == z - P3["t"] == -3
    grads = net.backward(P3["x"], P3["t"])
    assert got["dL/dw1_12"] == grads.weights[0][0, 1] / 2
    assert got["dL/dx2"] == grads.activations[0][1] / 2


def test_target_minus_output_flips_every_gradient():
    got = predict("target_minus_output", P3)
    grads = network(P3).backward(P3["x"], P3["t"])
    assert got["dL/dz"] == 6 and got["dL/dw2_21"] == -grads.weights[1][1, 0]


def test_transposed_weight_in_the_backward_pass():
    # dL/dy1 with w2_21 in place of w2_12: w2_11 dL/dz1 + w2_21 dL/dz2 = 1(-6) + 1(-6)
    got = predict("transposed_weight", P3)
    assert got["dL/dy1"] == -12
    # the forward pass is untouched, so no forward value is predicted to change
    assert not {"y1", "y2", "z1", "z2", "z", "L"} & set(got)


def test_transposed_weight_in_the_forward_pass():
    got = predict("transposed_weight_forward", P3)
    w1 = np.array(P3["weights"][0], float)
    y = np.array(P3["x"], float) @ w1.T  # y_j = sum_i x_i w_ji
    assert (got.get("y1", 1.0), got.get("y2", -1.0)) == tuple(y)


def test_missing_path_keeps_one_term_of_the_sum():
    got = predict("missing_path", P3)
    assert got["dL/dy1"] == 1 * -6  # w2_11 dL/dz1, the path through z2 left out


def test_lost_sign_of_a_negative_input():
    got = predict("lost_sign_of_negative_input", P3)
    # x2 = -1, y2 = -1, z2 = -1: every weight gradient fed by one of them has its sign flipped
    assert got == {"dL/dw1_22": -6, "dL/dw2_21": -6, "dL/dw2_22": -6, "dL/dw3_21": -6}


# ------------------------------------------------------------------ diagnose
def test_diagnose_names_the_mistake_that_gives_the_value():
    assert [m.name for m in diagnose(3, P3, "dL/dz", -3)] == ["dropped_factor_2"]
    assert [m.name for m in diagnose(1, P1, "depthwise.weights", 360)] == ["depthwise_weights_with_c_out"]
    assert diagnose(3, P3, "dL/dz", -6) == []  # the true value is no mistake
    assert diagnose(3, P3, "dL/dz", 123) == []


def test_diagnose_uses_the_tolerance():
    assert [m.name for m in diagnose(3, P3, "dL/dz", -3 + 1e-9)] == ["dropped_factor_2"]
    assert diagnose(3, P3, "dL/dz", -3.01) == []


def test_diagnose_rejects_bad_input():
    with pytest.raises(ValueError, match="problem must be 1, 2 or 3, got 4"):
        diagnose(4, P3, "dL/dz", 1)
    with pytest.raises(ValueError, match="quantity must be a quantity of problem 3, got 'nope'"):
        diagnose(3, P3, "nope", 1)
    with pytest.raises(TypeError, match="value must be a number"):
        diagnose(3, P3, "dL/dz", "1")
    with pytest.raises(ValueError, match="name must be one of"):
        by_name("nope")


def test_diagnose_step_uses_the_students_own_upstream_values():
    # the handwritten dL/dw2_21: 10 x y2 with y2 = -1 written as 10
    found = diagnose_step(3, P3, "dL/dw2_21", 10, {"y2": -1, "dL/dz1": 10})
    assert [m.name for m in found] == ["lost_sign_of_negative_input"]
    # right on those values: no mistake in this step
    assert diagnose_step(3, P3, "dL/dw2_21", -10, {"y2": -1, "dL/dz1": 10}) == []


# ------------------------------------------------------------------ properties over many networks
weights_2x2 = st.lists(st.lists(st.integers(-3, 3), min_size=2, max_size=2), min_size=2, max_size=2)


@given(w1=weights_2x2, w2=weights_2x2, w3=st.lists(st.integers(-3, 3), min_size=2, max_size=2),
       x=st.lists(st.integers(-3, 3), min_size=2, max_size=2), t=st.integers(-5, 5))
def test_predictions_match_a_network_run_with_the_mistake(w1, w2, w3, x, t):
    g = {"weights": [w1, w2, [[w3[0]], [w3[1]]]], "x": x, "t": t}
    grads = network(g).backward(x, t)
    true = {f"dL/dw{l + 1}_{i + 1}{j + 1}": grads.weights[l][i, j]
            for l in range(3) for i in range(2) for j in range(len(g["weights"][l][0]))}
    half, flipped = predict("dropped_factor_2", g), predict("target_minus_output", g)
    for key, value in true.items():
        assert half.get(key, value) == pytest.approx(value / 2) if value else key not in half
        assert flipped.get(key, value) == pytest.approx(-value)
    lost = predict("lost_sign_of_negative_input", g)
    for key in lost:
        assert lost[key] == pytest.approx(-true[key]) and true[key] != 0
    for m in CATALOGUE:
        if m.problem == 3:
            for quantity, value in m.predict(g).items():
                assert m in diagnose(3, g, quantity, value)


def _plain_network(given, relu_forward, relu_backward):
    """Every value of a Problem 3 network by plain numpy, written out here: ReLU on the hidden layers' forward pass
    and/or its slope in the backward pass, as asked (quantity key -> value)."""
    from hwlib.naming import default_letters, unit_key

    weights = [np.array(w, dtype=float) for w in given["weights"]]
    sizes = [len(given["x"])] + [w.shape[1] for w in weights]
    letters = default_letters(sizes)
    hidden = range(1, len(sizes) - 1)
    units, inputs = [np.array(given["x"], dtype=float)], [None]
    for layer, w in enumerate(weights, start=1):
        u = units[-1] @ w
        inputs.append(u)
        units.append(np.maximum(u, 0) if relu_forward and layer in hidden else u)
    slope = {layer: (inputs[layer] > 0).astype(float) if relu_backward and layer in hidden else np.ones(sizes[layer])
             for layer in range(1, len(sizes))}
    grads = [None] * len(sizes)
    grads[-1] = 2 * (units[-1] - given["t"])
    for layer in range(len(sizes) - 1, 0, -1):
        grads[layer - 1] = weights[layer - 1] @ (slope[layer] * grads[layer])
    out = {"L": float(np.sum((units[-1] - given["t"]) ** 2))}
    for layer, size in enumerate(sizes):
        for i in range(size):
            key = unit_key(letters, sizes, layer, i)
            out[key], out["dL/d" + key] = float(units[layer][i]), float(grads[layer][i])
    for layer, w in enumerate(weights):
        for i in range(w.shape[0]):
            for j in range(w.shape[1]):
                out[f"dL/dw{layer + 1}_{i + 1}{j + 1}"] = float(units[layer][i] * slope[layer + 1][j]
                                                                 * grads[layer + 1][j])
    return out


@pytest.mark.parametrize("seed", [3, 7, 11, 15, 19, 23])
def test_relu_slips_are_the_linear_network_and_the_linear_backward_pass(seed):
    """ReLU not applied: every value the prediction changes is the linear network's; ReLU's slope taken as 1: the
    forward pass with ReLU, the backward pass without its slopes. Both computed here with numpy, and each slip is
    named where it shows. A network without ReLU has neither."""
    from hwlib import practice

    g = practice.make_given(3, seed)
    assert g["hidden_activation"] == "relu"
    true = _plain_network(g, True, True)
    for name, (forward, backward) in {"relu_not_applied": (False, False),
                                      "relu_slope_taken_as_one": (True, False)}.items():
        slipped = _plain_network(g, forward, backward)
        predicted = {q: v for q, v in predict(name, g).items() if not q.startswith("relu'(")}
        assert predicted, (name, seed)
        assert predicted == pytest.approx({q: slipped[q] for q in predicted}), (name, seed)
        # every quantity the slip changes is predicted
        assert {q for q in true if slipped[q] != pytest.approx(true[q])} <= set(predicted) | {"dL/dx1", "dL/dx2"}
        for quantity, value in predicted.items():
            assert by_name(name) in diagnose(3, g, quantity, value), (name, quantity)
    # an off unit's own gradient set to 0: only that field changes (the slope 0 already stops what lies below)
    from hwlib.naming import default_letters, unit_key

    weights = [np.array(w, dtype=float) for w in g["weights"]]
    sizes = [len(g["x"])] + [w.shape[1] for w in weights]
    a, off = np.array(g["x"], dtype=float), set()
    for layer, w in enumerate(weights[:-1], start=1):
        u = a @ w
        off |= {"dL/d" + unit_key(default_letters(sizes), sizes, layer, j) for j in range(sizes[layer]) if u[j] <= 0}
        a = np.maximum(u, 0)
    assert off, seed  # every ReLU variant switches a unit off
    assert predict("relu_off_unit_gradient_zero", g) == {q: 0.0 for q in off if true[q] != 0}, seed
    for quantity, value in predict("relu_off_unit_gradient_zero", g).items():
        assert by_name("relu_off_unit_gradient_zero") in diagnose(3, g, quantity, value)
    assert predict("relu_not_applied", g) and predict("relu_slope_taken_as_one", g)
    linear = {k: v for k, v in g.items() if k != "hidden_activation"}
    for name in ("relu_not_applied", "relu_slope_taken_as_one", "relu_off_unit_gradient_zero"):
        assert predict(name, linear) == {}, name


def test_every_mistake_has_a_test_that_reproduces_it():
    source = open(__file__, encoding="utf-8").read()
    for m in CATALOGUE:
        assert f'predict("{m.name}"' in source, f"no test reproduces {m.name}"


def test_dropped_factor_2_feedback_is_true_of_every_value_it_names():
    """The feedback shows on every value the slip changes (a weight's gradient too), so it must not say
    "this is (z − t)": every gradient it predicts is half the true one, and the feedback says so."""
    from hwlib.mistakes import by_name, truth_of
    from hwlib.transcription import load_given

    mistake = by_name("dropped_factor_2")
    given = load_given(3)
    truth = truth_of(3, given)
    predicted = mistake.predict(given)
    assert "dL/dz" in predicted and any(q.startswith("dL/dw") for q in predicted)
    for quantity, value in predicted.items():
        assert value == truth.values[quantity] / 2, quantity
    assert "half as large" in mistake.feedback and not mistake.feedback.startswith("this is (z − t)")
