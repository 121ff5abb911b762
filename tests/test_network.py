"""Tests of hwlib.network: three routes to the gradients agree, on the homework and on random networks."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hwlib.network import ACTIVATIONS, Gradients, Network
from hwlib.symbolic_network import SymbolicGradients, symbolic_gradients

HOMEWORK_WEIGHTS = [
    np.array([[2.0, 0.0], [1.0, 1.0]]),  # w^1_11, w^1_12 / w^1_21, w^1_22
    np.array([[1.0, -1.0], [1.0, 0.0]]),  # w^2
    np.array([[1.0], [1.0]]),  # w^3_1, w^3_2
]
X, T = np.array([1.0, -1.0]), 2.0


# ---------------------------------------------------------------- the homework


def test_homework_forward_and_loss():
    net = Network(HOMEWORK_WEIGHTS)
    x, y, z_hidden, z = net.forward(X)
    np.testing.assert_array_equal(x, [1, -1])
    np.testing.assert_array_equal(y, [1, -1])
    np.testing.assert_array_equal(z_hidden, [0, -1])
    np.testing.assert_array_equal(z, [-1])
    assert net.loss(X, T) == 9.0


def test_homework_gradients_by_the_chain_rule_written_out():
    """dL/dz = 2(z - t) = -6, and every other derivative follows from it by hand."""
    grads = Network(HOMEWORK_WEIGHTS).backward(X, T)
    np.testing.assert_array_equal(grads.activations[3], [-6])
    np.testing.assert_array_equal(grads.activations[2], [-6, -6])  # dL/dz1 = -6 w^3_1, dL/dz2 = -6 w^3_2
    np.testing.assert_array_equal(grads.weights[2], [[0], [6]])  # -6 z1, -6 z2
    np.testing.assert_array_equal(grads.weights[1], [[-6, -6], [6, 6]])  # dL/dz_j * y_i
    np.testing.assert_array_equal(grads.activations[1], [0, -6])  # -6(1) - 6(-1), -6(1) - 6(0)
    np.testing.assert_array_equal(grads.weights[0], [[0, -6], [0, 6]])  # dL/dy_j * x_i
    np.testing.assert_array_equal(grads.activations[0], [0, -6])  # dL/dx


def test_homework_symbolic_route_is_sympy_diff_of_the_loss():
    net = Network(HOMEWORK_WEIGHTS)
    sym = symbolic_gradients(net, X, T)
    assert isinstance(sym, SymbolicGradients)
    assert str(sym.weight_symbols[0][0, 1]) == "w^{1}_{12}"
    at_weights = {s: sp.Integer(int(v)) for m, w in zip(sym.weight_symbols, HOMEWORK_WEIGHTS) for s, v in zip(m, w.ravel())}
    assert sym.loss.xreplace(at_weights) == 9
    for symbols, derivatives in zip(sym.weight_symbols, sym.weights):
        for s, d in zip(symbols, derivatives):
            assert sp.simplify(sp.diff(sym.loss, s) - d) == 0  # differentiate the whole loss directly
    for got, want in zip(sym.evaluate(), net.backward(X, T).weights):
        np.testing.assert_array_equal(got, want)
    assert sym.evaluate_loss() == 9.0


# ---------------------------------------------------------------- random networks


@st.composite
def networks(draw, max_depth=3, max_width=3):
    depth = draw(st.integers(1, max_depth))
    sizes = draw(st.lists(st.integers(1, max_width), min_size=depth + 1, max_size=depth + 1))
    weights = [
        draw(arrays(float, (sizes[i], sizes[i + 1]), elements=st.floats(-2, 2, allow_subnormal=False)))
        for i in range(depth)
    ]
    activation = draw(st.sampled_from(sorted(ACTIVATIONS)))
    x = draw(arrays(float, sizes[0], elements=st.floats(-2, 2, allow_subnormal=False)))
    t = draw(st.one_of(st.floats(-2, 2), arrays(float, sizes[-1], elements=st.floats(-2, 2))))
    return Network(weights, activation), x, t


def close(a, b, rtol, atol):
    return all(np.allclose(p, q, rtol=rtol, atol=atol) for p, q in zip(a, b))


@settings(max_examples=60, deadline=None)
@given(case=networks())
def test_backward_matches_symbolic(case):
    net, x, t = case
    hand = net.backward(x, t)
    sym = symbolic_gradients(net, x, t)
    assert close(sym.evaluate(), hand.weights, rtol=1e-9, atol=1e-9)
    assert close(sym.evaluate_activations(), hand.activations, rtol=1e-9, atol=1e-9)
    assert np.isclose(sym.evaluate_loss(), net.loss(x, t), rtol=1e-12, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(case=networks(max_depth=4, max_width=4))
def test_backward_matches_finite_differences(case):
    net, x, t = case
    if net.hidden_activation == "relu":  # stay away from the kink, where no derivative exists
        values = [x]
        for w in net.weights[:-1]:
            z = values[-1] @ w
            assume(np.all(np.abs(z) > 1e-3))
            values.append(np.maximum(z, 0))
    hand = net.backward(x, t)
    numeric = net.numerical_gradients(x, t)
    scale = 1 + max(np.abs(g).max() for g in hand.weights)
    assert close(numeric.weights, hand.weights, rtol=1e-5, atol=1e-5 * scale)
    assert close(numeric.activations, hand.activations, rtol=1e-5, atol=1e-5 * scale)


@settings(max_examples=40, deadline=None)
@given(case=networks(max_depth=2, max_width=2))
def test_gradients_are_shaped_like_what_they_differentiate(case):
    net, x, t = case
    grads = net.backward(x, t)
    assert isinstance(grads, Gradients)
    assert [g.shape for g in grads.weights] == [w.shape for w in net.weights]
    assert [g.shape for g in grads.activations] == [v.shape for v in net.forward(x)]
    sym = symbolic_gradients(net, x, t)
    assert [m.shape for m in sym.weight_symbols] == [w.shape for w in net.weights]
    assert [m.shape for m in sym.weights] == [w.shape for w in net.weights]


def test_a_gradient_step_lowers_the_loss():
    rng = np.random.default_rng(3)
    net = Network([rng.normal(size=(3, 4)), rng.normal(size=(4, 2))], "tanh")
    x, t = rng.normal(size=3), rng.normal(size=2)
    grads = net.backward(x, t)
    stepped = Network([w - 0.01 * g for w, g in zip(net.weights, grads.weights)], "tanh")
    assert stepped.loss(x, t) < net.loss(x, t)


def test_relu_derivative_at_zero_is_zero():
    net = Network([np.array([[1.0, -1.0]]), np.array([[1.0], [1.0]])], "relu")
    grads = net.backward(np.array([0.0]), 1.0)  # both hidden pre-activations are exactly 0
    np.testing.assert_array_equal(grads.weights[0], [[0.0, 0.0]])
    sym = symbolic_gradients(net, np.array([0.0]), 1.0)
    np.testing.assert_array_equal(sym.evaluate()[0], [[0.0, 0.0]])


def test_wide_layers_get_unambiguous_symbol_names():
    net = Network([np.ones((10, 1)), np.ones((1, 1))])
    sym = symbolic_gradients(net, np.ones(10), 0.0)
    assert str(sym.weight_symbols[0][9, 0]) == "w^{1}_{10,1}"


def test_the_network_copies_its_weights():
    weights = [np.ones((2, 2)), np.ones((2, 1))]
    net = Network(weights)
    weights[0][0, 0] = 5.0
    assert net.weights[0][0, 0] == 1.0


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("weights", "error", "match"),
    [
        ([], ValueError, "non-empty"),
        (np.ones((2, 2)), TypeError, "weights must be a list"),
        ("w", TypeError, "weights must be a list"),
        ([np.ones(3)], ValueError, r"weights\[0\] must be 2-D"),
        ([np.ones((2, 3)), np.ones((2, 1))], ValueError, "shapes must chain"),
        ([np.array([[np.nan, 1.0]])], ValueError, r"weights\[0\] must contain only finite"),
        ([np.ones((2, 2)), np.array([[np.inf], [1.0]])], ValueError, r"weights\[1\] must contain only finite"),
        ([np.ones((0, 2))], ValueError, "at least one row"),
        ([np.array([["a", "b"]])], TypeError, r"weights\[0\] must hold real numbers"),
        ([[[1.0, "b"]]], TypeError, r"weights\[0\] must be an array of numbers"),
    ],
)
def test_bad_weights(weights, error, match):
    with pytest.raises(error, match=match):
        Network(weights)


def test_bad_activation():
    with pytest.raises(ValueError, match="hidden_activation must be one of"):
        Network(HOMEWORK_WEIGHTS, "softmax")
    with pytest.raises(TypeError, match="hidden_activation must be a string"):
        Network(HOMEWORK_WEIGHTS, None)


@pytest.mark.parametrize(
    ("x", "t", "error", "match"),
    [
        ([1.0], 2.0, ValueError, "x must be 1-D with 2 entries"),
        ([[1.0, -1.0]], 2.0, ValueError, "x must be 1-D with 2 entries"),
        ([1.0, np.nan], 2.0, ValueError, "x must contain only finite"),
        ([1.0, -1.0], np.inf, ValueError, "t must contain only finite"),
        ([1.0, -1.0], [1.0, 2.0], ValueError, "t must be a scalar or 1-D with 1 entries"),
        (None, 2.0, TypeError, "x must be an array of numbers"),
        ([1.0, -1.0], "2", TypeError, "t must be an array of numbers"),
    ],
)
def test_bad_x_and_t(x, t, error, match):
    net = Network(HOMEWORK_WEIGHTS)
    for call in (net.loss, net.backward, net.numerical_gradients, lambda a, b: symbolic_gradients(net, a, b)):
        with pytest.raises(error, match=match):
            call(x, t)


def test_bad_eps_and_net():
    net = Network(HOMEWORK_WEIGHTS)
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        net.numerical_gradients(X, T, eps=0.0)
    with pytest.raises(TypeError, match="eps must be a number"):
        net.numerical_gradients(X, T, eps="small")
    with pytest.raises(TypeError, match="net must be a hwlib.network.Network"):
        symbolic_gradients(HOMEWORK_WEIGHTS, X, T)
