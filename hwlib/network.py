"""A small fully connected network with squared-error loss, and its gradients three ways.

Notation of the homework (Problem 3): ``w^l_ij`` is the weight from unit i of
layer l-1 to unit j of layer l.  Here ``weights[l][i, j]`` is the homework's
``w^{l+1}_{i+1, j+1}``, so a layer is a matrix product ``z = a @ W``.

    z^{l+1} = a^l W^l,    a^{l+1} = f(z^{l+1}) on hidden layers, a^L = z^L at the output
    L = sum_j (a^L_j - t_j)^2

Three independent routes to dL/dW:

* :meth:`Network.backward`: backpropagation written by hand in numpy;
* :meth:`Network.numerical_gradients`: central finite differences;
* :func:`hwlib.symbolic_network.symbolic_gradients`: sympy differentiates
  each layer's local expression and chains the results.

This module does not use sympy: :mod:`hwlib.symbolic_network` imports it, never
the other way round.

Used in ``book/problem3_backprop.ipynb``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hwlib._checks import check_finite_array

__all__ = ["ACCURACY", "ACTIVATIONS", "DEFAULT_EPS", "EPS_RANGE", "MAX_NUMERICAL_MACS", "Gradients", "Network",
           "check_finite", "sigmoid", "sigmoid_prime"]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-z)), accurate to a few ulps for every float64 z.

    Two branches, so that exp never overflows and nothing cancels:
    1 / (1 + exp(-z)) for z >= 0, and exp(z) / (1 + exp(z)) for z < 0.
    """
    z = np.asarray(z, dtype=float)
    negative = z < 0
    e = np.exp(np.where(negative, z, -z))  # exp(-|z|) <= 1: never overflows
    return np.where(negative, e, 1.0) / (1.0 + e)


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """sigmoid'(z) = sigmoid(z) sigmoid(-z), with no cancellation (1 - sigmoid(z) rounds to 0 for z > 37)."""
    z = np.asarray(z, dtype=float)
    return sigmoid(z) * sigmoid(-z)


#: name -> (f, f') for the hidden layers; relu'(0) is taken as 0.
ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]] = {
    "identity": (lambda z: z, lambda z: np.ones_like(z)),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
}

#: (smallest, largest) finite-difference step that numerical_gradients accepts; within it, a step is also
#: refused when it cannot resolve the gradients to ACCURACY (see Network.finite_difference_error).
EPS_RANGE = (1e-10, 1e-1)

#: the finite-difference step for x and weights below 10 in size (larger ones scale it: Network.default_eps)
DEFAULT_EPS = 1e-6

#: what numerical_gradients promises: every derivative within ACCURACY x max(1, largest |derivative|)
ACCURACY = 1e-6

#: numerical_gradients runs the network twice per value nudged (four times with a nonlinearity): at most this
#: many multiply-accumulates in all (about a minute of numpy in small pieces)
MAX_NUMERICAL_MACS = 10**9

_UNIT_ROUNDOFF = float(np.finfo(float).eps) / 2  # u = 2^-53: float64 rounds each operation to within u relative


@dataclass(frozen=True)
class Gradients:
    """Derivatives of the loss.

    weights:     dL/dW, a list shaped like the network's weights
    activations: dL/da, a list shaped like ``Network.forward(x)``; index 0 is dL/dx
    """

    weights: list[np.ndarray]
    activations: list[np.ndarray]


def check_finite(what: str, *arrays: np.ndarray) -> None:
    """Raise ValueError when a computed value overflowed float64 (inf, or nan from inf - inf): never a silent
    inf or nan. Shared by every route to the gradients (backpropagation, sympy, finite differences)."""
    if not all(np.all(np.isfinite(a)) for a in arrays):
        raise ValueError(f"weights, x and t are too large for float64: computing {what} overflows (past about "
                         "1.8e308); scale the weights, x or t down")


def _check_weights(weights: object) -> list[np.ndarray]:
    if isinstance(weights, np.ndarray) or not isinstance(weights, (list, tuple)):
        raise TypeError(f"weights must be a list of 2-D arrays, got {type(weights).__name__}")
    if len(weights) == 0:
        raise ValueError("weights must be a non-empty list of 2-D arrays, got an empty list")
    checked = []
    for index, matrix in enumerate(weights):
        name = f"weights[{index}]"
        if isinstance(matrix, np.ndarray) and matrix.dtype.kind not in "iuf":
            raise TypeError(f"{name} must hold real numbers, got dtype {matrix.dtype}")
        array = check_finite_array(name, matrix, ndim=2).copy()
        if 0 in array.shape:
            raise ValueError(f"{name} must have at least one row and one column, got shape {array.shape}")
        if checked and checked[-1].shape[1] != array.shape[0]:
            raise ValueError(
                f"weight shapes must chain: weights[{index - 1}] has {checked[-1].shape[1]} columns "
                f"but {name} has {array.shape[0]} rows"
            )
        array.flags.writeable = False  # changes go through the weights setter, which checks them
        checked.append(array)
    return checked


class Network:
    """A fully connected network without biases: ``weights[l][i, j]`` joins unit i of layer l to unit j of layer l+1.

    ``hidden_activation`` ("identity", "relu", "sigmoid" or "tanh") is applied
    to every hidden layer, never to the output.  The loss is sum((output - t)^2).
    """

    def __init__(self, weights: list[np.ndarray], hidden_activation: str = "identity") -> None:
        self.weights = weights
        self.hidden_activation = hidden_activation

    @property
    def weights(self) -> list[np.ndarray]:
        """The weight matrices, read-only; assigning a new list checks it as the constructor does."""
        return list(self._weights)

    @weights.setter
    def weights(self, weights: list[np.ndarray]) -> None:
        self._weights = tuple(_check_weights(weights))

    @property
    def hidden_activation(self) -> str:
        """The activation of every hidden layer; assigning checks it as the constructor does."""
        return self._hidden_activation

    @hidden_activation.setter
    def hidden_activation(self, hidden_activation: str) -> None:
        if not isinstance(hidden_activation, str):
            raise TypeError(f"hidden_activation must be a string, got {hidden_activation!r}")
        if hidden_activation not in ACTIVATIONS:
            raise ValueError(
                f"hidden_activation must be one of {sorted(ACTIVATIONS)}, got {hidden_activation!r}"
            )
        self._hidden_activation = hidden_activation

    def __repr__(self) -> str:
        return f"Network(layer_sizes={self.layer_sizes}, hidden_activation={self.hidden_activation!r})"

    @property
    def layer_sizes(self) -> list[int]:
        """Number of units in each layer, input first."""
        return [self._weights[0].shape[0]] + [w.shape[1] for w in self._weights]

    # ------------------------------------------------------------------ checks
    def _check_x(self, x: object) -> np.ndarray:
        x = check_finite_array("x", x)
        if x.shape != (self.layer_sizes[0],):
            raise ValueError(f"x must be 1-D with {self.layer_sizes[0]} entries (the input layer), got shape {x.shape}")
        return x

    def _check_t(self, t: object) -> np.ndarray:
        t = check_finite_array("t", t)
        n_out = self.layer_sizes[-1]
        if t.ndim == 0:
            return np.full(n_out, float(t))
        if t.shape != (n_out,):
            raise ValueError(f"t must be a scalar or 1-D with {n_out} entries (the output layer), got shape {t.shape}")
        return t

    # ------------------------------------------------------------------ forward
    def _forward(self, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Pre-activations z (z[0] is x) and values a after the activation."""
        f, _ = ACTIVATIONS[self.hidden_activation]
        pre, values = [x], [x]
        last = len(self._weights) - 1
        for index, matrix in enumerate(self._weights):
            with np.errstate(over="ignore", invalid="ignore"):
                z = values[-1] @ matrix
            check_finite(f"layer {index + 1}'s values (x @ weights[0] @ ...)", z)
            pre.append(z)
            values.append(z if index == last else f(z))
        return pre, values

    def forward(self, x: np.ndarray) -> list[np.ndarray]:
        """[x, a^1, ..., a^L]: every layer's value after its activation (none at the output)."""
        return self._forward(self._check_x(x))[1]

    def loss(self, x: np.ndarray, t: float | np.ndarray) -> float:
        """L = sum_j (a^L_j - t_j)^2."""
        output = self.forward(x)[-1]
        with np.errstate(over="ignore", invalid="ignore"):
            loss = np.sum((output - self._check_t(t)) ** 2)
        check_finite("the loss L", loss)
        return float(loss)

    # ------------------------------------------------------------------ gradients
    def backward(self, x: np.ndarray, t: float | np.ndarray) -> Gradients:
        """Backpropagation, one layer at a time, from the loss down to the input.

        dL/da^L = 2 (a^L - t)
        dL/dz^l = dL/da^l * f'(z^l)       (hidden layers; the output has no activation)
        dL/dW^l = outer(a^{l-1}, dL/dz^l)   i.e. dL/dw_ij = a_i * dL/dz_j
        dL/da^{l-1} = W^l @ dL/dz^l        i.e. sum over the units j that a_i feeds
        """
        x, t = self._check_x(x), self._check_t(t)
        _, f_prime = ACTIVATIONS[self.hidden_activation]
        pre, values = self._forward(x)
        n_layers = len(self._weights)
        grad_weights: list[np.ndarray] = [np.empty(0)] * n_layers
        grad_values: list[np.ndarray] = [np.empty(0)] * (n_layers + 1)
        with np.errstate(over="ignore", invalid="ignore"):
            grad = 2.0 * (values[-1] - t)  # dL/da^L
        check_finite("dL/da of the output", grad)
        grad_values[-1] = grad
        for index in reversed(range(n_layers)):
            is_output = index == n_layers - 1
            with np.errstate(over="ignore", invalid="ignore"):
                grad_pre = grad if is_output else grad * f_prime(pre[index + 1])  # dL/dz
                grad_weights[index] = np.outer(values[index], grad_pre)
                grad = self._weights[index] @ grad_pre  # dL/da of the layer below
            check_finite(f"the gradients of layer {index + 1}", grad_weights[index], grad_pre, grad)
            grad_values[index] = grad
        return Gradients(weights=grad_weights, activations=grad_values)

    def _check_eps(self, eps: object) -> float:
        if isinstance(eps, (bool, np.bool_)) or not isinstance(eps, (int, float, np.integer, np.floating)):
            raise TypeError(f"eps must be a number, got {eps!r}")
        if not (np.isfinite(eps) and eps > 0):
            raise ValueError(f"eps must be a finite number > 0, got {eps!r}")
        low, high = EPS_RANGE
        if eps < low:
            raise ValueError(
                f"eps must be >= {low:g}, got {eps!r}: float64 keeps about 16 digits, so a smaller step leaves "
                "fewer than 6 of them in L(w + eps) - L(w - eps), and the quotient measures rounding, not the "
                "derivative"
            )
        if eps > high:
            raise ValueError(
                f"eps must be <= {high:g}, got {eps!r}: the central difference is off by about eps^2 times "
                "the third derivative, so a step this wide measures the slope of a secant, not the derivative"
            )
        return float(eps)

    def default_eps(self, x: np.ndarray) -> float:
        """The step :meth:`numerical_gradients` takes unless told: ``DEFAULT_EPS`` (1e-6) times the largest power of
        ten not above the largest |x| or |weight| (at least 1), at most ``EPS_RANGE``'s 0.1:

            eps = min(0.1, 1e-6 x 10^floor(log10(max(1, max |x|, max |w|)))).

        Scaling the network's values by c scales L by c^(2(depth+1)) and dL/dw by c^(2 depth + 1), so the rounding
        error of the quotient, about u |L| / eps, keeps its ratio to the gradients only when eps grows like c;
        1e-6 for the homework's numbers (at most 2), 1e-3 for x and weights in the thousands.
        """
        x = self._check_x(x)
        scale = max(1.0, float(np.abs(x).max(initial=0.0)), *(float(np.abs(w).max()) for w in self._weights))
        power = 10.0 ** math.floor(math.log10(scale))
        while power > scale:  # log10 rounds: 10^floor(...) never above the scale
            power /= 10
        return min(EPS_RANGE[1], DEFAULT_EPS * power)

    def finite_difference_error(self, x: np.ndarray, t: float | np.ndarray, eps: float | None = None) -> float:
        """How far :meth:`numerical_gradients` with step ``eps`` can be from the true derivatives, from rounding.

        Each loss evaluation rounds: the output z is off by about u (depth + 1) A, where u = 2^-53 and A is
        the output computed with |x| and |weights| (the size of the largest partial sum), z - t by that plus
        u (|z| + |t|), and L = sum (z - t)^2 by 2 |z - t| times that plus u L.  The central difference divides
        two such errors by 2 eps; a nudged value w +- eps itself rounds by u |w|, which changes the step by
        that much.  So

            error ~ [sum_j (2 |r_j| e_j + u r_j^2) + u V G] / eps,   e_j = u ((depth + 1) A_j + |z_j| + |t_j|)

        with r = z - t and V G the largest |value nudged| x |its derivative|.  It estimates the worst
        case (the true error is usually several times smaller); the truncation error of the smooth
        activations is measured by :meth:`numerical_gradients` itself.  ``eps`` None: :meth:`default_eps`.
        """
        x, t = self._check_x(x), self._check_t(t)
        eps = self._check_eps(self.default_eps(x) if eps is None else eps)
        return self._rounding_error(x, t, eps, self.backward(x, t))

    def _rounding_error(self, x: np.ndarray, t: np.ndarray, eps: float, grads: Gradients) -> float:
        u = _UNIT_ROUNDOFF
        values = self._forward(x)[1]
        bound = np.abs(x)  # |a| computed with |x| and |W|: the size of every partial sum
        last = len(self._weights) - 1
        with np.errstate(over="ignore", invalid="ignore"):
            for index, matrix in enumerate(self._weights):
                bound = bound @ np.abs(matrix)
                if index != last and self.hidden_activation in ("sigmoid", "tanh"):
                    bound = np.minimum(bound, 1.0)
            z = values[-1]
            residual = np.abs(z - t)
            per_output = u * ((len(self._weights) + 1) * bound + np.abs(z) + np.abs(t))
            loss_error = float(np.sum(2 * residual * per_output + u * residual**2))
            points = list(self._weights) + values
            nudge = max(float((np.abs(p) * np.abs(g)).max()) for p, g in zip(points, grads.weights + grads.activations))
            error = (loss_error + u * nudge) / eps
        return error if np.isfinite(error) else float("inf")

    def numerical_gradients(self, x: np.ndarray, t: float | np.ndarray, eps: float | None = None) -> Gradients:
        """Central finite differences: dL/dw ~ (L(w + eps) - L(w - eps)) / (2 eps), for every weight.

        ``activations`` is computed the same way, by nudging one value of a layer
        and running the rest of the network from there.

        Accuracy: every derivative is within ``ACCURACY`` (1e-6) x max(1, largest
        |derivative|) of the true one, or ValueError says why it cannot be:

        * rounding: :meth:`finite_difference_error` estimates what float64 rounding
          of L (and of the nudged values) leaves in the quotient; it grows like
          |L| / eps, so a large target t, large values or a tiny step make it too
          large, and no step helps when L itself has too few digits left;
        * truncation: with the identity L is quadratic in each weight, so the central
          difference has no truncation error; with ReLU the same holds away from a
          kink.  With sigmoid and tanh the step 2 eps is taken as well, and the two
          quotients, which differ by about 3 eps^2 |L'''| / 6, must agree to the
          same accuracy.

        The promise does not cover a ReLU kink within the step (a hidden z within
        reach of 0): there no derivative exists, or the two nudged networks sit on
        both sides of it, and the quotient is a secant across the kink, returned as
        such (:func:`hwlib.worked.problem3.route_facts` names those units).

        ``eps`` must lie in ``EPS_RANGE`` = [1e-10, 0.1].  Without it the step is :meth:`default_eps`, scaled to
        the values: 1e-6 times the largest power of ten not above the largest |x| or |weight| (at least 1),
        at most 0.1, because the rounding error grows with the values while the step stays fixed.
        """
        x, t = self._check_x(x), self._check_t(t)
        eps = self._check_eps(self.default_eps(x) if eps is None else eps)
        n_weights = sum(w.size for w in self._weights)
        nudged = n_weights + sum(self.layer_sizes)
        work = nudged * n_weights * (2 if self.hidden_activation == "identity" else 4)
        if work > MAX_NUMERICAL_MACS:
            raise ValueError(
                f"numerical_gradients would nudge {nudged:,} values and rerun the network for each, about {work:,} "
                f"multiply-accumulates, more than the limit of {MAX_NUMERICAL_MACS:,}; backward() computes the same "
                f"gradients in about 2 x {n_weights:,}"
            )
        values = self._forward(x)[1]
        grads = self.backward(x, t)
        largest = max(float(np.abs(g).max()) for g in grads.weights + grads.activations)
        tolerance = ACCURACY * max(1.0, largest)
        rounding = self._rounding_error(x, t, eps, grads)
        if not rounding <= tolerance:
            with np.errstate(over="ignore", invalid="ignore"):
                loss = float(np.sum((values[-1] - t) ** 2))
            raise ValueError(
                f"finite differences cannot resolve these gradients to {ACCURACY:g} x max(1, largest |derivative| "
                f"{largest:.3g}) = {tolerance:.3g}: with eps = {eps:g}, float64 rounding of the loss "
                f"(L = {loss:.6g}, |t| up to {float(np.abs(t).max()):.6g}) and of the values nudged leaves them "
                f"uncertain by about {rounding:.3g}; scale x, the weights and t down (or use backward(), which "
                "needs no step)"
            )
        f, _ = ACTIVATIONS[self.hidden_activation]
        n_layers = len(self._weights)

        def loss_from(layer: int, value: np.ndarray, weights: list[np.ndarray]) -> float:
            a = value
            for index in range(layer, n_layers):
                z = a @ weights[index]
                a = z if index == n_layers - 1 else f(z)
            return float(np.sum((a - t) ** 2))

        def central(function: Callable[[np.ndarray], float], point: np.ndarray, step: float) -> np.ndarray:
            grad = np.zeros_like(point)
            for position in np.ndindex(point.shape):
                plus, minus = point.copy(), point.copy()
                plus[position] += step
                minus[position] -= step
                grad[position] = (function(plus) - function(minus)) / (2 * step)
            return grad

        weights = self.weights
        functions: list[tuple[Callable[[np.ndarray], float], np.ndarray]] = []
        for index, matrix in enumerate(weights):
            def with_matrix(m: np.ndarray, index: int = index) -> float:
                return loss_from(0, x, weights[:index] + [m] + weights[index + 1 :])
            functions.append((with_matrix, matrix))
        for layer in range(len(values)):
            functions.append((lambda a, layer=layer: loss_from(layer, a, weights), values[layer]))
        with np.errstate(over="ignore", invalid="ignore"):
            quotients = [central(function, point, eps) for function, point in functions]
        check_finite("the finite differences", *quotients)
        # identity: L is quadratic in each value, no truncation error; ReLU: piecewise quadratic, the same
        # away from a kink (hwlib.worked.problem3.route_facts names the units whose kink a step straddles)
        if self.hidden_activation in ("sigmoid", "tanh"):
            with np.errstate(over="ignore", invalid="ignore"):
                wider = [central(function, point, 2 * eps) for function, point in functions]
            disagreement = max(float(np.abs(a - b).max()) for a, b in zip(quotients, wider))
            if not disagreement / 3 <= tolerance:  # the truncation error is about a third of the disagreement
                raise ValueError(
                    f"finite differences cannot resolve these gradients to {tolerance:.3g} with eps = {eps:g}: the "
                    f"steps eps and 2 eps disagree by {disagreement:.3g}, because the {self.hidden_activation} "
                    f"curves so fast here that the truncation error, about eps^2 |L'''| / 6, is about "
                    f"{disagreement / 3:.3g}; a smaller eps, or smaller weights and x, would do"
                )
        return Gradients(weights=quotients[:n_layers], activations=quotients[n_layers:])
