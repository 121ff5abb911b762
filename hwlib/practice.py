"""Practice variants of the three problems: a Given from a seed, and its answers.

``variant(problem, seed)`` returns the problem posed with new numbers, chosen
so that

* it is **valid by construction**: Problem 1's output size is reached by
  exactly one (padding, stride) (``hwlib.conv.solve_padding_stride``); each
  filter size of Problem 2 takes the input's height and width to the output's
  with exactly one (padding, stride), the output the same size as the input
  (stride 1) or about half of it (stride 2), the volumes square or not;
  Problem 3's network is the homework's 2-2-2-1 or another small shape
  (:data:`P3_SHAPES`);
* it is **workable by hand**: small integers in, integers out (weights, inputs
  and target of Problem 3 are integers, so every forward value and gradient is
  one), no counts beyond a few million;
* it is **the same for the same seed on every machine**: the only source of
  randomness is :meth:`random.Random.random` seeded with the integer seed,
  the one part of Python's ``random`` module whose sequence the Python
  documentation guarantees across versions ("Notes on Reproducibility");
  ``randrange``, ``choice`` and ``shuffle`` are not guaranteed, and neither
  are numpy ``Generator`` methods (NEP 19), so picks are made here as
  ``floor(random() * n)``;
* it **differs from seed to seed**: Problems 1 and 2 have a finite list of
  valid variants, put in one fixed shuffled order; seed ``s`` takes entry
  ``s mod N``, so seeds 0 to N - 1 are all different (N is several thousand).
  Problem 3's variants (millions) are too many to list; its seed draws the
  numbers directly, so two seeds agree only by a chance of the order of one
  in a million.

The homework's own Given is never a variant.  The answers are the quantities
the homework asks for (:meth:`hwlib.problems.Problem.answers`, with the keys of
:mod:`hwlib.answers`), computed from the truth.

A whole answer to a variant (:func:`fields`: what the page asks, in the order of
the working) is judged by :func:`judge` with the marker's rules
(:class:`hwlib.marker.ValueMarker`: correct, carried, wrong) and one diagnosis
per slip, stated once where it starts; :func:`check` returns the verdicts and
feedback as Markdown (the route for a notebook viewer); the practice pages'
script (``book/practice/practice.js``) applies the same rules in the browser.

Command line (the JSON is documented in README.md)::

    python -m hwlib.practice --problem 1 --seed 7
    python -m hwlib.practice --key --seeds 0-49 [--problem 2] [--format csv]
    python -m hwlib.practice --sheets ROSTER.csv --out DIR

``--sheets`` writes one practice sheet per student of a roster (a CSV with a ``student`` column and
optionally ``id``, ``section`` and ``seed``, matched ignoring case as in a Canvas roster's ``Student``,
``ID``, ``Section``; other columns are ignored): ``DIR/sheets/<student>.md`` and
``.html`` (the statements of the three problems of the student's variant), ``DIR/key.csv`` (the
instructor's key: student, id, section, seed, then every asked quantity's true value; its columns are the
union over the class's variants, blank where a student's variant lacks the quantity) and
``DIR/run.json``.  A student without a seed gets :func:`roster_seed` of their name: the first four
bytes of the SHA-256 of the name (NFC, whitespace folded, UTF-8) as a big-endian integer, so the same
name always gets the same sheet.  Mark the class with the ``seed`` column of ``key.csv``
(``python -m hwlib.mark``).
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import io
import itertools
import json
import math
import random
import re
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

import hwlib
from hwlib import conv, escape, fmt, mistakes, problems, typed_number
from hwlib._checks import check_int
from hwlib.answers import Truth
from hwlib.class_input import InputError, csv_problem, detect_delimiter, file_name, hidden_in, identity
from hwlib.marker import BLANK, CARRIED, CORRECT, WRONG, ValueMarker
from hwlib.naming import plain_label
from hwlib.network import Network
from hwlib.output_folder import OutputError, OutputFolder
from hwlib.tolerance import COUNT, EXACT_COUNT_LIMIT
from hwlib.transcription import load_given
from hwlib.words import join_words

__all__ = [
    "PROBLEMS",
    "VERDICTS",
    "FieldVerdict",
    "Variant",
    "answer_key",
    "answers",
    "check",
    "fields",
    "hint",
    "judge",
    "main",
    "make_given",
    "messages",
    "p3_activation",
    "parse_seeds",
    "quantity_label",
    "read_roster",
    "roster_seed",
    "sheet_html",
    "sheet_markdown",
    "summary",
    "variant",
    "weights_markdown",
    "write_sheets",
]

PROBLEMS = problems.NUMBERS

# Problem 1: k x k convolution of an n x n x C_in input to n_out x n_out x C_out.
P1_SIZES = tuple(range(8, 33))
P1_KERNELS = (3, 5)
P1_STRIDES = (1, 2)
P1_IN_CHANNELS = (3, 4, 8, 10, 12, 16, 20, 24, 32)
P1_OUT_CHANNELS = (8, 16, 20, 24, 32, 40, 48, 64)
P1_MAX_MACS = 5_000_000  # the homework's standard layer has 1,620,000
# Problem 2: H x W x C_in to H_out x W_out x C_out with three filter sizes (parts a, b, c); W = H + P2_WIDER,
# H_out = ceil(H / s) with stride s of P2_STRIDES (the size kept, or about halved).
P2_SIZES = tuple(range(8, 33))
P2_WIDER = (0, 4)
P2_STRIDES = (1, 2)
P2_CHANNELS = (3, 4, 6, 8, 10, 12, 16, 20, 32, 64)
P2_KERNELS = (1, 3, 5, 7)
P2_PARTS = ("a", "b", "c")
# Problem 3: a small linear network, its weight matrices' shapes drawn from P3_SHAPES (the homework's 2-2-2-1
# twice as often as each other); integer weights, inputs and target.
P3_SHAPES = (
    ((2, 2), (2, 2), (2, 1)),
    ((2, 2), (2, 2), (2, 1)),
    ((2, 3), (3, 1)),
    ((3, 2), (2, 1)),
    ((2, 2), (2, 1)),
    ((2, 3), (3, 2), (2, 1)),
)
P3_LAYER_SHAPES = P3_SHAPES[0]  # the homework's
P3_WEIGHTS = (-2, -1, 0, 1, 2)
P3_INPUTS = (-2, -1, 0, 1, 2)
P3_TARGETS = (-3, -2, -1, 0, 1, 2, 3)
P3_MAX_ABS = 60  # largest |forward value or gradient| a variant may ask for
P3_MAX_ZERO_GRADIENTS = 0.3  # the largest share of zero weight gradients, so that most steps carry a number
# One Problem 3 variant in P3_RELU_EVERY puts ReLU on the hidden layers (p3_activation): seed s is a ReLU variant when
# s mod P3_RELU_EVERY = P3_RELU_EVERY - 1 (3, 7, 11, ...); the other seeds keep the numbers they had before ReLU
# variants existed.  A unit switched off zeroes the gradients of the weights into and out of it, so a ReLU variant
# may have up to P3_RELU_MAX_ZERO_GRADIENTS of them zero.
P3_RELU_EVERY = 4
P3_RELU_MAX_ZERO_GRADIENTS = 0.5
SHUFFLE_SEED = 20261127  # fixes the order of the listed variants of Problems 1 and 2


class _Picker:
    """Picks with ``random.Random(seed).random()`` alone, the part of ``random`` guaranteed across Python versions."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def index(self, n: int) -> int:
        return min(int(self._random.random() * n), n - 1)

    def choice(self, options: Sequence[Any]) -> Any:
        return options[self.index(len(options))]

    def shuffled(self, items: Sequence[Any]) -> list[Any]:
        """Fisher-Yates, drawing each position with ``index``."""
        items = list(items)
        for i in range(len(items) - 1, 0, -1):
            j = self.index(i + 1)
            items[i], items[j] = items[j], items[i]
        return items


@dataclass(frozen=True)
class Variant:
    """One practice variant: the problem, its seed, the Given (the chapter's names) and the answers (key -> value)."""

    problem: int
    seed: int
    given: dict[str, Any]
    answers: dict[str, float]

    def as_json(self) -> dict[str, Any]:
        """``{"problem", "seed", "given", "answers"}``, whole numbers written as integers."""
        return {
            "problem": self.problem,
            "seed": self.seed,
            "given": self.given,
            "answers": {key: _json_number(value) for key, value in self.answers.items()},
        }


def _json_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _check_problem(problem: object) -> int:
    return problems.get(check_int("problem", problem)).number


# ------------------------------------------------------------------ the valid variants
@functools.cache
def _homework_json(problem: int) -> str:
    return json.dumps(load_given(problem))


def _homework_given(problem: int) -> dict[str, Any]:
    return json.loads(_homework_json(problem))


@functools.cache
def _problem1_layers() -> tuple[tuple[int, int, int, int, int], ...]:
    """Every (n, n_out, kernel, C_in, C_out) of the ranges above with one (padding, stride), in a fixed
    shuffled order."""
    homework = _homework_given(1)
    shapes = []
    for n, kernel, stride in itertools.product(P1_SIZES, P1_KERNELS, P1_STRIDES):
        for padding in sorted({0, (kernel - 1) // 2}):
            n_out = conv.output_size(n, kernel, stride, padding)
            if n_out >= 2 and conv.solve_padding_stride(n, n_out, kernel) == [(padding, stride)]:
                shapes.append((n, n_out, kernel))
    layers = [
        (n, n_out, kernel, c_in, c_out)
        for (n, n_out, kernel), c_in, c_out in itertools.product(shapes, P1_IN_CHANNELS, P1_OUT_CHANNELS)
        if c_out > c_in and n_out * n_out * c_out * kernel * kernel * c_in <= P1_MAX_MACS
        and _problem1_given(n, n_out, kernel, c_in, c_out) != homework
    ]
    return tuple(_Picker(SHUFFLE_SEED).shuffled(layers))


def _problem1_given(n: int, n_out: int, kernel: int, c_in: int, c_out: int) -> dict[str, Any]:
    return {"in_shape": [n, n, c_in], "out_shape": [n_out, n_out, c_out], "kernel": kernel}


def _both_axes(in_hw: tuple[int, int], out_hw: tuple[int, int], kernel: int) -> list[tuple[int, int, int | None]]:
    """The (padding, smallest stride, largest stride) ranges that take the height and the width alike to the
    output's (largest None: every larger stride works too, one output on both axes)."""
    return conv.common_padding_stride_ranges(conv.padding_stride_ranges(in_hw[0], out_hw[0], kernel),
                                             conv.padding_stride_ranges(in_hw[1], out_hw[1], kernel))


def _one_pair(ranges: list[tuple[int, int, int | None]]) -> bool:
    """True when the ranges hold exactly one (padding, stride)."""
    return len(ranges) == 1 and ranges[0][1] == ranges[0][2]


@functools.cache
def _problem2_parts() -> tuple[tuple[int, int, int, int, tuple[int, ...], int, int], ...]:
    """Every (H, W, H_out, W_out, kernels, C_in, C_out) of the ranges above where each part has one (padding, stride),
    in a fixed shuffled order."""
    homework = _homework_given(2)
    shapes = []
    for h, wider, stride in itertools.product(P2_SIZES, P2_WIDER, P2_STRIDES):
        w = h + wider
        h_out, w_out = (h - 1) // stride + 1, (w - 1) // stride + 1
        unique = [k for k in P2_KERNELS if _one_pair(_both_axes((h, w), (h_out, w_out), k))]
        shapes.extend((h, w, h_out, w_out, kernels) for kernels in itertools.permutations(unique, len(P2_PARTS)))
    parts = [(*shape, c_in, c_out) for shape in shapes for c_in, c_out in itertools.product(P2_CHANNELS, P2_CHANNELS)]
    parts = [p for p in parts if _problem2_given(*p) != homework]
    return tuple(_Picker(SHUFFLE_SEED).shuffled(parts))


def _problem2_given(h: int, w: int, h_out: int, w_out: int, kernels: tuple[int, ...], c_in: int,
                    c_out: int) -> dict[str, Any]:
    return {"in_volume": [h, w, c_in], "out_volume": [h_out, w_out, c_out], "kernels": dict(zip(P2_PARTS, kernels))}


def p3_activation(seed: int) -> str:
    """The hidden activation of Problem 3's variant ``seed``: "relu" for one seed in :data:`P3_RELU_EVERY` (4),
    those with ``seed % 4 == 3``, else "identity" (no activation, the homework's)."""
    seed = check_int("seed", seed, minimum=0)
    return "relu" if seed % P3_RELU_EVERY == P3_RELU_EVERY - 1 else "identity"


def _hidden_inputs(weights: Sequence[np.ndarray], x: np.ndarray, activation: str) -> list[np.ndarray]:
    """The input u = a W of every hidden layer's activation (the hidden layers' pre-activations)."""
    net = Network(list(weights), hidden_activation=activation)
    values = net.forward(x)
    return [values[l] @ weights[l] for l in range(len(weights) - 1)]


def _problem3_given(seed: int) -> dict[str, Any]:
    """Draw a shape, then integer weights, inputs and target until the variant is workable by hand and not
    degenerate.

    A ReLU variant (:func:`p3_activation`) draws from the same stream, and is kept only where ReLU switches at
    least one hidden unit off (its input u < 0) and no hidden input is exactly 0 (ReLU's kink, where it has no
    derivative); its Given names ``"hidden_activation": "relu"``."""
    homework = _homework_given(3)
    activation = p3_activation(seed)
    relu = activation == "relu"
    picker = _Picker(seed)
    shape = picker.choice(P3_SHAPES)
    while True:
        weights = [[[picker.choice(P3_WEIGHTS) for _ in range(cols)] for _ in range(rows)] for rows, cols in shape]
        x = [picker.choice(P3_INPUTS) for _ in range(shape[0][0])]
        t = picker.choice(P3_TARGETS)
        given: dict[str, Any] = {"weights": weights, "x": x, "t": t}
        if given == homework or not any(x) or not all(v for row in weights[-1] for v in row):
            continue  # x = 0 or a zero output weight would leave most gradients zero
        matrices = [np.array(w, dtype=float) for w in weights]
        net = Network(matrices, hidden_activation=activation)
        forward = net.forward(np.array(x, dtype=float))
        grads = net.backward(np.array(x, dtype=float), t)
        arrays = [*forward, *grads.activations, *grads.weights, [net.loss(x, t)]]
        largest = max(float(np.max(np.abs(a))) for a in arrays)
        zero_gradients = sum(int(np.sum(g == 0)) for g in grads.weights)
        count = sum(rows * cols for rows, cols in shape)
        if relu:
            inputs = np.concatenate([[1.0], *_hidden_inputs(matrices, np.array(x, dtype=float), activation)])
            if not (np.any(inputs < 0) and np.all(inputs != 0)):
                continue  # ReLU must switch a unit off, and no input may sit on the kink
        limit = P3_RELU_MAX_ZERO_GRADIENTS if relu else P3_MAX_ZERO_GRADIENTS
        if (grads.activations[-1][0] != 0  # z != t: some gradient to pass back
                and all(np.any(layer != 0) for layer in forward[1:])  # no layer of zeros
                and zero_gradients <= limit * count and largest <= P3_MAX_ABS):
            return {**given, "hidden_activation": activation} if relu else given


def make_given(problem: int, seed: int) -> dict[str, Any]:
    """The Given of variant ``seed`` of ``problem`` (names as in the chapters); see the module docstring."""
    problem = _check_problem(problem)
    seed = check_int("seed", seed, minimum=0)
    if problem == 1:
        layers = _problem1_layers()
        return _problem1_given(*layers[seed % len(layers)])
    if problem == 2:
        parts = _problem2_parts()
        return _problem2_given(*parts[seed % len(parts)])
    return _problem3_given(seed)


def answers(problem: int, given: Mapping[str, Any]) -> dict[str, float]:
    """The quantities the homework asks for, key -> true value (:meth:`hwlib.problems.Problem.answers`)."""
    problem = _check_problem(problem)
    return {key: float(value) for key, value in problems.get(problem).answers(given).items()}


def variant(problem: int, seed: int) -> Variant:
    """Variant ``seed`` of ``problem``: its Given and answers."""
    given = make_given(problem, seed)
    return Variant(problem=int(problem), seed=int(seed), given=given, answers=answers(problem, given))


# ------------------------------------------------------------------ answer keys
MAX_SEEDS = 10_000


def parse_seeds(text: str) -> list[int]:
    """Seeds from ``"0-49"``, ``"7"`` or ``"0-9,20,30-32"`` (inclusive ranges), in order, without repeats."""
    if not isinstance(text, str):
        raise TypeError(f"seeds must be a string such as '0-49', got {text!r}")
    seeds: dict[int, None] = {}  # ordered, without repeats
    for part in text.replace(" ", "").split(","):
        low, sep, high = part.partition("-")
        if not low.isdigit() or (sep and not high.isdigit()):
            raise ValueError(f"seeds must be non-negative integers or ranges such as 0-49, separated by commas, "
                             f"got {text!r}")
        first, last = int(low), int(high) if sep else int(low)
        if last < first:
            raise ValueError(f"seeds range must run upwards (low-high), got {part!r}")
        if last - first + 1 + len(seeds) > MAX_SEEDS:
            raise ValueError(f"seeds: at most {MAX_SEEDS:,} at a time (an answer key for a term), got {text!r}")
        seeds.update(dict.fromkeys(range(first, last + 1)))
    return list(seeds)


def _given_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return ", ".join(f"{key}: {_given_text(v)}" for key, v in value.items())
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, int) for v in value) and len(value) == 3:
        return "×".join(fmt.number(v) for v in value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_given_text(v) for v in value) + "]"
    return fmt.number(value)


def answer_key(problems: Iterable[int], seeds: Iterable[int], format: str = "markdown") -> str:
    """An answer key for teaching assistants: every answer of every seed, as Markdown tables or tidy CSV.

    CSV columns: ``problem, seed, given`` (the Given as JSON), ``quantity, answer``; one row per answer.
    """
    if format not in ("markdown", "csv"):
        raise ValueError(f"format must be 'markdown' or 'csv', got {format!r}")
    problems = [_check_problem(p) for p in problems]
    seeds = [check_int("seed", s, minimum=0) for s in seeds]
    if format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["problem", "seed", "given", "quantity", "answer"])
        for problem in problems:
            for seed in seeds:
                v = variant(problem, seed).as_json()
                given = json.dumps(v["given"], separators=(",", ":"))
                writer.writerows([problem, seed, given, key, value] for key, value in v["answers"].items())
        return out.getvalue()
    sections = []
    for problem in problems:
        variants = [variant(problem, seed) for seed in seeds]
        keys = list(dict.fromkeys(k for v in variants for k in v.answers))  # Problem 3's shapes differ
        given_keys = list(dict.fromkeys(k for v in variants for k in v.given))  # Problem 3: hidden_activation
        lines = [f"## Problem {problem}", "", "| seed | " + " | ".join(given_keys + [f"`{k}`" for k in keys]) + " |"]
        lines.append("|--:|" + "---|" * len(given_keys) + "--:|" * len(keys))
        for v in variants:
            cells = [_given_text(v.given[g]) if g in v.given else "" for g in given_keys]
            cells += [fmt.number(v.answers[k]) if k in v.answers else "" for k in keys]
            lines.append(f"| {v.seed} | " + " | ".join(cells) + " |")
        sections.append("\n".join(lines))
    return "\n\n".join(sections) + "\n"


# ------------------------------------------------------------------ command line
# ------------------------------------------------------------------ personal sheets
SEED_BYTES = 4


def roster_seed(name: str) -> int:
    """The seed of a student without one: int.from_bytes(SHA-256(identity(name))[:4], "big"), 0 to 2**32 − 1."""
    return int.from_bytes(hashlib.sha256(identity(name).encode("utf-8")).digest()[:SEED_BYTES], "big")


def read_roster(path: Any) -> list[dict[str, str]]:
    """The roster's students: ``student`` (identity), ``id``, ``section``, ``seed`` (text; derived when blank).

    Raises :class:`hwlib.class_input.InputError` with one line per problem."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([f"{path}: cannot be read as UTF-8 text: {exc}"]) from exc
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InputError([f"{path}: the file is empty; it needs a header row with a 'student' column"])
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(lines[0], text[:1 << 16]),
                               strict=True))
    except csv.Error as exc:
        raise InputError([f"{path}: {csv_problem(exc)}"]) from exc
    header = [h.strip() for h in rows[0]]
    folded = [identity(h).casefold() for h in header]  # a Canvas roster's "Student", "ID", "Section" too
    if "student" not in folded:
        raise InputError([f"{path}: no 'student' column; the header row is {', '.join(repr(h) for h in header)}"])
    where = {role: folded.index(role) for role in ("student", "id", "section", "seed") if role in folded}
    problems_found: list[str] = []
    seen: dict[str, int] = {}
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if not "".join(row).strip():
            continue
        cell = {role: (row[i].strip() if i < len(row) else "") for role, i in where.items()}
        name = identity(cell["student"])
        if not name:
            problems_found.append(f"{path}, row {number}, column 'student': the student's name is empty")
            continue
        if name in seen:
            problems_found.append(f"{path}, row {number} (student {name!r}): the same student as row {seen[name]}")
            continue
        hidden = hidden_in({"student": name, "id": cell.get("id", ""), "section": cell.get("section", "")})
        if hidden:
            problems_found.append(f"{path}, row {number} (student {name!r}): a control or text-direction character "
                                  f"({hidden}); remove it")
            continue
        seen[name] = number
        seed = cell.get("seed", "")
        if seed and not (seed.isascii() and seed.isdigit() and len(seed) <= 18):
            problems_found.append(f"{path}, row {number} (student {name!r}), column 'seed': {seed!r} is not a whole "
                                  "number >= 0")
            continue
        out.append({"student": name, "id": cell.get("id", ""), "section": cell.get("section", ""),
                    "seed": seed or str(roster_seed(name))})
    if not out and not problems_found:
        problems_found.append(f"{path}: no student rows below the header")
    if problems_found:
        raise InputError(problems_found)
    return out


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script>window.MathJax = {{tex: {{inlineMath: [["$", "$"]], displayMath: [["$$", "$$"]]}}}};</script>
<script defer src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script></head>
<body>
{body}
</body></html>
"""


def weights_markdown(given: Mapping[str, Any]) -> str:
    """Problem 3's weights as matrices, $W^l$ with $w^l_{ij}$ in row i, column j (the statement names them only)."""
    matrices = []
    for layer, matrix in enumerate(given["weights"], start=1):
        rows = r" \\ ".join(" & ".join(fmt.latex(v) for v in row) for row in matrix)
        matrices.append(rf"$W^{{{layer}}} = \begin{{pmatrix}} {rows} \end{{pmatrix}}$")
    return ("The weights, with $w^l_{ij}$ in row $i$ and column $j$ of $W^l$: "
            + ", ".join(matrices[:-1]) + " and " + matrices[-1] + ".")


def sheet_markdown(student: str, seed: int) -> str:
    """A student's practice sheet: the statements of the three problems of variant ``seed``, in Markdown."""
    parts = [f"# Practice sheet for {escape.markdown_text(student)}", "",
             f"Variant {seed} of the homework: the same three problems with your own numbers.", ""]
    for number in PROBLEMS:
        problem = problems.get(number)
        given = make_given(number, seed)
        parts += [f"## Problem {number}", "", problem.worked.statement(given).strip(), ""]
        if number == 3:
            parts += [weights_markdown(given), ""]
    return "\n".join(parts)


def _inline_html(text: str) -> str:
    """One paragraph of a sheet's Markdown as HTML: text escaped, ``**bold**`` as <strong>, ``$math$`` kept for
    MathJax (its ``<`` and ``&`` escaped too), backslash escapes of the name undone."""
    out = []
    for k, piece in enumerate(re.split(r"(\$[^$]*\$)", text)):
        if k % 2:
            out.append(escape.html_text(piece))
            continue
        piece = re.sub(r"\\([\\`*_\[\]{}|~$!#>+\-=.)])", r"\1", piece)
        piece = escape.html_text(piece)
        out.append(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", piece))
    return "".join(out)


def sheet_html(student: str, seed: int, markdown_text: str) -> str:
    """The sheet as an HTML page: its headings and paragraphs, math typeset by MathJax where it loads and
    readable TeX where it does not (the sheet's Markdown uses only headings, paragraphs, bold and math)."""
    blocks = [f"<h1>Practice sheet for {escape.html_text(student)}</h1>"]  # the name as given, escaped once
    for block in markdown_text.strip().split("\n\n")[1:]:
        heading = re.match(r"(#{1,3}) (.*)", block)
        if heading:
            level = len(heading.group(1))
            blocks.append(f"<h{level}>{_inline_html(heading.group(2))}</h{level}>")
        else:
            blocks.append(f"<p>{_inline_html(' '.join(block.splitlines()))}</p>")
    return _PAGE.format(title=escape.html_text(f"Practice sheet for {student}"), body="\n".join(blocks))


def _cell(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def write_sheets(roster: Any, out: Any) -> int:
    """Write DIR/sheets/, DIR/key.csv and DIR/run.json for a roster (complete or not at all); the students."""
    from pathlib import Path

    students = read_roster(Path(roster))
    folder = OutputFolder(Path(out), outputs=frozenset({"sheets", "key.csv", "run.json"}))
    try:
        if folder.contains(Path(roster)):
            raise InputError([f"{roster}: the roster lies in the output folder {out}, which is replaced as a whole"])
        folder.mkdir("sheets")
        used: set[str] = set()
        # the key's columns: the union of the students' variants' keys, problem by problem in order of first
        # appearance; a cell of a quantity a student's variant lacks stays blank
        rows: list[dict[str, str]] = []
        union: dict[int, dict[str, None]] = {p: {} for p in PROBLEMS}
        for s in students:
            values: dict[str, str] = {}
            for p in PROBLEMS:
                found = answers(p, make_given(p, int(s["seed"])))
                union[p].update(dict.fromkeys(found))
                values.update({q: _cell(v) for q, v in found.items()})
            rows.append(values)
        keys = [q for p in PROBLEMS for q in union[p]]
        with folder.open("key.csv") as f:
            writer = csv.writer(f)
            writer.writerow(["student", "id", "section", "seed", *keys])
            for s, values in zip(students, rows):
                seed = int(s["seed"])
                writer.writerow([escape.csv_cell(s["student"]), s["id"], escape.csv_cell(s["section"]), seed,
                                 *(values.get(k, "") for k in keys)])
                name = file_name(s["student"], used, "")
                text = sheet_markdown(s["student"], seed)
                with folder.open(f"sheets/{name}.md") as sheet:
                    sheet.write(text)
                with folder.open(f"sheets/{name}.html") as sheet:
                    sheet.write(sheet_html(s["student"], seed, text))
        with open(roster, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        with folder.open("run.json") as f:
            json.dump({"roster": {"path": str(roster), "sha256": digest, "students": len(students)},
                       "seeds": "the roster's seed column; blank: first 4 bytes of SHA-256 of the name",
                       "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "hwlib_version": hwlib.__version__},
                      f, indent=2, ensure_ascii=False)
        folder.commit()
    except BaseException:
        folder.discard()
        raise
    return len(students)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hwlib.practice",
        description="A practice variant of a homework problem as JSON, or an answer key for a range of seeds.",
    )
    parser.add_argument("--problem", type=int, choices=PROBLEMS,
                        help="the problem (1, 2 or 3); --key without it covers all three")
    parser.add_argument("--seed", type=int, help="the variant's seed (an integer >= 0)")
    parser.add_argument("--key", action="store_true", help="print an answer key for --seeds instead of one variant")
    parser.add_argument("--seeds", default="0-49", help="seeds of the answer key, e.g. 0-49 or 0-9,20 (default 0-49)")
    parser.add_argument("--format", choices=("markdown", "csv"), default="markdown",
                        help="answer key format (default markdown)")
    parser.add_argument("--sheets", metavar="ROSTER.csv",
                        help="write one practice sheet per student of a roster (with --out)")
    parser.add_argument("--out", metavar="DIR", help="the folder of --sheets (replaced as a whole)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m hwlib.practice``: print one variant as JSON, or (``--key``) an answer key."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.sheets:
        if not args.out:
            parser.error("--sheets needs --out DIR")
        try:
            count = write_sheets(args.sheets, args.out)
        except InputError as exc:
            for line in exc.problems:
                print(f"error: {escape.terminal(line)}", file=sys.stderr)
            return 2
        except (OutputError, OSError) as exc:
            print(f"error: {escape.terminal(str(exc))}", file=sys.stderr)
            return 2
        sheets = f"{count:,} sheet{'' if count == 1 else 's'}"
        print(escape.terminal(f"wrote {sheets}: {args.out}/sheets/, {args.out}/key.csv"))
        return 0
    try:
        if args.key:
            if args.seed is not None:
                parser.error("--seed is for one variant; the answer key takes --seeds")
            chosen = [args.problem] if args.problem else list(PROBLEMS)
            sys.stdout.write(answer_key(chosen, parse_seeds(args.seeds), args.format))
            return 0
        if args.problem is None or args.seed is None:
            parser.error("one variant needs --problem and --seed (or use --key for an answer key)")
        print(json.dumps(variant(args.problem, args.seed).as_json()))
    except (ValueError, TypeError) as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())


# ------------------------------------------------------------------ labels and hints
_P1_STEPS = {
    "standard": "Standard convolution",
    "depthwise": "Depthwise step",
    "pointwise": "Pointwise step",
    "separable": "Depthwise separable, total",
}
_P1_HINTS = {
    "standard.weights": "a standard convolution has one k × k × C_in filter for each of the C_out output channels.",
    "standard.macs": "each of the H_out × W_out × C_out output values is one dot product of k × k × C_in terms.",
    "depthwise.weights": "the depthwise step has one k × k filter per input channel, and no filter mixes channels.",
    "depthwise.macs": "the depthwise step makes H_out × W_out × C_in output values, each from k × k products.",
    "pointwise.weights": "the pointwise step is a 1 × 1 convolution from C_in to C_out channels.",
    "pointwise.macs": "the pointwise step makes H_out × W_out × C_out output values, each from C_in products.",
    "separable.weights": "the separable total is the depthwise step plus the pointwise step.",
    "separable.macs": "the separable total is the depthwise step plus the pointwise step.",
}
_NAMES = {"weights": "weights", "macs": "MACs", "padding": "padding p", "stride": "stride s",
          "filters": "number of filters"}
@functools.lru_cache(maxsize=1)
def _problem3_labels() -> dict[str, str]:
    """Problem 3's labels, which depend on the 2-2-2-1 shape alone (the homework's)."""
    return problems.get(3).truth(load_given(3)).labels


_P1_SHAPE = {"H_out": "Output height H_out", "W_out": "Output width W_out", "padding": "Padding p",
             "stride": "Stride s"}


def quantity_label(problem: int, quantity: str, truth: Any = None) -> str:
    """The input's label in plain text: "Depthwise step: MACs", "(b) padding p", "∂L/∂w²₁₁" (Problem 3's labels
    from ``truth``, by default the homework's network)."""
    if problem == 1 and quantity in _P1_SHAPE:
        return _P1_SHAPE[quantity]
    if problem in (1, 2) and "." in quantity:
        part, _, name = quantity.partition(".")
        if name not in _NAMES:
            raise ValueError(f"quantity must be one of the asked quantities of problem {problem}, got {quantity!r}")
        return f"{_P1_STEPS.get(part, part)}: {_NAMES[name]}" if problem == 1 else f"({part}) {_NAMES[name]}"
    if problem == 3:
        labels = truth.labels if truth is not None else _problem3_labels()
        if quantity in labels:
            return plain_label(labels[quantity])
    raise ValueError(f"quantity must be one of the asked quantities of problem {problem}, got {quantity!r}")


def _factor_rank(factor: sp.Expr) -> int:
    """Order of factors in a product: activation (x₁), weight (w¹₁₁), ReLU's slope (ReLU'(y₁)), gradient (∂L/∂y₁)."""
    name = getattr(factor, "name", "")
    if name.startswith("dL/"):
        return 3
    return 2 if name.startswith("relu'(") else 1 if re.fullmatch(r"w\d+_\d+", name) else 0


def _plain_expression(expr: sp.Expr, labels: Mapping[str, str]) -> str:
    """A sum of products of named quantities, in plain text: x₁ · w¹₁₁ + x₂ · w¹₂₁, w³₁₁ · ∂L/∂z."""
    if isinstance(expr, sp.Symbol):
        return plain_label(labels[expr.name])
    if isinstance(expr, sp.Add):
        return " + ".join(_plain_expression(term, labels) for term in expr.args)
    if isinstance(expr, sp.Mul):
        steps = [f for f in expr.args if isinstance(f, sp.Heaviside)]
        rest = [f for f in expr.args if not isinstance(f, sp.Heaviside)]
        if len(steps) == 1 and len(rest) == 1 and steps[0].args[0] == rest[0]:  # a ReLU unit: H(u) · u
            return f"max(0, {_plain_expression(rest[0], labels)})"
        factors = sorted(expr.args, key=lambda f: (_factor_rank(f), str(f)))
        return " · ".join(_plain_expression(f, labels) for f in factors)
    raise ValueError(f"expr must be a sum of products of quantities, got {expr}")


def hint(problem: int, given: Mapping[str, Any], quantity: str) -> str:
    """Where to look when a value is wrong for no catalogued reason: the formula or step that gives it."""
    truth = problems.get(problem).truth(given)
    if quantity not in truth.values:
        raise ValueError(f"quantity must be a quantity of problem {problem}, got {quantity!r}")
    if problem == 1:
        if quantity in _P1_HINTS:
            return f"Look again at the count: {_P1_HINTS[quantity]}"
        return "Look at the output size o = ⌊(i + 2p − k)/s⌋ + 1, solved for p and s."
    if problem == 2:
        _, _, name = quantity.partition(".")
        if name == "filters":
            return "Look at the output's channels: each filter makes one output channel."
        return ("Look at the output size o = ⌊(i + 2p − k)/s⌋ + 1 along the height and along the width, with "
                "this part's filter size k: which padding and stride give both output sizes?")
    labels = truth.labels
    label = plain_label(labels[quantity])
    if quantity == "L":
        outputs = [q for q in truth.values
                   if f"dL/d{q}" in truth.formulas and truth.formulas[f"dL/d{q}"].has(sp.Symbol("t"))]
        return "Look at the loss: L = " + " + ".join(f"({plain_label(labels[o])} − t)²" for o in outputs) + "."
    formula = truth.formulas.get(quantity)
    if formula is None:
        raise ValueError(f"quantity must be a computed quantity of problem 3, got {quantity!r}")
    if formula.has(sp.Symbol("t")):  # the output's gradient, 2(z - t)
        output = quantity.removeprefix("dL/d")
        return f"Look at the loss's derivative: {label} = 2({plain_label(labels[output])} − t)."
    step = "forward pass" if not quantity.startswith("dL/") else "chain rule"
    return f"Look at this step of the {step}: {label} = {_plain_expression(formula, labels)}."


# ------------------------------------------------------------------ judging a whole answer
#: The verdicts of a checked field: those of :mod:`hwlib.marker` (correct, carried, wrong, blank).
VERDICTS = (CORRECT, CARRIED, WRONG, BLANK)


def fields(problem: int, truth: Truth) -> list[tuple[str, bool]]:
    """The fields of a practice variant, in the order of the working: (quantity key, optional).

    Problem 1: the output height and width, padding and stride the counts use, then the counts asked;
    Problem 2: each part's padding, stride and filters; Problem 3: the forward values, the loss, then, from
    the output back, each layer's gradients (optional: they locate a slip) and its weights' gradients.
    """
    registered = problems.get(_check_problem(problem))
    asked = registered.asked(truth)
    if registered.number == 1:
        return [(q, False) for q in ("H_out", "W_out")] + [(q, False) for q in registered.computed(truth)]
    if registered.number == 2:
        return [(q, False) for q in asked]
    inputs = {q for q in truth.values if q not in truth.formulas and f"dL/d{q}" in truth.formulas
              and not re.fullmatch(r"w\d+_\d+", q)}  # the input units, whose gradients are not asked
    computed = [q for q in registered.computed(truth) if q.removeprefix("dL/d") not in inputs]
    return [(q, q not in asked) for q in computed]


@dataclass(frozen=True)
class FieldVerdict:
    """The verdict on one field of a whole answer.

    ``verdict``: as :meth:`hwlib.marker.ValueMarker.verdicts`; ``names``: the catalogue mistakes the marker
    names there; ``mistake``: the one diagnosis shown (the names less those that a field marked correct
    contradicts, the one explaining most wrong fields, catalogue order on a tie), ``None`` if none;
    ``stated_at``: the first field (page order) where that diagnosis is shown, this field itself where the
    slip starts; ``carries``: for a carried value, the student's own written values other than the true ones that
    it rests on, directly or through intermediates they left blank (:meth:`hwlib.marker.ValueMarker.rests_on`).
    """

    quantity: str
    verdict: str
    names: tuple[str, ...] = ()
    mistake: str | None = None
    stated_at: str | None = None
    carries: tuple[str, ...] = ()


@functools.lru_cache(maxsize=64)
def _value_marker(problem: int, given_json: str) -> ValueMarker:
    return ValueMarker(problem, json.loads(given_json))


@functools.lru_cache(maxsize=64)
def _predictions(problem: int, given_json: str) -> dict[str, dict[str, float]]:
    """mistake name -> the values it changes (:meth:`hwlib.mistakes.Mistake.predict`), once per Given: a page
    checks many answers to one variant."""
    given = json.loads(given_json)
    policy = _value_marker(problem, given_json).policy
    return {m.name: m.predict(given, policy) for m in problems.get(problem).catalogue}


@functools.lru_cache(maxsize=64)
def _reaches(problem: int, given_json: str) -> dict[str, list[tuple[str, set[str]]]]:
    """mistake name -> for each step the mistake changes (its root), the root and the quantities that then
    change."""
    given = json.loads(given_json)
    truth = problems.get(problem).truth(given)
    policy = _value_marker(problem, given_json).policy
    out: dict[str, list[tuple[str, set[str]]]] = {}
    for m in problems.get(problem).catalogue:
        try:
            overrides = m.formulas(given, truth)
        except (ValueError, TypeError):
            overrides = {}
        out[m.name] = []
        for root, expr in overrides.items():
            values = mistakes.propagate(truth, {root: expr})
            out[m.name].append((root, {q for q, v in values.items() if q in truth.values and not math.isnan(v)
                                       and not policy.agrees(v, truth.values[q], truth.kind(q))}))
    return out


def judge(problem: int, given: Mapping[str, Any], values: Mapping[str, float | None]) -> list[FieldVerdict]:
    """Judge a whole answer (quantity -> value, ``None`` for blank) of ``problem`` with ``given``, field by field.

    The verdicts are the marker's (:class:`hwlib.marker.ValueMarker`: correct; carried, right on the student's own
    upstream values; wrong, with the catalogue mistakes that give it).  Then one diagnosis per slip: a mistake that
    changes, from the step where it starts, a field the student has right (and reached from their own values) is not
    theirs there; of the rest, each
    wrong field keeps the one that explains the most wrong fields (catalogue order on a tie), stated once, at the
    first field in ``values``' order. A wrong field's candidates are the marker's names and the mistakes whose
    prediction from the Given gives its value (so that one slip seen in several fields is named once, not as one
    mistake here and another there).
    """
    problem = _check_problem(problem)
    given_json = json.dumps(given, sort_keys=False)
    marker = _value_marker(problem, given_json)
    keys = [q for q, _ in fields(problem, marker.truth)]
    unknown = sorted(set(values) - set(keys), key=str)
    if unknown:  # a Given's value (C_out) is no answer: as the student's own, it would change what follows from it
        raise ValueError(f"values: no field {unknown[0]!r} in problem {problem}; the fields are {keys}")
    own = {q: (None if v is None else float(v)) for q, v in values.items()}
    worked = marker.own_values(own)  # every quantity as the student's own working has it (blanks worked out)
    verdicts = marker.verdicts(own, worked)
    truth = marker.truth
    order = problems.get(problem).catalogue
    agrees = marker.policy.agrees
    predicted = _predictions(problem, given_json)
    reaches = _reaches(problem, given_json)

    # A right field counts against a slip at a root only when the student reached it from that root, step by step
    # on their own values: MACs found by the closed form, beside weights that count biases, say nothing about the
    # weights.
    follows = {f: marker.follows(f, own, worked) for f in verdicts}

    def reached(f: str, root: str, seen: frozenset[str] = frozenset()) -> bool:
        if f == root:
            return True
        if f in seen or not follows.get(f):
            return False
        return any(reached(i, root, seen | {f}) for i in marker.inputs(f))

    def refuted(name: str, q: str) -> bool:
        """Every way the mistake reaches q also changes a field the student has right and reached from its root."""
        ways = [(root, changed) for root, changed in reaches[name] if q in changed]
        if not ways:
            return any(verdicts[f][0] == CORRECT and follows[f] for f in predicted[name] if f in verdicts)
        return all(any(f in verdicts and verdicts[f][0] == CORRECT and reached(f, root) for f in changed)
                   for root, changed in ways)

    def gives(value: float, prediction: float, kind: str) -> bool:
        """As the marker names a mistake: a count a mistake predicts may be a fraction (padding k/2 = 1.5) and is
        then matched exactly; otherwise the policy's agreement."""
        return value == prediction if kind == COUNT and math.isfinite(prediction) else agrees(value, prediction, kind)

    kept = {}
    for q, (verdict, names) in verdicts.items():
        # the marker's names, and those whose whole-answer prediction gives the value, less the refuted ones
        kept[q] = [m.name for m in order if verdict == WRONG and (
            m.name in names or (q in predicted[m.name] and gives(own[q], predicted[m.name][q], truth.kind(q))))
            and not refuted(m.name, q)]
    explains = {m.name: sum(m.name in names for names in kept.values()) for m in order}
    stated: dict[str, str] = {}
    out = []
    for q, (verdict, names) in verdicts.items():
        chosen = None
        if kept[q]:
            chosen = max(kept[q], key=lambda n: (explains[n], -kept[q].index(n)))
            stated.setdefault(chosen, q)
        carries: tuple[str, ...] = ()
        if verdict == CARRIED:
            carries = marker.rests_on(q, own, worked)
        out.append(FieldVerdict(q, verdict, tuple(names), chosen, stated.get(chosen) if chosen else None, carries))
    return out


def messages(verdicts: Sequence[FieldVerdict], labels: Mapping[str, str], hints: Mapping[str, str],
             feedback: Mapping[str, str], optional: Mapping[str, bool]) -> dict[str, str]:
    """The feedback line of each field (plain text, a sign first: ✓, ↪, ✗), as the practice page writes it.

    ``labels`` and ``hints``: by quantity; ``feedback``: the catalogue's words by mistake name; ``optional``:
    whether a field may stay blank (it then says nothing).
    """
    out = {}
    for v in verdicts:
        if v.verdict == CORRECT:
            out[v.quantity] = "✓ Correct."
        elif v.verdict == CARRIED:
            own = join_words([labels.get(q, q) for q in v.carries])
            out[v.quantity] = f"↪ Carried: right on your own {own}; this step itself is right."
        elif v.verdict == BLANK:
            out[v.quantity] = "" if optional.get(v.quantity) else "No answer yet."
        elif v.mistake is not None and v.stated_at == v.quantity:
            out[v.quantity] = f"✗ Not right: {feedback[v.mistake]}."
        elif v.mistake is not None:
            out[v.quantity] = f"✗ Not right: the same slip as at {labels.get(v.stated_at, v.stated_at)}."
        else:
            out[v.quantity] = f"✗ Not right. {hints[v.quantity]}"
    return out


def summary(verdicts: Sequence[FieldVerdict], labels: Mapping[str, str], optional: Mapping[str, bool]) -> str:
    """The status line after a check: how many of the answered or required fields are right or carried, and which
    are wrong or still blank (a carried value is not listed: it comes right with the values it rests on)."""
    counted = [v for v in verdicts if not (v.verdict == BLANK and optional.get(v.quantity))]
    right = sum(v.verdict == CORRECT for v in counted)
    carried = sum(v.verdict == CARRIED for v in counted)
    text = f"{right} of {len(counted)} correct"
    if right == len(counted):
        return f"✓ {text}. Well done."
    if carried:
        text += f", {carried} carried (right on your own earlier values)"
    wrong = [labels.get(v.quantity, v.quantity) for v in counted if v.verdict == WRONG]
    blank = [labels.get(v.quantity, v.quantity) for v in counted if v.verdict == BLANK]
    parts = [f"✗ {text}."]
    if wrong:
        parts.append(f"Wrong: {'; '.join(wrong)}.")
    if blank:
        parts.append(f"No answer yet: {'; '.join(blank)}.")
    return " ".join(parts)


def read_answer(answer: Any, kind: str) -> float:
    """An answer as the practice pages read it, as a float: a number, or the text a person typed
    (:func:`hwlib.typed_number.parse`).

    Raises :class:`hwlib.typed_number.NumberError` (a ValueError) with the reason where it is refused: a text
    the parser refuses; a number that float64 cannot hold (keyword ``range``); for a count (``kind`` COUNT), a
    value that float64 does not hold exactly (``count``: ``1.00000000000000000001`` would be read as 1, ``0.1``) or
    above 2**53 (``count range``), where float64 no longer holds every whole number, as the class marker reads a
    count too.  A count such as ``1.5``, read exactly, is judged: wrong, and named where a catalogue slip gives it
    (padding k/2).  TypeError for what is no number.
    The page's script reads a field by the same rules (``readAnswer``; ``hwlib/data/number_cases.json``).
    """
    if isinstance(answer, str):
        answer = typed_number.parse(answer)
    if isinstance(answer, bool) or not isinstance(answer, (int, float, Decimal)):
        raise TypeError(f"answer must be a number or text, got {answer!r}")
    if isinstance(answer, float) and not math.isfinite(answer):
        raise typed_number.NumberError("range", "not a finite number")
    try:
        value = float(answer)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        raise typed_number.NumberError("range", "too large: at most about 1.8e308 (a float64)")
    if kind == COUNT:
        exact = Fraction(answer)
        if exact != Fraction(value):  # 1.00000000000000000001 would be read as 1
            raise typed_number.NumberError(
                "count", "a count is read exactly, and a float64 cannot hold this one exactly")
        if abs(exact) > EXACT_COUNT_LIMIT:
            raise typed_number.NumberError(
                "count range", "a count above 2⁵³ = 9,007,199,254,740,992 cannot be checked exactly")
    return value


def check(problem: int, seed: int, answers: Mapping[str, Any]) -> str:
    """Judge ``answers`` (quantity key -> number or typed text; missing or ``None``: blank) to variant ``seed`` of
    ``problem`` as its practice page does, and return the verdicts and feedback as Markdown: the route for a
    notebook viewer, where the page's inputs cannot run.

    An answer is read by :func:`read_answer` (text by :func:`hwlib.typed_number.parse`); one it refuses (a count
    that is not a whole number, say) is reported and judged as blank.
    """
    problem = _check_problem(problem)
    given = make_given(problem, seed)
    truth = problems.get(problem).truth(given)
    if not isinstance(answers, Mapping):
        raise TypeError(f"answers must be a mapping of quantity keys to numbers, got {type(answers).__name__}")
    layout = fields(problem, truth)
    keys = [q for q, _ in layout]
    unknown = sorted(set(answers) - set(keys))
    if unknown:
        raise ValueError(f"answers: no field {unknown[0]!r} in problem {problem}; the fields are {keys}")
    values: dict[str, float | None] = {}
    refused: dict[str, str] = {}
    for q in keys:
        a = answers.get(q)
        values[q] = None
        if a is None:
            continue
        try:
            values[q] = read_answer(a, truth.kind(q))
        except typed_number.NumberError as error:
            refused[q] = error.reason
        except TypeError:
            raise TypeError(f"answers[{q!r}] must be a number or text, got {a!r}") from None
    verdicts = judge(problem, given, values)
    optional = dict(layout)
    labels = {q: quantity_label(problem, q, truth) for q in keys}
    hints = {q: hint(problem, given, q) for q in keys}
    feedback = {m.name: m.feedback_for(given) for m in problems.get(problem).catalogue}
    lines = messages(verdicts, labels, hints, feedback, optional)
    rows = ["| field | your value | verdict |", "|---|--:|---|"]
    for v in verdicts:
        line = refused[v.quantity] if v.quantity in refused else lines[v.quantity]
        if v.quantity in refused:
            line = f"✗ Not read as a number: {line}."
        written = "" if values[v.quantity] is None else fmt.number(values[v.quantity])
        rows.append(f"| {labels[v.quantity]} | {written} | {line.replace('|', '∣')} |")
    return f"**Problem {problem}, seed {seed}.** {summary(verdicts, labels, optional)}\n\n" + "\n".join(rows) + "\n"
