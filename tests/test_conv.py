"""Tests of hwlib.conv: fixed cases, independent oracles and property-based checks."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hwlib.conv import (
    Cost,
    SeparableCost,
    conv2d,
    conv2d_cost,
    depthwise_conv2d_cost,
    depthwise_separable_cost,
    output_size,
    pointwise_conv2d_cost,
    solve_padding_stride,
)

# ---------------------------------------------------------------- oracles


def conv2d_loops(x, w, stride=1, padding=0, groups=1, bias=None):
    """The definition of a grouped cross-correlation, written as plain loops."""
    height, width, c_in = x.shape
    k, _, c_group, c_out = w.shape
    x_pad = np.zeros((height + 2 * padding, width + 2 * padding, c_in))
    x_pad[padding : padding + height, padding : padding + width] = x
    h_out = (height + 2 * padding - k) // stride + 1
    w_out = (width + 2 * padding - k) // stride + 1
    out_group = c_out // groups
    out = np.zeros((h_out, w_out, c_out))
    for i, j, o in itertools.product(range(h_out), range(w_out), range(c_out)):
        g = o // out_group
        for u, v, c in itertools.product(range(k), range(k), range(c_group)):
            out[i, j, o] += x_pad[stride * i + u, stride * j + v, g * c_group + c] * w[u, v, c, o]
        if bias is not None:
            out[i, j, o] += bias[o]
    return out


def count_macs_by_enumeration(in_shape, out_channels, kernel, stride, padding, groups=1):
    """Count multiply-accumulates one by one: (output position, output channel, tap) triples."""
    height, width, c_in = in_shape
    positions_h = range(0, height + 2 * padding - kernel + 1, stride)
    positions_w = range(0, width + 2 * padding - kernel + 1, stride)
    taps_per_output = kernel * kernel * (c_in // groups)
    return sum(taps_per_output for _ in positions_h for _ in positions_w for _ in range(out_channels))


def solve_by_search(n_in, n_out, kernel, dilation=1):
    reach = dilation * (kernel - 1)
    return [
        (p, s)
        for s in range(1, n_in + 2 * reach + 1)
        for p in range(reach + 1)
        if n_in + 2 * p - reach >= 1
        and s <= n_in + 2 * p - reach
        and output_size(n_in, kernel, s, p, dilation) == n_out
    ]


# ---------------------------------------------------------------- the homework's numbers


def test_homework_problem1_costs():
    standard = conv2d_cost((30, 30, 20), 40, 3, stride=2, padding=1)
    separable = depthwise_separable_cost((30, 30, 20), 40, 3, stride=2, padding=1)
    assert standard == Cost(weights=3 * 3 * 20 * 40, macs=15 * 15 * 40 * 3 * 3 * 20, out_shape=(15, 15, 40))
    assert separable.depthwise == Cost(weights=3 * 3 * 20, macs=15 * 15 * 20 * 9, out_shape=(15, 15, 20))
    assert separable.pointwise == Cost(weights=20 * 40, macs=15 * 15 * 20 * 40, out_shape=(15, 15, 40))
    assert (separable.weights, separable.macs, separable.out_shape) == (980, 220_500, (15, 15, 40))


def test_homework_problem2_solutions():
    assert solve_padding_stride(30, 15, 3) == [(1, 2)]
    assert solve_padding_stride(20, 20, 1) == [(0, 1)]
    assert solve_padding_stride(20, 20, 3) == [(1, 1)]
    assert solve_padding_stride(20, 20, 2) == []
    assert solve_padding_stride(20, 20, 5) == [(2, 1)]


def test_output_size_matches_the_formula_by_hand():
    assert output_size(30, 3, stride=2, padding=1) == 15  # floor(29/2) + 1
    assert output_size(7, 3, stride=2) == 3
    assert output_size(10, 3, dilation=2) == 6
    assert output_size(5, 5) == 1


def test_bias_counts_in_weights_not_in_macs():
    plain = conv2d_cost((8, 8, 3), 4, 3)
    with_bias = conv2d_cost((8, 8, 3), 4, 3, bias=True)
    assert with_bias.weights == plain.weights + 4
    assert with_bias.macs == plain.macs
    sep = depthwise_separable_cost((8, 8, 3), 4, 3, bias=True)
    assert sep.depthwise.weights == 9 * 3 + 3 and sep.pointwise.weights == 3 * 4 + 4
    assert sep.flops == 2 * sep.macs


def test_counts_are_python_ints_from_numpy_inputs():
    cost = depthwise_separable_cost(
        (np.int64(30), np.int32(30), np.int16(20)), np.int64(40), np.int8(3), np.int64(2), np.int64(1)
    )
    for value in (cost.weights, cost.macs, *cost.out_shape, cost.depthwise.macs):
        assert type(value) is int
    assert type(output_size(np.int64(9), np.int32(3))) is int


def test_separable_cost_is_frozen():
    cost = depthwise_separable_cost((6, 6, 2), 3, 3)
    with pytest.raises(AttributeError):
        cost.macs = 0  # type: ignore[misc]
    assert isinstance(cost, SeparableCost)


def test_conv2d_against_loops_fixed_case():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(7, 6, 4))
    w = rng.normal(size=(3, 3, 2, 6))
    b = rng.normal(size=6)
    np.testing.assert_allclose(
        conv2d(x, w, stride=2, padding=1, groups=2, bias=b),
        conv2d_loops(x, w, stride=2, padding=1, groups=2, bias=b),
        rtol=1e-12,
        atol=1e-12,
    )


def test_depthwise_then_pointwise_equals_standard_with_factorised_weights():
    """A separable layer is a standard layer whose filters are w_dw[u,v,c] * w_pw[c,o]."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(9, 9, 3))
    w_dw = rng.normal(size=(3, 3, 1, 3))
    w_pw = rng.normal(size=(1, 1, 3, 5))
    two_steps = conv2d(conv2d(x, w_dw, stride=2, padding=1, groups=3), w_pw)
    factorised = w_dw[:, :, 0, :, None] * w_pw[0, 0][None, None]
    np.testing.assert_allclose(two_steps, conv2d(x, factorised, stride=2, padding=1), atol=1e-12)


# ---------------------------------------------------------------- properties

sizes = st.integers(min_value=1, max_value=12)
kernels = st.integers(min_value=1, max_value=5)
strides = st.integers(min_value=1, max_value=4)
paddings = st.integers(min_value=0, max_value=3)


@settings(max_examples=150, deadline=None)
@given(h=sizes, w=sizes, c_in=st.integers(1, 4), c_out=st.integers(1, 4), k=kernels, s=strides, p=paddings)
def test_output_size_agrees_with_conv2d_shape(h, w, c_in, c_out, k, s, p):
    if min(h, w) + 2 * p < k:
        with pytest.raises(ValueError, match="kernel must fit"):
            output_size(min(h, w), k, s, p)
        return
    x = np.ones((h, w, c_in))
    weights = np.ones((k, k, c_in, c_out))
    out = conv2d(x, weights, stride=s, padding=p)
    assert out.shape == (output_size(h, k, s, p), output_size(w, k, s, p), c_out)
    assert out.shape == conv2d_cost((h, w, c_in), c_out, k, s, p).out_shape


@settings(max_examples=60, deadline=None)
@given(
    h=st.integers(1, 7),
    w=st.integers(1, 7),
    groups=st.integers(1, 3),
    per_group_in=st.integers(1, 2),
    per_group_out=st.integers(1, 2),
    k=st.integers(1, 3),
    s=st.integers(1, 3),
    p=st.integers(0, 2),
    seed=st.integers(0, 2**32 - 1),
    with_bias=st.booleans(),
)
def test_conv2d_matches_the_loop_definition(h, w, groups, per_group_in, per_group_out, k, s, p, seed, with_bias):
    if min(h, w) + 2 * p < k:
        return
    rng = np.random.default_rng(seed)
    c_in, c_out = groups * per_group_in, groups * per_group_out
    x = rng.normal(size=(h, w, c_in))
    weights = rng.normal(size=(k, k, per_group_in, c_out))
    b = rng.normal(size=c_out) if with_bias else None
    np.testing.assert_allclose(
        conv2d(x, weights, s, p, groups, b), conv2d_loops(x, weights, s, p, groups, b), rtol=1e-10, atol=1e-10
    )


@settings(max_examples=200, deadline=None)
@given(h=sizes, w=sizes, c_in=st.integers(1, 6), c_out=st.integers(1, 6), k=kernels, s=strides, p=paddings,
       bias=st.booleans())
def test_macs_equal_a_direct_count(h, w, c_in, c_out, k, s, p, bias):
    if min(h, w) + 2 * p < k:
        return
    standard = conv2d_cost((h, w, c_in), c_out, k, s, p, bias)
    assert standard.macs == count_macs_by_enumeration((h, w, c_in), c_out, k, s, p)
    depthwise = depthwise_conv2d_cost((h, w, c_in), k, s, p, bias)
    assert depthwise.macs == count_macs_by_enumeration((h, w, c_in), c_in, k, s, p, groups=c_in)
    pointwise = pointwise_conv2d_cost(depthwise.out_shape, c_out, bias)
    assert pointwise.macs == count_macs_by_enumeration(depthwise.out_shape, c_out, 1, 1, 0)
    separable = depthwise_separable_cost((h, w, c_in), c_out, k, s, p, bias)
    assert separable.macs == depthwise.macs + pointwise.macs
    assert separable.weights == depthwise.weights + pointwise.weights
    # weights are the sizes of the arrays a layer would hold
    assert standard.weights == np.zeros((k, k, c_in, c_out)).size + (c_out if bias else 0)
    assert depthwise.weights == np.zeros((k, k, 1, c_in)).size + (c_in if bias else 0)


@settings(max_examples=100, deadline=None)
@given(h=st.integers(1, 8), w=st.integers(1, 8), c_in=st.integers(1, 4), c_out=st.integers(1, 4), k=st.integers(1, 4),
       s=st.integers(1, 3), p=st.integers(0, 2))
def test_macs_equal_the_work_conv2d_does(h, w, c_in, c_out, k, s, p):
    """With all-ones inputs and weights, each output element sums one 1 per multiply-accumulate."""
    if min(h, w) + 2 * p < k:
        return
    x_padded_with_ones = np.ones((h + 2 * p, w + 2 * p, c_in))  # padded zeros count as work too
    out = conv2d(x_padded_with_ones, np.ones((k, k, c_in, c_out)), stride=s)
    assert int(out.sum()) == conv2d_cost((h, w, c_in), c_out, k, s, p).macs


@settings(max_examples=300, deadline=None)
@given(n_in=st.integers(1, 40), n_out=st.integers(1, 40), k=st.integers(1, 7), d=st.integers(1, 3))
def test_solve_padding_stride_round_trips_and_is_complete(n_in, n_out, k, d):
    pairs = solve_padding_stride(n_in, n_out, k, d)
    for p, s in pairs:
        assert output_size(n_in, k, s, p, d) == n_out
        assert 0 <= p <= d * (k - 1) and 1 <= s <= n_in + 2 * p - d * (k - 1)
    assert pairs == sorted(pairs, key=lambda ps: (ps[1], ps[0]))
    assert sorted(pairs) == sorted(solve_by_search(n_in, n_out, k, d))


@given(k=st.integers(1, 15))
def test_stride_one_keeps_the_size_only_for_odd_kernels(k):
    keeps = any(s == 1 for _, s in solve_padding_stride(20, 20, k))
    assert keeps == (k % 2 == 1)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("bad", [2.0, "3", None, True, np.float64(3.0), [3]])
@pytest.mark.parametrize("param", ["n", "kernel", "stride", "padding", "dilation"])
def test_output_size_rejects_non_integers(param, bad):
    args = {"n": 10, "kernel": 3, "stride": 1, "padding": 0, "dilation": 1, param: bad}
    with pytest.raises(TypeError, match=param):
        output_size(**args)


@pytest.mark.parametrize(
    ("param", "value", "rule"),
    [("n", 0, ">= 1"), ("kernel", 0, ">= 1"), ("stride", 0, ">= 1"), ("padding", -1, ">= 0"), ("dilation", 0, ">= 1")],
)
def test_output_size_rejects_impossible_values(param, value, rule):
    args = {"n": 10, "kernel": 3, "stride": 1, "padding": 0, "dilation": 1, param: value}
    with pytest.raises(ValueError, match=f"{param} must be {rule}, got {value}"):
        output_size(**args)


def test_output_size_rejects_a_kernel_that_does_not_fit():
    with pytest.raises(ValueError, match=r"kernel must fit the padded input.*n=2, kernel=5"):
        output_size(2, 5, padding=1)


@pytest.mark.parametrize(("param", "value"), [("n_in", 0), ("n_out", 0), ("kernel", 0), ("dilation", 0)])
def test_solve_padding_stride_rejects_impossible_values(param, value):
    args = {"n_in": 20, "n_out": 20, "kernel": 3, "dilation": 1, param: value}
    with pytest.raises(ValueError, match=param):
        solve_padding_stride(**args)
    args[param] = 1.5
    with pytest.raises(TypeError, match=param):
        solve_padding_stride(**args)


@pytest.mark.parametrize(
    ("in_shape", "error", "match"),
    [
        ((30, 30), ValueError, "in_shape must have 3 entries"),
        ((30, 30, 0), ValueError, r"in_shape\[2\] must be >= 1"),
        ((30, 30.0, 20), TypeError, r"in_shape\[1\] must be an integer"),
        ("30x30x20", TypeError, "in_shape must be a sequence"),
        (None, TypeError, "in_shape must be a sequence"),
    ],
)
def test_costs_reject_bad_shapes(in_shape, error, match):
    for call in (
        lambda: conv2d_cost(in_shape, 4, 3),
        lambda: depthwise_conv2d_cost(in_shape, 3),
        lambda: pointwise_conv2d_cost(in_shape, 4),
        lambda: depthwise_separable_cost(in_shape, 4, 3),
    ):
        with pytest.raises(error, match=match):
            call()


def test_costs_reject_bad_scalars():
    with pytest.raises(ValueError, match="out_channels must be >= 1, got 0"):
        conv2d_cost((8, 8, 3), 0, 3)
    with pytest.raises(TypeError, match="bias must be True or False"):
        conv2d_cost((8, 8, 3), 4, 3, bias=1)
    with pytest.raises(ValueError, match="padding must be >= 0, got -1"):
        depthwise_separable_cost((8, 8, 3), 4, 3, padding=-1)
    with pytest.raises(ValueError, match="kernel must fit"):
        depthwise_conv2d_cost((2, 2, 3), 5)
    with pytest.raises(TypeError, match="stride must be an integer"):
        depthwise_separable_cost((8, 8, 3), 4, 3, stride=None)


def test_conv2d_rejects_bad_input():
    x, w = np.ones((5, 5, 4)), np.ones((3, 3, 4, 2))
    with pytest.raises(ValueError, match="x must be 3-D"):
        conv2d(np.ones((5, 5)), w)
    with pytest.raises(ValueError, match="w must be 4-D"):
        conv2d(x, np.ones((3, 3, 4)))
    with pytest.raises(ValueError, match="square kernel"):
        conv2d(x, np.ones((3, 2, 4, 2)))
    with pytest.raises(ValueError, match="input channels must be divisible by groups"):
        conv2d(x, np.ones((3, 3, 1, 3)), groups=3)
    with pytest.raises(ValueError, match="output channels must be divisible by groups"):
        conv2d(x, np.ones((3, 3, 2, 3)), groups=2)
    with pytest.raises(ValueError, match=r"w.shape\[2\] must equal C_in / groups"):
        conv2d(x, np.ones((3, 3, 4, 2)), groups=2)
    with pytest.raises(ValueError, match="kernel must fit"):
        conv2d(np.ones((2, 2, 4)), w)
    with pytest.raises(ValueError, match=r"bias must have shape \(C_out,\)"):
        conv2d(x, w, bias=np.ones(3))
    with pytest.raises(TypeError, match="x must be a numeric array"):
        conv2d(np.array([[["a"]]]), w)
    with pytest.raises(TypeError, match="w must be a numeric array"):
        conv2d(x, None)
    with pytest.raises(TypeError, match="groups must be an integer"):
        conv2d(x, w, groups=1.0)
    with pytest.raises(ValueError, match="stride must be >= 1, got 0"):
        conv2d(x, w, stride=0)


# ---------------------------------------------------------------- dtypes: exact integers, deliberate choices


def conv_by_python_ints(x, w, stride=1, padding=0):
    """The loop definition in Python integers, which never overflow: the oracle for integer inputs."""
    x = [[[int(v) for v in row] for row in plane] for plane in np.asarray(x).tolist()]
    h, wd, c_in = len(x), len(x[0]), len(x[0][0])
    k, _, _, c_out = w.shape
    padded = [[[0] * c_in for _ in range(wd + 2 * padding)] for _ in range(h + 2 * padding)]
    for i in range(h):
        for j in range(wd):
            padded[i + padding][j + padding] = x[i][j]
    size = lambda n: (n + 2 * padding - k) // stride + 1  # noqa: E731
    return [[[sum(padded[stride * i + u][stride * j + v][c] * int(w[u, v, c, o])
                  for u in range(k) for v in range(k) for c in range(c_in))
              for o in range(c_out)] for j in range(size(wd))] for i in range(size(h))]


@pytest.mark.parametrize(
    ("dtype", "value", "expected"),
    [
        (np.int8, 100, 360_000),  # 100 * 100 * (3 * 3 * 4): int8 gave 64
        (np.uint8, 200, 1_440_000),  # uint8 gave 0
        (np.int16, -30_000, 32_400_000_000),
        (np.uint64, 2**28, 2**56 * 36),
    ],
)
def test_integer_inputs_are_accumulated_exactly(dtype, value, expected):
    x = np.full((3, 3, 4), value, dtype=dtype)
    w = np.full((3, 3, 4, 2), value, dtype=dtype)
    out = conv2d(x, w)
    assert out.dtype == np.int64
    assert out.shape == (1, 1, 2) and int(out[0, 0, 0]) == expected == value * value * 36


@settings(max_examples=30)
@given(
    dtype=st.sampled_from([np.int8, np.uint8, np.int16, np.uint16]),
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(1, 3),
    s=st.integers(1, 2),
    p=st.integers(0, 1),
)
def test_integer_conv2d_equals_python_integer_arithmetic(dtype, seed, k, s, p):
    info = np.iinfo(dtype)
    rng = np.random.default_rng(seed)
    x = rng.integers(info.min, info.max, size=(4, 5, 3), endpoint=True).astype(dtype)
    w = rng.integers(info.min, info.max, size=(k, k, 3, 2), endpoint=True).astype(dtype)
    got = conv2d(x, w, stride=s, padding=p)
    assert got.tolist() == conv_by_python_ints(x, w, s, p)


def test_integer_bias_is_added_exactly():
    x = np.full((2, 2, 1), 100, dtype=np.int8)
    w = np.full((2, 2, 1, 1), 100, dtype=np.int8)
    out = conv2d(x, w, bias=np.array([127], dtype=np.int8))
    assert out.dtype == np.int64 and int(out[0, 0, 0]) == 40_127


def test_integers_too_large_for_int64_are_refused_not_wrapped():
    x = np.full((2, 2, 1), 2**40, dtype=np.int64)
    with pytest.raises(ValueError, match="integer inputs too large to convolve exactly.*pass float arrays"):
        conv2d(x, x.reshape(2, 2, 1, 1))
    big = np.full((2, 2, 1), 2**63 + 5, dtype=np.uint64)
    with pytest.raises(ValueError, match="too large"):
        conv2d(big, np.ones((1, 1, 1, 1), dtype=np.uint64))


def test_bool_arrays_are_refused_with_the_conversion_to_make():
    with pytest.raises(TypeError, match=r"x must be a numeric array, got dtype bool.*x.astype\(int\)"):
        conv2d(np.ones((3, 3, 1), dtype=bool), np.ones((3, 3, 1, 1)))
    with pytest.raises(TypeError, match="w must be a numeric array, got dtype bool"):
        conv2d(np.ones((3, 3, 1)), np.ones((3, 3, 1, 1), dtype=bool))


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_narrow_floats_are_computed_in_float64(dtype):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 6, 8)).astype(dtype)
    w = rng.standard_normal((3, 3, 8, 2)).astype(dtype)
    out = conv2d(x, w, padding=1)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, conv2d(x.astype(np.float64), w.astype(np.float64), padding=1))


def test_mixed_integer_and_float_inputs_give_float64():
    out = conv2d(np.full((3, 3, 1), 100, dtype=np.int8), np.full((3, 3, 1, 1), 0.5))
    assert out.dtype == np.float64 and out[0, 0, 0] == 450.0


def test_complex_inputs_are_convolved_as_complex128():
    x = np.ones((3, 3, 1), dtype=np.complex64) * (1 + 1j)
    out = conv2d(x, np.ones((3, 3, 1, 1)))
    assert out.dtype == np.complex128 and out[0, 0, 0] == 9 + 9j


# ---------------------------------------------------------------- Cost checks its fields (item 8)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("a", 10, (1, 1, 1)), TypeError, "weights must be an integer, got 'a'"),
        ((5, "xy", (1, 1, 1)), TypeError, "macs must be an integer, got 'xy'"),
        ((5, 10, 5), TypeError, r"out_shape must be a sequence \(H, W, C\)"),
        ((5, 10, (1, 1)), ValueError, "out_shape must have 3 entries"),
        ((-1, 10, (1, 1, 1)), ValueError, "weights must be >= 0, got -1"),
        ((5, 2.5, (1, 1, 1)), TypeError, "macs must be an integer"),
        ((True, 10, (1, 1, 1)), TypeError, "weights must be an integer"),
    ],
)
def test_cost_checks_its_fields(args, error, match):
    with pytest.raises(error, match=match):
        Cost(*args)


def test_cost_normalises_numpy_integers_and_separable_cost_needs_costs():
    cost = Cost(np.int64(5), np.int32(10), [1, 2, 3])
    assert (type(cost.weights), type(cost.macs), cost.out_shape, cost.flops) == (int, int, (1, 2, 3), 20)
    with pytest.raises(TypeError, match="depthwise must be a Cost"):
        SeparableCost("a", cost)
