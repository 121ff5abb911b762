"""Mark a class from a CSV file: ``python -m hwlib.mark ANSWERS.csv --out DIR``.

``ANSWERS.csv`` has a ``student`` column and one column per quantity, named by its key in
:mod:`hwlib.answers` (``standard.weights``, ``a.padding``, ``dL/dz``, ``dL/dw2_21``, ...; list them
with ``python -m hwlib.mark --quantities``, print the header with ``--template``).  Any subset of the
quantity columns may be present; an empty cell is a blank.  Optional columns: ``id`` and
``section`` (carried to every output), ``seed`` (each student marked against their own practice
variant, :mod:`hwlib.practice`; the columns are then the union of the variants' keys, ``--template
--roster ROSTER.csv`` or ``--seed N`` prints them, and a quantity a student's variant lacks must be blank
there: it counts in neither ``answered`` nor ``max_points``, and a value written in it is bad input, or
``review`` with ``--lenient``).  An export with other headers is read through ``--columns
MAP.toml``: a table ``[columns]`` of header text = ``student``, ``id``, ``section``, ``seed``,
``ignore`` or a quantity key.  The delimiter (``,`` ``;`` or tab) is detected.  Numbers: ASCII
digits, a sign (``-``, ``+``, U+2212), a decimal point, an exponent, thousands separators where
unambiguous (``1,620,000``); a lone comma (``0,125``) is refused as ambiguous.

``--given FILE`` marks against another Given: a TOML or JSON file (by its extension) with a
table per problem, ``p1``, ``p2``, ``p3``, each holding that problem's Given under the names of
:mod:`hwlib.answers` (problems left out keep the homework's).  For example, in TOML::

    [p1]
    in_shape = [32, 32, 16]
    out_shape = [16, 16, 32]
    kernel = 3

    [p3]
    weights = [[[2, 0], [1, 1]], [[1, -1], [1, 0]], [[1], [1]]]
    x = [1, -1]
    t = 2

Agreement: a count (weights, MACs, padding, stride, filters) is correct only when exactly equal; a
real value (Problem 3) when it rounds to the truth at 3 significant figures (``--sig-figs N``), or
within a relative ``--tolerance REL``.  The truth is exact (rationals, integers); a Given that float64
cannot mark faithfully is refused with the reason.

It writes, into ``DIR`` as a whole (a temporary folder beside it, moved into place when complete):
``marks.csv`` (one row per student: ``student``, [``id``, ``section``,] ``answered``, ``correct``,
``follow_through``, ``points``, ``max_points``, ``p1_points`` ..., then each quantity's verdict:
correct, carried, wrong, blank or review), ``mistakes.csv`` (each wrong value with the catalogue
mistakes that give it, and each correct value that does not follow from the student's own values),
``report.md`` and its chart ``marks.png``, ``feedback/<student>.md`` (one per student; leave them
out with ``--no-feedback``), ``review.csv`` (with ``--lenient``: cells that are not numbers, marked
``review``), ``canvas.csv`` / ``moodle.csv`` (``--export canvas|moodle``, the column
``--assignment NAME`` holds the points), and ``run.json`` (the input's SHA-256, the options, the time,
the version).  ``--rubric RUBRIC.toml`` sets the points (:mod:`hwlib.rubric`).

Bad input stops with exit status 2 and one line per problem (at most 50, then a count), naming the
file, the row's student and the column; nothing is written.  A cell in a spreadsheet that would run
as a formula (a name starting with = + - @) is written with a leading apostrophe; ids are written
exactly as given.
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import io
import json
import math
import os
import re
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

import hwlib
from hwlib import mistakes
from hwlib.class_input import (
    ROLES,
    ClassReader,
    InputError,
    file_name,
    hidden_character,
    parse_number,
    read_column_map,
)
from hwlib.class_summary import Summary
from hwlib.class_vector import (
    BLANK,
    CARRIED,
    CORRECT,
    DOES_NOT_FOLLOW,
    REVIEW,
    VERDICT_WORDS,
    WRONG,
    ClassMarker,
)
from hwlib.escape import csv_cell as neutral
from hwlib.escape import markdown_text, terminal
from hwlib.output_folder import OutputError, OutputFolder
from hwlib.rubric import Rubric, points_text, read_rubric, unit_scale
from hwlib.tolerance import COUNT, Policy
from hwlib.transcription import load_given

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["InputError", "main", "read_givens"]

_PART = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,15}")
_MAX_GIVEN_BYTES = 1_000_000


def _check_parts(key: str, value: Mapping[str, Any]) -> str | None:
    """Problem 2's part names must be short identifiers (they become column names and words)."""
    kernels = value.get("kernels")
    if key == "p2" and isinstance(kernels, dict):
        for part in kernels:
            if not isinstance(part, str) or not _PART.fullmatch(part):
                return (
                    f"part names must be short identifiers (a letter, then letters, digits or _, at most 16), "
                    f"got {terminal(repr(part))[:60]}"
                )
    return None


def read_givens(path: Path | None) -> tuple[dict[int, dict[str, Any]], str]:
    """Problem -> Given: the homework's, with the problems of ``path`` (TOML or JSON) in their place."""
    givens = {p: load_given(p) for p in (1, 2, 3)}
    if path is None:
        return givens, "the homework's Given"
    try:
        if path.stat().st_size > _MAX_GIVEN_BYTES:
            raise InputError([f"{path}: larger than {_MAX_GIVEN_BYTES:,} bytes; a Given is a few lines"])
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([f"{path}: cannot be read as UTF-8 text: {exc}"]) from exc
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        elif path.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        else:
            raise InputError([f"{path}: the Given file must end in .toml or .json"])
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError([f"{path}: not valid {path.suffix[1:].upper()}: {str(exc)[:200]}"]) from exc
    except RecursionError as exc:
        raise InputError([f"{path}: nested too deeply to be a Given"]) from exc
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise InputError([f"{path}: not a valid Given: {str(exc)[:200]}"]) from exc
    if not isinstance(data, dict):
        raise InputError([f"{path}: must hold a table per problem (p1, p2, p3)"])
    problems = []
    for key, value in data.items():
        if key not in ("p1", "p2", "p3"):
            problems.append(f"{path}, table {terminal(repr(key))[:60]}: not a problem; use p1, p2 or p3")
            continue
        if not isinstance(value, dict):
            problems.append(f"{path}, table {key!r}: must be a table of that problem's Given")
            continue
        problem = int(key[1])
        bad_part = _check_parts(key, value)
        if bad_part:
            problems.append(f"{path}, table {key!r}: {bad_part}")
            continue
        try:
            mistakes.truth_of(problem, value)
        except (TypeError, ValueError, ArithmeticError, RecursionError, MemoryError) as exc:
            problems.append(f"{path}, table {key!r}: {terminal(str(exc))[:300]}")
            continue
        givens[problem] = value
    if problems:
        raise InputError(problems)
    return givens, f"the Given of `{path.name}`"


def _quantities(givens: Mapping[int, Mapping[str, Any]]) -> dict[str, Any]:
    from hwlib.class_marking import quantities

    return quantities(givens)


def _quantities_text(givens: Mapping[int, Mapping[str, Any]], seeds: Sequence[int] | None = None) -> str:
    table = _quantities(givens) if seeds is None else {q: _variant_table()[q][0] for q in _class_keys(seeds)}
    width = max(len(k) for k in table)
    return "\n".join(terminal(f"{q.key:<{width}}  problem {q.problem}  {q.meaning}") for q in table.values())


def _p3_shape(given: Mapping[str, Any]) -> tuple[tuple[int, int], ...]:
    return tuple((len(w), len(w[0])) for w in given["weights"])


@functools.lru_cache(maxsize=1)
def _variant_table() -> dict[str, tuple[Any, bool]]:
    """Every quantity of any practice variant (the homework's first, then each other Problem 3 shape's new
    ones, in the order of ``practice.P3_SHAPES``): key -> (its quantity, whether it is a count)."""
    from hwlib import practice

    found: dict[tuple[tuple[int, int], ...], dict[int, dict[str, Any]]] = {}
    shapes = list(dict.fromkeys(practice.P3_SHAPES))
    seed = 0
    while len(found) < len(shapes) and seed < 10_000:
        given = practice.make_given(3, seed)
        found.setdefault(_p3_shape(given), {p: practice.make_given(p, seed) for p in (1, 2)} | {3: given})
        seed += 1
    table: dict[str, tuple[Any, bool]] = {}
    for shape in shapes:
        if shape in found:
            givens = found[shape]
            for q, quantity in _quantities(givens).items():
                if q not in table:
                    kind = mistakes.truth_of(quantity.problem, givens[quantity.problem]).kind(q)
                    table[q] = (quantity, kind == COUNT)
    return table


_SHAPE_KEYS: dict[tuple[tuple[int, int], ...], frozenset[str]] = {}


def _shape_keys(shape: tuple[tuple[int, int], ...], seed: int) -> frozenset[str]:
    """The quantity keys of a variant (they depend on Problem 3's shape alone), computed once per shape."""
    from hwlib import practice

    if shape not in _SHAPE_KEYS:
        _SHAPE_KEYS[shape] = frozenset(_quantities({p: practice.make_given(p, seed) for p in (1, 2, 3)}))
    return _SHAPE_KEYS[shape]


def _class_keys(seeds: Sequence[int]) -> list[str]:
    """The quantity keys of the practice variants of ``seeds``: their union, in the order of :func:`_variant_table`."""
    from hwlib import practice

    keys: set[str] = set()
    for seed in seeds:
        given = practice.make_given(3, seed)
        keys |= _shape_keys(_p3_shape(given), seed)
    return [q for q in _variant_table() if q in keys]


def _template_text(givens: Mapping[int, Mapping[str, Any]], seeds: Sequence[int] | None = None) -> str:
    buffer = io.StringIO()
    if seeds is None:
        csv.writer(buffer, lineterminator="\n").writerow(["student", *_quantities(givens)])
    else:
        csv.writer(buffer, lineterminator="\n").writerow(["student", "seed", *_class_keys(seeds)])
    return terminal(buffer.getvalue().rstrip("\n"))


def _parser() -> argparse.ArgumentParser:
    details = __doc__.split("\n\n", 1)[1].replace("``", "").replace("::", ":")
    details = re.sub(r":(?:mod|func|class):`([^`]*)`", r"\1", details)
    parser = argparse.ArgumentParser(
        prog="python -m hwlib.mark",
        description="Mark a class from a CSV file of answers: each value correct, carried "
        "(follow-through), wrong or blank.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=details + "\nExit status: 0 when marked, 2 for bad input (nothing is written).",
    )
    parser.add_argument("answers", nargs="?", type=Path, help="the class's CSV file")
    parser.add_argument("--out", type=Path, help="folder for the outputs (replaced as a whole)")
    parser.add_argument(
        "--given", type=Path, help="a TOML or JSON file with tables p1, p2, p3 (default: the homework's)"
    )
    parser.add_argument("--quantities", action="store_true", help="list the quantity columns and exit")
    parser.add_argument("--template", action="store_true", help="print the CSV header the tool reads and exit")
    parser.add_argument(
        "--seed",
        type=int,
        action="append",
        help="with --template or --quantities: the columns of this practice variant (repeatable: their union)",
    )
    parser.add_argument(
        "--roster", type=Path, help="with --template or --quantities: the columns of a roster's variants (its seeds)"
    )
    parser.add_argument("--columns", type=Path, help="a TOML file: [columns] header text = role or quantity key")
    parser.add_argument("--lenient", action="store_true", help="a cell that is not a number gets the verdict review")
    parser.add_argument("--rubric", type=Path, help="a TOML file: default, carried and [points]")
    parser.add_argument(
        "--export",
        action="append",
        choices=("canvas", "moodle"),
        default=[],
        help="also write DIR/canvas.csv or DIR/moodle.csv (repeatable)",
    )
    parser.add_argument(
        "--assignment", default="Homework", help="the gradebook column of the exports (default: Homework)"
    )
    parser.add_argument(
        "--sig-figs", type=int, default=None, help="real values agree at N significant figures (default 3)"
    )
    parser.add_argument(
        "--tolerance", type=float, default=None, help="real values agree within this relative difference"
    )
    parser.add_argument("--no-feedback", action="store_true", help="do not write DIR/feedback/")
    parser.add_argument("--chunk", type=int, default=20_000, help=argparse.SUPPRESS)
    return parser


class _Terminated(Exception):
    """SIGTERM or SIGINT before the outputs were moved into place."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# every name a run writes into DIR
_OUTPUTS = frozenset(
    {
        "marks.csv",
        "mistakes.csv",
        "report.md",
        "marks.png",
        "feedback",
        "review.csv",
        "canvas.csv",
        "moodle.csv",
        "run.json",
    }
)
_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)  # SIGHUP: the terminal closed
_state = {"swapping": False}


def _on_term(signum: int, frame: Any) -> None:
    # from the swap on, the run completes: moving the earlier DIR aside and the new one into place is
    # never interrupted between its two renames (a signal mask would not do: another thread may take it)
    if not _state["swapping"]:
        raise _Terminated(signum)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status (0, or 2 for bad input)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.sig_figs is not None and args.tolerance is not None:
            raise InputError(["--sig-figs and --tolerance: give one of them"])
        try:
            policy = (
                Policy(rel=args.tolerance)
                if args.tolerance is not None
                else Policy(sig_figs=3 if args.sig_figs is None else args.sig_figs)
            )
        except (ValueError, TypeError) as exc:
            raise InputError([f"--{'tolerance' if args.tolerance is not None else 'sig-figs'}: {exc}"]) from exc
        if args.chunk < 1:
            raise InputError([f"--chunk must be >= 1, got {args.chunk}"])
        givens, given_note = read_givens(args.given)
        seeds = _template_seeds(args)
        if args.quantities:
            print(_quantities_text(givens, seeds))
            return 0
        if args.template:
            print(_template_text(givens, seeds))
            return 0
        if seeds is not None:
            raise InputError(
                ["--seed and --roster go with --template or --quantities; a class's seeds are its seed column"]
            )
        if args.answers is None or args.out is None:
            parser.error("ANSWERS.csv and --out DIR are needed (or --quantities, --template)")
        if not args.assignment.strip() or len(args.assignment) > 200 or hidden_character(args.assignment, strict=True):
            raise InputError([f"--assignment must be a short line of text, got {terminal(repr(args.assignment))[:80]}"])
        return _run(args, givens, given_note, policy)
    except InputError as exc:
        for line in exc.problems:
            print(f"error: {terminal(line)}", file=sys.stderr)
        return 2
    except OutputError as exc:
        print(f"error: {terminal(str(exc))}", file=sys.stderr)
        return 2


class _WithVariants(Mapping):
    """The Given's quantities (``base``), then any practice variant's (``extra``, consulted only for a key the
    Given lacks: the unseeded path never computes the variants' table)."""

    def __init__(self, base: Mapping[str, Any], extra: Any) -> None:
        self.base, self.extra = base, extra

    def __getitem__(self, key: str) -> Any:
        if key in self.base:
            return self.base[key]
        if key in _variant_table():
            return self.extra(key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return key in self.base or (isinstance(key, str) and key not in ROLES and key in _variant_table())

    def __iter__(self) -> Any:
        return iter({**dict.fromkeys(self.base), **dict.fromkeys(_variant_table())})

    def __len__(self) -> int:
        return len(set(self.base) | set(_variant_table()))


def _template_seeds(args: argparse.Namespace) -> list[int] | None:
    """The seeds of ``--seed`` and ``--roster`` (a roster's blank seed: ``practice.roster_seed`` of the name)."""
    if args.seed is None and args.roster is None:
        return None
    from hwlib import practice

    seeds = list(args.seed or [])
    bad = [s for s in seeds if s < 0]
    if bad:
        raise InputError([f"--seed must be >= 0, got {bad[0]}"])
    if args.roster is not None:
        seeds += [int(s["seed"]) for s in practice.read_roster(args.roster)]
    return seeds


def _run(args: argparse.Namespace, givens: Mapping[int, Mapping[str, Any]], given_note: str, policy: Policy) -> int:
    table = _quantities(givens)
    # a personalised class's columns may name any variant's quantities: the reader knows them all (looked up
    # only for a column the Given lacks), and an unseeded class is held to the Given's own below
    table_all = _WithVariants(table, lambda q: _variant_table()[q][0])
    problem_of = _WithVariants({q: t.problem for q, t in table.items()}, lambda q: _variant_table()[q][0].problem)
    try:
        checked = ClassMarker(givens, [], policy)  # the Given as marking needs it: exact truth, float64 faithful
    except (ValueError, ArithmeticError) as exc:
        raise InputError([f"{args.given or 'the Given'}: {terminal(str(exc))[:300]}"]) from exc
    column_map = read_column_map(args.columns, table_all) if args.columns else {}
    rubric = read_rubric(args.rubric, problem_of)
    folder = OutputFolder(args.out, outputs=_OUTPUTS)
    _state["swapping"] = False
    old_handlers: dict[int, Any] = {}
    try:
        for signum in _STOP_SIGNALS:
            old_handlers[signum] = signal.getsignal(signum)
            signal.signal(signum, _on_term)
    except ValueError:  # not the main thread
        old_handlers = {}
    try:
        for name, path in (
            ("ANSWERS.csv", args.answers),
            ("--given", args.given),
            ("--columns", args.columns),
            ("--rubric", args.rubric),
        ):
            if path is not None and folder.contains(path):
                raise InputError(
                    [
                        (
                            f"{path}: {name} lies in the output folder {args.out}, which is replaced as a whole; "
                            "move it out or choose another --out"
                        )
                    ]
                )
        count = _WithVariants({q: checked.is_count(q) for q in table}, lambda q: _variant_table()[q][1])
        carry = ("SIS User ID", "SIS Login ID") if "canvas" in args.export else ()
        reader = ClassReader(args.answers, count, column_map, lenient=args.lenient, chunk=args.chunk, carry=carry)
        if not reader.has["seed"]:
            foreign = [q for q in reader.columns if q not in table]
            if foreign:
                reader.close()
                raise InputError(
                    [
                        f"{args.answers}, header, column {q!r}: not a quantity of the Given (python -m hwlib.mark "
                        "--quantities lists them; a practice variant's quantity needs a 'seed' column)"
                        for q in foreign
                    ]
                )
        try:
            _check_exports(args, reader)
            students = _mark_into(folder, reader, args, givens, given_note, policy, rubric, problem_of, table_all)
        finally:
            reader.close()
        if reader.problems:
            if reader.more_problems:
                reader.problems.append(f"{args.answers}: ... and {reader.more_problems:,} more problems")
            raise InputError(reader.problems)
        _state["swapping"] = True
        folder.commit()
    except _Terminated as stop:
        folder.discard()
        print("error: terminated; the earlier results are untouched", file=sys.stderr)
        return 128 + stop.signum
    except OSError as exc:
        folder.discard()
        print(f"error: {terminal(str(args.out))}: cannot be written: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except BaseException:
        folder.discard()
        raise
    finally:
        for signum, handler in old_handlers.items():
            signal.signal(signum, handler)
    out = args.out
    print(
        terminal(f"marked {students:,} student{'' if students == 1 else 's'}: {out / 'marks.csv'}, {out / 'report.md'}")
    )
    return 0


def _check_exports(args: argparse.Namespace, reader: ClassReader) -> None:
    """A gradebook file joins its rows by an id: an export needs the column it matches on."""
    problems = []
    if "canvas" in args.export and not (reader.has["id"] or reader.carry):
        problems.append(
            f"{args.answers}: --export canvas needs an id column (or SIS User ID, SIS Login ID): Canvas matches "
            'its rows by them, not by name; map the export\'s ID column ("ID" = "id")'
        )
    if "moodle" in args.export and not reader.has["id"]:
        problems.append(
            f"{args.answers}: --export moodle needs an id column: Moodle matches its rows by ID number, not by name; "
            'map it with --columns ("ID number" = "id")'
        )
    if problems:
        raise InputError(problems)


def _agreement(policy: Policy) -> str:
    """The rule of agreement in words, for the report and run.json."""
    if policy.rel is not None:
        return f"a count must be exact; a real value is correct within a relative {policy.rel:g} of the true value"
    return (
        f"a count must be exact; a real value is correct when it rounds to the true value at {policy.sig_figs} "
        f"significant figure{'s' if policy.sig_figs != 1 else ''}"
    )


def _csv_field(text: str, delimiter: str = ",") -> str:
    if not text or not any(c in text for c in (delimiter, '"', "\n", "\r")):
        return text
    return '"' + text.replace('"', '""') + '"'


_BASE5 = np.array([5**i for i in range(27)], dtype=np.int64)


@functools.lru_cache(maxsize=1 << 16)
def _plain(value: float) -> str:
    """A number for a CSV cell: whole numbers without a decimal point, others as Python writes them."""
    if not math.isfinite(value):
        return ""
    return str(int(value)) if float(value).is_integer() and abs(value) < 2**63 else repr(float(value))


class _Points:
    """Exact points per student: whole-number units (the rubric's common denominator) summed with numpy."""

    def __init__(self, rubric: Rubric, columns: Sequence[str], problem_of: Mapping[str, int]) -> None:
        points = [rubric.of(q, problem_of[q]) for q in columns]
        carried = [p * rubric.carried for p in points]
        self.scale = unit_scale(points + carried)
        total = sum(points, Fraction(0)) * self.scale
        dtype = np.int64 if total < 2**62 else object
        self.correct = np.array([int(p * self.scale) for p in points], dtype=dtype)
        self.carried = np.array([int(p * self.scale) for p in carried], dtype=dtype)
        self.problems = sorted({problem_of[q] for q in columns})
        self.of_problem = {p: np.array([problem_of[q] == p for q in columns]) for p in self.problems}
        self.max_units = {p: int(self.correct[self.of_problem[p]].sum()) for p in self.problems}
        self.max_total = int(self.correct.sum())
        self._text: dict[int, str] = {}

    def units(self, codes: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        correct = codes == CORRECT
        carried = codes == CARRIED
        if mask is not None:
            correct, carried = correct[:, mask], carried[:, mask]
            return (
                correct.astype(self.correct.dtype) @ self.correct[mask]
                + carried.astype(self.correct.dtype) @ self.carried[mask]
            )
        return correct.astype(self.correct.dtype) @ self.correct + carried.astype(self.correct.dtype) @ self.carried

    def text(self, units: int) -> str:
        if units not in self._text:
            self._text[units] = points_text(Fraction(int(units), self.scale))
            if len(self._text) > 100_000:
                self._text.clear()
        return self._text[units]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=4096)
def _md(text: str) -> str:
    return markdown_text(text)


def _texts(points: _Points, units: np.ndarray) -> list[str]:
    """Points as exact decimal texts, each distinct value formatted once."""
    values, inverse = np.unique(units, return_inverse=True)
    texts = [points.text(u) for u in values.tolist()]
    return [texts[k] for k in inverse.reshape(-1).tolist()]


def _feedback_text(
    student: str,
    columns: Sequence[str],
    codes: np.ndarray,
    written: Sequence[float],
    reasons: Mapping[int, str],
    labels: Mapping[str, str],
    points: str,
    max_points: str,
) -> str:
    lines = [
        f"# Feedback for {markdown_text(student)}",
        "",
        (
            f"Points: {points} of {max_points}. A *carried* value is wrong only because it uses one of your earlier "
            "wrong values: the step itself is right on your own numbers."
        ),
        "",
        "| quantity | your value | verdict | why |",
        "|---|--:|---|---|",
    ]
    for j, q in enumerate(columns):
        if not q:  # a quantity the student's variant lacks
            continue
        verdict = VERDICT_WORDS[codes[j]]
        value = "" if not math.isfinite(written[j]) else _plain(written[j])
        why = reasons.get(j, "")
        lines.append(f"| {labels[q]} | {value} | {verdict} | {why} |")
    return "\n".join(lines) + "\n"


class _Variants:
    """The markers of the students' own practice variants, by seed (the most recently used kept)."""

    KEEP = 256

    def __init__(self, policy: Policy, columns: Sequence[str], problem_of: Mapping[str, int]) -> None:
        self.policy, self.columns = policy, list(columns)
        self.may_lack = {q: problem_of[q] for q in self.columns}
        self.markers: dict[int, ClassMarker] = {}
        self.present: set[str] = set()  # the columns some marked student's variant has

    def get(self, seed: int) -> ClassMarker:
        from hwlib import practice

        if seed in self.markers:
            self.markers[seed] = self.markers.pop(seed)
        else:
            if len(self.markers) >= self.KEEP:
                self.markers.pop(next(iter(self.markers)))
            self.markers[seed] = ClassMarker(
                {p: practice.make_given(p, seed) for p in (1, 2, 3)}, self.columns, self.policy, self.may_lack
            )
        marker = self.markers[seed]
        self.present.update(q for q in self.columns if marker.has(q))
        return marker


_SEED = re.compile(r"[0-9]{1,18}")


def _mark_seeded(chunk: Any, variants: _Variants, reader: ClassReader, default: ClassMarker) -> Any:
    """Each student marked against their own practice variant (the ``seed`` column; a blank seed: the Given).

    A value written in a column the student's variant lacks is bad input (one line), or with ``--lenient``
    the verdict ``review``, listed in review.csv."""
    from hwlib.class_vector import Marked

    groups: dict[int | None, list[int]] = {}
    for i, text in enumerate(chunk.seeds):
        if text and not _SEED.fullmatch(text):
            reader.problem(
                f"{reader.path}, row {chunk.rows[i]} (student {chunk.students[i]!r}), column 'seed': "
                f"{terminal(repr(text))[:40]} is not a whole number >= 0",
                chunk.rows[i],
            )
            continue
        groups.setdefault(int(text) if text else None, []).append(i)
    if reader.problems:
        return None
    n = len(chunk.students)
    parts = []
    for seed, rows in groups.items():
        index = np.array(rows)
        marker = default if seed is None else variants.get(seed)
        if seed is None:
            variants.present.update(q for q in variants.columns if default.has(q))
        values = {q: v[index] for q, v in chunk.values.items()}
        inexact = {q: v[index] for q, v in chunk.inexact.items()}
        where = {i: k for k, i in enumerate(rows)}
        review = [(where[i], q, t) for i, q, t in chunk.review if i in where]
        parts.append((index, marker.mark(values, len(rows), inexact, review)))
    marked = Marked.combine(n, len(variants.columns), parts)
    if marked.absent is not None:
        reviewed = {(i, q) for i, q, _ in chunk.review}
        for j, q in enumerate(variants.columns):
            for i in np.flatnonzero(marked.absent[:, j] & ~np.isnan(chunk.values[q])).tolist():
                if (i, q) in reviewed:
                    continue
                text = _plain(float(chunk.values[q][i]))
                if reader.lenient:
                    marked.codes[i, j] = REVIEW
                    chunk.review.append((i, q, text))
                else:
                    reader.problem(
                        f"{reader.path}, row {chunk.rows[i]} (student {chunk.students[i]!r}), column {q!r}: "
                        f"{text} is written, but the student's variant (seed {chunk.seeds[i] or 'blank: the Given'}) "
                        f"has no {q}; leave the cell blank",
                        chunk.rows[i],
                    )
        if reader.problems:
            return None
    return marked


def _mark_into(
    folder: OutputFolder,
    reader: ClassReader,
    args: argparse.Namespace,
    givens: Mapping[int, Mapping[str, Any]],
    given_note: str,
    policy: Policy,
    rubric: Rubric,
    problem_of: Mapping[str, int],
    meanings: Mapping[str, Any],
) -> int:
    """Mark the class chunk by chunk, writing every output into the temporary folder; returns the students."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = reader.columns
    seeded = reader.has["seed"]
    marker = ClassMarker(givens, columns, policy, {q: problem_of[q] for q in columns} if seeded else None)
    summary = Summary(marker, columns)
    points = _Points(rubric, columns, problem_of)
    has_id, has_section = reader.has["id"], reader.has["section"]
    head = ["student"] + (["id"] if has_id else []) + (["section"] if has_section else [])
    marks_f = folder.open("marks.csv")
    marks_f.write(
        ",".join(
            head
            + ["answered", "correct", "follow_through"]
            + (["review"] if args.lenient else [])
            + ["points", "max_points"]
            + [f"p{p}_points" for p in points.problems]
            + [_csv_field(neutral(q)) for q in columns]
        )
        + "\r\n"
    )
    mistakes_f = folder.open("mistakes.csv")
    mistakes_w = csv.writer(mistakes_f)
    mistakes_w.writerow(head + ["quantity", "verdict", "written", "answer", "mistakes"])
    review_w = None
    if args.lenient:
        review_f = folder.open("review.csv")
        review_w = csv.writer(review_f)
        review_w.writerow(head + ["quantity", "text"])
    exports = {}
    for kind in dict.fromkeys(args.export):  # --export canvas given twice: one file
        f = folder.open(f"{kind}.csv")
        w = csv.writer(f)
        if kind == "canvas":
            w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", neutral(args.assignment)])
            w.writerow(["Points Possible", "", "", "", "", points.text(points.max_total)])
        else:
            w.writerow(["ID number", "Full name", "Group", neutral(args.assignment)])
        exports[kind] = (f, w)
    feedback_dir = None if args.no_feedback else folder.mkdir("feedback")
    used_names: set[str] = set()
    labels = {q: markdown_text(f"{q}: {meanings[q].meaning}") for q in columns}
    max_text = points.text(points.max_total)
    variants = _Variants(policy, columns, problem_of)
    total_students = 0
    pattern_text: dict[tuple[int, int], str] = {}
    for chunk in reader.chunks():
        if reader.problems:  # bad input: keep reading to report every problem, write nothing more
            continue
        n = len(chunk.students)
        if reader.has["seed"]:
            marked = _mark_seeded(chunk, variants, reader, marker)
            if marked is None:
                continue
        else:
            marked = marker.mark(chunk.values, n, chunk.inexact, chunk.review)
        codes = marked.codes
        correct, follow = summary.add(marked)
        answered = (codes != 0).sum(axis=1) - (codes == REVIEW).sum(axis=1)
        units = points.units(codes)
        # each student's identity cells, once: the name neutralised, the id exactly as given
        who = [_csv_field(s if s[:1].isalnum() else neutral(s)) for s in chunk.students]
        if has_id:
            who = [f"{w},{_csv_field(i)}" for w, i in zip(who, chunk.ids)]
        if has_section:
            who = [f"{w},{_csv_field(neutral(x))}" for w, x in zip(who, chunk.sections)]
        # marks.csv, built column-wise: repeated verdict patterns and points are formatted once
        half = (len(columns) + 1) // 2  # a row's verdicts as two base-5 numbers: equal rows, equal keys
        keys = list(
            zip(
                (codes[:, :half].astype(np.int64) @ _BASE5[:half]).tolist(),
                (codes[:, half:].astype(np.int64) @ _BASE5[: len(columns) - half]).tolist(),
            )
        )
        absent = marked.absent
        if absent is not None:  # a blank cell of a quantity the student's variant lacks is written empty
            lacks = absent & (codes == BLANK)
            keys = [(*key, row) for key, row in zip(keys, map(bytes, np.packbits(lacks, axis=1)))]
        verdict_cells = []
        for i, key in enumerate(keys):
            text = pattern_text.get(key)
            if text is None:
                words = [VERDICT_WORDS[c] for c in codes[i].tolist()]
                if absent is not None:
                    words = ["" if lack else w for w, lack in zip(words, lacks[i].tolist())]
                text = pattern_text[key] = ",".join(words)
            verdict_cells.append(text)
        if absent is None:
            max_cells = [max_text] * n
        else:  # each student's own variant: the points of the quantities it has
            max_cells = _texts(points, points.max_total - absent.astype(points.correct.dtype) @ points.correct)
        cells = [
            who,
            list(map(str, answered.tolist())),
            list(map(str, correct.tolist())),
            list(map(str, follow.tolist())),
        ]
        if args.lenient:
            cells.append(list(map(str, (codes == REVIEW).sum(axis=1).tolist())))
        cells.append(_texts(points, units))
        cells.append(max_cells)
        cells += [_texts(points, points.units(codes, points.of_problem[p])) for p in points.problems]
        cells.append(verdict_cells)
        marks_f.write("".join(f"{line}\r\n" for line in map(",".join, zip(*cells))))
        # mistakes.csv: wrong values, and correct values that do not follow from the student's own values
        lines = []
        reasons: dict[int, dict[int, str]] = {}
        for j, q in enumerate(columns):
            flag = marked.flagged.get(j)
            wrong = codes[:, j] == WRONG
            rows = np.flatnonzero(wrong | flag) if flag is not None else np.flatnonzero(wrong)
            if not len(rows):
                continue
            fields = marked.bits.get(j)
            follow_values = marked.follow.get(j)
            v = chunk.values[q]
            true_values = marked.truth[:, j]
            quantity = _csv_field(neutral(q))
            for i, value, field_ in zip(
                rows.tolist(), v[rows].tolist(), (fields[rows].tolist() if fields is not None else [0] * len(rows))
            ):
                answer = _plain(float(true_values[i]))
                if codes[i, j] == WRONG:
                    found = marker.decode(q, field_) if field_ else ()
                    lines.append((i, j, f"{who[i]},{quantity},wrong,{_plain(value)},{answer},{';'.join(found)}\r\n"))
                    if feedback_dir is not None:
                        if found:
                            why = mistakes.by_name(found[0]).feedback
                        elif follow_values is not None and math.isfinite(follow_values[i]):
                            step = _plain(follow_values[i])
                            why = (
                                f"a new mistake in this step: its formula on your own earlier values gives {step}"
                                + (", the correct value" if step == answer else f"; the correct value is {answer}")
                            )
                        else:
                            why = f"no known mistake gives this value; the correct value is {answer}"
                        reasons.setdefault(i, {})[j] = _md(why)
                else:
                    lines.append((i, j, f"{who[i]},{quantity},correct,{_plain(value)},{answer},{DOES_NOT_FOLLOW}\r\n"))
                    if feedback_dir is not None:
                        reasons.setdefault(i, {})[j] = _md(
                            "right, but it does not follow from your own earlier values: "
                            f"the step on them gives {_plain(follow_values[i])}"
                        )
        lines.sort(key=lambda item: (item[0], item[1]))  # student by student, in column order
        mistakes_f.write("".join(line for _, _, line in lines))
        if review_w is not None:
            for i, q, text in chunk.review:
                review_f.write(f"{who[i]},{_csv_field(neutral(q))},{_csv_field(neutral(text))}\r\n")
        for kind, (_, w) in exports.items():
            if kind == "canvas":
                sis_user = chunk.extra.get("SIS User ID", [""] * n)
                sis_login = chunk.extra.get("SIS Login ID", [""] * n)
                w.writerows(
                    [
                        neutral(chunk.students[i]),
                        chunk.ids[i],
                        sis_user[i],
                        sis_login[i],
                        neutral(chunk.sections[i]),
                        points.text(units[i]),
                    ]
                    for i in range(n)
                )
            else:
                w.writerows(
                    [chunk.ids[i], neutral(chunk.students[i]), neutral(chunk.sections[i]), points.text(units[i])]
                    for i in range(n)
                )
        if feedback_dir is not None:
            position = {q: j for j, q in enumerate(columns)}
            for i, q, text in chunk.review:
                try:
                    parse_number(text)
                    why = f"{text[:40]} is written where your own variant asks for no {q}"
                except ValueError as exc:
                    why = str(exc)  # what the cell holds and why it is not a number
                reasons.setdefault(i, {})[position[q]] = markdown_text(f"{why}; your teacher looks at it by hand")
            written = np.column_stack([chunk.values[q] for q in columns]) if columns else np.zeros((n, 0))
            for i in range(n):
                shown = columns
                if absent is not None and lacks[i].any():  # only the quantities of the student's variant
                    shown = [q if not lack else "" for q, lack in zip(columns, lacks[i].tolist())]
                text = _feedback_text(
                    chunk.students[i],
                    shown,
                    codes[i],
                    written[i],
                    reasons.get(i, {}),
                    labels,
                    points.text(units[i]),
                    max_cells[i],
                )
                with folder.open(f"feedback/{file_name(chunk.students[i], used_names)}") as f:
                    f.write(text)
        total_students += n
    marks_f.close()
    mistakes_f.close()
    if review_w is not None:
        review_f.close()
    for f, _ in exports.values():
        f.close()
    if seeded and not reader.problems:
        for q in columns:
            if q not in variants.present and not marker.has(q):
                reader.problem(
                    f"{reader.path}, header, column {q!r}: a quantity of no student's variant in this class, "
                    "nor of the Given "
                    "(python -m hwlib.mark --template --roster ROSTER.csv prints the columns a class needs)"
                )
    if reader.problems:
        return 0
    if reader.has["seed"]:
        given_note = f"each student's own practice variant (the seed column; a blank seed: {given_note})"
    with folder.open("report.md") as f:
        f.write(summary.markdown(given_note, _agreement(policy), rubric.describe()))
    fig = summary.chart()
    with folder.open("marks.png", "wb") as f:
        fig.savefig(f, dpi=110, format="png", metadata={"Software": None})
    plt.close(fig)
    run = {
        "input": {
            "path": str(args.answers),
            "sha256": _sha256(args.answers),
            "students": total_students,
            "delimiter": reader.delimiter,
            "columns": columns,
        },
        "options": {
            "given": str(args.given) if args.given else None,
            "columns": str(args.columns) if args.columns else None,
            "lenient": args.lenient,
            "rubric": rubric.as_json(),
            "export": args.export,
            "assignment": args.assignment,
            "agreement": _agreement(policy),
            "feedback": not args.no_feedback,
        },
        "given_sha256": _sha256(args.given) if args.given else None,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "hwlib_version": hwlib.__version__,
        "python": sys.version.split()[0],
        "pid": os.getpid(),
    }
    with folder.open("run.json") as f:
        json.dump(run, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return total_students


if __name__ == "__main__":
    sys.exit(main())
