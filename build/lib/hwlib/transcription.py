"""The handwritten solution as data: load ``hwlib/data/handwritten.toml`` and check its schema.

The schema is documented at the top of the data file.  Every problem with the
file raises :class:`TranscriptionError` naming the entry and the field.
"""

from __future__ import annotations

import math
import numbers
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import sympy as sp

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["Entry", "Input", "TranscriptionError", "load_transcription", "load_given", "DEFAULT_PATH"]

DEFAULT_PATH = resources.files("hwlib") / "data" / "handwritten.toml"
_REQUIRED = {"id": str, "problem": int, "part": str, "quantity": str, "label": str, "written": numbers.Real}
_OPTIONAL = {"working": str, "formula": str, "inputs": dict, "note": str}


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


def _check_entry(number: int, raw: Any) -> Entry:
    where = f"entry {number}"
    if not isinstance(raw, dict):
        raise _fail(where, f"must be a table, got {type(raw).__name__}")
    if isinstance(raw.get("id"), str):
        where = f"entry {number} ({raw['id']!r})"
    unknown = set(raw) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise _fail(where, f"unknown field(s) {sorted(unknown)}; allowed: {sorted(_REQUIRED) + sorted(_OPTIONAL)}")
    for name, kind in _REQUIRED.items():
        if name not in raw:
            raise _fail(where, f"field {name!r} is missing")
        value = raw[name]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise _fail(where, f"field {name!r} must be a {kind.__name__ if kind is not numbers.Real else 'number'}, got {value!r}")
    for name, kind in _OPTIONAL.items():
        if name in raw and not isinstance(raw[name], kind):
            raise _fail(where, f"field {name!r} must be a {kind.__name__}, got {raw[name]!r}")
    if raw["problem"] not in (1, 2, 3):
        raise _fail(where, f"field 'problem' must be 1, 2 or 3, got {raw['problem']}")
    if not math.isfinite(raw["written"]):
        raise _fail(where, f"field 'written' must be finite, got {raw['written']}")
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
            elif set(spec) == {"value", "means"} and isinstance(spec["means"], str) and isinstance(spec["value"], numbers.Real) and not isinstance(spec["value"], bool):
                inputs.append(Input(name, value=float(spec["value"]), means=spec["means"]))
            else:
                raise _fail(where, f"input {name!r} must be {{ ref = \"<quantity>\" }} or {{ value = <number>, means = \"<quantity>\" }}, got {spec!r}")
        names = {i.name: sp.Symbol(i.name) for i in inputs}
        try:
            expression = sp.parse_expr(raw["formula"], local_dict=names, evaluate=True)
        except (SyntaxError, TypeError, ValueError, sp.SympifyError) as exc:
            raise _fail(where, f"formula {raw['formula']!r} cannot be parsed: {exc}") from exc
        free = {str(s) for s in expression.free_symbols}
        if free - set(names):
            raise _fail(where, f"formula uses {sorted(free - set(names))}, which 'inputs' does not define")
    return Entry(
        id=raw["id"], problem=raw["problem"], part=raw["part"], quantity=raw["quantity"], label=raw["label"],
        written=float(raw["written"]), working=raw.get("working"), formula=raw.get("formula"),
        inputs=tuple(inputs), note=raw.get("note"), expression=expression,
    )


def _read(path: str | Path | None) -> dict[str, Any]:
    source = DEFAULT_PATH if path is None else Path(path)
    try:
        return tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TranscriptionError(f"{source}: not valid TOML: {exc}") from exc


def load_transcription(path: str | Path | None = None, problem: int | None = None) -> list[Entry]:
    """Every [[entry]] of the data file (of one problem, if given), checked against the schema."""
    data = _read(path)
    raw_entries = data.get("entry")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise TranscriptionError("the data file must hold at least one [[entry]]")
    entries = [_check_entry(number, raw) for number, raw in enumerate(raw_entries, start=1)]
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise TranscriptionError(f"entry {entry.id!r}: the id is used twice")
        seen.add(entry.id)
    quantities = [(e.problem, e.quantity) for e in entries]
    for entry in entries:
        if quantities.count((entry.problem, entry.quantity)) > 1:
            raise TranscriptionError(f"entry {entry.id!r}: quantity {entry.quantity!r} of problem {entry.problem} is transcribed twice")
    return [e for e in entries if problem is None or e.problem == problem]


def load_given(problem: int, path: str | Path | None = None) -> dict[str, Any]:
    """The data of one problem as the homework poses it ([given.pN] in the data file)."""
    given = _read(path).get("given", {})
    key = f"p{problem}"
    if key not in given:
        raise TranscriptionError(f"[given.{key}] is missing from the data file")
    return given[key]
