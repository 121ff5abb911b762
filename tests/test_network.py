"""Tests of hwlib.network: three routes to the gradients agree, on the homework and on random networks."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hwlib.network import ACCURACY, ACTIVATIONS, Gradients, Network
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
    at_weights = {s: sp.Integer(int(v))
                  for m, w in zip(sym.weight_symbols, HOMEWORK_WEIGHTS) for s, v in zip(m, w.ravel())}
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


# ---------------------------------------------------------------- a step eps can measure with


@pytest.mark.parametrize(("eps", "match"), [
    (1e-300, r"eps must be >= 1e-10, got 1e-300: .*rounding"),
    (1e-12, r"eps must be >= 1e-10"),
    (2e-10, r"finite differences cannot resolve these gradients to 1e-06 x max\(1, largest \|derivative\| 6\) = 6e-06"),
    (1.0, r"eps must be <= 0.1, got 1.0: .*secant"),
    (0.5, "eps must be <= 0.1"),
])
def test_eps_that_cannot_measure_a_derivative_is_refused_with_the_reason(eps, match):
    with pytest.raises(ValueError, match=match):
        Network(HOMEWORK_WEIGHTS).numerical_gradients(X, T, eps=eps)


@pytest.mark.parametrize("eps", [1e-6, 1e-3, 0.1])
def test_a_target_whose_loss_has_no_digits_left_is_refused_at_every_step(eps):
    net = Network([np.array([[1.0]])])
    with pytest.raises(ValueError, match=r"finite differences cannot resolve these gradients .*L = 1e\+24"):
        net.numerical_gradients([1.0], 1e12, eps=eps)


def test_large_values_within_reach_of_the_step_are_measured_to_the_stated_accuracy():
    net = Network(HOMEWORK_WEIGHTS)
    x = [20000.0, 1.0]
    numeric, hand = net.numerical_gradients(x, T), net.backward(x, T)
    largest = max(np.abs(g).max() for g in hand.weights + hand.activations)
    assert close(numeric.weights + numeric.activations, hand.weights + hand.activations, rtol=0,
                 atol=ACCURACY * largest)


THOUSANDS = [np.array([[1000.0, -500.0], [300.0, 800.0]]), np.array([[1000.0, -1000.0], [1000.0, 0.0]]),
             np.array([[1000.0], [1000.0]])]


@pytest.mark.parametrize(("weights", "x", "step"), [
    (HOMEWORK_WEIGHTS, X, 1e-6),              # largest |value| 2
    ([np.array([[9.99]])], [0.5], 1e-6),      # just below 10
    ([np.array([[10.0]])], [-0.5], 1e-5),
    ([np.array([[1.0]])], [-123.0], 1e-4),    # x counts as well as the weights
    (THOUSANDS, [1000.0, -1000.0], 1e-3),
    ([np.array([[1e9]])], [1.0], 0.1),        # at most EPS_RANGE's 0.1
    ([np.array([[0.001]])], [0.0], 1e-6),     # at least 1e-6
])
def test_the_default_step_is_1e_6_times_the_largest_power_of_ten_not_above_the_values(weights, x, step):
    assert Network(weights).default_eps(x) == pytest.approx(step, rel=1e-12)


def test_values_in_the_thousands_are_measured_with_the_default_step_where_1e_6_cannot():
    net, x, t = Network(THOUSANDS), [1000.0, -1000.0], 5.0
    with pytest.raises(ValueError, match="finite differences cannot resolve these gradients"):
        net.numerical_gradients(x, t, eps=1e-6)  # an explicit step keeps its checks
    numeric, hand = net.numerical_gradients(x, t), net.backward(x, t)
    largest = max(np.abs(g).max() for g in hand.weights + hand.activations)
    assert net.finite_difference_error(x, t) <= ACCURACY * largest
    assert close(numeric.weights + numeric.activations, hand.weights + hand.activations, rtol=0,
                 atol=ACCURACY * largest)


@pytest.mark.parametrize("eps", [1e-8, 1e-6, 1e-4, 0.1])
def test_accepted_eps_measure_the_homework_gradients_to_the_stated_accuracy(eps):
    net = Network(HOMEWORK_WEIGHTS)
    numeric, hand = net.numerical_gradients(X, T, eps=eps), net.backward(X, T)
    largest = max(np.abs(g).max() for g in hand.weights + hand.activations)
    assert net.finite_difference_error(X, T, eps) <= ACCURACY * max(1, largest)
    assert close(numeric.weights, hand.weights, rtol=0, atol=ACCURACY * max(1, largest))


# ---------------------------------------------------------------- a stable sigmoid (item 5)

mpmath = pytest.importorskip("mpmath")  # a dependency of sympy
from hwlib.network import sigmoid, sigmoid_prime  # noqa: E402

EXTREMES = [-1000.0, -746.0, -745.0, -710.0, -709.0, -100.0, -40.0, -37.0, -20.0, -1.0, -1e-20,
            0.0, 1e-20, 1.0, 20.0, 37.0, 40.0, 100.0, 710.0, 1000.0]


def ulps(got: float, exact) -> float:
    """|got - exact| in units of the last place of the float nearest to exact."""
    nearest = float(exact)
    return float(abs(mpmath.mpf(got) - exact) / mpmath.mpf(np.spacing(abs(nearest))))


def exact_sigmoid(z: float):
    with mpmath.workdps(60):
        return 1 / (1 + mpmath.exp(-mpmath.mpf(z)))


def exact_sigmoid_prime(z: float):
    with mpmath.workdps(60):
        e = mpmath.exp(-mpmath.mpf(z))
        return e / (1 + e) ** 2


@pytest.mark.parametrize("z", EXTREMES)
def test_sigmoid_is_accurate_to_a_few_ulps_at_the_extremes(z):
    assert ulps(float(sigmoid(np.array([z]))[0]), exact_sigmoid(z)) <= 4
    assert ulps(float(sigmoid_prime(np.array([z]))[0]), exact_sigmoid_prime(z)) <= 8


@settings(max_examples=200)
@given(z=st.floats(-800, 800, allow_nan=False))
def test_sigmoid_is_accurate_to_a_few_ulps_everywhere(z):
    assert ulps(float(sigmoid(np.array([z]))[0]), exact_sigmoid(z)) <= 4
    assert ulps(float(sigmoid_prime(np.array([z]))[0]), exact_sigmoid_prime(z)) <= 8


def test_sigmoid_keeps_shapes_and_warns_about_nothing():
    z = np.array([[-1000.0, 0.0], [5.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        values = sigmoid(z)
        sigmoid_prime(z)
    assert values.shape == (2, 2) and values[0, 1] == 0.5 and values[1, 1] == 1.0


@pytest.mark.parametrize("z", [-37.0, -710.0, 710.0, -745.0, 40.0])
def test_symbolic_and_numeric_routes_agree_at_the_extremes(z):
    """One hidden sigmoid unit with pre-activation z; oracle: the chain rule in mpmath."""
    net = Network([np.array([[z]]), np.array([[1.0]])], "sigmoid")
    x, t = np.array([1.0]), 0.5
    with mpmath.workdps(60):
        s, ds = exact_sigmoid(z), exact_sigmoid_prime(z)
        dz = 2 * (s - mpmath.mpf(t))  # dL/d(output) = dL/dw2 / a1
        exact = [float(dz * ds), float(dz * s)]  # dL/dw1 = dL/dz * f'(z) * x * w2, dL/dw2 = dL/dz * a1
    hand = [g[0, 0] for g in net.backward(x, t).weights]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        symbolic = [g[0, 0] for g in symbolic_gradients(net, x, t).evaluate()]
    for got in (hand, symbolic):
        assert not np.any(np.isnan(got))
        np.testing.assert_allclose(got, exact, rtol=1e-12, atol=0)


def test_the_symbolic_sigmoid_differentiates_as_sympy_differentiates_the_formula():
    from hwlib.symbolic_network import sigmoid as symbolic_sigmoid

    u = sp.Symbol("u", real=True)
    written = 1 / (1 + sp.exp(-u))
    assert symbolic_sigmoid(u).rewrite(sp.exp) == written
    assert sp.simplify(sp.diff(symbolic_sigmoid(u), u).rewrite(sp.exp) - sp.diff(written, u)) == 0


def test_the_composed_sigmoid_expressions_are_written_out_with_exp():
    net = Network([np.array([[0.5, -1.0]]), np.array([[1.0], [2.0]])], "sigmoid")
    sym = symbolic_gradients(net, [1.0], 0.0)
    assert sym.loss.has(sp.exp) and not any(f.func.__name__ == "sigmoid" for f in sym.loss.atoms(sp.Function))
    at = {s: sp.Float(v) for m, w in zip(sym.weight_symbols, net.weights) for s, v in zip(m, w.ravel())}
    assert np.isclose(float(sym.loss.xreplace(at)), net.loss([1.0], 0.0), rtol=1e-12)
    assert np.isclose(float(sym.weights[0][0, 1].xreplace(at)), net.backward([1.0], 0.0).weights[0][0, 1], rtol=1e-12)


# ---------------------------------------------------------------- symbolic gradients that scale (item 6)


def step_sizes(sym):
    return [sum(1 for _ in sp.preorder_traversal(expr)) for _, expr in sym.steps]


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_step_stays_small_and_the_derivation_grows_linearly_with_depth(activation):
    rng = np.random.default_rng(0)
    width = 4

    def derivation(depth):
        net = Network([rng.standard_normal((width, width)) for _ in range(depth)], activation)
        return step_sizes(symbolic_gradients(net, rng.standard_normal(width), 0.5))

    shallow, deep = derivation(3), derivation(6)
    assert max(shallow + deep) <= 12 * width  # one sum over a layer, at most
    assert sum(deep) <= 2.2 * sum(shallow)  # twice the depth, about twice the work


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_a_deep_network_needs_no_composed_expression(activation):
    """Depth 40: the composed loss would have about 3^40 nodes; evaluate() needs only the steps."""
    rng = np.random.default_rng(1)
    net = Network([rng.standard_normal((3, 3)) / 2 for _ in range(40)], activation)
    x = rng.standard_normal(3)
    sym = symbolic_gradients(net, x, 0.5)
    hand = net.backward(x, 0.5)
    assert close(sym.evaluate(), hand.weights, rtol=1e-9, atol=1e-12)
    assert close(sym.evaluate_activations(), hand.activations, rtol=1e-9, atol=1e-12)
    assert np.isclose(sym.evaluate_loss(), net.loss(x, 0.5), rtol=1e-12)


def test_network_does_not_import_the_symbolic_route():
    """hwlib.symbolic_network imports hwlib.network, never the other way round (and network needs no sympy)."""
    import subprocess
    import sys

    probe = ("import sys, hwlib.network; "
             "print(sorted(m for m in ('hwlib.symbolic_network', 'sympy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# ---------------------------------------------------------------- weights, x and t as the same checks see them (item 8)


@pytest.mark.parametrize(
    "weights",
    [
        [[["1", "2"]]],
        [[[True, False]]],
        [np.ones((2, 2)), [[True], [False]]],
        [[[1.0, None]]],
    ],
)
def test_lists_of_strings_or_bools_are_refused_like_arrays(weights):
    with pytest.raises(TypeError, match=r"weights\[\d\] must be an array of numbers"):
        Network(weights)


@pytest.mark.parametrize(("x", "t", "name"), [
    ([True, False], 2.0, "x"),
    (np.array([True, False]), 2.0, "x"),
    (["1", "2"], 2.0, "x"),
    ([1.0, -1.0], True, "t"),
    ([1.0, -1.0], [False], "t"),
])
def test_bool_and_string_inputs_are_refused(x, t, name):
    net = Network(HOMEWORK_WEIGHTS)
    for call in (net.loss, net.backward, lambda a, b: symbolic_gradients(net, a, b)):
        with pytest.raises(TypeError, match=f"{name} must be an array of numbers"):
            call(x, t)


def test_reassigned_weights_are_checked_again():
    net = Network(HOMEWORK_WEIGHTS)
    with pytest.raises(ValueError, match=r"weights\[0\] must contain only finite"):
        net.weights = [np.array([[np.nan, 1.0]])]
    with pytest.raises(ValueError, match="shapes must chain"):
        net.weights = [np.ones((2, 3)), np.ones((2, 1))]
    with pytest.raises(ValueError, match="hidden_activation must be one of"):
        net.hidden_activation = "softmax"
    assert net.loss(X, T) == 9.0  # a refused assignment leaves the network as it was
    net.weights = [np.ones((2, 1))]
    assert net.layer_sizes == [2, 1] and net.loss(X, T) == 4.0


def test_weights_cannot_be_changed_behind_the_checks():
    net = Network(HOMEWORK_WEIGHTS)
    with pytest.raises(ValueError, match="read-only"):
        net.weights[0][0, 0] = np.nan
    net.weights.append(np.ones((1, 1)))
    assert len(net.weights) == 3 and net.loss(X, T) == 9.0
