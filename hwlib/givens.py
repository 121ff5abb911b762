"""Check and normalise the Given of each problem (the data a chapter's Given cell holds).

Contract of the Given dicts (the homework's own are ``hwlib.transcription.load_given(N)``):

* Problem 1: ``{"in_shape": (H, W, C_in), "out_shape": (H_out, W_out, C_out), "kernel": k}``
* Problem 2: ``{"in_volume": (H, W, C_in), "out_volume": (H_out, W_out, C_out), "kernels": {"a": 1, "b": 3, ...}}``
* Problem 3: ``{"weights": [W^1, W^2, ...], "x": [x_1, ...], "t": t}`` with one output unit

Lists, tuples and numpy arrays are all accepted.  Each function returns the
Given with tuples and Python numbers, or raises one ``TypeError``/``ValueError``
that names the value and says what would work.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hwlib._checks import check_int, check_shape3
from hwlib.network import Network

__all__ = [
    "MAX_CHANNELS",
    "MAX_KERNEL",
    "MAX_P3_PAGE_WORK",
    "MAX_SIZE",
    "P3_PAGE_NUMERIC",
    "P3_PAGE_SYMBOLIC",
    "check_keys",
    "problem1",
    "problem2",
    "problem3",
    "problem3_page",
]

# Bounds of a Given that a worked solution can show: a page lists every (padding, stride)
# pair that works and draws the padded grid, so a side of a million pixels would mean a
# list of millions of pairs (and minutes of work) rather than a solution.  Real layers sit
# far inside: ImageNet inputs are 224 a side, wide layers a few thousand channels.
MAX_SIZE = 4096
MAX_CHANNELS = 100_000
MAX_KERNEL = 64


def _bounded(name: str, shape: tuple[int, int, int]) -> tuple[int, int, int]:
    """``shape`` (H, W, C) within MAX_SIZE a side and MAX_CHANNELS channels."""
    h, w, c = shape
    if max(h, w) > MAX_SIZE:
        raise ValueError(f"{name}: height and width must be at most {MAX_SIZE:,} for a worked solution, got {h} x {w}")
    if c > MAX_CHANNELS:
        raise ValueError(f"{name}: channels must be at most {MAX_CHANNELS:,} for a worked solution, got {c}")
    return shape


def _kernel(name: str, value: object) -> int:
    kernel = check_int(name, value, minimum=1)
    if kernel > MAX_KERNEL:
        raise ValueError(f"{name} must be at most {MAX_KERNEL} for a worked solution, got {kernel}")
    return kernel


def check_keys(problem: int, given: object, required: Sequence[str]) -> Mapping[str, Any]:
    """``given`` as a mapping holding exactly the keys ``required`` (extra keys are an error too)."""
    if not isinstance(given, Mapping):
        raise TypeError(f"the Given of Problem {problem} must be a dict with keys {', '.join(required)}; "
                        f"got {type(given).__name__}")
    missing = [key for key in required if key not in given]
    extra = [key for key in given if key not in required]
    if missing or extra:
        parts = ([f"missing {', '.join(map(repr, missing))}"] if missing else []) + \
                ([f"unknown {', '.join(map(repr, extra))}"] if extra else [])
        raise TypeError(f"the Given of Problem {problem} must have the keys {', '.join(required)}: {'; '.join(parts)}")
    return given


def problem1(given: object) -> dict[str, Any]:
    """Problem 1: ``in_shape`` and ``out_shape`` three positive integers each, ``kernel`` a positive integer."""
    given = check_keys(1, given, ("in_shape", "out_shape", "kernel"))
    return {
        "in_shape": _bounded("in_shape", check_shape3("in_shape", given["in_shape"])),
        "out_shape": _bounded("out_shape", check_shape3("out_shape", given["out_shape"])),
        "kernel": _kernel("kernel", given["kernel"]),
    }


def problem2(given: object) -> dict[str, Any]:
    """Problem 2: two volumes of three positive integers, ``kernels`` a non-empty dict of part -> filter size."""
    given = check_keys(2, given, ("in_volume", "out_volume", "kernels"))
    kernels = given["kernels"]
    if not isinstance(kernels, Mapping) or not kernels:
        raise TypeError(f'kernels must be a non-empty dict of part -> filter size, such as {{"a": 1, "b": 3}}; got {kernels!r}')
    checked = {}
    for part, size in kernels.items():
        if not isinstance(part, str) or not part.strip() or "|" in part:
            raise TypeError(f"kernels: each part must be a short name such as 'a', got {part!r}")
        checked[part] = _kernel(f"kernels[{part!r}]", size)
    return {
        "in_volume": _bounded("in_volume", check_shape3("in_volume", given["in_volume"])),
        "out_volume": _bounded("out_volume", check_shape3("out_volume", given["out_volume"])),
        "kernels": checked,
    }


def _real(name: str, value: object) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def _vector(name: str, value: object) -> tuple[float, ...]:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of numbers, such as [1, -1]; got {value!r}")
    if not value:
        raise ValueError(f"{name} must hold at least one number, got {value!r}")
    return tuple(_real(f"{name}[{i}]", v) for i, v in enumerate(value))


def problem3(given: object, one_output: bool = True) -> dict[str, Any]:
    """Problem 3: ``weights`` a list of matrices (row i, column j is w^l_ij) that chain, ``x`` one number per
    input unit, ``t`` one number; the last matrix has one column (one output unit, as L = (z - t)^2 needs),
    unless ``one_output`` is False (L = sum_j (z_j - t)^2, as :func:`hwlib.answers.problem3_truth` allows)."""
    given = check_keys(3, given, ("weights", "x", "t"))
    weights = given["weights"]
    if isinstance(weights, np.ndarray) or isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence):
        raise TypeError(f"weights must be a list of matrices (lists of rows), got {type(weights).__name__}")
    if not weights:
        raise ValueError("weights must hold at least one matrix, got an empty list")
    matrices = []
    for index, matrix in enumerate(weights):
        name = f"weights[{index}]"
        rows = matrix.tolist() if isinstance(matrix, np.ndarray) else matrix
        if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence) or not rows:
            raise TypeError(f"{name} must be a matrix: a non-empty list of rows, such as [[1, -1], [1, 0]]; got {matrix!r}")
        checked = [_vector(f"{name}[{i}]", row) for i, row in enumerate(rows)]
        if len({len(row) for row in checked}) != 1:
            raise ValueError(f"{name} must have rows of one length, got lengths {[len(row) for row in checked]}")
        if matrices and len(matrices[-1][0]) != len(checked):
            raise ValueError(f"weight shapes must chain: weights[{index - 1}] has {len(matrices[-1][0])} columns "
                             f"(units) but {name} has {len(checked)} rows; give {name} {len(matrices[-1][0])} rows")
        matrices.append(tuple(checked))
    if one_output and len(matrices[-1][0]) != 1:
        raise ValueError(f"the last matrix, weights[{len(matrices) - 1}], must have one column (one output unit, as the "
                         f"loss (z - t)^2 needs), got {len(matrices[-1][0])}")
    x = _vector("x", given["x"])
    if len(x) != len(matrices[0]):
        raise ValueError(f"x must have one entry per input unit: weights[0] has {len(matrices[0])} rows, "
                         f"so x needs {len(matrices[0])} entries, got {len(x)}")
    return {"weights": tuple(matrices), "x": x, "t": _real("t", given["t"])}


# ---------------------------------------------------------------- Problem 3's page: work and numerics it can show

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
    """Problem 3's Given as :func:`problem3` checks it, within what the chapter page can show and check.

    * work: (number of weights) x (product of the layer sizes) <= ``MAX_P3_PAGE_WORK`` (250), because the
      page factors every derivative with sympy (a 5-5-1 network, 30 x 25 = 750, took 30 s);
    * numerics: the page checks finite differences (step 1e-6) against backpropagation to ``P3_PAGE_NUMERIC``
      (1e-6) and sympy to ``P3_PAGE_SYMBOLIC`` (1e-9), absolute; float64 allows that only while the loss and
      each value times its gradient stay below about 10,000 and the gradients below about 10^6.

    Raises one ValueError naming the limit, this Given's estimate and what the Given can be.
    """
    checked = problem3(given)
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
