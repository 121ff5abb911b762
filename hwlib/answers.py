"""The book's answers to the three problems, as named quantities.

Each ``problemN_truth`` returns a :class:`Truth`: the value of every quantity
(givens included), its label in the book's notation, and, for each computed
quantity, its *local formula* in terms of other quantities (the chain rule one
step at a time).  The marker (:mod:`hwlib.marker`) evaluates those formulas
with the student's own numbers to tell a carried-forward error from a new one.

:func:`truth` gives the truth of a problem by its number, computed once per Given (the one cache of
the answers); :mod:`hwlib.problems` is the registry that the rest of the package asks.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from hwlib import conv, givens
from hwlib.naming import (
    default_letters,
    gradient_key,
    gradient_label,
    network_keys,
    slope_key,
    slope_label,
    unit_key,
    unit_label,
    weight_key,
    weight_label,
)
from hwlib.network import Network
from hwlib.tolerance import COUNT, REAL, exact

__all__ = ["Truth", "problem1_truth", "problem2_truth", "problem3_truth", "GIVEN_NAMES", "OPTIONAL_GIVEN_NAMES",
           "TRUTH_FUNCTIONS", "truth",
           "given_key"]


@dataclass(frozen=True)
class Truth:
    """values: quantity -> number; labels: quantity -> LaTeX; formulas: quantity -> sympy expression in
    Symbol(quantity)s; kinds: quantity -> :data:`hwlib.tolerance.COUNT` (a whole number, compared exactly) or
    :data:`hwlib.tolerance.REAL` (compared at the policy's significant figures)."""

    values: dict[str, float]
    labels: dict[str, str]
    formulas: dict[str, sp.Expr] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def kind(self, quantity: str) -> str:
        """The kind of ``quantity``: as declared, else real."""
        return self.kinds.get(quantity, REAL)


def _pairs_for_both_axes(in_hw: Sequence[int], out_hw: Sequence[int], kernel: int) -> list[tuple[int, int]]:
    """The first (padding, stride) pair (smallest stride, then padding) that takes the height and the width to
    their output sizes alike, as a one-item list; [] when none does (stride ranges intersected arithmetically)."""
    common = conv.common_padding_stride_ranges(conv.padding_stride_ranges(in_hw[0], out_hw[0], kernel),
                                               conv.padding_stride_ranges(in_hw[1], out_hw[1], kernel))
    first = conv.first_padding_stride(common)
    return [] if first is None else [first]


def problem1_truth(in_shape: Sequence[int], out_shape: Sequence[int], kernel: int) -> Truth:
    """Weights and MACs of the standard and depthwise separable layers (Problem 1).

    The (padding, stride) is the first pair (smallest stride, then padding) that takes both the height and
    the width to the output size; none raises ValueError (``hwlib.worked.problem1.solve`` says why in words).
    """
    checked = givens.problem1({"in_shape": in_shape, "out_shape": out_shape, "kernel": kernel})
    (h_in, w_in, c_in), (h_out, w_out, c_out) = checked["in_shape"], checked["out_shape"]
    solutions = _pairs_for_both_axes((h_in, w_in), (h_out, w_out), kernel)
    if not solutions:
        raise ValueError(f"no (padding, stride) takes in_shape {checked['in_shape']} to out_shape "
                         f"{checked['out_shape']} with kernel {kernel} (height and width alike)")
    padding, stride = solutions[0]
    standard = conv.conv2d_cost((h_in, w_in, c_in), c_out, kernel, stride, padding)
    separable = conv.depthwise_separable_cost((h_in, w_in, c_in), c_out, kernel, stride, padding)
    values = {
        "k": kernel, "C_in": c_in, "C_out": c_out, "H_out": standard.out_shape[0], "W_out": standard.out_shape[1],
        "padding": padding, "stride": stride,
        "standard.weights": standard.weights, "standard.macs": standard.macs,
        "depthwise.weights": separable.depthwise.weights, "depthwise.macs": separable.depthwise.macs,
        "pointwise.weights": separable.pointwise.weights, "pointwise.macs": separable.pointwise.macs,
        "separable.weights": separable.weights, "separable.macs": separable.macs,
    }
    labels = {
        "k": "k", "C_in": r"C_\text{in}", "C_out": r"C_\text{out}", "H_out": r"H_\text{out}", "W_out": r"W_\text{out}",
        "padding": "p", "stride": "s",
    }
    for step in ("standard", "depthwise", "pointwise", "separable"):
        labels[f"{step}.weights"] = rf"W_\text{{{step}}}"
        labels[f"{step}.macs"] = rf"M_\text{{{step}}}"
    s = sp.Symbol
    k, ci, co, ho, wo = s("k"), s("C_in"), s("C_out"), s("H_out"), s("W_out")
    formulas = {
        # a layer's MACs are its weights used once per output position: H_out · W_out · weights, so a
        # student's MACs follow through from their own weights
        "standard.weights": k**2 * ci * co, "standard.macs": ho * wo * s("standard.weights"),
        "depthwise.weights": k**2 * ci, "depthwise.macs": ho * wo * s("depthwise.weights"),
        "pointwise.weights": ci * co, "pointwise.macs": ho * wo * s("pointwise.weights"),
        "separable.weights": s("depthwise.weights") + s("pointwise.weights"),
        "separable.macs": s("depthwise.macs") + s("pointwise.macs"),
    }
    return Truth({key: float(v) for key, v in values.items()}, labels, formulas, dict.fromkeys(values, COUNT))


def problem2_truth(in_volume: Sequence[int], out_volume: Sequence[int], kernels: dict[str, int]) -> Truth:
    """Padding, stride and number of filters of each part (Problem 2); the first solution when several exist.

    filters = C_out; (padding, stride) is the first pair that takes height and width alike to the output size.
    A part that no symmetric (padding, stride) solves has no ``padding`` and ``stride`` values (never NaN):
    ``hwlib.worked.problem2`` answers it in words.
    """
    checked = givens.problem2({"in_volume": in_volume, "out_volume": out_volume, "kernels": kernels})
    (n, _, _), (_, _, c_out) = checked["in_volume"], checked["out_volume"]
    values: dict[str, float] = {"n": n, "C_out": c_out}
    labels = {"n": "i", "C_out": r"C_\text{out}"}
    for part, kernel in checked["kernels"].items():
        solutions = _pairs_for_both_axes(checked["in_volume"], checked["out_volume"], kernel)
        values[f"{part}.k"] = kernel
        labels[f"{part}.k"] = "k"
        if solutions:
            values[f"{part}.padding"], values[f"{part}.stride"] = solutions[0]
        values[f"{part}.filters"] = c_out
        labels.update({f"{part}.padding": "p", f"{part}.stride": "s", f"{part}.filters": r"\text{filters}"})
    return Truth({key: float(v) for key, v in values.items()}, labels, {}, dict.fromkeys(values, COUNT))


def problem3_truth(weights: Sequence, x: Sequence[float], t: float, letters: Sequence[str] | None = None,
                   hidden_activation: str = "identity") -> Truth:
    """Forward values, loss and every gradient of the Problem 3 network, with the chain rule's local formulas.

    The Given is checked as the chapter checks it (:func:`hwlib.givens.problem3`); ``letters`` name the layers,
    by default as the chapter names them (:func:`hwlib.naming.default_letters`: x, y, z, z for the homework's).

    ``hidden_activation`` "relu" puts f(u) = max(u, 0) on every hidden layer (the output stays linear), with
    the values and gradients of :meth:`hwlib.network.Network.backward`: a unit's value is f of its input u_j,
    ∂L/∂(unit) is the derivative by that value.  The local formulas then carry, for each hidden unit a_j, its
    slope f'(u_j) as a quantity of its own, ``relu'(a_j)`` (:func:`hwlib.naming.slope_key`; 1 where u_j > 0, 0
    where u_j < 0, and 0 at u_j = 0 as ``Network`` takes it), with its own local formula, the Heaviside step of
    the unit's value a_j (never a field a student fills in, but worked out, like a blank, from their own values)::

        a_j = H(u_j) · u_j with u_j = Σ_i a_i w_ij,   relu'(a_j) = H(a_j),
        ∂L/∂w_ij = a_i · relu'(a_j) · ∂L/∂a_j,   ∂L/∂a_i = Σ_j w_ij · relu'(a_j) · ∂L/∂a_j.

    H(a_j) is H(u_j) wherever a_j is max(u_j, 0); on a student's own values it reads the on/off pattern they
    wrote: a unit is on where their value of it is positive, or, left blank, where their own input to it is.  So
    a value is carried (:mod:`hwlib.marker`) when the step gives it from the student's own upstream values, the
    slopes of those values included: a student who wrote y₁ = 1 where y₁ is off, and let the gradient through
    y₁, has the later steps carried.
    Without an activation (the homework's) no slope appears and the formulas are the linear ones.
    """
    given = {"weights": weights, "x": x, "t": t}
    if hidden_activation != "identity":
        given["hidden_activation"] = hidden_activation
    checked = givens.problem3(given, one_output=False)
    weights, x, t = checked["weights"], checked["x"], checked["t"]
    activation = checked.get("hidden_activation", "identity")
    net = Network([np.array(w, dtype=float) for w in weights], hidden_activation=activation)
    sizes = net.layer_sizes
    if letters is None:
        letters = default_letters(sizes)
    network_keys(letters, sizes)  # the letters name every layer, and no two keys coincide
    values_by_layer = net.forward(x)
    grads = net.backward(x, t)
    values: dict[str, float] = {"t": float(t)}
    labels: dict[str, str] = {"t": "t", "L": "L"}
    formulas: dict[str, sp.Expr] = {}
    key = lambda layer, i: unit_key(letters, sizes, layer, i)  # noqa: E731
    label = lambda layer, i: unit_label(letters, sizes, layer, i)  # noqa: E731
    d = gradient_key
    s = sp.Symbol
    for layer, size in enumerate(sizes):
        for i in range(size):
            values[key(layer, i)] = float(values_by_layer[layer][i])
            labels[key(layer, i)] = label(layer, i)
            values[d(key(layer, i))] = float(grads.activations[layer][i])
            labels[d(key(layer, i))] = gradient_label(label(layer, i))
    slopes: dict[tuple[int, int], sp.Expr] = {}  # (layer, j) -> the factor of the hidden unit's slope, 1 if none
    relu: set[tuple[int, int]] = set()  # the hidden units that apply ReLU
    for layer in range(1, len(sizes)):
        inputs = values_by_layer[layer - 1] @ net.weights[layer - 1]
        for j in range(sizes[layer]):
            slopes[layer, j] = sp.Integer(1)
            if activation == "relu" and layer < len(sizes) - 1:
                relu.add((layer, j))
                slope = slope_key(key(layer, j))
                values[slope] = 1.0 if inputs[j] > 0 else 0.0
                labels[slope] = slope_label(label(layer, j))
                slopes[layer, j] = s(slope)
                # ReLU'(u_j) = H(a_j): 1 where the unit's value a_j = max(u_j, 0) is positive, that is where u_j > 0,
                # else 0 (0 at the kink, as Network takes it)
                formulas[slope] = sp.Heaviside(s(key(layer, j)), 0)
    for layer, matrix in enumerate(net.weights):
        for i in range(matrix.shape[0]):
            for j in range(matrix.shape[1]):
                w = weight_key(layer, i, j)
                values[w] = float(matrix[i, j])
                labels[w] = weight_label(layer, i, j)
                values[d(w)] = float(grads.weights[layer][i, j])
                labels[d(w)] = gradient_label(weight_label(layer, i, j))
                # dL/dw^l_ij = a^{l-1}_i f'(u^l_j) dL/da^l_j
                formulas[d(w)] = s(key(layer, i)) * slopes[layer + 1, j] * s(d(key(layer + 1, j)))
        for j in range(matrix.shape[1]):  # forward: a^l_j = f(u^l_j), u^l_j = sum_i a^{l-1}_i w^l_ij
            u = sum(s(key(layer, i)) * s(weight_key(layer, i, j)) for i in range(matrix.shape[0]))
            formulas[key(layer + 1, j)] = relu_of(u) if (layer + 1, j) in relu else u
        for i in range(matrix.shape[0]):  # backward: dL/da^{l-1}_i = sum_j w^l_ij f'(u^l_j) dL/da^l_j
            formulas[d(key(layer, i))] = sum(
                s(weight_key(layer, i, j)) * slopes[layer + 1, j] * s(d(key(layer + 1, j)))
                for j in range(matrix.shape[1])
            )
    out = [key(len(sizes) - 1, j) for j in range(sizes[-1])]
    values["L"] = net.loss(x, t)
    formulas["L"] = sum((s(o) - s("t")) ** 2 for o in out)
    for o in out:
        formulas[d(o)] = 2 * (s(o) - s("t"))
    return Truth(values, labels, formulas, dict.fromkeys(values, REAL))


# ------------------------------------------------------------------ the truth of a problem, by number
GIVEN_NAMES: dict[int, tuple[str, ...]] = {
    1: ("in_shape", "out_shape", "kernel"),
    2: ("in_volume", "out_volume", "kernels"),
    3: ("weights", "x", "t"),
}
def relu_of(u: sp.Expr) -> sp.Expr:
    """ReLU as the local formulas write it, H(u) · u = max(u, 0) (H: the Heaviside step, 0 at the kink), in the
    terms every evaluator of the formulas has (:data:`MATH_MODULES`, numpy, the page script's ``step``)."""
    return sp.Heaviside(u, 0) * u


def heaviside(x: Any, at_zero: Any = 0) -> int | float:
    """The Heaviside step as the formulas use it (ReLU's slope): 1 where ``x`` > 0, 0 where ``x`` <= 0 (``at_zero``
    is the value sympy's ``Heaviside(x, 0)`` names; the kink counts as off, as :class:`hwlib.network.Network` takes
    it), NaN where ``x`` is NaN (a unit whose own value overflowed is neither on nor off, so nothing carries through
    it).  An int otherwise, so that a formula evaluated in exact fractions stays exact."""
    if x > 0:
        return 1
    return 0 if x <= 0 else math.nan


def numpy_heaviside(x: Any, at_zero: Any = 0) -> Any:
    """:func:`heaviside` on numpy arrays (NaN stays NaN), for ``lambdify``'s numpy modules."""
    x = np.asarray(x, dtype=np.float64)
    return np.where(np.isnan(x), np.nan, np.where(x > 0, 1.0, 0.0))


#: lambdify's modules for the local formulas on Python numbers: ``math``, and the Heaviside step
MATH_MODULES: list[Any] = [{"Heaviside": heaviside}, "math"]
#: lambdify's modules for the local formulas on numpy arrays: ``numpy``, and the Heaviside step
NUMPY_MODULES: list[Any] = [{"Heaviside": numpy_heaviside}, "numpy"]


def exact_values(truth: Truth) -> dict[str, Fraction]:
    """Every quantity of ``truth`` exactly: a Given's number as written (:func:`hwlib.tolerance.exact`: an int as
    it is, a float as the decimal it prints as, 0.35 as 7/20), each formula evaluated in rationals on those.

    The float64 values of ``truth`` may sit on the other side of a rounding tie (y₁ = 0.1 · 0.1 + 0.35 · 0.35 is
    0.1325 exactly and 0.13249999999999998 in float64): a value is marked against these.  Raises ValueError for
    formulas nested past 10,000 levels.
    """
    out: dict[str, Fraction] = {}

    def value(q: str, depth: int = 0) -> Fraction:
        if q not in out:
            if depth > 10_000:
                raise ValueError(f"the formula of {q!r} is nested too deeply")
            if q in truth.formulas:
                names, function = compiled(sp.sympify(truth.formulas[q]))
                out[q] = Fraction(function(*[value(n, depth + 1) for n in names]))
            else:
                known = exact(truth.values[q])
                if known is None:
                    raise ValueError(f"{q} is not a finite number: {truth.values[q]!r}")
                out[q] = known
        return out[q]

    for q in truth.values:
        value(q)
    return out


@lru_cache(maxsize=8192)
def compiled(expr: sp.Expr) -> tuple[tuple[str, ...], Callable[..., Any]]:
    """``expr`` as a function on Python numbers (:data:`MATH_MODULES`) of its symbols' values, and their names
    (sorted): ``function(*values of names)``.  Compiled once per expression and process: every variant of a
    network shape shares its formulas, and ``lambdify`` is most of the time a marker takes to set up."""
    symbols = sorted(expr.free_symbols, key=str)
    return tuple(str(s) for s in symbols), sp.lambdify(symbols, expr, modules=MATH_MODULES, dummify=True)

#: keys a Given may hold beside GIVEN_NAMES: Problem 3's hidden activation (:func:`hwlib.givens.problem3`)
OPTIONAL_GIVEN_NAMES: dict[int, tuple[str, ...]] = {1: (), 2: (), 3: ("hidden_activation",)}
TRUTH_FUNCTIONS: dict[int, Callable[..., Truth]] = {1: problem1_truth, 2: problem2_truth, 3: problem3_truth}
TRUTH_CACHE_SIZE = 256


def given_key(given: Any) -> Hashable:
    """A hashable form of a Given that keeps what the checks tell apart: ``3`` and ``3.0`` differ (a size must be
    an int), lists, tuples and numpy arrays of the same numbers agree, and a dict keeps its order (Problem 2's parts
    are answered in the order given)."""
    if isinstance(given, Mapping):
        return ("map", tuple((key, given_key(value)) for key, value in given.items()))
    if hasattr(given, "tolist") and not isinstance(given, (str, bytes)):
        return given_key(given.tolist())
    if isinstance(given, (list, tuple)):
        return ("seq", tuple(given_key(value) for value in given))
    if isinstance(given, bool):
        return ("bool", given)
    if isinstance(given, int):
        return ("int", given)
    if isinstance(given, float):
        return ("float", given)
    hash(given)  # anything else (a string, None) stands for itself, if it can
    return (type(given).__name__, given)


_CACHE: OrderedDict[tuple[int, Hashable], Truth] = OrderedDict()


def truth(problem: int, given: Mapping[str, Any]) -> Truth:
    """``TRUTH_FUNCTIONS[problem](**given)``, computed once per Given: the one cache of the answers (the last
    :data:`TRUTH_CACHE_SIZE` Givens, keyed on :func:`given_key`).  The Given must have exactly the keys
    ``GIVEN_NAMES[problem]`` (and any of ``OPTIONAL_GIVEN_NAMES[problem]``); a wrong one raises TypeError or
    ValueError, and is never cached."""
    if isinstance(problem, bool) or problem not in TRUTH_FUNCTIONS:
        raise ValueError(f"problem must be 1, 2 or 3, got {problem!r}")
    given = givens.check_keys(problem, given, GIVEN_NAMES[problem], OPTIONAL_GIVEN_NAMES[problem])
    try:
        key = (problem, given_key(given))
    except TypeError:  # a value that cannot be hashed: computed (and its error raised) without the cache
        return TRUTH_FUNCTIONS[problem](**given)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    found = TRUTH_FUNCTIONS[problem](**given)
    _CACHE[key] = found
    if len(_CACHE) > TRUTH_CACHE_SIZE:
        _CACHE.popitem(last=False)
    return found
