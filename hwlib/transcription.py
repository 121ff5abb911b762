"""The handwritten solution as data: load ``hwlib/data/handwritten.toml`` and check its schema.

The schema is documented at the top of the data file.  Every problem with the
file raises :class:`TranscriptionError` naming the file, the entry and the field.

A data file is data, never code: an entry's ``formula`` is read by
:func:`parse_formula`, a small parser over Python's :mod:`ast` that accepts
numbers, the entry's declared input names, ``+ - * /``, unary minus,
parentheses and powers with small integer exponents, and builds the sympy
expression itself (nothing is evaluated, ``sympy.parse_expr`` is not used).
"""

from __future__ import annotations

import ast
import math
import numbers
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import sympy as sp

from hwlib import problems

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["Entry", "Input", "TranscriptionError", "load_transcription", "load_given", "parse_formula", "DEFAULT_PATH"]

DEFAULT_PATH = resources.files("hwlib") / "data" / "handwritten.toml"
_REQUIRED = {"id": str, "problem": int, "part": str, "quantity": str, "label": str, "written": numbers.Real}
_OPTIONAL = {"working": str, "formula": str, "inputs": dict, "note": str}
#: Text fields that end up in a cell of a Markdown table (a '|' or a line break would break the row).
_ONE_LINE = ("id", "part", "quantity", "label", "working")
_TABLE_BREAKING = "|\n\r\t\v\f\x85\u2028\u2029"

#: Limits on a formula: characters, syntax-tree nodes, size of a number, size of an exponent,
#: and the largest power of a name after the expression is built (k * k * ... counts too).
MAX_FORMULA_CHARS = 400
MAX_FORMULA_NODES = 200
MAX_FORMULA_NUMBER = 10**15
MAX_FORMULA_EXPONENT = 10
MAX_FORMULA_DEGREE = 64
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_REFUSED_OPERATORS = {
    ast.BitXor: "^", ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|",
    ast.LShift: "<<", ast.RShift: ">>", ast.UAdd: "unary +", ast.Invert: "~", ast.Not: "not",
}


class TranscriptionError(ValueError):
    """The data file does not match its documented schema."""


@dataclass(frozen=True)
class Input:
    """One name in an entry's formula: the student's own value of ``ref``, or ``value`` used in place of ``means``."""

    name: str
    ref: str | None = None
    value: float | None = None
    means: str | None = None


@dataclass(frozen=True)
class Entry:
    """One number the handwritten solution states as a result."""

    id: str
    problem: int
    part: str
    quantity: str
    label: str
    written: float
    working: str | None = None
    formula: str | None = None
    inputs: tuple[Input, ...] = ()
    note: str | None = None
    expression: sp.Expr | None = field(default=None, compare=False, repr=False)


def _fail(where: str, message: str) -> TranscriptionError:
    return TranscriptionError(f"{where}: {message}")


class _FormulaError(Exception):
    """A formula outside the accepted grammar; ``token`` is the offending piece of text."""

    def __init__(self, token: str, reason: str) -> None:
        super().__init__(reason)
        self.token = token
        self.reason = reason


def _segment(text: str, node: ast.AST) -> str:
    piece = ast.get_source_segment(text, node) or type(node).__name__
    return piece if len(piece) <= 40 else piece[:37] + "..."


def _build(node: ast.AST, text: str, names: dict[str, sp.Symbol]) -> sp.Expr:
    """The sympy expression of one node of the formula's syntax tree, built by hand (nothing is evaluated)."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _FormulaError(_segment(text, node), "only numbers and the entry's input names may appear")
        if not math.isfinite(value) or abs(value) > MAX_FORMULA_NUMBER:
            raise _FormulaError(
                _segment(text, node), f"numbers must be finite and at most {MAX_FORMULA_NUMBER:.0e} in size"
            )
        return sp.Integer(value) if isinstance(value, int) else sp.Float(_segment(text, node).replace("_", ""))
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise _FormulaError(node.id, f"formula uses [{node.id!r}], which 'inputs' does not define")
        return names[node.id]
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub):
            raise _FormulaError(
                _REFUSED_OPERATORS.get(type(node.op), _segment(text, node)), "only unary minus is allowed"
            )
        return -_build(node.operand, text, names)
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            token = _REFUSED_OPERATORS.get(type(node.op), type(node.op).__name__)
            raise _FormulaError(token, "only + - * / ** and parentheses are allowed (write powers as **)")
        left = _build(node.left, text, names)
        if isinstance(node.op, ast.Pow):
            exponent = node.right
            negative = isinstance(exponent, ast.UnaryOp) and isinstance(exponent.op, ast.USub)
            literal = exponent.operand if negative else exponent
            if not (
                isinstance(literal, ast.Constant)
                and type(literal.value) is int
                and literal.value <= MAX_FORMULA_EXPONENT
            ):
                raise _FormulaError(
                    _segment(text, exponent),
                    f"an exponent must be an integer from -{MAX_FORMULA_EXPONENT} to {MAX_FORMULA_EXPONENT}",
                )
            power = sp.Integer(-literal.value if negative else literal.value)
            if left.is_zero and power < 0:
                raise _FormulaError(_segment(text, node), "zero to a negative power is undefined")
            result = left**power
        else:
            right = _build(node.right, text, names)
            if isinstance(node.op, ast.Div) and right.is_zero:
                raise _FormulaError(_segment(text, node), "division by zero")
            operation = {
                ast.Add: sp.Add, ast.Sub: lambda a, b: a - b, ast.Mult: sp.Mul, ast.Div: lambda a, b: a / b
            }[type(node.op)]
            result = operation(left, right)
        if result.is_Number and (
            not result.is_finite
            or abs(result) > MAX_FORMULA_NUMBER**2
            or (result.is_Rational and result.q > MAX_FORMULA_NUMBER**2)  # 1/10**30 and smaller
        ):
            raise _FormulaError(
                _segment(text, node), f"the numbers grow beyond {MAX_FORMULA_NUMBER**2:.0e} (or their denominators do)"
            )
        return result
    if isinstance(node, ast.Call):
        raise _FormulaError(_segment(text, node.func), "function calls are not allowed")
    if isinstance(node, ast.Attribute):
        raise _FormulaError(_segment(text, node), "attributes are not allowed")
    raise _FormulaError(
        _segment(text, node),
        f"{type(node).__name__} is not allowed; only numbers, input names, + - * / ** and parentheses",
    )


def parse_formula(text: str, names: list[str] | tuple[str, ...]) -> sp.Expr:
    """The sympy expression of an arithmetic ``text`` in ``names``, without ``eval``.

    Grammar: numbers (at most MAX_FORMULA_NUMBER in size), the given names,
    binary + - * /, unary minus, parentheses, and ``**`` with an integer
    exponent from -MAX_FORMULA_EXPONENT to MAX_FORMULA_EXPONENT; at most
    MAX_FORMULA_CHARS characters and MAX_FORMULA_NODES syntax-tree nodes.
    Anything else raises ValueError naming the offending token (a
    :class:`TranscriptionError` naming the entry when it comes from the data file).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {text!r}")
    try:
        return _parse_formula(text, {name: sp.Symbol(name) for name in names})
    except _FormulaError as exc:
        raise ValueError(f"formula {text!r}: {exc.reason} (at {exc.token!r})") from None


def _parse_formula(text: str, names: dict[str, sp.Symbol]) -> sp.Expr:
    if len(text) > MAX_FORMULA_CHARS:
        raise _FormulaError(
            text[:20] + "...", f"a formula may have at most {MAX_FORMULA_CHARS} characters, this one has {len(text)}"
        )
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        line = (exc.text or text).rstrip("\n")
        column = max((exc.offset or 1) - 1, 0)
        token = line[column:column + 10].split(" ")[0] or line[column:column + 10] or "end of the formula"
        raise _FormulaError(token, f"cannot be parsed (column {column + 1}): {exc.msg}") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise _FormulaError(text[:20], f"cannot be parsed: {exc}") from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_FORMULA_NODES:
        raise _FormulaError(
            text[:20] + "...",
            f"a formula may have at most {MAX_FORMULA_NODES} syntax-tree nodes, this one has {nodes}",
        )
    expression = _build(tree.body, text.strip(), names)
    for power in expression.atoms(sp.Pow):
        if power.exp.is_Number and abs(power.exp) > MAX_FORMULA_DEGREE:
            raise _FormulaError(str(power)[:40], f"powers above {MAX_FORMULA_DEGREE} are not allowed")
    return expression


def _size_words(value: numbers.Real) -> str:
    """A number as an error message shows it: an integer too long to print in full by its digit count."""
    if isinstance(value, int) and abs(value) >= 10**40:
        return f"an integer of {len(str(abs(value))) if abs(value) < 10**4000 else 'over 4,000'} digits"
    return repr(value)


def _check_float(where: str, field_name: str, value: numbers.Real) -> None:
    """``value`` must be a finite number that float64 holds (an integer beyond about 1.8e308 does not)."""
    try:
        finite = math.isfinite(float(value))
    except OverflowError:
        finite = False
    if not finite:
        raise _fail(
            where, f"{field_name} must be finite (a number at most about 1.8e308 in size), got {_size_words(value)}"
        )


#: characters a ``label`` (LaTeX shown inside $...$) may not hold: they would end the math or start markup
_LABEL_REFUSED = "$<>&`\"\n\r"
#: MathJax commands that make links, styles or HTML from a label: refused
_LABEL_COMMANDS = ("\\href", "\\url", "\\html", "\\class", "\\style", "\\cssId", "\\data", "\\unicode",
                   "\\require", "\\begin", "\\def", "\\newcommand", "\\renewcommand", "\\let", "\\input")


def _check_label(where: str, label: str) -> None:
    bad = next((c for c in label if c in _LABEL_REFUSED or (ord(c) < 32) or ord(c) == 127), None)
    if bad is not None:
        raise _fail(where, f"field 'label' is LaTeX shown inside $...$ and may not hold {bad!r}, got {label!r}")
    command = next((c for c in _LABEL_COMMANDS if c in label), None)
    if command is not None:
        raise _fail(where, f"field 'label' may not use {command} (it makes links or markup), got {label!r}")


def _check_entry(number: int, raw: Any, source: str) -> Entry:
    where = f"{source}: entry {number}"
    if not isinstance(raw, dict):
        raise _fail(where, f"must be a table, got {type(raw).__name__}")
    if isinstance(raw.get("id"), str):
        where = f"{source}: entry {number} ({raw['id']!r})"
    unknown = set(raw) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise _fail(where, f"unknown field(s) {sorted(unknown)}; allowed: {sorted(_REQUIRED) + sorted(_OPTIONAL)}")
    for name, kind in _REQUIRED.items():
        if name not in raw:
            raise _fail(where, f"field {name!r} is missing")
        value = raw[name]
        if isinstance(value, bool) or not isinstance(value, kind):
            kind_name = kind.__name__ if kind is not numbers.Real else "number"
            raise _fail(where, f"field {name!r} must be a {kind_name}, got {value!r}")
    for name, kind in _OPTIONAL.items():
        if name in raw and not isinstance(raw[name], kind):
            raise _fail(where, f"field {name!r} must be a {kind.__name__}, got {raw[name]!r}")
    if raw["problem"] not in problems.NUMBERS:
        raise _fail(where, f"field 'problem' must be 1, 2 or 3, got {raw['problem']}")
    _check_float(where, "field 'written'", raw["written"])
    for name in _ONE_LINE:
        text = raw.get(name)
        if isinstance(text, str):
            bad = next((c for c in text if c in _TABLE_BREAKING), None)
            if bad is not None:
                raise _fail(
                    where,
                    f"field {name!r} must be one line without '|' (it goes into a table row), "
                    f"got {text!r} containing {bad!r}",
                )
        if isinstance(text, str) and not text.strip():
            raise _fail(where, f"field {name!r} must not be empty, got {text!r}")
    _check_label(where, raw["label"])
    if ("formula" in raw) != ("inputs" in raw):
        raise _fail(where, "fields 'formula' and 'inputs' go together: give both or neither")
    inputs: list[Input] = []
    expression = None
    if "formula" in raw:
        for name, spec in raw["inputs"].items():
            if not isinstance(spec, dict):
                raise _fail(where, f"input {name!r} must be a table, got {spec!r}")
            if set(spec) == {"ref"} and isinstance(spec["ref"], str):
                inputs.append(Input(name, ref=spec["ref"]))
            elif (
                set(spec) == {"value", "means"}
                and isinstance(spec["means"], str)
                and isinstance(spec["value"], numbers.Real)
                and not isinstance(spec["value"], bool)
            ):
                _check_float(where, f"input {name!r}: field 'value'", spec["value"])
                inputs.append(Input(name, value=float(spec["value"]), means=spec["means"]))
            else:
                raise _fail(
                    where,
                    f"input {name!r} must be {{ ref = \"<quantity>\" }} "
                    f"or {{ value = <number>, means = \"<quantity>\" }}, got {spec!r}",
                )
        names = {i.name: sp.Symbol(i.name) for i in inputs}
        try:
            expression = _parse_formula(raw["formula"], names)
        except _FormulaError as exc:
            shown = raw["formula"] if len(raw["formula"]) <= 60 else raw["formula"][:57] + "..."
            raise _fail(where, f"field 'formula' {shown!r}: {exc.reason} (at {exc.token!r})") from None
    return Entry(
        id=raw["id"], problem=raw["problem"], part=raw["part"], quantity=raw["quantity"], label=raw["label"],
        written=float(raw["written"]), working=raw.get("working"), formula=raw.get("formula"),
        inputs=tuple(inputs), note=raw.get("note"), expression=expression,
    )


def _checked_entry(number: int, raw: Any, source: str) -> Entry:
    """:func:`_check_entry`, with any overflow, conversion or recursion error turned into one line naming the entry."""
    try:
        return _check_entry(number, raw, source)
    except TranscriptionError:
        raise
    except (OverflowError, ValueError, RecursionError) as exc:
        name = f" ({raw['id']!r})" if isinstance(raw, dict) and isinstance(raw.get("id"), str) else ""
        raise TranscriptionError(f"{source}: entry {number}{name}: {type(exc).__name__}: {exc}") from None


def _read(path: str | Path | None) -> tuple[dict[str, Any], str]:
    """The parsed data file and its name for messages; a UTF-8 byte-order mark is accepted."""
    source = DEFAULT_PATH if path is None else Path(path)
    data = source.read_bytes()
    try:
        text = data.decode("utf-8-sig")  # accepts (and drops) a UTF-8 byte-order mark
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TranscriptionError(
            f"{source}: not UTF-8 text: byte 0x{data[exc.start]:02x} at line {line} (byte {exc.start}) "
            "cannot be decoded; save the file as UTF-8"
        ) from None
    try:
        return tomllib.loads(text), str(source)
    except tomllib.TOMLDecodeError as exc:
        raise TranscriptionError(f"{source}: not valid TOML: {exc}") from exc
    except RecursionError:
        raise TranscriptionError(f"{source}: arrays or tables nested too deeply to read (Python's recursion "
                                 f"limit is {sys.getrecursionlimit():,}); the data file nests a few levels") from None
    except ValueError as exc:  # an integer longer than Python converts (4,300 digits)
        raise TranscriptionError(f"{source}: a value cannot be read: {exc}") from None


def _check_problem(problem: object) -> int:
    if isinstance(problem, bool) or not isinstance(problem, numbers.Integral):
        raise TypeError(f"problem must be 1, 2 or 3, got {problem!r}")
    if problem not in problems.NUMBERS:
        raise ValueError(f"problem must be 1, 2 or 3, got {problem!r}")
    return int(problem)


def load_transcription(path: str | Path | None = None, problem: int | None = None) -> list[Entry]:
    """Every [[entry]] of the data file (of one problem, 1, 2 or 3, if given), checked against the schema."""
    if problem is not None:
        problem = _check_problem(problem)
    data, source = _read(path)
    raw_entries = data.get("entry")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise TranscriptionError(f"{source}: the data file must hold at least one [[entry]]")
    entries = [_checked_entry(number, raw, source) for number, raw in enumerate(raw_entries, start=1)]
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise TranscriptionError(f"{source}: entry {entry.id!r}: the id is used twice")
        seen.add(entry.id)
    quantities = [(e.problem, e.quantity) for e in entries]
    for entry in entries:
        if quantities.count((entry.problem, entry.quantity)) > 1:
            raise TranscriptionError(
                f"{source}: entry {entry.id!r}: quantity {entry.quantity!r} of problem {entry.problem} "
                "is transcribed twice"
            )
    return [e for e in entries if problem is None or e.problem == problem]


#: how deeply a [given.pN] value may nest (the deepest Given, Problem 3's weights, nests three levels)
MAX_GIVEN_DEPTH = 20


def _check_given_values(value: Any, where: str) -> None:
    """Every number of a Given finite and within float64, nested at most MAX_GIVEN_DEPTH levels (walked
    without recursion, so that no depth can overflow the stack)."""
    stack = [(value, where, 0)]
    while stack:
        item, here, depth = stack.pop()
        if depth > MAX_GIVEN_DEPTH:
            raise TranscriptionError(f"{here}: nested more than {MAX_GIVEN_DEPTH} levels deep")
        if isinstance(item, dict):
            stack.extend((v, f"{here}.{k}", depth + 1) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{here}[{i}]", depth + 1) for i, v in enumerate(item))
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            try:
                finite = math.isfinite(float(item))
            except OverflowError:
                finite = False
            if not finite:
                raise TranscriptionError(f"{here} must be finite (a number at most about 1.8e308 in size), got "
                                         f"{_size_words(item)}")


def load_given(problem: int, path: str | Path | None = None) -> dict[str, Any]:
    """The data of one problem (1, 2 or 3) as the homework poses it ([given.pN] in the data file)."""
    problem = _check_problem(problem)
    data, source = _read(path)
    given = data.get("given", {})
    key = f"p{problem}"
    if not isinstance(given, dict) or key not in given:
        raise TranscriptionError(f"{source}: [given.{key}] is missing from the data file")
    _check_given_values(given[key], f"{source}: [given.{key}]")
    return given[key]
