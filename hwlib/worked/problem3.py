"""Problem 3 in words and numbers, for any Given: forward pass and backpropagation.

Given ``{"weights": [W^1, W^2, ...], "x": [x_1, ...], "t": t}``: row i, column j
of ``W^l`` is the homework's w^l_ij; any depth and widths, one output unit.
The units are named by :func:`hwlib.naming.default_letters` (x, then y, z, u, ...
for the hidden layers; the output is the homework's z unless z names another
layer's units).  Used by ``book/problem3_backprop.ipynb`` and the practice pages.

Each section is a *facts* function (a frozen dataclass of numbers, booleans and
names: :func:`statement_facts`, :func:`forward_facts`, :func:`route_facts`,
:func:`descent_facts`, :func:`variation_facts`, :func:`watch_out_facts`) and a
template ``hwlib/templates/problem3/<section>.md`` that words them; tables and
display math are built here.  Values in sentences are exact for a decimal Given
(fractions) and written with :data:`PROSE_DIGITS` significant digits, with
"about" or ``\approx`` exactly where that rounds them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from hwlib import fmt, givens
from hwlib.answers import problem3_truth
from hwlib.naming import FROM_SUPERSCRIPTS, default_letters, slope_label, unit_key, unit_label, weight_label
from hwlib.network import ACTIVATIONS, Gradients, Network
from hwlib.symbolic_network import SYMPY_ACTIVATIONS, symbolic_gradients
from hwlib.words import render
from hwlib.worked.markdown import answer_box, join_words, table

__all__ = [
    "NUMERIC_TOLERANCE",
    "PROSE_DIGITS",
    "SYMBOLIC_TOLERANCE",
    "Case",
    "DescentFacts",
    "DiffCheckFacts",
    "ForwardFacts",
    "RouteFacts",
    "StatementFacts",
    "VariationFacts",
    "VariedUnit",
    "WatchOutFacts",
    "agreement_text",
    "answer",
    "answer_quantities",
    "backprop_steps",
    "d",
    "ACTIVATION_NAMES",
    "activation_name",
    "default_letters",
    "descent_facts",
    "descent_table",
    "descent_text",
    "diff_check_facts",
    "diff_check_text",
    "exact_forward",
    "first_step_text",
    "forward_equations",
    "forward_facts",
    "forward_table",
    "forward_text",
    "pre_activations",
    "route_facts",
    "routes_table",
    "solution",
    "solve",
    "statement",
    "statement_facts",
    "variation_facts",
    "variation_table",
    "variation_text",
    "watch_out",
    "watch_out_facts",
]

#: significant digits of a value that is not whole, in this problem's sentences (tables keep fmt.number's 6);
#: a formula says "\approx" before a value that these digits round
PROSE_DIGITS = 3

@dataclass(frozen=True)
class Case:
    """Problem 3 worked out for one Given: the network, the forward pass and the gradients (``values``, ``loss``
    and ``grads`` computed exactly from the decimals of the Given, each rounded once to float64)."""

    weights: tuple[np.ndarray, ...]
    x: np.ndarray
    t: float
    letters: tuple[str, ...]
    net: Network
    values: tuple[np.ndarray, ...]
    loss: float
    grads: Gradients
    activation: str = "identity"  # of every hidden layer: "identity" (the homework's) or "relu"

    @property
    def relu(self) -> bool:
        return self.activation == "relu"

    def hidden(self, layer: int) -> bool:
        """Whether ``layer`` (0 the inputs) is a hidden layer."""
        return 0 < layer < self.n_layers

    def slope(self, layer: int, j: int) -> int:
        """ReLU's slope at the input of unit j of a hidden ``layer`` (1 without ReLU and at the output): 1 where the
        unit's value is positive, 0 where it is 0 (its input negative, or 0, where the slope is taken as 0)."""
        return 0 if self.relu and self.hidden(layer) and self.values[layer][j] <= 0 else 1

    def slope_name(self, layer: int, j: int) -> str:
        """The LaTeX name of that slope: ReLU'(y_{1})."""
        return slope_label(self.unit(layer, j))

    @property
    def sizes(self) -> list[int]:
        return self.net.layer_sizes

    @property
    def n_layers(self) -> int:
        return len(self.weights)

    @property
    def given(self) -> dict[str, Any]:
        given = {"weights": [w.tolist() for w in self.weights], "x": self.x.tolist(), "t": self.t}
        return given if self.activation == "identity" else {**given, "hidden_activation": self.activation}

    @property
    def output(self) -> float:
        return float(self.values[-1][0])

    def unit(self, layer: int, i: int) -> str:
        """LaTeX name of unit i (0-based) of a layer: x_{1}, y_{2}, ..., or the bare letter of a one-unit output."""
        return unit_label(self.letters, self.sizes, layer, i)

    def weight(self, layer: int, i: int, j: int) -> str:
        """LaTeX name of weights[layer][i, j], the homework's w^{layer+1}_{i+1 j+1} (as hwlib.naming and sympy
        write it)."""
        return weight_label(layer, i, j)

    def edges(self) -> list[tuple[int, int, int]]:
        """(layer, i, j) of every weight, layer by layer, row by row."""
        return [(l, i, j) for l in range(self.n_layers) for i in range(self.sizes[l]) for j in range(self.sizes[l + 1])]


def solve(given: Mapping[str, Any] | Case) -> Case:
    """Work Problem 3 out for ``given``; an ill-typed or impossible Given raises one clear error."""
    if isinstance(given, Case):
        return given
    checked = givens.problem3(given)
    activation = checked.get("hidden_activation", "identity")
    weights = tuple(np.array(w, dtype=float) for w in checked["weights"])
    net = Network(list(weights), hidden_activation=activation)
    x = np.array(checked["x"], dtype=float)
    letters = default_letters(net.layer_sizes)
    net.backward(x, checked["t"])  # raises one clear error where a value overflows float64
    # the values and gradients the page shows: exact for the decimals of the Given, then rounded once to float64
    # (a float64 forward pass can leave 1e-17 where the exact output is 0)
    t = _exact(checked["t"])
    exact_values, exact_grads, exact_deltas = _exact_step(
        [[[_exact(v) for v in row] for row in w] for w in weights], [_exact(v) for v in x], t, activation)
    def as_array(rows):
        return np.array([float(v) for v in rows], dtype=float)

    grads = Gradients(weights=[np.array([[float(v) for v in row] for row in g], dtype=float) for g in exact_grads],
                      activations=[as_array(layer) for layer in exact_deltas])
    loss = float((exact_values[-1][0] - t) ** 2)
    return Case(weights, x, checked["t"], letters, net, tuple(as_array(layer) for layer in exact_values), loss, grads,
                activation)


def d(name: str) -> str:
    """∂L/∂(name) in LaTeX."""
    return rf"\frac{{\partial L}}{{\partial {name}}}"


def _term(value: float) -> str:
    """A number as a factor inside $...$: parenthesised when negative."""
    text = fmt.latex(value)
    return f"({text})" if text.startswith("-") else text


@dataclass(frozen=True)
class StatementFacts:
    """What the problem says for this Given: the names of the units, layer by layer, x, t and the number of weights;
    ``relu``: the hidden layers apply ReLU (then ``slope_example`` names the slope of the first hidden unit, and
    ``kinks`` the hidden units whose input is exactly 0)."""

    inputs: tuple[str, ...]
    hidden: tuple[tuple[str, ...], ...]
    output: str
    x: tuple[float, ...]
    t: float
    n_weights: int
    relu: bool = False
    slope_example: str = ""
    kinks: tuple[str, ...] = ()


def statement_facts(given: Mapping[str, Any] | Case) -> StatementFacts:
    case = solve(given)
    return StatementFacts(
        inputs=tuple(case.unit(0, i) for i in range(case.sizes[0])),
        hidden=tuple(tuple(case.unit(l, i) for i in range(case.sizes[l])) for l in range(1, case.n_layers)),
        output=case.unit(case.n_layers, 0),
        x=tuple(float(v) for v in case.x),
        t=float(case.t),
        n_weights=len(case.edges()),
        relu=case.relu and case.n_layers > 1,
        slope_example=case.slope_name(1, 0) if case.n_layers > 1 else "",
        kinks=tuple(case.unit(l, i) for l, u in enumerate(pre_activations(case, case.activation)) if case.hidden(l)
                    for i in range(len(u)) if case.relu and u[i] == 0),
    )


def statement(given: Mapping[str, Any] | Case) -> str:
    """The problem as posed for this Given (template ``problem3/statement.md``)."""
    return _render("problem3/statement.md", statement_facts(given))


def forward_equations(given: Mapping[str, Any] | Case) -> str:
    """The forward pass and the loss as equations in this network's names."""
    case = solve(given)
    parts = []
    for l in range(1, case.n_layers + 1):
        below = case.letters[l - 1]
        target = f"{case.letters[l]}_j" if case.sizes[l] > 1 else case.letters[l]
        if case.sizes[l - 1] > 1:
            index = "ij" if case.sizes[l] > 1 else "i1"
            total = rf"\sum_i {below}_i \, w^{{{l}}}_{{{index}}}"
        else:  # one unit below: a single term, no sum
            index = "1j" if case.sizes[l] > 1 else "11"
            total = rf"{below} \, w^{{{l}}}_{{{index}}}"
        if case.relu and case.hidden(l):
            total = rf"\max\bigl(0,\ {total}\bigr)"
        parts.append(f"{target} = {total}")
    parts.append(rf"L = ({case.unit(case.n_layers, 0)} - t)^2")
    return "$$\n" + r", \qquad ".join(parts) + " .\n$$"


def forward_table(given: Mapping[str, Any] | Case) -> str:
    """Every unit of the forward pass with its sum written out, then the loss."""
    case = solve(given)
    rows = []
    for l in range(1, case.n_layers + 1):
        for j in range(case.sizes[l]):
            terms = " + ".join(f"{_term(case.values[l - 1][i])} \\cdot {_term(case.weights[l - 1][i, j])}"
                               for i in range(case.sizes[l - 1]))
            if case.relu and case.hidden(l):
                terms = rf"\max(0,\ {terms})"
            rows.append([f"${case.unit(l, j)}$", f"${terms}$", fmt.number(case.values[l][j])])
    out = case.unit(case.n_layers, 0)
    rows.append(["$L$", f"$({out} - t)^2 = ({fmt.latex(case.output)} - {_term(case.t)})^2$", fmt.number(case.loss)])
    return table(["unit", "computed as", "value"], rows, "llr")


def _is_exact(value: float, digits: int) -> bool:
    """Whether ``fmt.number(value, digits)`` writes ``value`` exactly (then a formula says '=', else '\\approx');
    ``value`` may be a :class:`fractions.Fraction`, the exact value of a decimal Given."""
    exact = value if isinstance(value, Fraction) else Fraction(float(value))
    return _written_value(fmt.number(value, digits)) == exact


def _written_value(text: str) -> Fraction:
    """The exact value a number written by :func:`hwlib.fmt.number` states: '1,024' is 1024, '−0.5' is -1/2,
    '1.5 × 10⁻⁷' is 3/20000000."""
    text = text.replace(",", "").replace(fmt.MINUS, "-")
    if " × 10" not in text:
        return Fraction(text)
    mantissa, exponent = text.split(" × 10")
    return Fraction(mantissa) * Fraction(10) ** int(exponent.translate(FROM_SUPERSCRIPTS))


def _eq(value: float, digits: int = PROSE_DIGITS) -> str:
    """'= 4' or '\\approx 4.33': the relation a formula states before ``value`` written with ``digits`` digits."""
    return ("= " if _is_exact(value, digits) else r"\approx ") + fmt.latex(value, digits)


def _about(value: float, digits: int = PROSE_DIGITS) -> str:
    """``value`` in prose, with 'about' before it when ``digits`` digits round it: '9', 'about 1.92'."""
    return ("" if _is_exact(value, digits) else "about ") + fmt.number(value, digits)


def exact_forward(case: Case) -> list[list[Fraction]]:
    """The forward pass in exact rational arithmetic, from the decimals the Given is written in (0.1 is 1/10):
    every layer's values (after ReLU on the hidden layers of a ReLU network), index 0 is x."""
    weights = [[[_exact(v) for v in row] for row in w] for w in case.weights]
    return _exact_step(weights, [_exact(v) for v in case.x], _exact(case.t), case.activation)[0]


@dataclass(frozen=True)
class ForwardFacts:
    """The forward pass in numbers, exact for a decimal Given: the output, the target, the loss,
    ∂L/∂(output) = 2(output − t) and every hidden value."""

    output_name: str
    output: Fraction
    t: Fraction
    loss: Fraction
    output_gradient: Fraction
    hidden: tuple[tuple[str, Fraction], ...]


def forward_facts(given: Mapping[str, Any] | Case) -> ForwardFacts:
    case = solve(given)
    values = exact_forward(case)
    output, t = values[-1][0], Fraction(repr(float(case.t)))
    return ForwardFacts(
        output_name=case.unit(case.n_layers, 0),
        output=output,
        t=t,
        loss=(output - t) ** 2,
        output_gradient=2 * (output - t),
        hidden=tuple((case.unit(l, i), values[l][i]) for l in range(1, case.n_layers) for i in range(case.sizes[l])),
    )


def _inline(names: Sequence[str], suffix: str = "") -> list[str]:
    """Each name as inline math, with ``suffix`` inside the dollars: ['$y_{1} = 0$', ...]."""
    return [f"${name}{suffix}$" for name in names]


def _units(units: Sequence[VariedUnit], kind: str) -> list[str]:
    """Varied units in words: 'input' -> '$y_{1}$ (input −2)'; 'becomes' -> '$y_{1}$ (its input 2 becomes 0.881)';
    'upstream' -> '$z_{1}$ (0 becomes 1)', from the value without the activation to the value with it."""
    if kind == "input":
        return [f"${u.name}$ (input {_about(u.pre)})" for u in units]
    if kind == "becomes":
        return [f"${u.name}$ (its input {_about(u.pre)} becomes {_about(u.value)})" for u in units]
    return [f"${u.name}$ ({_about(u.identity_value)} becomes {_about(u.value)})" for u in units]


def _render(template: str, facts: object) -> str:
    """``template`` filled from ``facts``, with this problem's helpers: ``digits`` (the prose precision),
    ``eq(v)`` ('= 4' or '\\approx 4.33'), ``about(v)`` ('9' or 'about 1.92'), ``d(name)`` (∂L/∂name),
    ``tex_term(v)`` (a LaTeX factor, parenthesised when negative), ``inline(names, suffix)`` and
    ``units(varied_units, kind)``."""
    return render(template, facts=facts, digits=PROSE_DIGITS, eq=_eq, about=_about, d=d, tex_term=_term,
                  inline=_inline, units=_units, activation_name=activation_name)


#: how prose and tables name each hidden activation of :data:`hwlib.network.ACTIVATIONS` (ReLU, as the chapter
#: writes it; the others by their function's name)
ACTIVATION_NAMES = {"identity": "identity", "relu": "ReLU", "sigmoid": "sigmoid", "tanh": "tanh"}


def activation_name(activation: str) -> str:
    """The name prose and tables give ``activation``: 'ReLU' for 'relu'."""
    return ACTIVATION_NAMES.get(activation, activation)


def forward_text(given: Mapping[str, Any] | Case) -> str:
    """The output, the loss and the hidden values in one sentence (template ``problem3/forward.md``)."""
    return _render("problem3/forward.md", forward_facts(given))


def backprop_steps(given: Mapping[str, Any] | Case) -> str:
    """Every step of backpropagation with the numbers put in, as one aligned block of display math (with ReLU, each
    step through a hidden unit carries its slope, ReLU'(unit): 1 or 0)."""
    case = solve(given)

    def slope(layer: int, j: int) -> str:
        return rf"{case.slope_name(layer, j)} \, " if case.relu and case.hidden(layer) else ""

    def slope_value(layer: int, j: int) -> str:
        return rf"{case.slope(layer, j)} \cdot " if case.relu and case.hidden(layer) else ""

    out = case.unit(case.n_layers, 0)
    g = case.grads
    steps = [rf"{d(out)} &= 2({out} - t) = 2({fmt.latex(case.output)} - {_term(case.t)}) = "
             rf"{fmt.latex(g.activations[-1][0])}"]
    for l in reversed(range(case.n_layers)):
        for i in range(case.sizes[l]):
            for j in range(case.sizes[l + 1]):
                steps.append(rf"{d(case.weight(l, i, j))} &= {case.unit(l, i)} \, {slope(l + 1, j)}"
                             rf"{d(case.unit(l + 1, j))} = {_term(case.values[l][i])} \cdot {slope_value(l + 1, j)}"
                             rf"{_term(g.activations[l + 1][j])} = {fmt.latex(g.weights[l][i, j])}")
        for i in range(case.sizes[l]):
            terms = " + ".join(rf"{case.weight(l, i, j)} \, {slope(l + 1, j)}{d(case.unit(l + 1, j))}"
                               for j in range(case.sizes[l + 1]))
            numbers = " + ".join(rf"{_term(case.weights[l][i, j])} \cdot {slope_value(l + 1, j)}"
                                 rf"{_term(g.activations[l + 1][j])}" for j in range(case.sizes[l + 1]))
            steps.append(rf"{d(case.unit(l, i))} &= {terms} \\ &= {numbers} = {fmt.latex(g.activations[l][i])}")
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(steps) + "\n\\end{aligned}\n$$"


def first_step_text(given: Mapping[str, Any] | Case) -> str:
    """Why the first backward step matters, with its numbers (template ``problem3/first_step.md``)."""
    return _render("problem3/first_step.md", forward_facts(given))


# ------------------------------------------------------------------ three routes to the gradients

#: backpropagation and sympy agree when they differ by at most this, times the largest gradient (at least 1)
SYMBOLIC_TOLERANCE = 1e-9
#: finite differences agree when they differ from backpropagation by at most this, times the largest gradient
#: (at least 1): their rounding error is about 1e-16 |L| / eps with the step eps of Network.default_eps
NUMERIC_TOLERANCE = 1e-6
#: where an activation has a kink (no derivative): relu at 0
KINKS: dict[str, float] = {"relu": 0.0}


@dataclass(frozen=True)
class RouteFacts:
    """How closely backpropagation, sympy and central finite differences agree, for one hidden activation.

    worst_symbolic = max |backprop − sympy| and worst_numeric = max |backprop − finite differences| over every
    ∂L/∂w and ∂L/∂(unit); the routes agree when the worst is within its tolerance (tolerance × max(1, max |∂L|)).
    ``kinks`` names the hidden units whose input sits exactly on a kink of the activation (relu at 0), with the
    slope each exact route takes there; ``straddled`` the hidden units whose input lies on both sides of a kink
    in the two networks of some central difference (a weight or a unit's value nudged by +eps and by -eps)."""

    activation: str
    worst_symbolic: float
    worst_numeric: float
    tolerance_symbolic: float
    tolerance_numeric: float
    eps: float
    kinks: tuple[str, ...]
    straddled: tuple[str, ...]
    kink_slope_backprop: float | None
    kink_slope_sympy: float | None

    @property
    def symbolic_agree(self) -> bool:
        return self.worst_symbolic <= self.tolerance_symbolic

    @property
    def numeric_agree(self) -> bool:
        return self.worst_numeric <= self.tolerance_numeric


def pre_activations(case: Case, activation: str) -> list[np.ndarray]:
    """The input of every layer's activation (index 0 is x), with ``activation`` on the hidden layers:
    z^l = a^{l-1} W^l, a^l = f(z^l)."""
    f, _ = ACTIVATIONS[activation]
    a, pre = case.x, [case.x]
    for l, w in enumerate(case.weights):
        z = a @ w
        pre.append(z)
        a = z if l == case.n_layers - 1 else f(z)
    return pre


def _straddled(case: Case, activation: str, eps: float) -> tuple[str, ...]:
    """The hidden units whose input falls on both sides of a kink of ``activation`` between the two networks of
    some central difference, as :meth:`hwlib.network.Network.numerical_gradients` forms them: one weight, or one
    unit's value (the rest of the network run from there), nudged by +eps and by -eps."""
    if activation not in KINKS:
        return ()
    kink, (f, _) = KINKS[activation], ACTIVATIONS[activation]
    weights = list(case.weights)

    def sides(start: int, value: np.ndarray, matrices: list[np.ndarray]) -> dict[tuple[int, int], bool]:
        a, out = value, {}
        for index in range(start, case.n_layers - 1):
            z = a @ matrices[index]
            out.update({(index + 1, i): bool(z[i] > kink) for i in range(len(z))})
            a = f(z)
        return out

    found: set[tuple[int, int]] = set()

    def compare(start: int, point: np.ndarray, run: Any) -> None:
        for position in np.ndindex(point.shape):
            plus, minus = point.copy(), point.copy()
            plus[position] += eps
            minus[position] -= eps
            up, down = run(plus), run(minus)
            found.update(unit for unit in up if up[unit] != down[unit])

    for l, w in enumerate(weights):
        compare(0, w, lambda m, l=l: sides(0, case.x, [*weights[:l], m, *weights[l + 1:]]))
    values = Network(weights, hidden_activation=activation).forward(case.x)
    for layer, value in enumerate(values):
        compare(layer, value, lambda v, layer=layer: sides(layer, v, weights))
    return tuple(case.unit(l, i) for l in range(1, case.n_layers) for i in range(case.sizes[l]) if (l, i) in found)


def _kink_slopes(activation: str) -> tuple[float | None, float | None]:
    if activation not in KINKS:
        return None, None
    at = KINKS[activation]
    _, f_prime = ACTIVATIONS[activation]
    u = sp.Symbol("u", real=True)  # the symbol of hwlib.symbolic_network.SYMPY_ACTIVATIONS
    sympy_slope = sp.diff(SYMPY_ACTIVATIONS[activation], u).subs(u, at)
    return float(f_prime(np.array([at]))[0]), float(sympy_slope)


def route_facts(given: Mapping[str, Any] | Case, activation: str = "identity",
                symbolic: Sequence[np.ndarray] | None = None,
                symbolic_activations: Sequence[np.ndarray] | None = None,
                numeric: Gradients | None = None) -> RouteFacts:
    """Compare the three routes for this Given with ``activation`` on the hidden layers (the sympy and finite
    difference gradients are computed here unless given; given finite differences must use the step
    :meth:`hwlib.network.Network.default_eps` chooses, as ``numerical_gradients`` does by default: 1e-6 times the
    largest power of ten not above the largest |x| or |weight|, at most 0.1)."""
    case = solve(given)
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    net = Network(list(case.weights), hidden_activation=activation)
    exact = net.backward(case.x, case.t)
    if symbolic is None or symbolic_activations is None:
        sym = symbolic_gradients(net, case.x, case.t)
        symbolic, symbolic_activations = sym.evaluate(), sym.evaluate_activations()
    eps = net.default_eps(case.x)
    if numeric is None:
        numeric = net.numerical_gradients(case.x, case.t, eps=eps)
    backprop = [*exact.weights, *exact.activations]
    scale = max(1.0, *(float(np.abs(a).max()) for a in backprop))

    def worst(other):
        return max(float(np.abs(np.asarray(a) - np.asarray(b)).max()) for a, b in zip(backprop, other))

    pre = pre_activations(case, activation)
    kinks = tuple(case.unit(l, i) for l in range(1, case.n_layers) for i in range(case.sizes[l])
                  if activation in KINKS and pre[l][i] == KINKS[activation])
    slope_backprop, slope_sympy = _kink_slopes(activation)
    return RouteFacts(
        activation=activation,
        worst_symbolic=worst([*symbolic, *symbolic_activations]),
        worst_numeric=worst([*numeric.weights, *numeric.activations]),
        tolerance_symbolic=SYMBOLIC_TOLERANCE * scale,
        tolerance_numeric=NUMERIC_TOLERANCE * scale,
        eps=eps,
        kinks=kinks,
        straddled=_straddled(case, activation, eps),
        kink_slope_backprop=slope_backprop,
        kink_slope_sympy=slope_sympy,
    )


def routes_table(given: Mapping[str, Any] | Case, symbolic: Sequence[np.ndarray],
                 symbolic_activations: Sequence[np.ndarray],
                 numeric: Gradients) -> str:
    """Every derivative by backpropagation, by sympy and by finite differences, side by side."""
    case = solve(given)
    g = case.grads
    rows = [[f"${d(case.weight(l, i, j))}$", fmt.number(g.weights[l][i, j]), fmt.number(symbolic[l][i, j]),
             fmt.number(numeric.weights[l][i, j])] for l, i, j in case.edges()]
    rows += [[f"${d(case.unit(l, i))}$", fmt.number(g.activations[l][i]), fmt.number(symbolic_activations[l][i]),
              fmt.number(numeric.activations[l][i])] for l in range(case.n_layers + 1) for i in range(case.sizes[l])]
    return table(["derivative", "backpropagation", "sympy", "finite differences"], rows, "lrrr")


def agreement_text(facts: RouteFacts) -> str:
    """How closely the three routes agree, decided from the facts (template ``problem3/agreement.md``)."""
    return _render("problem3/agreement.md", facts)


@dataclass(frozen=True)
class DiffCheckFacts:
    """How many of the chain rule's ∂L/∂w match ``sympy.diff`` of the whole loss, and the weights that do not."""

    total: int                  # the weights, one derivative each
    agreeing: int               # those whose two expressions simplify to the same one
    differing: tuple[str, ...]  # LaTeX names of the others, layer by layer, row by row


def diff_check_facts(given: Mapping[str, Any] | Case, agrees: Sequence[bool]) -> DiffCheckFacts:
    """The facts of :func:`diff_check_text`; ``agrees`` holds one bool per weight, in the order of
    :meth:`Case.edges` (layer by layer, row by row): whether ``sympy.diff(L, w)`` equals the chain rule's
    derivative."""
    case = solve(given)
    edges = case.edges()
    flags = list(agrees)
    if not all(isinstance(flag, (bool, np.bool_)) for flag in flags):
        raise TypeError(f"agrees must hold bools, got {agrees!r}")
    if len(flags) != len(edges):
        raise ValueError(f"agrees must hold one bool per weight ({len(edges)} of them, layer by layer, row by "
                         f"row), got {len(flags)}")
    return DiffCheckFacts(len(edges), sum(bool(flag) for flag in flags),
                          tuple(case.weight(*edge) for edge, flag in zip(edges, flags) if not flag))


def diff_check_text(given: Mapping[str, Any] | Case, agrees: Sequence[bool]) -> str:
    """How many derivatives ``sympy.diff`` of the whole loss confirms, and which it does not
    (template ``problem3/diff_check.md``)."""
    return _render("problem3/diff_check.md", diff_check_facts(given, agrees))


# ------------------------------------------------------------------ one step of gradient descent

def _check_learning_rate(learning_rate: object) -> float:
    """``learning_rate`` as a float; a TypeError unless a finite number, a ValueError unless > 0."""
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) or not np.isfinite(learning_rate):
        raise TypeError(f"learning_rate must be a finite number, got {learning_rate!r}")
    if learning_rate <= 0:
        raise ValueError(f"learning_rate must be > 0 (a step against the gradient), got {learning_rate!r}")
    return float(learning_rate)


def _stepped(case: Case, learning_rate: float) -> Network:
    learning_rate = _check_learning_rate(learning_rate)
    return Network([w - learning_rate * g for w, g in zip(case.weights, case.grads.weights)],
                   hidden_activation=case.activation)


def _digits_apart(a: float, b: float, digits: int = PROSE_DIGITS) -> int:
    """The fewest significant digits (at least ``digits``) that write two different values differently."""
    if a == b:
        return digits
    for n in range(digits, 18):
        if fmt.number(a, n) != fmt.number(b, n):
            return n
    return 17


@dataclass(frozen=True)
class DescentFacts:
    """One gradient-descent step, exact for a decimal Given: the new output and loss, whether the loss falls,
    stays or rises, and which weights do not move (zero gradient) with the zero values and unit gradients that
    make them zero."""

    learning_rate: float
    output_name: str
    at_target: bool
    new_output: Fraction
    loss: Fraction
    new_loss: Fraction
    change: str
    change_digits: int
    still: tuple[str, ...]
    zero_values: tuple[str, ...]
    zero_gradients: tuple[str, ...]
    moved: bool = True        # some weight has a non-zero gradient, so the step moves it


def _exact(value: float) -> Fraction:
    return Fraction(repr(float(value)))


def _exact_step(weights: Sequence[Sequence[Sequence[Fraction]]], x: Sequence[Fraction], t: Fraction,
                activation: str = "identity"):
    """(values per layer, weight gradients, unit gradients) of the network, in exact arithmetic: linear, or with
    ReLU on the hidden layers (``activation`` "relu"; the slope at an input of exactly 0 taken as 0, as
    :data:`hwlib.network.ACTIVATIONS` takes it).  The unit gradients are by each unit's value (after ReLU)."""
    values = [list(x)]
    slopes = [[Fraction(1)] * len(x)]
    for l, w in enumerate(weights):
        inputs = [sum((values[-1][i] * w[i][j] for i in range(len(w))), Fraction(0)) for j in range(len(w[0]))]
        if activation == "relu" and l < len(weights) - 1:
            slopes.append([Fraction(1 if u > 0 else 0) for u in inputs])
            values.append([u if u > 0 else Fraction(0) for u in inputs])
        else:
            slopes.append([Fraction(1)] * len(inputs))
            values.append(inputs)
    deltas = [[Fraction(0)] * len(v) for v in values]
    deltas[-1] = [2 * (values[-1][0] - t)]
    grads = [[[Fraction(0)] * len(w[0]) for _ in w] for w in weights]
    for l in reversed(range(len(weights))):
        w = weights[l]
        for i in range(len(w)):
            for j in range(len(w[0])):
                grads[l][i][j] = values[l][i] * slopes[l + 1][j] * deltas[l + 1][j]
            deltas[l][i] = sum((w[i][j] * slopes[l + 1][j] * deltas[l + 1][j] for j in range(len(w[0]))), Fraction(0))
    return values, grads, deltas


def descent_facts(given: Mapping[str, Any] | Case, learning_rate: float) -> DescentFacts:
    """One step w <- w - eta dL/dw, in exact arithmetic from the decimals of the Given and of ``learning_rate``."""
    case = solve(given)
    _check_learning_rate(learning_rate)
    eta = _exact(learning_rate)
    weights = [[[_exact(v) for v in row] for row in w] for w in case.weights]
    x, t = [_exact(v) for v in case.x], _exact(case.t)
    values, grads, deltas = _exact_step(weights, x, t, case.activation)
    stepped = [[[w[i][j] - eta * g[i][j] for j in range(len(w[0]))] for i in range(len(w))]
               for w, g in zip(weights, grads)]
    new_values, _, _ = _exact_step(stepped, x, t, case.activation)
    loss, new_loss = (values[-1][0] - t) ** 2, (new_values[-1][0] - t) ** 2
    change = "falls" if new_loss < loss else ("stays" if new_loss == loss else "rises")
    return DescentFacts(
        learning_rate=float(learning_rate),
        output_name=case.unit(case.n_layers, 0),
        at_target=deltas[-1][0] == 0,
        new_output=new_values[-1][0],
        loss=loss,
        new_loss=new_loss,
        change=change,
        change_digits=_digits_apart(loss, new_loss),
        still=tuple(case.weight(l, i, j) for l, i, j in case.edges() if grads[l][i][j] == 0),
        moved=any(g != 0 for w in grads for row in w for g in row),
        zero_values=tuple(case.unit(l, i) for l in range(case.n_layers) for i in range(case.sizes[l])
                          if values[l][i] == 0),
        zero_gradients=tuple(d(case.unit(l, j)) for l in range(1, case.n_layers + 1) for j in range(case.sizes[l])
                             if deltas[l][j] == 0),
    )


def descent_table(given: Mapping[str, Any] | Case, learning_rate: float) -> str:
    """Every weight before and after one gradient-descent step."""
    case = solve(given)
    stepped = _stepped(case, learning_rate)
    rows = [[f"${case.weight(l, i, j)}$", fmt.number(case.weights[l][i, j]), fmt.number(case.grads.weights[l][i, j]),
             fmt.number(stepped.weights[l][i, j])] for l, i, j in case.edges()]
    return table(["weight", "before", "gradient", "after"], rows, "lrrr")


def descent_text(given: Mapping[str, Any] | Case, learning_rate: float) -> str:
    """What one step does to the output and the loss, and which weights do not move and why
    (template ``problem3/descent.md``)."""
    return _render("problem3/descent.md", descent_facts(given, learning_rate))


# ------------------------------------------------------------------ a hidden activation

@dataclass(frozen=True)
class VariedUnit:
    """A hidden unit with the activation f: its input z, its value f(z), its value without f, the slope f'(z) that
    backpropagation takes; ``off``: relu with z < 0 (outputs 0); ``kink``: z exactly on a kink of f;
    ``changed_here``: f(z) ≠ z, the activation changed it at the unit itself; ``changed_upstream``: its input z
    differs from its value without f, because a unit below changed."""

    name: str
    pre: float
    value: float
    identity_value: float
    slope: float
    off: bool
    kink: bool
    changed_here: bool
    changed_upstream: bool


@dataclass(frozen=True)
class VariationFacts:
    """The network with ``activation`` on its hidden layers, against the same network without it (whose loss,
    ``loss_identity``, is exact for a decimal Given; ``loss_stays``: the activation leaves the loss unchanged)."""

    activation: str
    units: tuple[VariedUnit, ...]
    loss_identity: Fraction
    loss: float
    loss_stays: bool
    output_identity: float
    output: float
    gradients_change: bool
    routes: RouteFacts

    @property
    def has_hidden(self) -> bool:
        return bool(self.units)

    @property
    def values_change(self) -> bool:
        return any(u.value != u.identity_value for u in self.units) or self.output != self.output_identity

    @property
    def switched_off(self) -> tuple[VariedUnit, ...]:
        return tuple(u for u in self.units if u.off)

    @property
    def kinks(self) -> tuple[VariedUnit, ...]:
        return tuple(u for u in self.units if u.kink)

    @property
    def bent(self) -> tuple[VariedUnit, ...]:
        """Units the activation changed at the unit itself, other than those switched off."""
        return tuple(u for u in self.units if u.changed_here and not u.off)

    @property
    def upstream(self) -> tuple[VariedUnit, ...]:
        """Units whose value changed only because their input changed below them."""
        return tuple(u for u in self.units if u.changed_upstream and not u.changed_here)

    @property
    def slope_not_one(self) -> tuple[VariedUnit, ...]:
        return tuple(u for u in self.units if u.slope != 1)


def variation_facts(given: Mapping[str, Any] | Case, activation: str,
                    routes: RouteFacts | None = None) -> VariationFacts:
    """The facts of the variation with ``activation``, each decided at the unit itself; ``routes`` compares the
    three routes for the varied network (computed by :func:`route_facts` unless given)."""
    case = solve(given)
    if routes is None:
        routes = route_facts(case, activation)
    elif not isinstance(routes, RouteFacts) or routes.activation != activation:
        raise ValueError(f"routes must be the RouteFacts of activation {activation!r}, got {routes!r}")
    f, f_prime = ACTIVATIONS[activation]
    varied = Network(list(case.weights), hidden_activation=activation)
    values, grads = varied.forward(case.x), varied.backward(case.x, case.t)
    # the same network without the activation, in the same float64 arithmetic, so that a change is the activation's
    linear = Network(list(case.weights))
    plain, plain_grads = linear.forward(case.x), linear.backward(case.x, case.t)
    pre = pre_activations(case, activation)
    units = []
    for l in range(1, case.n_layers):
        for i in range(case.sizes[l]):
            z = float(pre[l][i])
            units.append(VariedUnit(
                name=case.unit(l, i), pre=z, value=float(values[l][i]), identity_value=float(plain[l][i]),
                slope=float(f_prime(np.array([z]))[0]),
                off=activation == "relu" and z < 0,
                kink=activation in KINKS and z == KINKS[activation],
                changed_here=float(f(np.array([z]))[0]) != z,
                changed_upstream=z != float(plain[l][i]),
            ))
    return VariationFacts(
        activation=activation,
        units=tuple(units),
        loss_identity=forward_facts(case).loss,
        loss=float(varied.loss(case.x, case.t)),
        loss_stays=float(varied.loss(case.x, case.t)) == case.net.loss(case.x, case.t),
        output_identity=float(plain[-1][0]),
        output=float(values[-1][0]),
        gradients_change=any(not np.array_equal(a, b) for a, b in zip(plain_grads.weights, grads.weights)),
        routes=routes,
    )


def variation_table(given: Mapping[str, Any] | Case, activation: str) -> str:
    """Forward values, loss and weight gradients without and with a hidden activation."""
    case = solve(given)
    varied = Network(list(case.weights), hidden_activation=activation)
    values, grads = varied.forward(case.x), varied.backward(case.x, case.t)
    rows = [[f"${case.unit(l, i)}$", fmt.number(case.values[l][i]), fmt.number(values[l][i])]
            for l in range(1, case.n_layers + 1) for i in range(case.sizes[l])]
    rows.append(["$L$", fmt.number(case.loss), fmt.number(varied.loss(case.x, case.t))])
    rows += [[f"${d(case.weight(l, i, j))}$", fmt.number(case.grads.weights[l][i, j]),
              fmt.number(grads.weights[l][i, j])]
             for l, i, j in case.edges()]
    return table(["quantity", "identity", activation_name(activation)], rows, "lrr")


def variation_text(given: Mapping[str, Any] | Case | VariationFacts, activation: str | None = None) -> str:
    """What the activation changes, decided at each unit, and how closely the three routes agree with it
    (template ``problem3/variation.md``)."""
    facts = given if isinstance(given, VariationFacts) else variation_facts(given, activation)
    return _render("problem3/variation.md", facts)


# ------------------------------------------------------------------ what to watch out for

@dataclass(frozen=True)
class WatchOutFacts:
    """This network's names for the common mistakes: the output; an edge x_1 -> (a unit of layer 1) and its
    weight; a unit that feeds several units with its sum of paths (or none); the negative values and weights."""

    output: str
    edge_from: str
    edge_to: str
    edge_weight: str
    sum_unit: str | None
    sum_terms: tuple[str, ...]
    negatives: tuple[tuple[str, float], ...]


def watch_out_facts(given: Mapping[str, Any] | Case) -> WatchOutFacts:
    case = solve(given)
    j = 1 if case.sizes[1] > 1 else 0
    feeds = [(m, i) for m in (*range(1, case.n_layers), 0) for i in range(case.sizes[m]) if case.sizes[m + 1] > 1]
    sum_unit, sum_terms = None, ()
    if feeds:
        m, i = feeds[0]
        sum_unit = case.unit(m, i)
        sum_terms = tuple(f"{case.weight(m, i, k)}\\,{d(case.unit(m + 1, k))}" for k in range(case.sizes[m + 1]))
    negatives = [(case.unit(l, i), float(case.values[l][i])) for l in range(case.n_layers)
                 for i in range(case.sizes[l]) if case.values[l][i] < 0]
    negatives += [(case.weight(l, i, k), float(case.weights[l][i, k])) for l, i, k in case.edges()
                  if case.weights[l][i, k] < 0]
    return WatchOutFacts(output=case.unit(case.n_layers, 0), edge_from=case.unit(0, 0), edge_to=case.unit(1, j),
                         edge_weight=case.weight(0, 0, j), sum_unit=sum_unit, sum_terms=sum_terms,
                         negatives=tuple(negatives))


def watch_out(given: Mapping[str, Any] | Case) -> str:
    """The common mistakes, each illustrated with this network's names and values (template
    ``problem3/watch_out.md``)."""
    return _render("problem3/watch_out.md", watch_out_facts(given))


def answer(given: Mapping[str, Any] | Case) -> str:
    """The answer box: the forward values and loss, ∂L/∂(output) and every weight's gradient."""
    case = solve(given)
    out = case.unit(case.n_layers, 0)
    forward = [[f"${case.unit(l, i)}$", fmt.number(case.values[l][i])]
               for l in range(1, case.n_layers + 1) for i in range(case.sizes[l])]
    forward.append(["$L$", fmt.number(case.loss)])
    gradients = [[f"${d(case.unit(case.n_layers, 0))}$", fmt.number(case.grads.activations[-1][0])]]
    gradients += [[f"${d(case.weight(l, i, j))}$", fmt.number(case.grads.weights[l][i, j])] for l, i, j in case.edges()]
    inputs = join_words([f"${d(case.unit(0, i))} = {fmt.latex(case.grads.activations[0][i])}$"
                         for i in range(case.sizes[0])])
    body = ("**(a) Forward pass and loss.**\n\n" + table(["quantity", "value"], forward, "lr")
            + "\n\n**(b) Gradients**, starting from $\\partial L/\\partial " + out + "$.\n\n"
            + table(["derivative", "value"], gradients, "lr") + f"\n\nFor the inputs: {inputs}.")
    return answer_box(body)


def answer_quantities(given: Mapping[str, Any] | Case) -> dict[str, float]:
    """The forward values, the loss and every dL/dw (keys of :func:`hwlib.answers.problem3_truth`) -> true value."""
    case = solve(given)
    truth = problem3_truth(list(case.weights), case.x, case.t, case.letters, case.activation)
    keys = [unit_key(case.letters, case.sizes, l, i) for l in range(1, case.n_layers + 1) for i in range(case.sizes[l])]
    keys.append("L")
    keys += [key for key in truth.values if key.startswith("dL/dw")]
    return {key: truth.values[key] for key in keys}


def solution(given: Mapping[str, Any] | Case) -> str:
    """The complete worked solution for this Given, as Markdown (the chapter's own sentences; with ReLU on the
    hidden layers, the sentences that say where it acts)."""
    case = solve(given)
    if case.relu and case.n_layers > 1:
        off = [case.unit(l, i) for l in range(1, case.n_layers) for i in range(case.sizes[l]) if case.slope(l, i) == 0]
        return "\n\n".join([
            ("**(a) The forward pass.** Each unit adds up its inputs, each multiplied by the weight on its edge; a "
             "hidden unit then applies ReLU, $\\max(0, u)$, to that sum $u$:"),
            forward_equations(case),
            forward_table(case),
            forward_text(case),
            ("**(b) Backpropagation.** A weight's gradient is the value flowing into its edge times ReLU's slope at "
             "the unit it feeds (1 if on, 0 if off; the output has none) times the gradient arriving there, "
             "$\\partial L/\\partial w^l_{ij} = a^{l-1}_i \\, \\mathrm{ReLU}'(a^l_j) \\, \\partial L/\\partial a^l_j$; "
             "a unit's gradient is the sum over every edge it feeds, "
             "$\\partial L/\\partial a^{l-1}_i = \\sum_j w^l_{ij} \\, \\mathrm{ReLU}'(a^l_j) \\, "
             "\\partial L/\\partial a^l_j$. "
             + (f"Here ReLU switches off {join_words(_inline(off))}: "
                + ("its slope is" if len(off) == 1 else "their slopes are")
                + " 0, so no gradient passes back through " + ("it" if len(off) == 1 else "them")
                + " to the weights and units below: " + ("its own gradient" if len(off) == 1 else "their own gradients")
                + " may be nonzero, but the slope 0 stops " + ("it" if len(off) == 1 else "them") + "."
                if off else "Here every hidden unit is on: every slope is 1.")
             + " Step by step:"),
            backprop_steps(case),
            first_step_text(case),
            answer(case),
        ])
    return "\n\n".join([
        "**(a) The forward pass.** Each unit adds up its inputs, each multiplied by the weight on its edge:",
        forward_equations(case),
        forward_table(case),
        forward_text(case),
        ("**(b) Backpropagation.** A weight's gradient is the value flowing into its edge times the gradient arriving "
        "at the unit it feeds, $\\partial L/\\partial w^l_{ij} = a^{l-1}_i \\, \\partial L/\\partial a^l_j$; a unit's "
        "gradient is the sum over every edge it feeds, "
        "$\\partial L/\\partial a^{l-1}_i = \\sum_j w^l_{ij} \\, \\partial L/\\partial a^l_j$. Step by step:"),
        backprop_steps(case),
        first_step_text(case),
        answer(case),
    ])
