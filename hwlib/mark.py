"""Mark a class from a CSV file: ``python -m hwlib.mark ANSWERS.csv --out DIR``.

``ANSWERS.csv`` has a ``student`` column and one column per quantity, named by its key in
:mod:`hwlib.answers` (``standard.weights``, ``a.padding``, ``dL/dz``, ``dL/dw2_21``, ...; list them
with ``python -m hwlib.mark --quantities``).  Any subset of the quantity columns may be present;
an empty cell is a blank.  Spreadsheet exports work: a UTF-8 byte-order mark, quoted fields, and
numbers as :mod:`hwlib.typed_number` reads them (thousands separators ``1,620,000``, the minus sign
U+2212, ``1e3``; a decimal comma ``0,5`` is refused as ambiguous).

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

It writes ``DIR/marks.csv`` (one row per student: ``student``, ``answered``, ``correct``,
``follow_through``, then each quantity's verdict: correct, carried, wrong or blank),
``DIR/mistakes.csv`` (each wrong value with the catalogue mistakes that give it),
``DIR/report.md`` and its chart ``DIR/marks.png``.

Bad input stops with exit status 2 and one line per problem, naming the file, the row's student
and the column; nothing is written.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hwlib import mistakes, typed_number
from hwlib.transcription import load_given

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["main", "read_answers", "read_givens", "InputError"]

class InputError(Exception):
    """Bad input: ``problems`` holds one line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def _number(text: str) -> tuple[float | None, str]:
    """A cell as a number (:func:`hwlib.typed_number.parse`: ``1620000``, ``1,620,000``, ``−6``, ``0.5``, ``1e3``),
    or ``None`` and the reason it is not one."""
    try:
        value = float(typed_number.parse(text))
    except typed_number.NumberError as error:
        return None, error.reason
    if not math.isfinite(value):
        return None, "too large for a mark"
    return value, ""


def read_answers(path: Path, known: Mapping[str, Any]) -> tuple[list[str], dict[str, dict[str, float | None]]]:
    """The quantity columns and student -> quantity -> value (``None`` for a blank) of a CSV file.

    Raises :class:`InputError` with one line per problem found.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([f"{path}: cannot be read: {exc.strerror or exc}"]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([f"{path}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                          "save it as \"CSV UTF-8\""]) from exc
    if not text.strip():
        raise InputError([f"{path}: the file is empty; it needs a header row with a 'student' column"])
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))  # an unclosed quote is an error
    except csv.Error as exc:
        raise InputError([f"{path}: not a CSV file: {exc}"]) from exc
    header = [h.strip() for h in rows[0]]
    problems = []
    if "student" not in header:
        raise InputError([f"{path}: no 'student' column; the header row is {', '.join(repr(h) for h in header)}"])
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(f"{path}, header, column {column!r}: the column appears twice")
        seen.add(column)
        if column != "student" and column not in known:
            problems.append(f"{path}, header, column {column!r}: not a quantity (python -m hwlib.mark --quantities lists them)")
    columns = [h for h in header if h != "student"]
    answers: dict[str, dict[str, float | None]] = {}
    first_row: dict[str, int] = {}
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(cell.strip() for cell in row)]
    if not body:
        problems.append(f"{path}: no student rows below the header")
    s = header.index("student")
    for number, row in body:
        student = row[s].strip() if s < len(row) else ""
        where = f"{path}, row {number} (student {student!r})"
        if len(row) != len(header):
            problems.append(f"{where}: {len(row)} fields, but the header has {len(header)}")
            continue
        if not student:
            problems.append(f"{path}, row {number}, column 'student': the student's name is empty")
            continue
        if student in first_row:
            problems.append(f"{where}, column 'student': the same student as row {first_row[student]}")
            continue
        first_row[student] = number
        values: dict[str, float | None] = {}
        for column, cell in zip(header, row):
            if column == "student":
                continue
            if not cell.strip():
                values[column] = None
                continue
            value, reason = _number(cell)
            if value is None:
                problems.append(f"{where}, column {column!r}: {cell.strip()!r} is not a number: {reason}")
            values[column] = value
        answers[student] = values
    if problems:
        raise InputError(problems)
    return columns, answers


def read_givens(path: Path | None) -> tuple[dict[int, dict[str, Any]], str]:
    """Problem -> Given: the homework's, with the problems of ``path`` (TOML or JSON) in their place."""
    givens = {p: load_given(p) for p in (1, 2, 3)}
    if path is None:
        return givens, "the homework's Given"
    try:
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
        raise InputError([f"{path}: not valid {path.suffix[1:].upper()}: {exc}"]) from exc
    if not isinstance(data, dict):
        raise InputError([f"{path}: must hold a table per problem (p1, p2, p3)"])
    problems = []
    for key, value in data.items():
        if key not in ("p1", "p2", "p3"):
            problems.append(f"{path}, table {key!r}: not a problem; use p1, p2 or p3")
            continue
        if not isinstance(value, dict):
            problems.append(f"{path}, table {key!r}: must be a table of that problem's Given")
            continue
        problem = int(key[1])
        try:
            mistakes.truth_of(problem, value)
        except (TypeError, ValueError) as exc:
            problems.append(f"{path}, table {key!r}: {exc}")
            continue
        givens[problem] = value
    if problems:
        raise InputError(problems)
    return givens, f"the Given of `{path.name}`"


def _quantities_text(givens: Mapping[int, Mapping[str, Any]]) -> str:
    from hwlib.class_marking import quantities

    table = quantities(givens)
    width = max(len(k) for k in table)
    return "\n".join(f"{q.key:<{width}}  problem {q.problem}  {q.meaning}" for q in table.values())


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status (0, or 2 for bad input)."""
    details = __doc__.split("\n\n", 1)[1].replace("``", "").replace("::", ":").replace(":mod:`hwlib.answers`", "hwlib.answers")
    parser = argparse.ArgumentParser(prog="python -m hwlib.mark",
                                     description="Mark a class from a CSV file of answers: each value correct, carried "
                                                 "(follow-through), wrong or blank.",
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=details + "\nExit status: 0 when marked, 2 for bad input (nothing is written).")
    parser.add_argument("answers", nargs="?", type=Path, help="the class's CSV file")
    parser.add_argument("--out", type=Path, help="folder for marks.csv, mistakes.csv, report.md and marks.png")
    parser.add_argument("--given", type=Path, help="a TOML or JSON file with tables p1, p2, p3 (default: the homework's)")
    parser.add_argument("--quantities", action="store_true", help="list the quantity columns and exit")
    args = parser.parse_args(argv)
    try:
        givens, given_note = read_givens(args.given)
        if args.quantities:
            print(_quantities_text(givens))
            return 0
        if args.answers is None or args.out is None:
            parser.error("ANSWERS.csv and --out DIR are needed (or --quantities)")
        from hwlib.class_marking import quantities

        columns, answers = read_answers(args.answers, quantities(givens))
        if args.out.exists() and not args.out.is_dir():
            raise InputError([f"{args.out}: exists and is not a folder"])
    except InputError as exc:
        for line in exc.problems:
            print(f"error: {line}", file=sys.stderr)
        return 2
    try:
        write(args.out, columns, answers, givens, given_note)
    except OSError as exc:  # a folder that cannot be made or written: one line, not a traceback
        print(f"error: {args.out}: cannot be written: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"marked {len(answers):,} student{'' if len(answers) == 1 else 's'}: {args.out / 'marks.csv'}, {args.out / 'report.md'}")
    return 0


def _cell_text(text: str) -> str:
    """Text for a CSV cell that a spreadsheet opens as text, never as a formula (OWASP "CSV injection"):
    a leading ``= + - @``, tab or carriage return gets a leading apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _plain(value: float | None) -> str:
    """A number for a CSV cell: whole numbers without a decimal point, others as Python writes them."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def write(out: Path, columns: Sequence[str], answers: Mapping[str, Mapping[str, float | None]],
          givens: Mapping[int, Mapping[str, Any]], given_note: str = "the homework's Given") -> None:
    """Mark the class and write marks.csv, mistakes.csv, report.md and marks.png under ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    from hwlib.class_marking import mark_class, marks_chart, report_markdown

    marks = mark_class(answers, givens)
    truth_values = {}
    for p in (1, 2, 3):
        truth_values.update(mistakes.truth_of(p, givens[p]).values)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "marks.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "answered", "correct", "follow_through", *columns])
        for m in marks:
            w.writerow([_cell_text(m.student), m.answered, m.correct, m.follow_through, *(m.verdicts[q] for q in columns)])
    with open(out / "mistakes.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "quantity", "written", "answer", "mistakes"])
        for m in marks:
            for q, names in m.mistakes.items():
                w.writerow([_cell_text(m.student), q, _plain(answers[m.student][q]), _plain(truth_values[q]), ";".join(names)])
    (out / "report.md").write_text(report_markdown(marks, columns, "marks.png", given_note), encoding="utf-8")
    fig = marks_chart(marks, columns)
    fig.savefig(out / "marks.png", dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
