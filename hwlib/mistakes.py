"""A catalogue of named mistakes: error models that produce the wrong values a known slip gives.

Each :class:`Mistake` is a small function of the Given that returns the *wrong local
formulas* the mistake puts in place of the book's (for example ``∂L/∂z = z − t``
for the dropped factor 2).  :meth:`Mistake.predict` evaluates the book's local
formulas (:attr:`hwlib.answers.Truth.formulas`) with those replaced, so it returns
every value the mistake changes, downstream ones included: what a student who
makes this one mistake, and no other, writes.  :meth:`Mistake.step` evaluates the
mistake's formula for one quantity with any upstream values (a student's own), which
is how the marker names the mistake made in one step of a chain.

:func:`diagnose` answers "which known mistakes give this value?" for one quantity;
the marker (:mod:`hwlib.marker`) and practice feedback use it.  Values agree as the
tolerance policy says (:class:`hwlib.tolerance.Policy`, by default three significant figures,
counts exactly).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import sympy as sp

from hwlib import answers
from hwlib.answers import Truth
from hwlib.naming import default_letters, slope_key, unit_key, weight_key
from hwlib.tolerance import COUNT, DEFAULT, Policy

__all__ = ["Mistake", "CATALOGUE", "diagnose", "diagnose_step", "by_name", "truth_of"]

_s = sp.Symbol


def truth_of(problem: int, given: Mapping[str, Any]) -> Truth:
    """``hwlib.answers.problemN_truth(**given)`` for problem 1, 2 or 3, from the one cache
    (:func:`hwlib.answers.truth`)."""
    return answers.truth(problem, given)


Formulas = Callable[[Mapping[str, Any], Truth], dict[str, sp.Expr]]


@dataclass(frozen=True)
class Mistake:
    """One known mistake of one problem.

    ``formulas(given, truth)`` returns the wrong local formulas, by quantity key, that the mistake
    puts in place of the book's (in the symbols of other quantities, or numbers).
    """

    name: str
    problem: int
    feedback: str
    formulas: Formulas = field(repr=False, compare=False)
    #: the feedback with the names of the network marked in braces ({out}, {below}, {above}, {layer}), filled by
    #: :meth:`feedback_for`; ``feedback`` is this wording for the homework's network
    wording: str | None = field(default=None, repr=False, compare=False)

    def feedback_for(self, given: Mapping[str, Any]) -> str:
        """The feedback in the names of the network of ``given`` (its output unit, the layers of the example
        weight): ``feedback`` itself for a mistake of Problems 1 and 2."""
        if self.wording is None:
            return self.feedback
        return self.wording.format(**_p3_names(given))

    def predict(self, given: Mapping[str, Any], policy: Policy = DEFAULT) -> dict[str, float]:
        """The values this mistake changes (that no longer agree with the truth under ``policy``), by quantity
        key, downstream ones included; ``{}`` if none."""
        return dict(_prediction(self, _Given.of(given), policy))

    def step_functions(self, given: Mapping[str, Any]) -> dict[str, tuple[tuple[str, ...], Callable[..., float]]]:
        """quantity -> (names, function): this mistake's formula for each step it changes, compiled once per Given;
        ``function(*values of names)`` is the wrong value of that step."""
        return {q: (names, function) for q, (names, function, _) in _compiled_steps(self, _Given.of(given)).items()}

    def step(self, quantity: str, given: Mapping[str, Any], values: Mapping[str, float]) -> float | None:
        """This mistake's formula for ``quantity`` evaluated with ``values`` (true values fill the rest).

        ``None`` where the mistake does not touch that step.
        """
        compiled = _compiled_steps(self, _Given.of(given)).get(quantity)
        if compiled is None:
            return None
        names, function, truth = compiled
        try:
            return float(function(*[values.get(n, truth.values.get(n, math.nan)) for n in names]))
        except (ArithmeticError, ValueError):
            return None


# ------------------------------------------------------------------ evaluation
@dataclass(frozen=True)
class _Given:
    """A Given with its :func:`hwlib.answers.given_key`: hashed and compared by the key alone, so that the caches
    below can hold the Given itself."""

    key: Hashable
    given: Mapping[str, Any] = field(compare=False, hash=False)

    @classmethod
    def of(cls, given: Mapping[str, Any]) -> _Given:
        return cls(answers.given_key(given), given)


def propagate(truth: Truth, overrides: Mapping[str, sp.Expr]) -> dict[str, float]:
    """Every quantity of ``truth`` recomputed from its local formula, with ``overrides`` in place of some, in
    float64 (NaN where a step overflows or is undefined).

    Quantities without a formula (the givens) keep their true values unless overridden.
    """
    formulas = {**truth.formulas, **overrides}
    values: dict[str, float] = {}

    def value(q: str, depth: int = 0) -> float:
        if q not in values:
            if depth > 200:
                raise ValueError(f"the formulas of {q!r} refer to each other in a cycle")
            if q in formulas:
                names, function = answers.compiled(sp.sympify(formulas[q]))
                inputs = [value(n, depth + 1) for n in names]
                try:
                    values[q] = float(function(*inputs))
                except (ArithmeticError, ValueError):
                    values[q] = math.nan
            else:
                values[q] = truth.values[q]
        return values[q]

    for q in list(truth.values) + list(overrides):
        value(q)
    return values


@lru_cache(maxsize=1024)
def _prediction(mistake: Mistake, keyed: _Given, policy: Policy) -> tuple[tuple[str, float], ...]:
    given = keyed.given
    try:
        truth = answers.truth(mistake.problem, given)
        overrides = mistake.formulas(given, truth)
    except (ValueError, TypeError):
        return ()
    if not overrides:
        return ()
    values = propagate(truth, overrides)
    changed = []
    for q, v in values.items():
        true = truth.values.get(q)
        if true is None or math.isnan(v) or policy.agrees(v, true, truth.kind(q)):
            continue
        changed.append((q, v))
    return tuple(changed)


@lru_cache(maxsize=1024)
def _compiled_steps(mistake: Mistake, keyed: _Given) -> dict[str, tuple[tuple[str, ...], Callable[..., float], Truth]]:
    given = keyed.given
    try:
        truth = answers.truth(mistake.problem, given)
        overrides = mistake.formulas(given, truth)
    except (ValueError, TypeError):
        return {}
    compiled = {}
    for q, expr in overrides.items():
        names, function = answers.compiled(sp.sympify(expr))
        compiled[q] = (names, function, truth)
    return compiled


# ------------------------------------------------------------------ Problem 1
def _p1_depthwise_weights_with_c_out(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    return {"depthwise.weights": _s("k") ** 2 * _s("C_out")}


def _p1_macs_with_input_size(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    h_in, w_in, _ = (int(v) for v in given["in_shape"])
    k, ci, co = _s("k"), _s("C_in"), _s("C_out")
    return {"standard.macs": h_in * w_in * co * k**2 * ci, "depthwise.macs": h_in * w_in * ci * k**2,
            "pointwise.macs": h_in * w_in * ci * co}


def _p1_output_size_without_padding(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    h_in, w_in, _ = (int(v) for v in given["in_shape"])
    k, stride = int(truth.values["k"]), int(truth.values["stride"])
    if truth.values["padding"] == 0 or min(h_in, w_in) < k:
        return {}
    return {"padding": sp.Integer(0), "H_out": sp.Integer((h_in - k) // stride + 1),
            "W_out": sp.Integer((w_in - k) // stride + 1)}


def _p1_macs_without_kernel_area(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    ho, wo, ci, co = _s("H_out"), _s("W_out"), _s("C_in"), _s("C_out")
    return {"standard.macs": ho * wo * ci * co, "depthwise.macs": ho * wo * ci}


def _p1_pointwise_as_k_by_k(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    k, ho, wo, ci, co = _s("k"), _s("H_out"), _s("W_out"), _s("C_in"), _s("C_out")
    return {"pointwise.weights": k**2 * ci * co, "pointwise.macs": ho * wo * k**2 * ci * co}


def _p1_biases_counted(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    k, ci, co = _s("k"), _s("C_in"), _s("C_out")
    return {"standard.weights": (k**2 * ci + 1) * co, "depthwise.weights": (k**2 + 1) * ci,
            "pointwise.weights": (ci + 1) * co}


def _p1_c_in_as_filters(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    k, ci = _s("k"), _s("C_in")
    return {"standard.weights": k**2 * ci * ci, "pointwise.weights": ci * ci}


#: Problem 1's counts that a student may round
_P1_COUNTS = tuple(f"{part}.{what}" for part in ("standard", "depthwise", "pointwise", "separable")
                   for what in ("weights", "macs"))


def _p1_count_rounded(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    """Each count of four or more figures rounded to three significant figures (1,828,224 written 1.83e6), as a
    real value would be: the Given's numbers, not a formula of the student's."""
    out: dict[str, sp.Expr] = {}
    for q in _P1_COUNTS:
        if q in truth.values:
            true = int(truth.values[q])
            place = len(str(abs(true))) - 3  # the unit of the third significant figure, 10^place
            if place < 1:
                continue
            # ties away from zero, as hwlib.tolerance rounds
            rounded = int(Decimal(true).scaleb(-place).quantize(Decimal(1), rounding=ROUND_HALF_UP).scaleb(place))
            if rounded != true:
                out[q] = sp.Integer(rounded)
    return out


def _p1_output_size_without_floor(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    # i + 2p − k = (o − 1)s solved for p, with the student's own stride
    h_in = int(given["in_shape"][0])
    return {"padding": ((_s("H_out") - 1) * _s("stride") - h_in + _s("k")) / 2}


def _p1_output_size_without_plus_1(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    # ⌊(i + 2p − k)/s⌋ = o: the least such p, with the student's own stride
    h_in = int(given["in_shape"][0])
    return {"padding": sp.ceiling((_s("H_out") * _s("stride") - h_in + _s("k")) / 2)}


# ------------------------------------------------------------------ Problem 2
def _p2_parts(given: Mapping[str, Any]) -> dict[str, int]:
    return {str(part): int(k) for part, k in given["kernels"].items()}


def _p2_no_padding(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    return {f"{part}.padding": sp.Integer(0) for part, k in _p2_parts(given).items() if k > 1}


def _p2_padding_k_minus_1(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    return {f"{part}.padding": sp.Integer(k - 1) for part, k in _p2_parts(given).items() if k > 1}


def _p2_filters_equal_kernel(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    return {f"{part}.filters": sp.Integer(k) for part, k in _p2_parts(given).items()}


def _p2_filters_equal_in_channels(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    c_in = int(given["in_volume"][2])
    return {f"{part}.filters": sp.Integer(c_in) for part in _p2_parts(given)}


def _p2_stride_equals_kernel(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    return {f"{part}.stride": sp.Integer(k) for part, k in _p2_parts(given).items() if k > 1}


# ------------------------------------------------------------------ Problem 3
@dataclass(frozen=True)
class _Net:
    """The names of a Problem 3 network; ``relu``: its hidden layers apply ReLU, so that a step through hidden unit
    j carries the factor ``slope(layer, j)``, as the book's formulas do (:func:`hwlib.answers.problem3_truth`)."""

    sizes: tuple[int, ...]
    letters: tuple[str, ...] = ("x", "y", "z", "z")
    relu: bool = False

    def slope(self, layer: int, j: int) -> sp.Expr:
        """ReLU's slope at the input of unit j of ``layer`` (a quantity of the Given): 1 without ReLU and at the
        output."""
        if not self.relu or layer in (0, len(self.sizes) - 1):
            return sp.Integer(1)
        return _s(slope_key(unit_key(self.letters, self.sizes, layer, j)))

    def evidently_activated(self, layer: int, j: int, u: sp.Expr) -> sp.Expr:
        """Unit j of ``layer`` as a forward slip gives it from the slip's input ``u``, where that is evidence of
        the slip: ``u`` where ReLU keeps the unit on, undefined (``u / H(u)``: a division by 0, which no evaluator
        matches) where ReLU clips it to 0, since a 0 there is what many slips give (a sign, a unit taken as off);
        ``u`` without ReLU."""
        if not self.relu or layer in (0, len(self.sizes) - 1):
            return u
        return u * sp.Pow(sp.Heaviside(u, 0), -1, evaluate=False)

    def unit(self, layer: int, i: int) -> sp.Symbol:
        return _s(unit_key(self.letters, self.sizes, layer, i))

    def grad(self, layer: int, i: int) -> sp.Symbol:
        return _s("dL/d" + unit_key(self.letters, self.sizes, layer, i))

    @staticmethod
    def weight(layer: int, i: int, j: int) -> sp.Symbol:  # weight from unit i of `layer` to unit j of layer + 1
        return _s(weight_key(layer, i, j))

    @property
    def square_layers(self) -> list[int]:
        return [layer for layer in range(len(self.sizes) - 1) if self.sizes[layer] == self.sizes[layer + 1] > 1]


def _net(given: Mapping[str, Any]) -> _Net:
    weights: Sequence = given["weights"]
    sizes = [len(given["x"])] + [len(w[0]) for w in weights]
    return _Net(tuple(sizes), default_letters(sizes), given.get("hidden_activation", "identity") == "relu")


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _p3_names(given: Mapping[str, Any]) -> dict[str, str]:
    """The names a Problem 3 feedback uses, for this Given's network: ``out`` (the output unit), and for the
    example of a transposed weight the layers of the last (``below``, ``above``, ``layer``) and the first
    (``first_below``, ``first_above``, ``first_layer``) weight matrix joining two layers of equal width
    (the homework's y, z, ² and x, y, ¹)."""
    net = _net(given)
    last = len(net.sizes) - 1
    square = net.square_layers or [0]
    return {
        "out": net.letters[last] if net.sizes[last] > 1 else unit_key(net.letters, net.sizes, last, 0),
        "below": net.letters[square[-1]], "above": net.letters[square[-1] + 1],
        "layer": str(square[-1] + 1).translate(_SUPERSCRIPT),
        "first_below": net.letters[square[0]], "first_above": net.letters[square[0] + 1],
        "first_layer": str(square[0] + 1).translate(_SUPERSCRIPT),
    }


def _p3_outputs(net: _Net) -> list[int]:
    return list(range(net.sizes[-1]))


def _p3_dropped_factor_2(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    net = _net(given)
    last = len(net.sizes) - 1
    return {str(net.grad(last, j)): net.unit(last, j) - _s("t") for j in _p3_outputs(net)}


def _p3_target_minus_output(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    net = _net(given)
    last = len(net.sizes) - 1
    return {str(net.grad(last, j)): 2 * (_s("t") - net.unit(last, j)) for j in _p3_outputs(net)}


def _p3_transposed_weight(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    net = _net(given)
    out = {}
    for layer in net.square_layers:  # dL/da_i = sum_j w_ji dL/da'_j instead of w_ij
        n = net.sizes[layer]
        for i in range(n):
            out[str(net.grad(layer, i))] = sum(net.weight(layer, j, i) * net.slope(layer + 1, j)
                                               * net.grad(layer + 1, j) for j in range(n))
    return out


def _p3_transposed_weight_forward(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    net = _net(given)
    out = {}
    for layer in net.square_layers:  # a'_j = sum_i a_i w_ji instead of w_ij
        n = net.sizes[layer]
        for j in range(n):
            out[str(net.unit(layer + 1, j))] = net.evidently_activated(layer + 1, j, sum(
                net.unit(layer, i) * net.weight(layer, j, i) for i in range(n)))
    return out


def _p3_missing_path(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    net = _net(given)
    out = {}
    for layer in range(1, len(net.sizes) - 1):  # dL/da_i keeps only the path through unit j = i (or the first)
        following = net.sizes[layer + 1]
        if following < 2:
            continue
        for i in range(net.sizes[layer]):
            j = i if i < following else 0
            out[str(net.grad(layer, i))] = net.weight(layer, i, j) * net.slope(layer + 1, j) * net.grad(layer + 1, j)
    return out


def _p3_lost_sign_of_negative_input(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    net = _net(given)
    out = {}
    for layer in range(len(net.sizes) - 1):  # dL/dw_ij = |a_i| dL/da'_j instead of a_i dL/da'_j
        for i in range(net.sizes[layer]):
            for j in range(net.sizes[layer + 1]):
                key = "dL/d" + str(net.weight(layer, i, j))
                out[key] = sp.Abs(net.unit(layer, i)) * net.slope(layer + 1, j) * net.grad(layer + 1, j)
    return out


def _p3_relu_not_applied(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    """The network worked as a linear one: every hidden unit's value its input u_j = Σ_i a_i w_ij, and its slope
    taken as 1, so a unit whose input is negative keeps that input as its value, and the gradient passes back
    through it (a Given without ReLU: none)."""
    net = _net(given)
    if not net.relu:
        return {}
    out: dict[str, sp.Expr] = {}
    for layer in range(1, len(net.sizes) - 1):
        for j in range(net.sizes[layer]):
            out[str(net.slope(layer, j))] = sp.Integer(1)
            out[str(net.unit(layer, j))] = sum(net.unit(layer - 1, i) * net.weight(layer - 1, i, j)
                                               for i in range(net.sizes[layer - 1]))
    return out


def _p3_relu_slope_taken_as_one(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    """The forward pass right, the backward pass as if every hidden unit were on: ∂L/∂w_ij = a_i ∂L/∂a_j and
    ∂L/∂a_i = Σ_j w_ij ∂L/∂a_j at every unit j that ReLU's slope would stop (a Given without ReLU: none)."""
    net = _net(given)
    if not net.relu:
        return {}
    out = {}
    for layer in range(len(net.sizes) - 1):
        following = range(net.sizes[layer + 1])
        for i in range(net.sizes[layer]):
            for j in following:
                out["dL/d" + str(net.weight(layer, i, j))] = net.unit(layer, i) * net.grad(layer + 1, j)
            if layer > 0:
                out[str(net.grad(layer, i))] = sum(net.weight(layer, i, j) * net.grad(layer + 1, j) for j in following)
    return out


def _p3_off_unit_gradient_zero(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    """∂L/∂(unit) set to 0 at each hidden unit that ReLU switched off, where it is what the layer above sends back
    (the unit's slope 0 stops the gradient only below it); a Given without ReLU: none."""
    net = _net(given)
    if not net.relu:
        return {}
    out = {}
    for layer in range(1, len(net.sizes) - 1):  # ReLU'(a_j) Σ_k w_jk ReLU'(a'_k) ∂L/∂a'_k: 0 exactly where a_j is off
        following = range(net.sizes[layer + 1])
        for j in range(net.sizes[layer]):
            out[str(net.grad(layer, j))] = net.slope(layer, j) * sum(
                net.weight(layer, j, k) * net.slope(layer + 1, k) * net.grad(layer + 1, k) for k in following)
    return out


def _p2_padding_k_over_2(given: Mapping[str, Any], truth: Truth) -> dict[str, sp.Expr]:
    return {f"{part}.padding": sp.Rational(k, 2) for part, k in _p2_parts(given).items()}


#: the names of the homework's network (x, y, z, z), in which ``Mistake.feedback`` of Problem 3 is worded
_HOMEWORK_NAMES = {"out": "z", "below": "y", "above": "z", "layer": "²", "first_below": "x", "first_above": "y",
                   "first_layer": "¹"}


def _p3_mistake(name: str, wording: str, formulas: Formulas) -> Mistake:
    return Mistake(name, 3, wording.format(**_HOMEWORK_NAMES), formulas, wording)


CATALOGUE: tuple[Mistake, ...] = (
    Mistake("depthwise_weights_with_c_out", 1,
            "the depthwise stage has one k × k filter per input channel, so its weights are k²·C_in, not k²·C_out",
            _p1_depthwise_weights_with_c_out),
    Mistake("macs_with_input_size", 1,
            "a layer does its multiply-accumulates once per output position, H_out × W_out, "
            "not once per input position",
            _p1_macs_with_input_size),
    Mistake("output_size_without_padding", 1,
            "the output size is ⌊(i + 2p − k)/s⌋ + 1: without the padding it falls short of the output size asked for",
            _p1_output_size_without_padding),
    Mistake("macs_without_kernel_area", 1,
            "each output value takes k × k multiply-accumulates per input channel: the factor k² is missing",
            _p1_macs_without_kernel_area),
    Mistake("pointwise_as_k_by_k", 1,
            "the pointwise stage uses 1 × 1 filters: its counts have no factor k²",
            _p1_pointwise_as_k_by_k),
    Mistake("biases_counted", 1,
            "the question counts weights: a filter's k × k × C_in values, without its bias; counting one bias per "
            "filter adds C_out (C_in for the depthwise stage)",
            _p1_biases_counted),
    Mistake("c_in_as_filters", 1,
            "the number of filters is the output depth C_out, not the input depth C_in",
            _p1_c_in_as_filters),
    Mistake("output_size_without_floor", 1,
            "the output size is ⌊(i + 2p − k)/s⌋ + 1: without the floor the padding comes out as a fraction",
            _p1_output_size_without_floor),
    Mistake("output_size_without_plus_1", 1,
            "the output size is ⌊(i + 2p − k)/s⌋ + 1: without the + 1 the padding comes out too large",
            _p1_output_size_without_plus_1),
    Mistake("count_rounded", 1,
            "this is the count rounded to three significant figures: a count is exact, so give every digit",
            _p1_count_rounded),
    Mistake("no_padding", 2,
            "without padding a k × k filter shrinks each side by k − 1; padding (k − 1)/2 keeps the size",
            _p2_no_padding),
    Mistake("padding_k_minus_1", 2,
            "the padding goes on both sides: (k − 1)/2 per side keeps the size, k − 1 per side grows it",
            _p2_padding_k_minus_1),
    Mistake("filters_equal_in_channels", 2,
            "each filter spans all C_in input channels and makes one output channel: the number of filters is "
            "C_out, not C_in",
            _p2_filters_equal_in_channels),
    Mistake("filters_equal_kernel", 2,
            "the number of filters sets the output depth C_out; it is not the filter size k",
            _p2_filters_equal_kernel),
    Mistake("stride_equals_kernel", 2,
            "a stride as large as the filter shrinks the map; keeping the size needs stride 1",
            _p2_stride_equals_kernel),
    Mistake("padding_k_over_2", 2,
            "padding (k − 1)/2 per side keeps the size with stride 1; k/2 comes from the output size without its "
            "+ 1, i + 2p − k = i",
            _p2_padding_k_over_2),
    _p3_mistake("dropped_factor_2",
                "the factor 2 is missing: the derivative of ({out} − t)² is 2({out} − t), so ∂L/∂{out} and every "
                "gradient after it come out half as large",
                _p3_dropped_factor_2),
    _p3_mistake("target_minus_output",
                "this uses (t − {out}) where the derivative of ({out} − t)² needs ({out} − t): every gradient flips "
                "its sign",
                _p3_target_minus_output),
    Mistake("relu_not_applied", 3,
            "the hidden units' ReLU was left out: a hidden unit gives max(0, u), so one whose input u is negative is "
            "off, with value 0, and its slope 0 stops the gradient there; this works the network as a linear one",
            _p3_relu_not_applied),
    Mistake("relu_slope_taken_as_one", 3,
            "the backward pass lets the gradient through a unit that ReLU switched off: its slope ReLU′ is 0 there "
            "(its input is negative), not 1, so no gradient passes back through it",
            _p3_relu_slope_taken_as_one),
    Mistake("relu_off_unit_gradient_zero", 3,
            "a unit that ReLU switched off still gets its gradient from the layer above: ∂L/∂ of the unit is the sum "
            "over the edges it feeds, as for any unit; its slope ReLU′ = 0 stops the gradient only below it",
            _p3_off_unit_gradient_zero),
    _p3_mistake("transposed_weight",
                "this uses the transposed weight (w{layer}₁₂ and w{layer}₂₁ swapped): ∂{above}_j/∂{below}_i is the "
                "weight on the edge from {below}_i to {above}_j",
                _p3_transposed_weight),
    _p3_mistake("transposed_weight_forward",
                "the forward pass uses the transposed weight (w{first_layer}₁₂ and w{first_layer}₂₁ swapped): "
                "{first_above}_j sums {first_below}_i times the weight from {first_below}_i to {first_above}_j",
                _p3_transposed_weight_forward),
    Mistake("missing_path", 3,
            "a unit that feeds several units collects a gradient along each path; this sum leaves one out",
            _p3_missing_path),
    Mistake("lost_sign_of_negative_input", 3,
            "multiplying by a negative input flips the sign; here the sign of the input was lost",
            _p3_lost_sign_of_negative_input),
)

_BY_NAME = {m.name: m for m in CATALOGUE}


def by_name(name: str) -> Mistake:
    """The catalogue's mistake called ``name``."""
    if name not in _BY_NAME:
        raise ValueError(f"name must be one of the catalogue's mistakes {sorted(_BY_NAME)}, got {name!r}")
    return _BY_NAME[name]


def _check(problem: int, quantity: str, value: float) -> None:
    if isinstance(problem, bool) or problem not in (1, 2, 3):
        raise ValueError(f"problem must be 1, 2 or 3, got {problem!r}")
    if not isinstance(quantity, str):
        raise TypeError(f"quantity must be a str, got {type(quantity).__name__}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"value must be a number, got {value!r}")


def _gives(policy: Policy, value: float, predicted: float, kind: str) -> bool:
    """A mistake gives ``value``: the policy's agreement, except that a count a mistake predicts may be a
    fraction (padding k/2 = 1.5) and is then matched exactly."""
    if kind == COUNT:
        return math.isfinite(predicted) and value == predicted
    return policy.agrees(value, predicted, kind)


def diagnose(problem: int, given: Mapping[str, Any], quantity: str, value: float,
             policy: Policy = DEFAULT) -> list[Mistake]:
    """The catalogue's mistakes whose prediction for ``quantity`` agrees with ``value`` (under ``policy``)
    while ``value`` does not agree with the true value; catalogue order."""
    _check(problem, quantity, value)
    keyed = _Given.of(given)
    truth = answers.truth(problem, given)
    if quantity not in truth.values:
        raise ValueError(f"quantity must be a quantity of problem {problem}, got {quantity!r}")
    kind = truth.kind(quantity)
    if policy.agrees(value, truth.values[quantity], kind):
        return []
    found = []
    for mistake in CATALOGUE:
        if mistake.problem != problem:
            continue
        predicted = dict(_prediction(mistake, keyed, policy)).get(quantity)
        if predicted is not None and _gives(policy, value, predicted, kind):
            found.append(mistake)
    return found


def diagnose_step(problem: int, given: Mapping[str, Any], quantity: str, value: float,
                  values: Mapping[str, float], policy: Policy = DEFAULT) -> list[Mistake]:
    """The catalogue's mistakes whose formula for this one step, fed with ``values`` (a student's own
    upstream values; true values fill the rest), gives ``value``, where the book's formula with the
    same values does not."""
    _check(problem, quantity, value)
    truth = answers.truth(problem, given)
    kind = truth.kind(quantity)
    right = truth.formulas.get(quantity)
    if right is not None:
        env = {sym: sp.Float(values.get(str(sym), truth.values.get(str(sym), math.nan))) for sym in right.free_symbols}
        if policy.agrees(value, float(right.xreplace(env)), kind):
            return []
    found = []
    for mistake in CATALOGUE:
        if mistake.problem != problem:
            continue
        result = mistake.step(quantity, given, values)
        if result is not None and _gives(policy, value, result, kind):
            found.append(mistake)
    return found
