"""Reading a class's answers: a CSV export, in chunks, with its columns mapped and every cell checked.

A header row names the columns; each column is a *role*: ``student`` (the name, required), ``id``,
``section``, ``seed`` (a personalised variant), ``ignore``, or a quantity key of
:mod:`hwlib.class_marking`.  A header that is itself a role or a quantity key needs no mapping;
others are mapped by a ``--columns`` TOML file, a table ``[columns]`` of header text -> role.

The delimiter is detected from the header row: the one of ``,`` ``;`` and tab that occurs most
often outside quotes (``,`` when none does).  Rows are read ``chunk`` at a time, so memory stays
bounded by the chunk, not the class.

A cell is a number when :func:`hwlib.typed_number.parse` reads it (the one number parser of the
book: ASCII digits, a sign, a decimal point, an exponent, thousands separators in groups of three
such as ``1,620,000``; a decimal comma such as ``0,125`` is refused as ambiguous; ``7_200``,
full-width digits, words, ``inf`` and ``nan`` are not numbers) and its value fits a float (not
``1e400``).  Plain cells are read in bulk by ``float()`` after an ASCII screen, which accepts only
what the parser accepts; any other cell goes to the parser.

Two names are the same student when they are equal after Unicode NFC normalisation, with runs of
whitespace folded to one space and the ends trimmed (:func:`identity`).
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
import sys
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from hwlib import typed_number

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "MAX_PROBLEMS",
    "ROLES",
    "Chunk",
    "ClassReader",
    "InputError",
    "csv_problem",
    "detect_delimiter",
    "hidden_character",
    "hidden_in",
    "identity",
    "parse_number",
    "read_column_map",
]

ROLES = ("student", "id", "section", "seed", "ignore")
MAX_PROBLEMS = 50  # lines of problems reported before "... and N more"
MAX_LINE = 1 << 20  # characters in one line of the class's CSV: a longer one is not a class export
_NOT_NUMERIC = re.compile(r"[^0-9eE+\-. \n]")
_BLANK_LINE = re.compile(r"^ *$", re.MULTILINE)


class InputError(Exception):
    """Bad input: ``problems`` holds one line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def identity(name: str) -> str:
    """A student's identity: NFC(name) with each run of whitespace one space, the ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", name).split())


# characters no name, id or section holds: C0/C1 controls (after whitespace is folded), DEL, and the
# bidirectional embeddings, overrides and isolates that make text display in another order
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_HIDDEN_ID = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hidden_character(text: str, strict: bool = False) -> str | None:
    """The first control or bidirectional-override character of ``text`` as ``U+001B``, or None.

    ``strict`` (ids) also counts tab, line feed and carriage return, which a name folds to a space."""
    found = (_HIDDEN_ID if strict else _HIDDEN).search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def hidden_in(cells: Mapping[str, str]) -> str | None:
    """Where a row's cells (role -> text: student, id, section) hold a control or text-direction character,
    in words (``U+202E in column 'student'``); or None.  An id counts tab and line breaks too."""
    for role, text in cells.items():
        found = hidden_character(text, strict=role == "id")
        if found:
            return f"{found} in column {role!r}"
    return None


def csv_problem(exc: csv.Error) -> str:
    """What the csv module refused, in words."""
    if "field larger than field limit" in str(exc):
        return f"a cell longer than {csv.field_size_limit():,} characters; no answer, name or id is that long"
    return f"not a CSV file: {exc}"


def parse_number(text: str) -> tuple[float, Fraction]:
    """A cell as (float, its exact value), read by :func:`hwlib.typed_number.parse`, or ValueError saying why
    it is not a number."""
    stripped = text.strip()
    try:
        exact = typed_number.parse(stripped)
    except typed_number.NumberError as error:
        shown = repr(stripped[:40]) + ("..." if len(stripped) > 40 else "")
        raise ValueError(f"{shown} is not a number: {error.reason}") from None
    value = float(exact)
    if not math.isfinite(value):
        raise ValueError(f"{stripped[:40]!r}{'...' if len(stripped) > 40 else ''} is too large for a number")
    return value, Fraction(exact)


def detect_delimiter(line: str, sample: str = "") -> str:
    """The delimiter of a header row: the most frequent of ``,`` ``;`` and tab outside quotes (``,`` if none).

    With ``sample`` (the file's first lines, header included), a delimiter that splits every complete row of
    the sample into as many cells as the header wins over a more frequent one that does not: a semicolon file
    whose question texts hold commas (``Student;Q1: weights, no bias``) is read by ``;``."""
    outside = re.sub(r'"[^"]*"', "", line)
    counts = {d: outside.count(d) for d in (",", ";", "\t")}
    order = sorted((d for d in counts if counts[d]), key=lambda d: (counts[d], d == ","), reverse=True)
    if not order:
        return ","
    if sample and len(order) > 1:
        for d in order:
            if _splits_evenly(sample, d):
                return d
    return order[0]


def _splits_evenly(sample: str, delimiter: str) -> bool:
    """Whether every complete row of ``sample`` has as many cells as its first row (a header of 2 or more)."""
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample's last line may be cut off
    try:
        rows = [row for row in csv.reader(lines, delimiter=delimiter) if row]
    except csv.Error:
        return False
    return len(rows) > 1 and len(rows[0]) > 1 and all(len(row) == len(rows[0]) for row in rows[1:])


def read_column_map(path: Path, known: Mapping[str, object]) -> dict[str, str]:
    """Header text -> role or quantity key, from the ``[columns]`` table of a TOML file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([f"{path}: cannot be read as UTF-8 text: {exc}"]) from exc
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise InputError([f"{path}: not valid TOML: {str(exc)[:200]}"]) from exc
    columns = data.get("columns")
    if not isinstance(columns, dict):
        raise InputError([f"{path}: needs a table [columns] of header text = role or quantity key"])
    problems = []
    for header, role in columns.items():
        if not isinstance(role, str) or (role not in ROLES and role not in known):
            problems.append(
                f"{path}, [columns], {header!r}: must be one of {', '.join(ROLES)} or a quantity key "
                f"(python -m hwlib.mark --quantities lists them), got {role!r}"
            )
    if problems:
        raise InputError(problems)
    return {identity(h): r for h, r in columns.items()}


@dataclass
class Chunk:
    """Up to ``chunk`` students: their names, ids, sections, seeds and quantity -> values (NaN: blank).

    ``review`` holds (row index in the chunk, quantity, text) of cells that are not numbers (lenient
    reading); those cells are NaN in ``values`` and their verdict is ``review``.  ``inexact`` marks, per
    count column, cells whose decimal text a float does not hold exactly (they agree with nothing).
    """

    rows: list[int]
    students: list[str]
    ids: list[str]
    sections: list[str]
    seeds: list[str]
    values: dict[str, np.ndarray]
    review: list[tuple[int, str, str]] = field(default_factory=list)
    inexact: dict[str, np.ndarray] = field(default_factory=dict)
    extra: dict[str, list[str]] = field(default_factory=dict)


class ClassReader:
    """Reads a class's CSV file in chunks: ``columns`` (quantity keys, in file order), then ``chunks()``.

    ``known`` maps each quantity key to whether it is a count (exact marks); ``column_map`` maps header
    text to a role or quantity key.  Problems are collected in ``problems``; without ``lenient`` a cell
    that is not a number is a problem, with it a ``review`` cell.
    """

    def __init__(
        self,
        path: Path,
        known: Mapping[str, bool],
        column_map: Mapping[str, str] | None = None,
        lenient: bool = False,
        chunk: int = 20_000,
        carry: Sequence[str] = (),
    ) -> None:
        self.path, self.known, self.lenient, self.chunk = path, known, lenient, chunk
        self.column_map = dict(column_map or {})
        self.problems: list[str] = []
        self._found: list[tuple[int, int, str]] = []
        self.more_problems = 0
        try:
            self._file = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - read chunk by chunk, closed by close()
            first = self._file.readline(MAX_LINE + 1)
            sample = first + self._file.read(1 << 16)
            self._check_line(first, 1)
            if "\x00" in sample:
                self._file.close()
                raise InputError([f"{path}: holds NUL bytes: not a CSV text file (save the class as \"CSV UTF-8\")"])
        except OSError as exc:
            raise InputError([f"{path}: cannot be read: {exc.strerror or exc}"]) from exc
        except UnicodeDecodeError as exc:
            raise InputError(
                [(f'{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); save it as "CSV UTF-8"')]
            ) from exc
        if not first.strip():
            self._file.close()
            raise InputError([f"{path}: the file is empty; it needs a header row with a 'student' column"])
        self.delimiter = detect_delimiter(first, sample)
        self._file.seek(0)
        self._reader = csv.reader(self._lines(), delimiter=self.delimiter, strict=True)
        try:
            header = next(self._reader)
        except csv.Error as exc:
            raise InputError([f"{path}: {csv_problem(exc)}"]) from exc
        self.header = [h.strip() for h in header]
        self.roles: list[str] = []
        problems: list[str] = []
        seen: dict[str, str] = {}
        unknown = 0
        for text in self.header:
            role = self.column_map.get(identity(text), text)
            if role not in ROLES and role not in known:
                unknown += 1
                if not text and len(problems) < MAX_PROBLEMS:
                    problems.append(
                        f"{path}, header: a column without a name (a delimiter at the end of the header row?); "
                        'map it with --columns: "" = "ignore"'
                    )
                elif len(problems) < MAX_PROBLEMS:
                    problems.append(
                        f"{path}, header, column {text[:80]!r}: not a quantity (python -m hwlib.mark --quantities "
                        "lists them); map it with --columns, or to 'ignore'"
                    )
            elif role != "ignore" and role in seen:
                problems.append(
                    f"{path}, header, column {text!r}: the column appears twice"
                    + (f" (as {role!r}, also {seen[role]!r})" if seen[role] != text else "")
                )
            seen.setdefault(role, text)
            self.roles.append(role)
        if "student" not in self.roles:
            problems.insert(
                0,
                f"{path}: no 'student' column; the header row is {', '.join(repr(h) for h in self.header)}"
                ' (map the name column with --columns: "Name" = "student")',
            )
        if len(problems) >= MAX_PROBLEMS:
            problems.append(f"{path}: ... {unknown:,} columns in all are not quantities")
        if problems:
            self._file.close()
            raise InputError(problems)
        self.columns = [r for r in self.roles if r in known]
        self.has = {r: r in self.roles for r in ("id", "section", "seed")}
        self.carry = {c: self.header.index(c) for c in carry if c in self.header}
        self._seen: dict[str, int] = {}
        self._seen_ids: dict[str, int] = {}
        self.students = 0

    def _check_line(self, line: str, number: int) -> None:
        """Refuse a line longer than MAX_LINE characters (an endless input such as /dev/zero included)."""
        if len(line) > MAX_LINE:
            self._file.close()
            raise InputError([f"{self.path}, line {number:,}: longer than {MAX_LINE:,} characters: not a class export"])

    def _lines(self) -> Iterator[str]:
        try:
            number = 0
            while line := self._file.readline(MAX_LINE + 1):
                number += 1
                self._check_line(line, number)
                yield line
        except UnicodeDecodeError as exc:
            raise InputError(
                [(f'{self.path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); save it as "CSV UTF-8"')]
            ) from exc

    def problem(self, line: str, row: int = 0) -> None:
        """Record one problem (the first MAX_PROBLEMS, in row order; then only a count)."""
        if len(self._found) < MAX_PROBLEMS:
            self._found.append((row, len(self._found), line))
            self.problems = [text for _, _, text in sorted(self._found)]
        else:
            self.more_problems += 1

    def close(self) -> None:
        self._file.close()

    def chunks(self) -> Iterator[Chunk]:
        """The class, ``chunk`` students at a time (rows with problems left out; see ``problems``)."""
        width = len(self.header)
        s = self.roles.index("student")
        index = {r: self.roles.index(r) for r in ("id", "section", "seed") if r in self.roles}
        number = 1
        while True:
            rows: list[list[str]] = []
            numbers: list[int] = []
            names: list[str] = []
            try:
                for row in self._reader:
                    number += 1  # the row a spreadsheet shows (a quoted line break stays in its row)
                    if not (row and (row[0].strip() or "".join(row).strip())):
                        continue
                    student = identity(row[s]) if s < len(row) else ""
                    if len(row) != width:
                        self.problem(
                            f"{self.path}, row {number} (student {student!r}): {len(row)} fields, but the header "
                            f"has {width}",
                            number,
                        )
                        continue
                    if not student:
                        self.problem(
                            f"{self.path}, row {number}, column 'student': the student's name is empty", number
                        )
                        continue
                    if student in self._seen:
                        self.problem(
                            f"{self.path}, row {number} (student {student!r}), column 'student': the same student "
                            f"as row {self._seen[student]}",
                            number,
                        )
                        continue
                    hidden = hidden_in(
                        {"student": student, **{r: row[index[r]].strip() for r in ("id", "section") if r in index}}
                    )
                    if hidden:
                        self.problem(
                            f"{self.path}, row {number} (student {student!r}): a control or text-direction "
                            f"character ({hidden}); remove it",
                            number,
                        )
                        continue
                    self._seen[student] = number
                    if "id" in index:
                        sid = row[index["id"]].strip()
                        if sid and sid in self._seen_ids:
                            self.problem(
                                f"{self.path}, row {number} (student {student!r}), column 'id': the same id as "
                                f"row {self._seen_ids[sid]}",
                                number,
                            )
                            continue
                        self._seen_ids[sid] = number
                    rows.append(row)
                    numbers.append(number)
                    names.append(student)
                    if len(rows) >= self.chunk:
                        break
            except csv.Error as exc:
                raise InputError([f"{self.path}, line {self._reader.line_num}: {csv_problem(exc)}"]) from exc
            if not rows:
                if not self.students:
                    self.problem(f"{self.path}: no student rows below the header")
                return
            self.students += len(rows)
            yield self._chunk(rows, numbers, names, index)

    def _chunk(self, rows: list[list[str]], numbers: list[int], students: list[str], index: Mapping[str, int]) -> Chunk:
        by_column = list(zip(*rows))
        empty = [""] * len(rows)
        chunk = Chunk(
            numbers,
            students,
            [c.strip() for c in by_column[index["id"]]] if "id" in index else empty,
            [c.strip() for c in by_column[index["section"]]] if "section" in index else empty,
            [c.strip() for c in by_column[index["seed"]]] if "seed" in index else empty,
            {},
        )
        chunk.extra = {name: [c.strip() for c in by_column[i]] for name, i in self.carry.items()}
        for i, role in enumerate(self.roles):
            if role in self.known:
                chunk.values[role], inexact = self._numbers(by_column[i], role, chunk, self.header[i])
                if inexact is not None:
                    chunk.inexact[role] = inexact
        return chunk

    def _numbers(
        self, cells: Sequence[str], quantity: str, chunk: Chunk, header: str
    ) -> tuple[np.ndarray, np.ndarray | None]:
        text = "\n".join(cells)
        values = None
        if text.count("\n") == len(cells) - 1 and not _NOT_NUMERIC.search(text):
            # only ASCII digits, signs, points, exponents and spaces: float() reads each cell, or refuses one
            texts = _BLANK_LINE.sub("nan", text).split("\n") if _BLANK_LINE.search(text) else cells
            try:
                values = np.fromiter(map(float, texts), dtype=np.float64, count=len(cells))
            except ValueError:
                values = None
        if values is not None and np.isfinite(values[~np.isnan(values)]).all():
            suspect = self.known[quantity] and any(c in text for c in ".eE")
            return values, self._inexact(texts, values) if suspect else None
        values = np.full(len(cells), np.nan)
        inexact = np.zeros(len(cells), dtype=bool)
        for i, cell in enumerate(cells):
            if not cell.strip():
                continue
            try:
                values[i], exact = parse_number(cell)
                inexact[i] = exact != Fraction(values[i])
            except ValueError as exc:
                if self.lenient:
                    chunk.review.append((i, quantity, cell.strip()))
                else:
                    where = f"{self.path}, row {chunk.rows[i]} (student {chunk.students[i]!r}), column {header!r}"
                    self.problem(f"{where}: {exc}", chunk.rows[i])
        if self.known[quantity] and inexact.any():
            return values, inexact
        return values, None

    @staticmethod
    def _inexact(texts: Sequence[str], values: np.ndarray) -> np.ndarray | None:
        """Cells of a count column whose decimal text is not exactly the float read from it."""
        inexact = np.zeros(len(values), dtype=bool)
        for i, text in enumerate(texts):
            value = values[i]
            if math.isnan(value):  # blank, or not a number
                continue
            if abs(value) < 2.0**53 and "." not in text and "e" not in text and "E" not in text:
                continue
            text = text.strip()
            try:
                inexact[i] = len(text) > 400 or Fraction(text) != Fraction(float(value))
            except (ValueError, ZeroDivisionError):
                inexact[i] = True
        return inexact if inexact.any() else None


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def file_name(student: str, used: set[str], suffix: str = ".md") -> str:
    """A portable, unique file name for a student's file: ASCII letters, digits, ``. _ -`` (at most 60; a name
    without any: ``student-`` and the first 8 hex digits of the SHA-256 of its identity), never
    a device name, never equal ignoring case to one in ``used`` (``Ann.md``, ``Ann-2.md``); adds it to ``used``."""
    ascii_name = unicodedata.normalize("NFKD", student).encode("ascii", "ignore").decode("ascii")
    stem = _SAFE.sub("-", ascii_name).strip(".-_")[:60]
    if not stem:  # a name in a script without ASCII letters (张伟): a stable tag of the name tells files apart
        stem = "student-" + hashlib.sha256(identity(student).encode("utf-8")).hexdigest()[:8]
    if stem.lower().split(".")[0] in _RESERVED:
        stem = "student-" + stem
    name, n = stem, 1
    while name.lower() in used:
        n += 1
        name = f"{stem}-{n}"
    used.add(name.lower())
    return name + suffix
