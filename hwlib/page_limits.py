"""What a chapter page can compute and check, decided before it starts: Problem 3's page.

Problem 1's and 2's pages allocate arrays of the Given's shapes; :mod:`hwlib.givens` bounds them.
Problem 3's page has sympy factor every derivative and checks three routes to the gradients against each
other to fixed accuracies; :func:`problem3_page` refuses, at the page's first use of the Given, a network
too large for that work or numbers too large for float64 to meet those accuracies.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from hwlib import givens
from hwlib.network import Network

__all__ = ["MAX_P3_PAGE_WORK", "P3_PAGE_NUMERIC", "P3_PAGE_SYMBOLIC", "problem3_page"]

#: Problem 3's page has sympy factor every dL/dw and check it against sympy.diff of L; that work grows like the
#: number of weights times the number of paths from an input to the output (the product of the layer sizes):
#: 10 x 8 = 80 for the homework's 2-2-2-1 network (about 1 s), 14 x 16 = 224 for 2-2-2-2-1 (about 4 s), and
#: 30 x 25 = 750 for 5-5-1 took 30 s on the 2-core machine of the benchmarks.
MAX_P3_PAGE_WORK = 250
_SECONDS_PER_WORK = 1 / 25  # measured: 5-5-1, 750 -> 30 s; 1-2-2-2-2-2-1, 640 -> 35 s; 2-2-2-2-1, 224 -> 4 s

#: what Problem 3's page checks: finite differences within 1e-6 of backpropagation, sympy within 1e-9
P3_PAGE_NUMERIC = 1e-6
P3_PAGE_SYMBOLIC = 1e-9


def problem3_page(given: object) -> dict[str, Any]:
    """Problem 3's Given as :func:`hwlib.givens.problem3` checks it, within what the chapter page can show and check.

    * work: (number of weights) x (product of the layer sizes) <= ``MAX_P3_PAGE_WORK`` (250), because the
      page factors every derivative with sympy (a 5-5-1 network, 30 x 25 = 750, took 30 s);
    * numerics: the page checks finite differences (step 1e-6) against backpropagation to ``P3_PAGE_NUMERIC``
      (1e-6) and sympy to ``P3_PAGE_SYMBOLIC`` (1e-9), absolute; float64 allows that only while the loss and
      each value times its gradient stay below about 10,000 and the gradients below about 10^6.

    Raises one ValueError naming the limit, this Given's estimate and what the Given can be.
    """
    checked = givens.problem3(given)
    weights = checked["weights"]
    sizes = [len(weights[0])] + [len(matrix[0]) for matrix in weights]
    n_weights = sum(len(matrix) * len(matrix[0]) for matrix in weights)
    work = n_weights * math.prod(sizes)
    if work > MAX_P3_PAGE_WORK:
        shape = "-".join(map(str, sizes))
        raise ValueError(
            f"this {shape} network is too large for Problem 3's page: the page factors every derivative with sympy, "
            f"work that grows like the number of weights times the product of the layer sizes, here "
            f"{n_weights:,} x {math.prod(sizes):,} = {work:,} (about {work * _SECONDS_PER_WORK:,.0f} s), and the "
            f"limit is {MAX_P3_PAGE_WORK:,} (about {MAX_P3_PAGE_WORK * _SECONDS_PER_WORK:,.0f} s). Choose fewer or "
            "narrower layers (2-2-2-2-1 and 1-10-1 fit); hwlib.network.Network and "
            "hwlib.symbolic_network.symbolic_gradients(...).evaluate() handle larger networks"
        )
    _page_numerics(checked)
    return checked


def _page_numerics(checked: Mapping[str, Any]) -> None:
    net = Network([np.array(matrix, dtype=float) for matrix in checked["weights"]])
    x, t = np.array(checked["x"], dtype=float), checked["t"]
    grads = net.backward(x, t)  # overflow: one "too large for float64" error
    values = net.forward(x)
    loss = net.loss(x, t)
    try:
        numeric = net.numerical_gradients(x, t)
        worst = max(float(np.abs(a - b).max()) for a, b in
                    zip(grads.weights + grads.activations, numeric.weights + numeric.activations))
    except ValueError:
        worst = math.inf
    products = max(float((np.abs(p) * np.abs(g)).max()) for p, g in
                   zip(list(net.weights) + values, grads.weights + grads.activations))
    if not worst < P3_PAGE_NUMERIC:
        off = "cannot resolve them (rounding swamps the step)" if math.isinf(worst) else f"are off by {worst:.2g}"
        raise ValueError(
            f"the Given's numbers are too large for Problem 3's page: it checks backpropagation against finite "
            f"differences (step 1e-6) to {P3_PAGE_NUMERIC:g}, and here float64 finite differences {off}. Choose x, "
            f"the weights and t so that the loss (here {loss:.6g}) and every value times its gradient (here up to "
            f"{products:.3g}) stay below about 10,000, as the homework's (loss 9) do"
        )
    # sympy's compiled chain and backpropagation round differently: about u (depth + width + 2) times the size
    # of the gradients computed with |x|, |weights| and |output| + |t|
    bound, magnitudes = np.abs(x), [np.abs(x)]
    for matrix in net.weights:
        bound = bound @ np.abs(matrix)
        magnitudes.append(bound)
    grad = 2 * (magnitudes[-1] + abs(t))
    largest = float(grad.max())
    for layer in reversed(range(len(net.weights))):
        largest = max(largest, float(np.outer(magnitudes[layer], grad).max()))
        grad = np.abs(net.weights[layer]) @ grad
        largest = max(largest, float(grad.max()))
    rounding = np.finfo(float).eps / 2 * (len(sizes := net.layer_sizes) + max(sizes) + 2) * largest
    if not rounding < P3_PAGE_SYMBOLIC:
        raise ValueError(
            f"the Given's numbers are too large for Problem 3's page: it checks sympy against backpropagation to "
            f"{P3_PAGE_SYMBOLIC:g}, and float64 rounding alone may part them by about {rounding:.2g} here (gradients "
            f"up to {largest:.3g} in size). Choose x, the weights and t so that the gradients stay below about "
            "1,000,000, as the homework's (at most 6) do"
        )
