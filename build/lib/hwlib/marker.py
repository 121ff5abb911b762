"""Mark the handwritten solution: compare each transcribed value with the book's and explain the difference.

Verdicts:

* ``correct``: the value is right (and so is the working, where it was transcribed);
* ``correct value, wrong working``: the value is right but the working does not give it;
* ``wrong``: the value is not right.

Each diagnosis is *computed*, never typed:

* ``sign``: the value is the negative of the true one, or of what the working gives;
* ``arithmetic``: the working, evaluated with the student's own numbers, gives another value;
* ``carried_forward``: the chain rule (the book's local formula), fed with the student's
  own upstream values, gives the written value: the step is right, an earlier value is wrong;
* ``wrong_value_used``: the working uses a number in place of a quantity whose true value differs;
* ``wrong_symbol``: the working uses one weight or input where another is needed (found by
  trying each swap within the same layer and keeping the one that makes the working right);
* ``wrong_formula``: the working is wrong even with every number right.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from hwlib.answers import Truth
from hwlib.transcription import Entry

__all__ = ["Mark", "mark", "marks_table", "comparison_markdown", "CORRECT", "WRONG", "WRONG_WORKING"]

CORRECT = "correct"
WRONG = "wrong"
WRONG_WORKING = "correct value, wrong working"


@dataclass(frozen=True)
class Mark:
    """The verdict on one transcribed entry, with the value the book computes and the diagnoses."""

    entry: Entry
    computed: float
    verdict: str
    codes: tuple[str, ...]
    diagnoses: tuple[str, ...]

    @property
    def is_correct(self) -> bool:
        return self.verdict == CORRECT


def _close(a: float | None, b: float | None, tol: float = 1e-9) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def _fmt(value: float) -> str:
    value = float(value) + 0.0
    return str(int(value)) if value.is_integer() else f"{value:.6g}"


def _swap_candidates(quantity: str, truth: Truth) -> list[str]:
    """Quantities of the same kind as ``quantity``: weights of the same layer, inputs of the same letter."""
    match = re.fullmatch(r"(w\d+_)\d+", quantity) or re.fullmatch(r"([a-zA-Z]+)\d+", quantity)
    if not match:
        return []
    prefix = match.group(1)
    return [q for q in truth.values if q != quantity and re.fullmatch(re.escape(prefix) + r"\d+", q)]


class _Context:
    def __init__(self, entries: Sequence[Entry], truth: Truth) -> None:
        self.truth = truth
        self.written = {e.quantity: e.written for e in entries}
        used: dict[str, Counter] = {}
        for e in entries:
            for i in e.inputs:
                if i.means is not None:
                    used.setdefault(i.means, Counter())[i.value] += 1
        self.used = used

    def label(self, quantity: str) -> str:
        return f"${self.truth.labels.get(quantity, quantity)}$"

    def true(self, quantity: str, entry: Entry) -> float:
        if quantity not in self.truth.values:
            raise ValueError(f"entry {entry.id!r}: the book computes no quantity {quantity!r}")
        return self.truth.values[quantity]

    def own(self, quantity: str, entry: Entry) -> float:
        """The student's value of a quantity: what they wrote for it, else the true value (a given)."""
        return self.written.get(quantity, self.true(quantity, entry))

    def most_used(self, quantity: str) -> float | None:
        counts = self.used.get(quantity)
        return counts.most_common(1)[0][0] if counts else None


def _evaluate(entry: Entry, env: dict[str, float]) -> float:
    return float(entry.expression.xreplace({sp.Symbol(k): sp.Float(v) for k, v in env.items()}))


def _structure(entry: Entry, ctx: _Context, truth: float, true_route: float) -> list[tuple[str, str]]:
    """Why the working is wrong even with true numbers: compare it with the chain rule's local formula."""
    local = ctx.truth.formulas.get(entry.quantity)
    used = {i.ref or i.means for i in entry.inputs}
    if local is not None:
        needed = {str(s) for s in local.free_symbols}
        extra, missing = sorted(used - needed), sorted(needed - used)
        found = []
        swappable_extra = [q for q in extra if _swap_candidates(q, ctx.truth)]
        for q in swappable_extra:
            partners = [m for m in missing if m in _swap_candidates(q, ctx.truth)]
            if len(partners) == 1:
                found.append(("wrong_symbol", f"uses {ctx.label(q)} where the chain rule needs {ctx.label(partners[0])}"))
                missing.remove(partners[0])
                extra.remove(q)
        if extra:
            found.append(("wrong_formula", "uses " + ", ".join(ctx.label(q) for q in extra) + ", which this step does not involve"))
        if missing:
            found.append(("wrong_formula", "leaves out " + ", ".join(ctx.label(q) for q in missing)))
        if found:
            return found
    for i in entry.inputs:  # no local formula to compare with: try each swap within a layer
        target = i.ref or i.means
        for other in _swap_candidates(target, ctx.truth):
            env = {j.name: ctx.true(j.ref or j.means, entry) for j in entry.inputs}
            env[i.name] = ctx.true(other, entry)
            if _close(_evaluate(entry, env), truth):
                return [("wrong_symbol", f"uses {ctx.label(target)} where {ctx.label(other)} is needed")]
    return [("wrong_formula", f"the working is wrong even with every number right: it gives {_fmt(true_route)}, not {_fmt(truth)}")]


def _mark_one(entry: Entry, ctx: _Context) -> Mark:
    truth = ctx.true(entry.quantity, entry)
    written = entry.written
    codes: list[str] = []
    notes: list[str] = []
    student = true_route = None
    if entry.expression is not None:
        student_env = {i.name: ctx.own(i.ref, entry) if i.ref else i.value for i in entry.inputs}
        true_env = {i.name: ctx.true(i.ref or i.means, entry) for i in entry.inputs}
        student = _evaluate(entry, student_env)
        true_route = _evaluate(entry, true_env)
    arithmetic_ok = student is None or _close(student, written)
    formula_ok = true_route is None or _close(true_route, truth)

    if not formula_ok:
        codes_notes = _structure(entry, ctx, truth, true_route)
        for code, note in codes_notes:
            codes.append(code)
            notes.append(note)
    if not arithmetic_ok:
        if student != 0 and _close(written, -student):
            codes.append("sign")
            notes.append(f"sign slip: the working gives {_fmt(student)}, the written value is its negative")
        else:
            codes.append("arithmetic")
            notes.append(f"arithmetic: the working gives {_fmt(student)}, not {_fmt(written)}")
    for i in entry.inputs:
        if i.means is not None and not _close(i.value, ctx.true(i.means, entry)):
            own = ctx.written.get(i.means)
            own_note = f"; the student's own value was {_fmt(own)}" if own is not None and not _close(own, i.value) else ""
            codes.append("wrong_value_used")
            notes.append(f"uses {_fmt(i.value)} for {ctx.label(i.means)}, whose value is {_fmt(ctx.true(i.means, entry))}{own_note}")
        elif i.ref is not None and not _close(ctx.own(i.ref, entry), ctx.true(i.ref, entry)):
            codes.append("carried_forward")
            notes.append(f"carries forward the wrong {ctx.label(i.ref)} = {_fmt(ctx.own(i.ref, entry))} (true {_fmt(ctx.true(i.ref, entry))})")

    correct = _close(written, truth)
    if not correct:
        if truth != 0 and _close(written, -truth) and "sign" not in codes:
            codes.append("sign")
            notes.append(f"sign error: the true value is {_fmt(truth)}")
        local = ctx.truth.formulas.get(entry.quantity)
        if local is not None and "carried_forward" not in codes:
            upstream = sorted(str(s) for s in local.free_symbols)
            for source in ("own", "used"):
                env = {}
                for q in upstream:
                    value = ctx.own(q, entry)
                    if source == "used" and ctx.most_used(q) is not None:
                        value = ctx.most_used(q)
                    env[q] = value
                if any(not _close(env[q], ctx.true(q, entry)) for q in upstream):
                    result = float(local.xreplace({sp.Symbol(q): sp.Float(v) for q, v in env.items()}))
                    if _close(result, written):
                        wrong = [q for q in upstream if not _close(env[q], ctx.true(q, entry))]
                        how = "the student's own values" if source == "own" else "the values the student used"
                        listed = ", ".join(f"{ctx.label(q)} = {_fmt(env[q])} (true {_fmt(ctx.true(q, entry))})" for q in wrong)
                        codes.append("carried_forward")
                        notes.append(f"the step itself is right: the chain rule with {how} for {listed} gives {_fmt(written)}")
                        break
        if local is not None and "carried_forward" not in codes and entry.expression is None:
            upstream = sorted(str(s) for s in local.free_symbols)
            result = float(local.xreplace({sp.Symbol(q): sp.Float(ctx.own(q, entry)) for q in upstream}))
            listed = ", ".join(f"{ctx.label(q)} = {_fmt(ctx.own(q, entry))}" for q in upstream)
            codes.append("this_step")
            notes.append(f"not carried forward: the chain rule with the student's own values ({listed}) gives "
                         f"{_fmt(result)}, so the error is made in this step")
        if not notes:
            codes.append("unexplained")
            notes.append(f"no single cause found: the true value is {_fmt(truth)}")
        verdict = WRONG
    elif codes:
        verdict = WRONG_WORKING
    else:
        verdict = CORRECT
    return Mark(entry=entry, computed=truth, verdict=verdict, codes=tuple(dict.fromkeys(codes)), diagnoses=tuple(notes))


def mark(entries: Sequence[Entry], truth: Truth) -> list[Mark]:
    """Mark every entry against the book's values; diagnoses use the other entries as the student's own values."""
    ctx = _Context(entries, truth)
    return [_mark_one(entry, ctx) for entry in entries]


def marks_table(marks: Sequence[Mark]) -> str:
    """A Markdown table: quantity, written value, computed value, verdict and diagnoses."""
    rows = ["| quantity | written | computed | verdict | why |", "|---|--:|--:|---|---|"]
    for m in marks:
        why = "; ".join(m.diagnoses) if m.diagnoses else ""
        if m.entry.note:
            why = (why + "; " if why else "") + f"*{m.entry.note}*"
        verdict = {CORRECT: "✓ correct", WRONG: "✗ wrong", WRONG_WORKING: "✓ value, ✗ working"}[m.verdict]
        rows.append(f"| ${m.entry.label}$ | {_fmt(m.entry.written)} | {_fmt(m.computed)} | {verdict} | {why} |")
    return "\n".join(rows)


def _same_given(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Equal as data: lists and tuples alike, 2 and 2.0 alike."""
    def norm(v: Any) -> Any:
        if isinstance(v, Mapping):
            return {k: norm(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)) or hasattr(v, "tolist"):
            return [norm(x) for x in (v.tolist() if hasattr(v, "tolist") else v)]
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
    return norm(dict(a)) == norm(dict(b))


def comparison_markdown(problem: int, given: Mapping[str, Any] | None = None) -> str:
    """The body of a chapter's "Compared with the handwritten solution" section, as Markdown.

    It always marks the homework's own numbers (``[given.pN]`` of the transcription).  When
    ``given`` (the chapter's Given) differs from them, it opens with one sentence saying so.
    """
    from hwlib import answers
    from hwlib.transcription import load_given, load_transcription

    truth_of = {1: answers.problem1_truth, 2: answers.problem2_truth, 3: answers.problem3_truth}
    if problem not in truth_of:
        raise ValueError(f"problem must be 1, 2 or 3, got {problem!r}")
    homework = load_given(problem)
    marks = mark(load_transcription(problem=problem), truth_of[problem](**homework))
    parts = []
    if given is not None and not _same_given(given, homework):
        parts.append("The Given above differs from the homework's, so this section does not use it: the handwritten "
                     "solution answers the homework's own numbers, and is marked against those.")
    right = sum(m.verdict == CORRECT for m in marks)
    parts.append(marks_table(marks))
    parts.append(f"Of the {len(marks)} written results, {right} are correct.")
    return "\n\n".join(parts)
