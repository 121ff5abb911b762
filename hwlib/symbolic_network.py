"""Symbolic gradients of a :class:`hwlib.network.Network`, derived with sympy.

The derivation goes layer by layer, as backpropagation does, but every local
derivative is taken by ``sympy.diff`` rather than written by hand:

    dL/da^L      = diff(sum_j (o_j - t_j)^2, o_j)            at o = a^L
    dL/dz^l      = dL/da^l * diff(f(u), u)                    at u = z^l
    dL/dw^l_ij   = dL/dz^l_j * diff(sum_k v_k w^l_kj, w^l_ij) at v = a^{l-1}
    dL/da^{l-1}_i = sum_j dL/dz^l_j * diff(sum_k v_k w^l_kj, v_i)

Each of these is one *step*: a small expression in the weight symbols and in
one symbol per earlier step (one per pre-activation z, activation a and
derivative), so the derivation grows like the network (depth x width^2 terms),
whatever the activation. :meth:`SymbolicGradients.evaluate` compiles the
chain of steps with ``sympy.lambdify``, one line per step.  The composed
expressions (``loss``, ``weights``, ``activations``: every step substituted)
grow exponentially with depth, so they are built only when asked for.

The sigmoid is the unevaluated function :class:`sigmoid` (derivative
sigmoid(u) sigmoid(-u), which equals sympy's derivative of 1/(1 + exp(-u))),
so that lambdify evaluates it with the two-branch formula of
:func:`hwlib.network.sigmoid`: accurate to a few ulps, never ``nan``.

This module imports :mod:`hwlib.network`; that module does not import this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import sympy as sp

from hwlib import network as _network
from hwlib.naming import weight_label
from hwlib.network import Network

__all__ = ["MAX_COMPOSED_SIZE", "MAX_WEIGHTS", "SymbolicGradients", "sigmoid", "symbolic_gradients"]

#: symbolic_gradients derives and compiles a few sympy steps per weight, about 2.5 ms each on the benchmarks'
#: 2-core machine (810 weights, depth 9 x width 10: under 1.5 s; 6,480 weights: 15 s): 2,000 weights is about 5 s
MAX_WEIGHTS = 2_000
_SECONDS_PER_WEIGHT = 0.0025

#: the composed expressions (``loss``, ``weights``, ``activations``) as trees of at most this many nodes: their
#: size grows exponentially with depth (every path through the network is written out)
MAX_COMPOSED_SIZE = 200_000

_u = sp.Symbol("u", real=True)


class sigmoid(sp.Function):  # noqa: N801 - named as sympy names its functions (exp, tanh)
    r"""The logistic function sigmoid(u) = 1 / (1 + exp(-u)), kept unevaluated.

    Its derivative is sigmoid(u) sigmoid(-u); ``expr.rewrite(sp.exp)`` writes it out.
    ``sympy.lambdify`` evaluates it with :func:`hwlib.network.sigmoid`.
    """

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        u = self.args[0]
        return sigmoid(u) * sigmoid(-u)

    def _eval_rewrite_as_exp(self, u: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-u))


#: name -> f(u) as a sympy expression; relu is a Piecewise so that relu'(0) = 0.
SYMPY_ACTIVATIONS: dict[str, sp.Expr] = {
    "identity": _u,
    "relu": sp.Piecewise((_u, _u > 0), (0, True)),
    "sigmoid": sigmoid(_u),
    "tanh": sp.tanh(_u),
}

#: What lambdify calls for the functions it does not know.
_NUMERIC = {"sigmoid": _network.sigmoid}


def _number(value: float) -> sp.Expr:
    """The exact sympy Rational of the decimal Python writes for ``value`` (0.5 -> 1/2, 2.0 -> 2, 0.1 -> 1/10), so
    that the derivation prints exactly as the Given is written, never ``1.0 w`` or ``0.5``; evaluated again it
    gives ``value`` back (p/q rounds correctly to the float whose shortest decimal is p/q)."""
    return sp.Rational(repr(float(value)))


def _written_out(expr: sp.Expr) -> sp.Expr:
    """``expr`` with every sigmoid(u) written as 1/(1 + exp(-u)) (tanh and the rest untouched)."""
    if not expr.has(sigmoid):
        return expr
    return expr.replace(sigmoid, lambda u: 1 / (1 + sp.exp(-u)))


@dataclass(frozen=True)
class SymbolicGradients:
    """The loss and its derivatives, as a chain of small sympy steps in the weight symbols.

    weight_symbols: sympy Matrices of symbols shaped like the weights (w^{l}_{ij})
    values:         the numeric weights at which :meth:`evaluate` evaluates
    steps:          the derivation as a chain of small definitions (symbol, expression),
                    each in the weight symbols and earlier steps' symbols

    ``loss``, ``weights`` and ``activations`` (the composed expressions, every
    step substituted) are computed on first use: their size grows
    exponentially with depth, while :meth:`evaluate` needs only the steps.
    """

    weight_symbols: list[sp.Matrix]
    values: list[np.ndarray] = field(repr=False)
    steps: list[tuple[sp.Symbol, sp.Expr]] = field(repr=False)
    _loss_step: sp.Expr = field(repr=False)
    _weight_steps: list[sp.Matrix] = field(repr=False)
    _activation_steps: list[sp.Matrix] = field(repr=False)

    @cached_property
    def _step_sizes(self) -> dict[sp.Symbol, int]:
        """Node count of each step's composed expression, counted on the chain without composing it."""
        sizes: dict[sp.Symbol, int] = {}
        for symbol, expr in self.steps:
            sizes[symbol] = _tree_size(expr, sizes)
        return sizes

    def composed_size(self) -> int:
        """Nodes of the composed ``loss``, ``weights`` and ``activations`` written out as trees (counted, not built)."""
        sizes = self._step_sizes
        matrices = [sp.Matrix([[self._loss_step]]), *self._weight_steps, *self._activation_steps]
        return sum(_tree_size(sp.sympify(e), sizes) for m in matrices for e in m)

    @cached_property
    def _composed(self) -> dict[sp.Symbol, sp.Expr]:
        size = self.composed_size()
        if size > MAX_COMPOSED_SIZE:
            raise ValueError(
                f"the composed expressions of this network would have {size:,} nodes, more than the limit of "
                f"{MAX_COMPOSED_SIZE:,}: every path through the network is written out, so their size grows "
                "exponentially with depth; evaluate() gives the numbers without composing them"
            )
        composed: dict[sp.Symbol, sp.Expr] = {}
        for symbol, expr in self.steps:
            composed[symbol] = expr.xreplace(composed)
        return composed

    def _compose(self, expr: sp.Expr) -> sp.Expr:
        return _written_out(sp.sympify(expr).xreplace(self._composed))

    @cached_property
    def loss(self) -> sp.Expr:
        """L with x and t substituted, as one expression in the weight symbols."""
        return self._compose(self._loss_step)

    @cached_property
    def weights(self) -> list[sp.Matrix]:
        """dL/dW as sympy Matrices shaped like the weights, each entry one expression in the weight symbols."""
        return [m.applyfunc(self._compose) for m in self._weight_steps]

    @cached_property
    def activations(self) -> list[sp.Matrix]:
        """dL/da for each layer as sympy column Matrices (index 0 is dL/dx)."""
        return [m.applyfunc(self._compose) for m in self._activation_steps]

    @cached_property
    def _compiled(self) -> list[np.ndarray]:
        """[L, dL/dW^1, ..., dL/da^0, ...] as float arrays: the chain of steps compiled once and run."""
        # lambdify prints the chain of steps as assignments, one line each, so
        # the compiled function is as short as the derivation (no blow-up).
        # Plain argument names spare lambdify from renaming w^{l}_{ij} in every step.
        matrices = [sp.Matrix([[self._loss_step]]), *self._weight_steps, *self._activation_steps]
        symbols = [s for m in self.weight_symbols for s in m]
        plain = {s: sp.Symbol(f"_hwlib_w{n}", real=True) for n, s in enumerate(symbols)}
        steps = [(name, expr.xreplace(plain)) for name, expr in self.steps]
        outputs = [[e.xreplace(plain) for e in m] for m in matrices]
        numbers = [float(v) for array in self.values for v in array.ravel()]
        function = sp.lambdify(
            list(plain.values()), outputs, modules=[_NUMERIC, "numpy"], cse=lambda exprs: (steps, exprs),
            docstring_limit=0,  # the docstring would print every expression a second time
        )
        with np.errstate(all="ignore"):
            flat = function(*numbers)
            arrays = [np.array(f, dtype=float).reshape(m.shape) for f, m in zip(flat, matrices)]
        _network.check_finite("the symbolic gradients (sympy's chain of steps)", *arrays)
        return arrays

    def evaluate(self) -> list[np.ndarray]:
        """dL/dW as float arrays, at the network's own weights."""
        n = len(self._weight_steps)
        return [a.copy() for a in self._compiled[1 : 1 + n]]

    def evaluate_activations(self) -> list[np.ndarray]:
        """dL/da for each layer as 1-D float arrays (index 0 is dL/dx)."""
        n = len(self._weight_steps)
        return [a.ravel().copy() for a in self._compiled[1 + n :]]

    def evaluate_loss(self) -> float:
        """L at the network's own weights."""
        return float(self._compiled[0][0, 0])


def _tree_size(expr: sp.Basic, sizes: dict[sp.Symbol, int]) -> int:
    """Nodes of ``expr`` written out as a tree, a step's symbol counting as its composed size (``sizes``)."""
    if expr in sizes:
        return sizes[expr]
    if not expr.args:
        return 1
    return 1 + sum(_tree_size(arg, sizes) for arg in expr.args)


class _Derivation:
    """A chain of small definitions, one symbol each (composed only when asked for, in SymbolicGradients)."""

    def __init__(self) -> None:
        self.steps: list[tuple[sp.Symbol, sp.Expr]] = []

    def define(self, expr: sp.Expr) -> sp.Expr:
        expr = sp.sympify(expr)
        if expr.is_Atom:  # a number or a symbol needs no step of its own
            return expr
        symbol = sp.Symbol(f"_hwlib_step{len(self.steps)}", real=True)
        self.steps.append((symbol, expr))
        return symbol


def symbolic_gradients(net: Network, x: np.ndarray, t: float | np.ndarray) -> SymbolicGradients:
    """Derive L and dL/dW of ``net`` at input x and target t with sympy, layer by layer (the chain rule above)."""
    if not isinstance(net, Network):
        raise TypeError(f"net must be a hwlib.network.Network, got {type(net).__name__}")
    x, t = net._check_x(x), net._check_t(t)
    sizes = net.layer_sizes
    n_weights = sum(w.size for w in net.weights)
    if n_weights > MAX_WEIGHTS:
        raise ValueError(
            f"net has {n_weights:,} weights, more than symbolic_gradients' limit of {MAX_WEIGHTS:,}: it derives and "
            f"compiles a few sympy steps per weight, about {_SECONDS_PER_WEIGHT * 1000:g} ms each, so this would take "
            f"about {n_weights * _SECONDS_PER_WEIGHT:,.0f} s (the limit about "
            f"{MAX_WEIGHTS * _SECONDS_PER_WEIGHT:,.0f} s); Network.backward computes the same gradients in numpy"
        )
    symbols = [
        sp.Matrix(rows, cols, lambda i, j, layer=layer: sp.Symbol(weight_label(layer, i, j), real=True))
        for layer, (rows, cols) in enumerate(w.shape for w in net.weights)
    ]
    f = SYMPY_ACTIVATIONS[net.hidden_activation]
    f_prime = sp.diff(f, _u)
    n_layers = len(net.weights)
    chain = _Derivation()

    # forward: z^{l+1} = a^l W^l, a^{l+1} = f(z^{l+1}) on hidden layers
    values = [[_number(v) for v in x]]
    pre = [values[0]]
    for layer, matrix in enumerate(symbols):
        rows, cols = matrix.shape
        z = [chain.define(sp.Add(*(values[-1][k] * matrix[k, j] for k in range(rows)))) for j in range(cols)]
        pre.append(z)
        values.append(z if layer == n_layers - 1 else [chain.define(f.xreplace({_u: e})) for e in z])
    outs = sp.symbols(f"o0:{sizes[-1]}", real=True)
    targets = [_number(v) for v in t]
    local_loss = sp.Add(*((o - target) ** 2 for o, target in zip(outs, targets)))
    at_output = dict(zip(outs, values[-1]))
    loss_step = chain.define(local_loss.xreplace(at_output))

    # backward, each local derivative by sympy.diff
    grad = [chain.define(sp.diff(local_loss, o).xreplace(at_output)) for o in outs]  # dL/da^L
    grad_values: list[list[sp.Expr]] = [[]] * (n_layers + 1)
    grad_weights: list[sp.Matrix] = [sp.Matrix()] * n_layers
    grad_values[-1] = grad
    for layer in reversed(range(n_layers)):
        matrix = symbols[layer]
        rows, cols = matrix.shape
        if layer == n_layers - 1:
            grad_pre = grad
        else:
            grad_pre = [chain.define(g * f_prime.xreplace({_u: z})) for g, z in zip(grad, pre[layer + 1])]
        # the local expression z_j = sum_k v_k w_kj, differentiated once per layer in generic
        # symbols (v_k, omega_k) and then read for every column j: O(rows) calls to sympy.diff
        below = sp.symbols(f"v0:{rows}", real=True)
        column = sp.symbols(f"omega0:{rows}", real=True)
        local_z = sp.Add(*(below[k] * column[k] for k in range(rows)))
        by_weight = [sp.diff(local_z, column[i]) for i in range(rows)]  # dz_j/dw_ij = v_i
        by_value = [sp.diff(local_z, below[i]) for i in range(rows)]  # dz_j/dv_i = w_ij
        at_below = dict(zip(below, values[layer]))
        in_column = [dict(zip(column, matrix[:, j])) for j in range(cols)]
        grad_weights[layer] = sp.Matrix(
            rows, cols,
            [grad_pre[j] * by_weight[i].xreplace(at_below).xreplace(in_column[j])
             for i in range(rows) for j in range(cols)],
        )
        grad = [chain.define(sp.Add(*(grad_pre[j] * by_value[i].xreplace(in_column[j]) for j in range(cols))))
                for i in range(rows)]
        grad_values[layer] = grad
    activation_steps = [sp.Matrix(g) for g in grad_values]
    return SymbolicGradients(
        weight_symbols=symbols,
        values=[w.copy() for w in net.weights],
        steps=chain.steps,
        _loss_step=loss_step,
        _weight_steps=grad_weights,
        _activation_steps=activation_steps,
    )
