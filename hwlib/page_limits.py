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
from hwlib.network import ACCURACY, Network

__all__ = ["MAX_P3_PAGE_WORK", "problem3_page"]

#: Problem 3's page has sympy factor every dL/dw and check it against sympy.diff of L; that work grows like the
#: number of weights times the number of paths from an input to the output (the product of the layer sizes):
#: 10 x 8 = 80 for the homework's 2-2-2-1 network (about 1 s), 14 x 16 = 224 for 2-2-2-2-1 (about 4 s), and
#: 30 x 25 = 750 for 5-5-1 took 30 s on the 2-core machine of the benchmarks.
MAX_P3_PAGE_WORK = 250
_SECONDS_PER_WORK = 1 / 25  # measured: 5-5-1, 750 -> 30 s; 1-2-2-2-2-2-1, 640 -> 35 s; 2-2-2-2-1, 224 -> 4 s

def problem3_page(given: object) -> dict[str, Any]:
    """Problem 3's Given as :func:`hwlib.givens.problem3` checks it, within what the chapter page can show and check.

    * work: (number of weights) x (product of the layer sizes) <= ``MAX_P3_PAGE_WORK`` (250), because the
      page factors every derivative with sympy (a 5-5-1 network, 30 x 25 = 750, took 30 s);
    * numerics: the page compares finite differences (the step of :meth:`hwlib.network.Network.default_eps`,
      1e-6 scaled up with the largest |x| or |weight|, at most 0.1) with backpropagation, so they must resolve
      the gradients to ``hwlib.network.ACCURACY`` (1e-6) of the largest one
      (:meth:`hwlib.network.Network.numerical_gradients` decides); float64 allows that while the loss stays
      below about 3,000 times the largest gradient for x and weights below 10 (t = 10,000 against the
      homework's network does not).

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
    """The page's three routes: backpropagation must not overflow, and finite differences must resolve the
    gradients to their stated accuracy (:data:`hwlib.network.ACCURACY` of the largest), or the page cannot
    compare them."""
    net = Network([np.array(matrix, dtype=float) for matrix in checked["weights"]])
    x, t = np.array(checked["x"], dtype=float), checked["t"]
    grads = net.backward(x, t)  # overflow: one "too large for float64" error
    try:
        net.numerical_gradients(x, t)
    except ValueError as exc:
        largest = max(float(np.abs(g).max()) for g in grads.weights + grads.activations)
        raise ValueError(
            f"the Given's numbers are too large for Problem 3's page, which compares backpropagation with finite "
            f"differences (step {net.default_eps(x):g}) to {ACCURACY:g} of the largest gradient: here the loss is "
            f"{net.loss(x, t):.6g} against gradients of at most {largest:.3g}, and float64 rounding of a loss that "
            f"large leaves finite differences too few digits to measure with ({exc}). Choose x, the weights and t "
            "closer together, so that the loss stays below about 3,000 times the largest gradient (the homework's loss "
            "is 9, its largest gradient 6)"
        ) from None
