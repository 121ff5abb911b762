"""Practice variants of the three problems: a Given from a seed, and its answers.

``variant(problem, seed)`` returns the problem posed with new numbers, chosen
so that

* it is **valid by construction**: Problem 1's output size is reached by
  exactly one (padding, stride) (``hwlib.conv.solve_padding_stride``); each
  filter size of Problem 2 keeps the spatial size with exactly one (padding,
  stride); Problem 3 keeps the homework's 2-2-2-1 network;
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

Command line (the JSON is documented in README.md)::

    python -m hwlib.practice --problem 1 --seed 7
    python -m hwlib.practice --key --seeds 0-49 [--problem 2] [--format csv]
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import itertools
import json
import random
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hwlib import conv, fmt, problems
from hwlib._checks import check_int
from hwlib.network import Network
from hwlib.transcription import load_given

__all__ = [
    "PROBLEMS",
    "Variant",
    "variant",
    "make_given",
    "answers",
    "parse_seeds",
    "answer_key",
    "main",
]

PROBLEMS = problems.NUMBERS

# Problem 1: k x k convolution of an n x n x C_in input to n_out x n_out x C_out.
P1_SIZES = tuple(range(8, 33))
P1_KERNELS = (3, 5)
P1_STRIDES = (1, 2)
P1_IN_CHANNELS = (3, 4, 8, 10, 12, 16, 20, 24, 32)
P1_OUT_CHANNELS = (8, 16, 20, 24, 32, 40, 48, 64)
P1_MAX_MACS = 5_000_000  # the homework's standard layer has 1,620,000
# Problem 2: keep n x n, from C_in to C_out channels, with three filter sizes (parts a, b, c).
P2_SIZES = tuple(range(8, 33))
P2_CHANNELS = (3, 4, 6, 8, 10, 12, 16, 20, 32, 64)
P2_KERNELS = (1, 3, 5, 7)
P2_PARTS = ("a", "b", "c")
# Problem 3: the 2-2-2-1 linear network; integer weights, inputs and target.
P3_LAYER_SHAPES = ((2, 2), (2, 2), (2, 1))
P3_WEIGHTS = (-2, -1, 0, 1, 2)
P3_INPUTS = (-2, -1, 0, 1, 2)
P3_TARGETS = (-3, -2, -1, 0, 1, 2, 3)
P3_MAX_ABS = 60  # largest |forward value or gradient| a variant may ask for
P3_MAX_ZERO_GRADIENTS = 3  # of the ten weight gradients, so that most steps carry a number
_SHUFFLE_SEED = 20261127  # fixes the order of the listed variants of Problems 1 and 2


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
@functools.lru_cache(maxsize=None)
def _homework_json(problem: int) -> str:
    return json.dumps(load_given(problem))


def _homework_given(problem: int) -> dict[str, Any]:
    return json.loads(_homework_json(problem))


@functools.lru_cache(maxsize=None)
def _problem1_layers() -> tuple[tuple[int, int, int, int, int], ...]:
    """Every (n, n_out, kernel, C_in, C_out) of the ranges above with one (padding, stride), in a fixed shuffled order."""
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
    return tuple(_Picker(_SHUFFLE_SEED).shuffled(layers))


def _problem1_given(n: int, n_out: int, kernel: int, c_in: int, c_out: int) -> dict[str, Any]:
    return {"in_shape": [n, n, c_in], "out_shape": [n_out, n_out, c_out], "kernel": kernel}


@functools.lru_cache(maxsize=None)
def _problem2_parts() -> tuple[tuple[int, tuple[int, ...], int, int], ...]:
    """Every (n, kernels, C_in, C_out) of the ranges above where each part has one (padding, stride), in a fixed shuffled order."""
    homework = _homework_given(2)
    sizes = [(n, [k for k in P2_KERNELS if len(conv.solve_padding_stride(n, n, k)) == 1]) for n in P2_SIZES]
    parts = [
        (n, kernels, c_in, c_out)
        for n, unique in sizes
        for kernels in itertools.permutations(unique, len(P2_PARTS))
        for c_in, c_out in itertools.product(P2_CHANNELS, P2_CHANNELS)
    ]
    parts = [p for p in parts if _problem2_given(*p) != homework] if homework["in_volume"][0] in P2_SIZES else parts
    return tuple(_Picker(_SHUFFLE_SEED).shuffled(parts))


def _problem2_given(n: int, kernels: tuple[int, ...], c_in: int, c_out: int) -> dict[str, Any]:
    return {"in_volume": [n, n, c_in], "out_volume": [n, n, c_out], "kernels": dict(zip(P2_PARTS, kernels))}


def _problem3_given(seed: int) -> dict[str, Any]:
    """Draw integer weights, inputs and target until the variant is workable by hand and not degenerate."""
    homework = _homework_given(3)
    picker = _Picker(seed)
    while True:
        weights = [[[picker.choice(P3_WEIGHTS) for _ in range(cols)] for _ in range(rows)] for rows, cols in P3_LAYER_SHAPES]
        x = [picker.choice(P3_INPUTS) for _ in range(2)]
        t = picker.choice(P3_TARGETS)
        given = {"weights": weights, "x": x, "t": t}
        if given == homework or not any(x) or not all(v for row in weights[-1] for v in row):
            continue  # x = 0 or a zero output weight would leave most gradients zero
        net = Network([np.array(w, dtype=float) for w in weights])
        forward = net.forward(np.array(x, dtype=float))
        grads = net.backward(np.array(x, dtype=float), t)
        arrays = [*forward, *grads.activations, *grads.weights, [net.loss(x, t)]]
        largest = max(float(np.max(np.abs(a))) for a in arrays)
        zero_gradients = sum(int(np.sum(g == 0)) for g in grads.weights)
        if (grads.activations[-1][0] != 0  # z != t: some gradient to pass back
                and all(np.any(layer != 0) for layer in forward[1:])  # no layer of zeros
                and zero_gradients <= P3_MAX_ZERO_GRADIENTS and largest <= P3_MAX_ABS):
            return given


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
            raise ValueError(f"seeds must be non-negative integers or ranges such as 0-49, separated by commas, got {text!r}")
        first, last = int(low), int(high) if sep else int(low)
        if last < first:
            raise ValueError(f"seeds range must run upwards (low-high), got {part!r}")
        if last - first + 1 + len(seeds) > MAX_SEEDS:
            raise ValueError(f"seeds: at most {MAX_SEEDS:,} at a time (an answer key for a term), got {text!r}")
        seeds.update(dict.fromkeys(range(first, last + 1)))
    return list(seeds)


def _given_text(value: Any) -> str:
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
        keys = list(variants[0].answers) if variants else []
        given_keys = list(variants[0].given) if variants else []
        lines = [f"## Problem {problem}", "", "| seed | " + " | ".join(given_keys + [f"`{k}`" for k in keys]) + " |"]
        lines.append("|--:|" + "---|" * len(given_keys) + "--:|" * len(keys))
        for v in variants:
            cells = [_given_text(v.given[g]) for g in given_keys] + [fmt.number(v.answers[k]) for k in keys]
            lines.append(f"| {v.seed} | " + " | ".join(cells) + " |")
        sections.append("\n".join(lines))
    return "\n\n".join(sections) + "\n"


# ------------------------------------------------------------------ command line
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hwlib.practice",
        description="A practice variant of a homework problem as JSON, or an answer key for a range of seeds.",
    )
    parser.add_argument("--problem", type=int, choices=PROBLEMS, help="the problem (1, 2 or 3); --key without it covers all three")
    parser.add_argument("--seed", type=int, help="the variant's seed (an integer >= 0)")
    parser.add_argument("--key", action="store_true", help="print an answer key for --seeds instead of one variant")
    parser.add_argument("--seeds", default="0-49", help="seeds of the answer key, e.g. 0-49 or 0-9,20 (default 0-49)")
    parser.add_argument("--format", choices=("markdown", "csv"), default="markdown", help="answer key format (default markdown)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m hwlib.practice``: print one variant as JSON, or (``--key``) an answer key."""
    parser = _parser()
    args = parser.parse_args(argv)
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
