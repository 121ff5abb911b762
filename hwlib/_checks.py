"""Argument checks shared by the public functions of hwlib.

Every message names the parameter, the value and the rule, for example
``ValueError: padding must be >= 0, got -1``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np


def check_int(name: str, value: object, minimum: int | None = None) -> int:
    """Return ``value`` as a Python int, or raise.

    Python and numpy integers are accepted; bools, floats, strings and None
    raise TypeError; a value below ``minimum`` raises ValueError.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer, got {value!r} of type {type(value).__name__}"
        )
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def check_bool(name: str, value: object) -> bool:
    """Return ``value`` as a Python bool; anything but True/False raises TypeError."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r} of type {type(value).__name__}")
    return bool(value)


def check_shape3(name: str, value: object) -> tuple[int, int, int]:
    """Return an (H, W, C) shape of three positive integers, or raise."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        raise TypeError(
            f"{name} must be a sequence (H, W, C) of three integers, got {value!r}"
        )
    if len(value) != 3:
        raise ValueError(f"{name} must have 3 entries (H, W, C), got {len(value)}: {tuple(value)!r}")
    h, w, c = (check_int(f"{name}[{i}]", v, minimum=1) for i, v in enumerate(value))
    return h, w, c


def check_finite_array(name: str, value: object, ndim: int | None = None) -> np.ndarray:
    """Return ``value`` as a float64 array with only finite entries, or raise.

    Integers and floats are accepted; bools, strings (even "1.5") and other
    objects raise TypeError, whether they come as an array or as a list.
    """
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {value!r}")
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {value!r}") from exc
    if raw.dtype.kind == "O":
        numeric = all(
            isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in raw.flat
        )
    else:
        numeric = raw.dtype.kind in "iuf"
    if not numeric:
        what = "bools" if raw.dtype.kind == "b" else f"dtype {raw.dtype}"
        raise TypeError(f"{name} must be an array of numbers (integers or floats), got {what}: {value!r}")
    try:
        array = np.asarray(raw, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {value!r}") from exc
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or infinity), got {value!r}")
    return array
