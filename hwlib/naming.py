"""Names of Problem 3's units and weights: one home for the keys and labels every tool reads.

Positions are as in code: ``layer`` indexes the network's layers (0 is the
input) or its weight matrices (``weights[layer][i, j]`` is the homework's
``w^{layer+1}_{i+1, j+1}``), and ``i``, ``j`` count from 0.

Keys (plain text, what :mod:`hwlib.answers`, the marker and the data file use):

* a unit: its layer's letter and its 1-based index (``y1``, ``z2``), or the
  bare letter when the layer has one unit (``z``);
* a weight: ``w<l>_<i><j>`` (``w2_21``), with an underscore between the two
  indices only when one of them has two or more digits (``w1_10_2``), so that
  ``w1_1_12`` and ``w1_11_2`` stay apart;
* a derivative of the loss: ``dL/d`` before the key (``dL/dw2_21``, ``dL/dy1``).

Labels are the same names in LaTeX (``y_{1}``, ``w^{2}_{21}``, ``w^{1}_{10,2}``).
Layers under ten units keep exactly the keys the book has always used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hwlib._checks import check_int

__all__ = [
    "SUBSCRIPTS",
    "SUPERSCRIPTS",
    "FROM_SUPERSCRIPTS",
    "plain_label",
    "HIDDEN_LETTERS",
    "default_letters",
    "gradient_key",
    "gradient_label",
    "slope_key",
    "slope_label",
    "network_keys",
    "unit_key",
    "unit_label",
    "weight_indices",
    "weight_key",
    "weight_label",
]


# Unicode sub- and superscripts, for labels in plain text (w²₁₁) and exponents (10⁻⁶)
SUBSCRIPTS = str.maketrans("0123456789+-()", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎")
SUPERSCRIPTS = str.maketrans("0123456789+-()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾")
FROM_SUPERSCRIPTS = {to: frm for frm, to in SUPERSCRIPTS.items()}


def _script(text: str, table: dict[int, int], fallback: str) -> str:
    """``text`` in sub- or superscript characters where each has one, else ``_(text)`` / ``^(text)``."""
    if all(ord(c) in table for c in text):
        return text.translate(table)
    return f"{fallback}{text}" if text.isalnum() else f"{fallback}({text})"


def plain_label(label: str) -> str:
    """A LaTeX or matplotlib label as plain text (an alt text, a practice page's label, a report's column):
    ``$w^{1}_{11} = 2$`` -> ``w¹₁₁ = 2``, ``\\partial L / \\partial y_{1}`` -> ``∂L/∂y₁``.

    Drops the ``$`` delimiters, writes ``_{..}``/``^{..}`` as Unicode sub- and
    superscripts where every character has one (else ``_(..)``), ``\\partial`` as
    ∂ (with no space around the slash of ∂L/∂x), a minus as U+2212, and joins lines with ", ".
    """
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, got {type(label).__name__}")
    text = label.replace("$", "")
    text = re.sub(r"\\(?:mathrm|text)\{([^}]*)\}", r"{\1}", text)
    text = re.sub(r"\\partial\s*", "∂", text)
    text = text.replace(r"\times", "×").replace(r"\cdot", "·").replace(r"\,", " ")
    text = re.sub(r"_\{([^}]*)\}|_(\w)", lambda m: _script(m.group(1) or m.group(2), SUBSCRIPTS, "_"), text)
    text = re.sub(r"\^\{([^}]*)\}|\^(\w)", lambda m: _script(m.group(1) or m.group(2), SUPERSCRIPTS, "^"), text)
    text = re.sub(r"\s*/\s*(?=∂)", "/", text)
    text = re.sub(r"(?<![\w)])-(?=\d)", "\u2212", text).replace("{", "").replace("}", "")
    return ", ".join(part.strip() for part in text.splitlines() if part.strip())


HIDDEN_LETTERS = ("y", "z", "u", "v", "p", "q", "r", "s")


def default_letters(sizes: Sequence[int]) -> tuple[str, ...]:
    """Letters of the layers, one notation for any network: x for the inputs, y, z, u, v, ... for the hidden
    layers in order, and for the one output unit the homework's letter z whenever that names no other layer's
    units: with at most one hidden layer (y), or when the second and last hidden layer z has several units, as
    the homework's z = z_1 w^3_11 + z_2 w^3_21 (the output is the bare z, its units z_1, z_2, ...).  Otherwise
    the output takes the first letter after the hidden ones (u, v, ...; o after the eighth).  So the output is
    never written with a letter that names another hidden layer (never y, the first hidden layer's)."""
    n_hidden = len(sizes) - 2
    if n_hidden > len(HIDDEN_LETTERS):
        raise ValueError(f"weights may have at most {len(HIDDEN_LETTERS) + 1} matrices ({len(HIDDEN_LETTERS)} hidden "
                         f"layers) on this page, got {len(sizes) - 1}")
    letters = ["x", *HIDDEN_LETTERS[:n_hidden]]
    if n_hidden <= 1 or (n_hidden == 2 and sizes[-2] > 1):
        letters.append("z")
    else:
        letters.append((*HIDDEN_LETTERS, "o")[n_hidden])
    return tuple(letters)


def _unit_position(letters: Sequence[str], sizes: Sequence[int], layer: int, i: int) -> tuple[str, int]:
    layer = check_int("layer", layer, minimum=0)
    i = check_int("i", i, minimum=0)
    if layer >= len(sizes) or layer >= len(letters):
        raise ValueError(f"layer must be < {min(len(sizes), len(letters))} (one letter and one size per layer), "
                         f"got {layer}")
    size = check_int(f"sizes[{layer}]", sizes[layer], minimum=1)
    if i >= size:
        raise ValueError(f"i must be < sizes[{layer}] = {size}, got {i}")
    letter = letters[layer]
    if not isinstance(letter, str) or not letter:
        raise TypeError(f"letters[{layer}] must be a non-empty string, got {letter!r}")
    return letter, size


def unit_key(letters: Sequence[str], sizes: Sequence[int], layer: int, i: int) -> str:
    """Key of unit i (0-based) of a layer: letter + (i + 1), e.g. 'y1', or the bare letter for a one-unit layer."""
    letter, size = _unit_position(letters, sizes, layer, i)
    return letter if size == 1 else f"{letter}{i + 1}"


def unit_label(letters: Sequence[str], sizes: Sequence[int], layer: int, i: int) -> str:
    """LaTeX label of unit i (0-based) of a layer: letter_{i + 1}, e.g. 'y_{1}', or the bare letter for a
    one-unit layer."""
    letter, size = _unit_position(letters, sizes, layer, i)
    return letter if size == 1 else f"{letter}_{{{i + 1}}}"


def weight_indices(i: int, j: int, separator: str) -> str:
    """The subscript of w_{ij} for 0-based i, j: 'ij' (1-based digits) when both are one digit, else 'i<separator>j'."""
    i = check_int("i", i, minimum=0)
    j = check_int("j", j, minimum=0)
    if i + 1 < 10 and j + 1 < 10:
        return f"{i + 1}{j + 1}"
    return f"{i + 1}{separator}{j + 1}"


def weight_key(layer: int, i: int, j: int) -> str:
    """Key of ``weights[layer][i, j]``, the homework's w^{layer+1}_{i+1, j+1}: 'w2_21', or 'w1_10_2' for
    two-digit indices."""
    layer = check_int("layer", layer, minimum=0)
    return f"w{layer + 1}_{weight_indices(i, j, '_')}"


def weight_label(layer: int, i: int, j: int) -> str:
    """LaTeX label of ``weights[layer][i, j]``: 'w^{2}_{21}', or 'w^{1}_{10,2}' for two-digit indices."""
    layer = check_int("layer", layer, minimum=0)
    return f"w^{{{layer + 1}}}_{{{weight_indices(i, j, ',')}}}"


def _check_name(parameter: str, value: object) -> None:
    """A key or label: a non-empty string, else TypeError naming ``parameter``."""
    if not isinstance(value, str) or not value:
        raise TypeError(f"{parameter} must be a non-empty string, got {value!r}")


def gradient_key(key: str) -> str:
    """Key of the derivative of the loss by the quantity ``key``: 'dL/d' + key."""
    _check_name("key", key)
    return f"dL/d{key}"


def gradient_label(label: str) -> str:
    r"""LaTeX label of the derivative of the loss by the quantity labelled ``label``: \partial L / \partial label."""
    _check_name("label", label)
    return rf"\partial L / \partial {label}"


def slope_key(key: str) -> str:
    """Key of ReLU's slope at the input of the hidden unit ``key``: "relu'(" + key + ")", 1 where that input is
    positive (the unit is on), 0 where it is negative (off)."""
    _check_name("key", key)
    return f"relu'({key})"


def slope_label(label: str) -> str:
    r"""LaTeX label of ReLU's slope at the input of the unit labelled ``label``: \mathrm{ReLU}'(label)."""
    _check_name("label", label)
    return rf"\mathrm{{ReLU}}'({label})"


def network_keys(letters: Sequence[str], sizes: Sequence[int]) -> list[str]:
    """Every unit and weight key of a network with these layer sizes (and their dL/d keys); raises if two coincide.

    Two layers that share a letter collide when both have more than one unit
    (or one unit of one layer is named like the other layer), for example the
    homework's letters ('x', 'y', 'z', 'z') with two output units.
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a sequence of layer sizes, got {sizes!r}")
    if isinstance(letters, (str, bytes)) or not isinstance(letters, Sequence):
        raise TypeError(f"letters must be a sequence of strings, one per layer, got {letters!r}")
    if len(letters) != len(sizes):
        raise ValueError(f"letters must name each of the {len(sizes)} layers, got {len(letters)}: {list(letters)!r}")
    owner: dict[str, str] = {}
    for layer, size in enumerate(sizes):
        for i in range(check_int(f"sizes[{layer}]", size, minimum=1)):
            owner_of = f"unit {i + 1} of layer {layer}"
            _claim(owner, unit_key(letters, sizes, layer, i), owner_of, letters)
        if layer + 1 < len(sizes):
            for i in range(size):
                for j in range(sizes[layer + 1]):
                    _claim(owner, weight_key(layer, i, j), f"weights[{layer}][{i}, {j}]", letters)
    return [key for name in owner for key in (name, gradient_key(name))]


def _claim(owner: dict[str, str], key: str, who: str, letters: Sequence[str]) -> None:
    if key in owner:
        raise ValueError(
            f"letters {list(letters)!r} give {who} and {owner[key]} the same key {key!r}: "
            "give the layers distinct letters"
        )
    owner[key] = who
