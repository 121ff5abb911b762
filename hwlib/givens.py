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
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hwlib._checks import check_int, check_shape3

__all__ = [
    "MAX_CHANNELS",
    "MAX_FIGURE_CELLS",
    "MAX_KERNEL",
    "MAX_PAGE_BYTES",
    "MAX_PAGE_MACS",
    "MAX_SIZE",
    "P3_ACTIVATIONS",
    "check_keys",
    "problem1",
    "problem2",
    "problem3",
]

# Bounds of a Given that a worked solution can show: a page lists every (padding, stride)
# pair that works and draws the padded grid, so a side of a million pixels would mean a
# list of millions of pairs (and minutes of work) rather than a solution.  Real layers sit
# far inside: ImageNet inputs are 224 a side, wide layers a few thousand channels.
MAX_SIZE = 4096

#: Problem 2's part names: short identifiers, so that a name is data wherever it lands (tables, CSV headers, HTML)
PART_NAME = re.compile(r"[a-z][a-z0-9_]{0,11}")
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


#: What a chapter page may allocate and compute for its second route (real convolutions on arrays of the
#: Given's shapes, float64): 2 GiB of arrays and 10^10 multiply-accumulates (a few seconds)
MAX_PAGE_BYTES = 2 * 2**30
MAX_PAGE_MACS = 10**10
#: Problem 2's page draws every cell of the padded input (hwlib.plot_conv.plot_padded_grid)
MAX_FIGURE_CELLS = 400


def _gib(nbytes: int) -> str:
    gib = nbytes / 2**30
    return f"{gib:,.0f}" if gib >= 10 else f"{gib:.2g}"


def _page_work(problem: int, nbytes: int, macs: int) -> None:
    """Refuse a Given whose page would allocate more than MAX_PAGE_BYTES or compute more than MAX_PAGE_MACS."""
    if nbytes > MAX_PAGE_BYTES or macs > MAX_PAGE_MACS:
        raise ValueError(
            f"this Given is too large for Problem {problem}'s page, which runs real convolutions on arrays of its "
            f"shapes: they would take about {_gib(nbytes)} GiB of memory and {macs:,} multiply-accumulates, "
            f"and the limits are {MAX_PAGE_BYTES / 2**30:g} GiB and {MAX_PAGE_MACS:,}. Choose fewer channels or "
            "smaller sizes (the formulas of hwlib.conv, such as conv2d_cost, need no arrays)"
        )


def _problem1_page(h: int, w: int, c_in: int, h_out: int, w_out: int, c_out: int, k: int) -> None:
    """Problem 1's page: x, an all-ones copy and the padded input (H + 2(k-1)) x (W + 2(k-1)) x C_in each, the
    filters (twice), the gathered windows H_out W_out C_in k^2, the outputs; three standard convolutions and two
    of each separable step."""
    padded = (h + 2 * (k - 1)) * (w + 2 * (k - 1)) * c_in
    elements = (3 * padded + 2 * k * k * c_in * (c_out + 1) + 2 * c_in * c_out
                + h_out * w_out * (k * k * c_in + 3 * c_out + 2 * c_in))
    standard = h_out * w_out * c_out * k * k * c_in
    macs = 3 * standard + 2 * h_out * w_out * c_in * k * k + 2 * h_out * w_out * c_in * c_out
    _page_work(1, 8 * elements, macs)


def _problem2_page(h: int, w: int, c_in: int, h_out: int, w_out: int, c_out: int, kernels: dict[str, int]) -> None:
    """Problem 2's page: x, then per part the padded input, C_out random k x k x C_in filters, the gathered windows
    and the output; and the padded-grid figure, every cell of the padded input (padding at most k - 1)."""
    per_part = [(h + 2 * (k - 1)) * (w + 2 * (k - 1)) * c_in + k * k * c_in * c_out
                + h_out * w_out * (k * k * c_in + c_out) for k in kernels.values()]
    macs = sum(h_out * w_out * c_out * k * k * c_in for k in kernels.values())
    _page_work(2, 8 * (h * w * c_in + max(per_part)), macs)
    largest = max(kernels.values())
    if h + 2 * (largest - 1) > MAX_FIGURE_CELLS:
        raise ValueError(
            f"this Given is too large for Problem 2's page, whose figure draws every cell of the padded input: up to "
            f"{h:,} + 2 x ({largest} - 1) = {h + 2 * (largest - 1):,} cells a side (padding at most k - 1), and the "
            f"limit is {MAX_FIGURE_CELLS} cells. Choose an input of at most {MAX_FIGURE_CELLS - 2 * (largest - 1)} a "
            "side, or smaller kernels"
        )


def _kernel(name: str, value: object) -> int:
    kernel = check_int(name, value, minimum=1)
    if kernel > MAX_KERNEL:
        raise ValueError(f"{name} must be at most {MAX_KERNEL} for a worked solution, got {kernel}")
    return kernel


def check_keys(problem: int, given: object, required: Sequence[str], optional: Sequence[str] = ()) -> Mapping[str, Any]:
    """``given`` as a mapping holding exactly the keys ``required``, and any of ``optional`` (other keys are an
    error too)."""
    if not isinstance(given, Mapping):
        raise TypeError(f"the Given of Problem {problem} must be a dict with keys {', '.join(required)}; "
                        f"got {type(given).__name__}")
    missing = [key for key in required if key not in given]
    extra = [key for key in given if key not in required and key not in optional]
    if missing or extra:
        parts = ([f"missing {', '.join(map(repr, missing))}"] if missing else []) + \
                ([f"unknown {', '.join(map(repr, extra))}"] if extra else [])
        raise TypeError(f"the Given of Problem {problem} must have the keys {', '.join(required)}: {'; '.join(parts)}")
    return given


def problem1(given: object) -> dict[str, Any]:
    """Problem 1: ``in_shape`` and ``out_shape`` three positive integers each, ``kernel`` a positive integer."""
    given = check_keys(1, given, ("in_shape", "out_shape", "kernel"))
    checked = {
        "in_shape": _bounded("in_shape", check_shape3("in_shape", given["in_shape"])),
        "out_shape": _bounded("out_shape", check_shape3("out_shape", given["out_shape"])),
        "kernel": _kernel("kernel", given["kernel"]),
    }
    _problem1_page(*checked["in_shape"], *checked["out_shape"], checked["kernel"])
    return checked


def problem2(given: object) -> dict[str, Any]:
    """Problem 2: two volumes of three positive integers, ``kernels`` a non-empty dict of part -> filter size."""
    given = check_keys(2, given, ("in_volume", "out_volume", "kernels"))
    kernels = given["kernels"]
    if not isinstance(kernels, Mapping) or not kernels:
        raise TypeError(
            f'kernels must be a non-empty dict of part -> filter size, such as {{"a": 1, "b": 3}}; got {kernels!r}'
        )
    checked = {}
    for part, size in kernels.items():
        if not isinstance(part, str):
            raise TypeError(f"kernels: each part must be a short name such as 'a', got {part!r}")
        if not PART_NAME.fullmatch(part):
            shown = part if len(part) <= 40 else part[:37] + "..."
            raise ValueError(f"kernels: a part must be named by a lowercase letter, then at most 11 lowercase letters, "
                             f"digits or '_' (such as 'a' or 'b2'), got {shown!r}")
        checked[part] = _kernel(f"kernels[{part!r}]", size)
    result = {
        "in_volume": _bounded("in_volume", check_shape3("in_volume", given["in_volume"])),
        "out_volume": _bounded("out_volume", check_shape3("out_volume", given["out_volume"])),
        "kernels": checked,
    }
    _problem2_page(*result["in_volume"], *result["out_volume"], checked)
    return result


def _real(name: str, value: object) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        shown = f"an integer of {len(str(abs(value)))} digits" if isinstance(value, int) and abs(value) > 10**40 \
            else repr(value)
        raise TypeError(f"{name} must be a real number, got {shown} of type {type(value).__name__}")
    try:
        converted = float(value)
    except OverflowError:
        converted = math.inf
    if not math.isfinite(converted):
        shown = f"an integer of {len(str(abs(value)))} digits" if isinstance(value, numbers.Integral) else value
        raise ValueError(f"{name} must be finite and at most about 1.8e308 in size (float64), got {shown}")
    return converted


def _vector(name: str, value: object) -> tuple[float, ...]:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of numbers, such as [1, -1]; got {value!r}")
    if not value:
        raise ValueError(f"{name} must hold at least one number, got {value!r}")
    return tuple(_real(f"{name}[{i}]", v) for i, v in enumerate(value))


#: the hidden activations a Problem 3 Given may name (its optional ``hidden_activation``): none (the homework's
#: linear network) or ReLU, f(u) = max(u, 0) on every hidden layer, never on the output
P3_ACTIVATIONS = ("identity", "relu")


def problem3(given: object, one_output: bool = True) -> dict[str, Any]:
    """Problem 3: ``weights`` a list of matrices (row i, column j is w^l_ij) that chain, ``x`` one number per
    input unit, ``t`` one number; the last matrix has one column (one output unit, as L = (z - t)^2 needs),
    unless ``one_output`` is False (L = sum_j (z_j - t)^2, as :func:`hwlib.answers.problem3_truth` allows).

    An optional ``hidden_activation`` (one of :data:`P3_ACTIVATIONS`, "identity" when absent: the homework's
    linear network) is the activation of every hidden layer; the checked Given holds it only when given."""
    given = check_keys(3, given, ("weights", "x", "t"), ("hidden_activation",))
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
            raise TypeError(
                f"{name} must be a matrix: a non-empty list of rows, such as [[1, -1], [1, 0]]; got {matrix!r}"
            )
        checked = [_vector(f"{name}[{i}]", row) for i, row in enumerate(rows)]
        if len({len(row) for row in checked}) != 1:
            raise ValueError(f"{name} must have rows of one length, got lengths {[len(row) for row in checked]}")
        if matrices and len(matrices[-1][0]) != len(checked):
            raise ValueError(f"weight shapes must chain: weights[{index - 1}] has {len(matrices[-1][0])} columns "
                             f"(units) but {name} has {len(checked)} rows; give {name} {len(matrices[-1][0])} rows")
        matrices.append(tuple(checked))
    if one_output and len(matrices[-1][0]) != 1:
        raise ValueError(
            f"the last matrix, weights[{len(matrices) - 1}], must have one column (one output unit, as the "
            f"loss (z - t)^2 needs), got {len(matrices[-1][0])}"
        )
    x = _vector("x", given["x"])
    if len(x) != len(matrices[0]):
        raise ValueError(f"x must have one entry per input unit: weights[0] has {len(matrices[0])} rows, "
                         f"so x needs {len(matrices[0])} entries, got {len(x)}")
    checked = {"weights": tuple(matrices), "x": x, "t": _real("t", given["t"])}
    if "hidden_activation" in given:
        activation = given["hidden_activation"]
        if not isinstance(activation, str):
            raise TypeError(f"hidden_activation must be a string, one of {', '.join(P3_ACTIVATIONS)}; "
                            f"got {activation!r}")
        if activation not in P3_ACTIVATIONS:
            raise ValueError(f"hidden_activation must be one of {', '.join(P3_ACTIVATIONS)}, got {activation!r}")
        checked["hidden_activation"] = activation
    return checked
