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
    python -m hwlib.practice --sheets ROSTER.csv --out DIR

``--sheets`` writes one practice sheet per student of a roster (a CSV with a ``student`` column and
optionally ``id``, ``section`` and ``seed``, matched ignoring case as in a Canvas roster's ``Student``,
``ID``, ``Section``; other columns are ignored): ``DIR/sheets/<student>.md`` and
``.html`` (the statements of the three problems of the student's variant), ``DIR/key.csv`` (the
instructor's key: student, id, section, seed, then every asked quantity's true value) and
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
import random
import re
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import hwlib
from hwlib import conv, escape, fmt, problems
from hwlib._checks import check_int
from hwlib.class_input import InputError, csv_problem, detect_delimiter, file_name, hidden_in, identity
from hwlib.network import Network
from hwlib.output_folder import OutputError, OutputFolder
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
    "roster_seed",
    "read_roster",
    "sheet_markdown",
    "sheet_html",
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
    return tuple(_Picker(_SHUFFLE_SEED).shuffled(layers))


def _problem1_given(n: int, n_out: int, kernel: int, c_in: int, c_out: int) -> dict[str, Any]:
    return {"in_shape": [n, n, c_in], "out_shape": [n_out, n_out, c_out], "kernel": kernel}


@functools.cache
def _problem2_parts() -> tuple[tuple[int, tuple[int, ...], int, int], ...]:
    """Every (n, kernels, C_in, C_out) of the ranges above where each part has one (padding, stride), in a
    fixed shuffled order."""
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
        weights = [[[picker.choice(P3_WEIGHTS) for _ in range(cols)] for _ in range(rows)]
                   for rows, cols in P3_LAYER_SHAPES]
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
        keys = {p: None for p in PROBLEMS}
        with folder.open("key.csv") as f:
            writer = csv.writer(f)
            header_written = False
            for s in students:
                seed = int(s["seed"])
                values: dict[str, str] = {}
                for p in PROBLEMS:
                    values.update({q: _cell(v) for q, v in answers(p, make_given(p, seed)).items()})
                if not header_written:
                    keys = list(values)
                    writer.writerow(["student", "id", "section", "seed", *keys])
                    header_written = True
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
