"""Mark a solution value by value, with follow-through credit and one coherent reason per wrong value.

Verdicts:

* ``correct``: the value is right (and so is the working, where it was transcribed);
* ``correct value, wrong working``: the value is right but the working does not give it
  (counted as correct);
* ``carried``: the value is wrong, but the step is right on the student's own written
  upstream values: the book's local formula (:attr:`hwlib.answers.Truth.formulas`),
  fed with the values the student wrote (true values only where they wrote none),
  gives it.  This is the strict "error carried forward" rule.  Where the transcribed working uses a
  value other than the one the student wrote (an *unexplained change*), the change is one mistake,
  charged once, at the step that first makes it; a later step that is right on the changed value (or
  on a value the chain rule gives from changes named before) is carried too.  Bare values
  (:class:`ValueMarker`: the practice pages, class marking) also work out an intermediate the student
  left blank from their own earlier values;
* ``wrong``: a new mistake is made in this step;
* ``blank``: no value (class marking only).

Two scores: **correct**, and **with follow-through** (correct + carried).

Each wrong value gets one reason first, then remarks; every reason is computed:

* from the transcribed working: an arithmetic or sign slip, a mistake of the catalogue
  :mod:`hwlib.mistakes` applied to the values the working uses (a lost sign, a transposed
  weight, ...), a structural slip (a product where the chain rule has a sum, a weight of the
  wrong edge, a path left out);
* an *unexplained change* of an upstream value (the working uses a number other than the one
  the student wrote for that quantity): named in full once, at the first step where it appears,
  and referred to after that;
* without working: a catalogue mistake applied to the student's own values, else one whose
  prediction from the Given matches, else "a new mistake in this step" with the value the
  step's formula gives on the student's own values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from hwlib import answers, fmt, mistakes, problems
from hwlib.answers import Truth
from hwlib.escape import markdown_text
from hwlib.tolerance import COUNT, DEFAULT, Policy
from hwlib.transcription import Entry, load_given, load_transcription

__all__ = ["Mark", "mark", "marks_table", "score", "comparison_markdown", "ValueMarker", "answer_quantities",
           "CORRECT", "WRONG_WORKING", "CARRIED", "WRONG", "BLANK"]

CORRECT = "correct"
WRONG_WORKING = "correct value, wrong working"
CARRIED = "carried"
WRONG = "wrong"
BLANK = "blank"


@dataclass(frozen=True)
class Mark:
    """The verdict on one value: the reason first in ``diagnoses``, then remarks; ``mistakes`` are catalogue names."""

    quantity: str
    label: str
    written: float | None
    computed: float
    verdict: str
    codes: tuple[str, ...] = ()
    diagnoses: tuple[str, ...] = ()
    mistakes: tuple[str, ...] = ()
    entry: Entry | None = None

    @property
    def is_correct(self) -> bool:
        """Credit without follow-through: correct, or a correct value by wrong working."""
        return self.verdict in (CORRECT, WRONG_WORKING)

    @property
    def follows_through(self) -> bool:
        """Credit with follow-through: correct, or carried."""
        return self.is_correct or self.verdict == CARRIED

    @property
    def reason(self) -> str | None:
        """The one reason of a wrong (or carried) value; ``None`` for a correct one."""
        return self.diagnoses[0] if self.diagnoses else None


def score(marks: Sequence[Mark]) -> tuple[int, int]:
    """(correct, with follow-through) over ``marks``."""
    return sum(m.is_correct for m in marks), sum(m.follows_through for m in marks)




def _eval(expr: sp.Expr, env: Mapping[str, float]) -> float:
    return float(expr.xreplace({s: sp.Float(env[str(s)]) for s in expr.free_symbols}))


def _swap_candidates(quantity: str, truth: Truth) -> list[str]:
    """Quantities of the same kind as ``quantity``: weights of the same layer, inputs of the same letter."""
    match = re.fullmatch(r"(w\d+_)\d+", quantity) or re.fullmatch(r"([a-zA-Z]+)\d+", quantity)
    if not match:
        return []
    prefix = match.group(1)
    return [q for q in truth.values if q != quantity and re.fullmatch(re.escape(prefix) + r"\d+", q)]


class _Student:
    """What one student wrote, and what the marker has already said about it (changes named once)."""

    def __init__(self, entries: Sequence[Entry], truth: Truth, problem: int | None, given: Mapping | None,
                 policy: Policy) -> None:
        self.truth = truth
        self.policy = policy
        self.problem = problem
        self.given = given
        self.written = {e.quantity: e.written for e in entries}
        self.changes: dict[tuple[str, float], str] = {}  # (quantity, value used) -> where first named
        self.changed: dict[str, float] = {}  # latest changed value of each quantity

    def close(self, quantity: str, a: float | None, b: float | None) -> bool:
        """Whether ``a`` and ``b`` agree as values of ``quantity`` (the tolerance policy); a missing value agrees
        with nothing."""
        return a is not None and b is not None and self.policy.agrees(a, b, self.truth.kind(quantity))

    def label(self, quantity: str) -> str:
        return self.truth.labels.get(quantity, quantity)

    def math(self, quantity: str, value: float | None = None) -> str:
        text = self.label(quantity)
        return f"${text}$" if value is None else f"${text} = {fmt.latex(value)}$"

    def true(self, quantity: str, where: str) -> float:
        if quantity not in self.truth.values:
            raise ValueError(f"entry {where!r}: the book computes no quantity {quantity!r}")
        return self.truth.values[quantity]

    def own(self, quantity: str, where: str = "?") -> float:
        """The student's value of a quantity: what they wrote for it, else the true value (a given)."""
        return self.written.get(quantity, self.true(quantity, where))

    def follow_through(self, quantity: str) -> float | None:
        """The book's local formula fed with the student's own written values."""
        local = self.truth.formulas.get(quantity)
        if local is None:
            return None
        return _eval(local, {str(s): self.own(str(s)) for s in local.free_symbols})


# ------------------------------------------------------------------ reading the working
@dataclass
class _Working:
    used: dict[str, float]  # quantity -> value the working uses for it
    value: float  # the working evaluated with those values
    as_sum: float | None  # the chain rule's sum with those values, where the working joins its terms by ×
    structure: list[tuple[str, str, bool]]  # (code, text, changes the value)


def _same_when_expanded(working: sp.Expr, local: sp.Expr, truth: Truth) -> bool:
    """The working equals the local formula once the quantities it uses are written out by their own formulas
    (``k²·C_in·C_out·H_out·W_out`` for ``H_out·W_out·W_standard``): the same step, written from the Given."""
    expanded = local
    for _ in range(len(truth.formulas)):
        inner = {sym: truth.formulas[str(sym)] for sym in expanded.free_symbols if str(sym) in truth.formulas
                 and sym not in working.free_symbols}
        if not inner:
            break
        expanded = expanded.xreplace(inner)
    return expanded is not local and sp.expand(working - expanded) == 0


def _read_working(entry: Entry, st: _Student) -> _Working | None:
    if entry.expression is None:
        return None
    env = {i.name: st.own(i.ref, entry.id) if i.ref else i.value for i in entry.inputs}
    used = {(i.ref or i.means): env[i.name] for i in entry.inputs}
    value = _eval(entry.expression, env)
    mapped = entry.expression.xreplace({sp.Symbol(i.name): sp.Symbol(i.ref or i.means) for i in entry.inputs})
    local = st.truth.formulas.get(entry.quantity)
    structure: list[tuple[str, str, bool]] = []
    as_sum = None
    if local is not None and sp.expand(mapped - local) != 0 and not _same_when_expanded(mapped, local, st.truth):
        full_used = {str(s): used.get(str(s), st.own(str(s), entry.id)) for s in local.free_symbols}
        right_on_used = _eval(local, full_used)
        if isinstance(local, sp.Add) and sp.expand(mapped - sp.Mul(*local.args)) == 0:
            as_sum = right_on_used
            structure.append(("product_for_sum", "the working joins the chain rule's terms with × where + is meant",
                              not st.close(entry.quantity, entry.written, as_sum)))
        else:
            structure.extend(_structure(entry, mapped, local, st,
                                        changes_value=not st.close(entry.quantity, value, right_on_used)))
    return _Working(used, value, as_sum, structure)


def _structure(entry: Entry, mapped: sp.Expr, local: sp.Expr, st: _Student,
               changes_value: bool) -> list[tuple[str, str, bool]]:
    """Why the working differs from the chain rule's local formula: a weight of the wrong edge, a term left out or
    added."""
    used = {str(s) for s in mapped.free_symbols}
    needed = {str(s) for s in local.free_symbols}
    extra, missing = sorted(used - needed), sorted(needed - used)
    found = []
    for q in [q for q in extra if _swap_candidates(q, st.truth)]:
        partners = [m for m in missing if m in _swap_candidates(q, st.truth)]
        if len(partners) == 1:
            found.append(("wrong_symbol", f"uses {st.math(q)} where the chain rule needs {st.math(partners[0])}",
                          changes_value))
            missing.remove(partners[0])
            extra.remove(q)
    if extra:
        found.append(("wrong_formula",
                      "uses " + ", ".join(st.math(q) for q in extra) + ", which this step does not involve",
                      changes_value))
    if missing:
        found.append(("wrong_formula", "leaves out " + ", ".join(st.math(q) for q in missing), changes_value))
    if not found:
        found.append(("wrong_formula", "the working is not the chain rule's formula for this step", changes_value))
    return found


def _listing(st: _Student, values: Mapping[str, float]) -> str:
    return ", ".join(st.math(q, v) for q, v in values.items())


def _change_remarks(entry: Entry, working: _Working,
                    st: _Student) -> tuple[list[tuple[str, str]], list[tuple[str, str]], int]:
    """Changed upstream values the working uses: (named here for the first time, named before, how many of those
    named here are new mistakes).  A change the chain rule gives from changes named before is no new mistake."""
    first, again, charged = [], [], 0
    for i in entry.inputs:
        if i.means is None:
            continue
        q, v = i.means, working.used[i.means]
        if q in st.written:
            if st.close(q, v, st.written[q]):
                continue
            key = (q, v)
            if key in st.changes:
                again.append(("changed_value", f"{st.math(q, v)} (named at {st.changes[key]})"))
                continue
            text = (f"uses {st.math(q, v)}, though the student wrote {fmt.number(st.written[q])} for it: "
                    f"an unexplained change (the true value is {fmt.number(st.true(q, entry.id))})")
            local = st.truth.formulas.get(q)
            upstream_changed = {str(s): st.changed[str(s)] for s in (local.free_symbols if local is not None else ())
                                if str(s) in st.changed}
            if upstream_changed:
                env = {str(s): st.changed.get(str(s), st.own(str(s), entry.id)) for s in local.free_symbols}
                follows = _eval(local, env)
                named = _listing(st, upstream_changed)
                if st.close(q, follows, v):
                    text = (f"uses {st.math(q, v)}, though the student wrote {fmt.number(st.written[q])} for it (the "
                            f"true value is {fmt.number(st.true(q, entry.id))}): what the chain rule gives from the "
                            f"changed {named}, not a mistake of its own")
                else:
                    text += (f"; not even the changed {named} gives it: the chain rule with that gives "
                             f"{fmt.number(follows)}")
                    charged += 1
            else:
                charged += 1
            st.changes[key] = st.math(entry.quantity)
            st.changed[q] = v
            first.append(("changed_value", text))
        elif not st.close(q, v, st.true(q, entry.id)):
            charged += 1
            first.append(("wrong_value_used",
                          f"uses {fmt.number(v)} for {st.math(q)}, whose value is {fmt.number(st.true(q, entry.id))}"))
    return first, again, charged


def _catalogue_names(found: Sequence[mistakes.Mistake]) -> tuple[str, ...]:
    return tuple(m.name for m in found)


def _slip(entry: Entry, working: _Working, st: _Student) -> tuple[str, str, tuple[str, ...]] | None:
    """The slip between the working (with the values it uses) and the written value, if any."""
    q, written = entry.quantity, entry.written
    reading = working.as_sum if working.as_sum is not None else working.value
    if st.close(q, reading, written):
        return None
    if st.problem is not None and st.given is not None:
        found = mistakes.diagnose_step(st.problem, st.given, q, written, working.used, st.policy)
        if found:
            return ("catalogue",
                    f"{found[0].feedback_for(st.given)} (with {_listing(st, working.used)} the working gives "
                    f"{fmt.number(reading)}, not {fmt.number(written)})",
                    _catalogue_names(found))
    if reading != 0 and st.close(q, written, -reading):
        return ("sign",
                f"sign slip: the working gives {fmt.number(reading)}, and {fmt.number(written)} is its negative", ())
    values = _listing(st, working.used)
    return ("arithmetic",
            f"arithmetic slip: with {values} the working gives {fmt.number(reading)}, not {fmt.number(written)}", ())


def _on_used_values(entry: Entry, working: _Working | None, st: _Student) -> float | None:
    """The book's local formula fed with the values the working uses (the student's own written values for the
    rest): what a step right on a changed upstream value gives."""
    local = st.truth.formulas.get(entry.quantity)
    if working is None or local is None:
        return None
    return _eval(local, {str(s): working.used.get(str(s), st.own(str(s))) for s in local.free_symbols})


def _carried_text(entry: Entry, st: _Student) -> str:
    local = st.truth.formulas[entry.quantity]
    wrong = {str(s): st.own(str(s)) for s in sorted(local.free_symbols, key=str)
             if not st.close(str(s), st.own(str(s)), st.true(str(s), entry.id))}
    listed = ", ".join(f"{st.math(q, v)} (true {fmt.number(st.true(q, entry.id))})" for q, v in wrong.items())
    return f"carries the student's own {listed}: the step itself is right"


def _mark_entry(entry: Entry, st: _Student) -> Mark:
    q, written = entry.quantity, entry.written
    true = st.true(q, entry.id)
    working = _read_working(entry, st)
    follow = st.follow_through(q)
    label = st.label(q)
    reasons: list[tuple[str, str]] = []  # (code, text), the reason first
    remarks: list[tuple[str, str]] = []
    names: tuple[str, ...] = ()

    if st.close(q, written, true):
        if working is not None:
            slip = _slip(entry, working, st)
            if slip:
                remarks.append(slip[:2])
            remarks.extend((c, t) for c, t, _ in working.structure)
        verdict = WRONG_WORKING if remarks else CORRECT
        return Mark(q, label, written, true, verdict, tuple(dict.fromkeys(c for c, _ in remarks)),
                    tuple(t for _, t in remarks), (), entry)

    if working is not None:
        first, again, charged = _change_remarks(entry, working, st)
    else:
        first, again, charged = [], [], 0
    on_used = _on_used_values(entry, working, st) if (first or again) and not charged else None
    if follow is not None and st.close(q, written, follow):
        verdict = CARRIED
        reasons.append(("carried_forward", _carried_text(entry, st)))
        remarks.extend(first)
        if working is not None:
            remarks.extend((c, t) for c, t, _ in working.structure)
    elif on_used is not None and st.close(q, written, on_used):
        # the change was charged where it was first made: a step right on it is carried, as on a written value
        verdict = CARRIED
        used = {i.means: working.used[i.means] for i in entry.inputs if i.means is not None
                and not st.close(i.means, working.used[i.means], st.own(i.means))}
        reasons.append(("carried_forward", f"carries the changed {_listing(st, used)} of its working: the step "
                                           "itself is right on it"))
        remarks.extend(first)
        if again:
            remarks.append(("changed_value", "the change was named at " + ", ".join(
                sorted({t.rsplit("(named at ", 1)[1].rstrip(")") for _, t in again}))))
        remarks.extend((c, t) for c, t, _ in working.structure)
    else:
        verdict = WRONG
        new: list[tuple[str, str]] = []
        notes: list[tuple[str, str]] = []
        if working is not None:
            slip = _slip(entry, working, st)
            if slip:
                new.append(slip[:2])
                names = slip[2]
            for code, text, changes in working.structure:
                (new if changes else notes).append((code, text + ("" if changes else "; the value follows the sum"
                                                                    if code == "product_for_sum" else "")))
        elif follow is not None and st.problem is not None and st.given is not None:
            own = {str(s): st.own(str(s)) for s in st.truth.formulas[q].free_symbols}
            found = mistakes.diagnose_step(st.problem, st.given, q, written, own, st.policy)
            if found:
                names = _catalogue_names(found)
                new.append(("catalogue", found[0].feedback_for(st.given)))
        if not new and not first and not again and st.problem is not None and st.given is not None:
            found = mistakes.diagnose(st.problem, st.given, q, written, st.policy)
            if found:
                names = _catalogue_names(found)
                new.append(("catalogue", found[0].feedback_for(st.given)))
        if not new and not first and not again:
            if follow is not None:
                upstream = sorted((str(s) for s in st.truth.formulas[q].free_symbols),
                                  key=lambda n: (n not in st.written, n))
                own = {n: st.own(n) for n in upstream if n in st.written}
                rest = {n: st.own(n) for n in upstream if n not in st.written}
                values = f"the student's own {_listing(st, own)}" if own else ""
                values += (" and " if own and rest else "") + (_listing(st, rest) if rest else "")
                new.append(("this_step", f"a new mistake in this step: the formula with {values} gives "
                                         f"{fmt.number(follow)}, not {fmt.number(written)}"))
            else:
                new.append(("unexplained",
                            f"no known mistake gives {fmt.number(written)}; the true value is {fmt.number(true)}"))
        rests = ""
        if again:
            rests = "rests on the changed " + " and ".join(t for _, t in again)
        if new:
            reasons.extend(new)
            remarks.extend(first)
            if rests:
                remarks.append(("changed_value", rests))
        else:
            reasons.extend(first)
            if rests:
                (remarks if first else reasons).append(("changed_value", rests))
        remarks.extend(notes)
        if working is not None:
            wrong_own = {i.ref: st.own(i.ref) for i in entry.inputs
                         if i.ref and not st.close(i.ref, st.own(i.ref), st.true(i.ref, entry.id))}
            if wrong_own:
                listed = ", ".join(f"{st.math(r, v)} (true {fmt.number(st.true(r, entry.id))})"
                                   for r, v in wrong_own.items())
                remarks.append(("carried_forward", "also carries the student's own " + listed))
    codes = tuple(dict.fromkeys(c for c, _ in reasons + remarks))
    return Mark(q, label, written, true, verdict, codes, tuple(t for _, t in reasons + remarks), names, entry)


def _homework_given(entries: Sequence[Entry], truth: Truth) -> tuple[int | None, Mapping | None]:
    numbers = {e.problem for e in entries}
    if len(numbers) != 1:
        return None, None
    (problem,) = numbers
    given = load_given(problem)
    try:
        same = problems.get(problem).truth(given).values
    except (ValueError, TypeError):
        return None, None
    if set(same) == set(truth.values) and all(
            same[k] == truth.values[k] or (math.isnan(same[k]) and math.isnan(truth.values[k])) for k in same):
        return problem, given
    return None, None


def mark(entries: Sequence[Entry], truth: Truth, given: Mapping[str, Any] | None = None,
         policy: Policy = DEFAULT) -> list[Mark]:
    """Mark every entry, in order, against ``truth``; diagnoses use the other entries as the student's own values.

    ``given`` (the Given ``truth`` was computed from) lets the diagnoses name catalogue mistakes;
    by default it is the homework's, when ``truth`` is the homework's.  Values agree as ``policy`` says.
    """
    if given is not None:
        numbers = {e.problem for e in entries}
        problem = numbers.pop() if len(numbers) == 1 else None
    else:
        problem, given = _homework_given(entries, truth)
    st = _Student(entries, truth, problem, given, policy)
    return [_mark_entry(entry, st) for entry in entries]


_GLYPH = {CORRECT: "✓ correct", WRONG_WORKING: "✓ value, ✗ working", CARRIED: "↪ carried", WRONG: "✗ wrong",
          BLANK: "blank"}


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def marks_table(marks: Sequence[Mark]) -> str:
    """A Markdown table: quantity, written value, the book's value, verdict, and the reason (then remarks)."""
    rows = ["| quantity | written | answer | verdict | why |", "|---|--:|--:|---|---|"]
    repeated = {label for label in (m.label for m in marks) if sum(n.label == label for n in marks) > 1}
    for m in marks:
        quantity = f"${m.label}$"
        if m.label in repeated and m.entry is not None and m.entry.part:
            # the same symbol in several parts (Problem 2's p, s, filters): name the part, "(a) $p$"
            part = m.entry.part
            quantity = f"{markdown_text(part.split()[0] if part.startswith('(') else part)} {quantity}"
        why = "; ".join(m.diagnoses)
        if m.entry is not None and m.entry.note:
            why = (why + ". " if why else "") + f"*{markdown_text(m.entry.note)}*"
        written = "" if m.written is None else fmt.number(m.written)
        rows.append(f"| {quantity} | {written} | {fmt.number(m.computed)} | {_GLYPH[m.verdict]} | "
                    f"{_upper_first(why)} |")
    return "\n".join(rows)


def _as_data(value: Any) -> Any:
    """``value`` with numbers as floats and sequences as lists, so that equal data compare equal."""
    if isinstance(value, Mapping):
        return {str(k): _as_data(v) for k, v in value.items()}
    if hasattr(value, "tolist"):
        return _as_data(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_as_data(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def _same_given(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Equal as data: lists and tuples alike, 2 and 2.0 alike."""
    return _as_data(a) == _as_data(b)


def score_sentence(marks: Sequence[Mark]) -> str:
    """"Of the N written results, C are correct, and F with follow-through ..." for ``marks``."""
    right, follow = score(marks)
    text = f"Of the {fmt.number(len(marks))} written results, {fmt.number(right)} are correct"
    if follow > right:
        on_changed = sum(m.verdict == CARRIED and m.reason.startswith("carries the changed") for m in marks)
        carried = follow - right
        text += (f", and {fmt.number(follow)} with follow-through: {fmt.number(carried)} more "
                 + ("is" if carried == 1 else "are") + " wrong only because "
                 + ("it carries" if carried == 1 else "they carry") + " an earlier wrong value, the step itself "
                 + "done right on the student's own numbers")
        if on_changed:
            text += (f" ({fmt.number(on_changed)} of them on a value the working changed, a change charged once, "
                     "where it was first made)")
    else:
        text += f"; with follow-through the score is the same, {fmt.number(follow)}"
    return text + "."


def comparison_markdown(problem: int, given: Mapping[str, Any] | None = None) -> str:
    """The body of a chapter's "Compared with the handwritten solution" section, as Markdown.

    It always marks the homework's own numbers (``[given.pN]`` of the transcription).  When
    ``given`` (the chapter's Given) differs from them, it opens with one sentence saying so.
    The scores (correct, and with follow-through) come first, then one row per written value.
    """
    registered = problems.get(problem)
    homework = load_given(problem)
    marks = mark(load_transcription(problem=problem), registered.truth(homework), homework)
    parts = []
    if given is not None and not _same_given(given, homework):
        parts.append("The Given above differs from the homework's, so this section does not use it: the handwritten "
                     "solution answers the homework's own numbers, and is marked against those.")
    parts.append(score_sentence(marks))
    parts.append(marks_table(marks))
    return "\n\n".join(parts)


# ------------------------------------------------------------------ marking values alone (a class)
def answer_quantities(problem: int, truth: Truth) -> list[str]:
    """The quantities a student is marked on: every quantity of ``truth`` that is not part of the Given, in the
    order of the working (:meth:`hwlib.problems.Problem.computed`)."""
    return problems.get(problem).computed(truth)


class ValueMarker:
    """Marks bare values (no working) of one problem for one Given, fast: formulas compiled once.

    ``verdicts(values)`` takes quantity -> value (``None`` for a blank) and returns
    quantity -> (verdict, catalogue mistake names), with the rules of :func:`mark`, and one that bare values need:
    an intermediate the student left blank is worked out from their own earlier values (:meth:`own_values`), so a
    gradient right on the ``z`` their wrong ``y`` give is carried whether or not they wrote that ``z`` down.
    """

    def __init__(self, problem: int, given: Mapping[str, Any], policy: Policy = DEFAULT) -> None:
        self.problem = problem
        self.given = dict(given)
        self.policy = policy
        registered = problems.get(problem)
        self.truth = registered.truth(given)
        self.quantities = registered.computed(self.truth)
        # what a value is marked against: the exact truth (answers.exact_values), as a float where float64 holds
        # it exactly (the fast path of Policy.agrees), else as a fraction (0.1325, which float64 rounds down)
        self._reference: dict[str, float | Fraction] = {}
        for q, x in answers.exact_values(self.truth).items():
            self._reference[q] = float(x) if Fraction(float(x)) == x else x
        self._local = {}
        for q, expr in self.truth.formulas.items():
            names, function = answers.compiled(expr)
            self._local[q] = (list(names), function)
        self._steps: dict[str, list[tuple[str, list[str], Any]]] = {}
        self._predicted: dict[str, list[tuple[float, str]]] = {}
        for m in registered.catalogue:
            for q, (names, function) in m.step_functions(given).items():
                self._steps.setdefault(q, []).append((m.name, list(names), function))
            for q, value in m.predict(given, policy).items():
                self._predicted.setdefault(q, []).append((value, m.name))

    def inputs(self, quantity: str) -> tuple[str, ...]:
        """The quantities the local formula of ``quantity`` reads (none for a given or a quantity without one)."""
        local = self._local.get(quantity)
        return tuple(local[0]) if local is not None else ()

    def own_values(self, values: Mapping[str, float | None]) -> dict[str, float]:
        """Every quantity as the student's own working has it: what they wrote; for one they did not write (blank
        or absent) that has a local formula, that formula on their own values (a blank intermediate is worked out
        from their earlier values, as they would have had it: NaN where that overflows or is undefined); the true
        value of a given."""
        own: dict[str, float] = {q: float(v) for q, v in values.items() if v is not None}

        def value(q: str) -> float:
            if q not in own:
                local = self._local.get(q)
                if local is None:
                    own[q] = self.truth.values[q]
                else:
                    own[q] = math.nan  # no cycles in the formulas; a guard all the same
                    names, function = local
                    try:
                        worked = float(function(*[value(n) for n in names]))
                    except (ArithmeticError, ValueError):
                        worked = math.nan
                    own[q] = worked if math.isfinite(worked) else math.nan
            return own[q]

        for q in self.truth.values:
            value(q)
        return own

    def rests_on(
        self, quantity: str, values: Mapping[str, float | None], worked: Mapping[str, float] | None = None
    ) -> tuple[str, ...]:
        """The student's written values, other than the true ones, that the local formula of ``quantity`` reads,
        directly or through values they did not write (sorted): what a carried value is right on.  A value they
        did not write that their own values work out to its true value passes none of theirs on (the slope of a
        unit that is on whether z₂ is 4 or 6).  Where every one of them agrees with the truth (the tolerance) but
        not exactly (``2.004`` for 2, giving ``4.008`` for 4), those that are not exactly true.  ``worked`` may pass
        in their :meth:`own_values`."""
        own = {q: v for q, v in values.items() if v is not None}
        worked = worked if worked is not None else self.own_values(values)
        wrong: set[str] = set()
        inexact: set[str] = set()
        seen: set[str] = set()

        def visit(q: str) -> None:
            for n in self.inputs(q):
                if n in seen:
                    continue
                seen.add(n)
                if n in own:
                    if float(own[n]) != self.truth.values[n]:
                        inexact.add(n)
                        if not self.policy.agrees(float(own[n]), self.truth.values[n], self.truth.kind(n)):
                            wrong.add(n)
                elif worked.get(n) != self.truth.values.get(n):
                    visit(n)

        visit(quantity)
        return tuple(sorted(wrong or inexact))

    def follows(
        self, quantity: str, values: Mapping[str, float | None], own: Mapping[str, float] | None = None
    ) -> bool:
        """Whether the student's value of ``quantity`` is what its local formula gives on their own values
        (:meth:`own_values`, which ``own`` may pass in): True for a quantity without a local formula, False for a
        blank one."""
        value = values.get(quantity)
        if value is None:
            return False
        local = self._local.get(quantity)
        if local is None:
            return True
        names, function = local
        own = self.own_values(values) if own is None else own
        try:
            step = float(function(*[own[n] for n in names]))
        except (ArithmeticError, ValueError):
            return False
        return self.policy.agrees(float(value), step, self.truth.kind(quantity))

    def verdicts(
        self, values: Mapping[str, float | None], own: Mapping[str, float] | None = None
    ) -> dict[str, tuple[str, tuple[str, ...]]]:
        """quantity -> (verdict, catalogue names) for one student's ``values`` (``None``: blank); ``own`` may pass
        in their :meth:`own_values`.

        correct: the value agrees with the true one (the tolerance policy); carried: the local formula on the
        student's own values (:meth:`own_values`: what they wrote, a blank intermediate worked out from their
        earlier values, the true value of a given) gives it; wrong otherwise, named by the catalogue mistakes whose
        step formula on those values gives it, else those whose prediction from the Given does.
        """
        truth = self.truth.values
        unknown = sorted(set(values) - set(truth), key=str)
        if unknown:
            raise ValueError(f"values: {unknown[0]!r} is no quantity of problem {self.problem}")
        if own is None:
            own = self.own_values(values)
        agrees = self.policy.agrees
        out = {}
        for q, v in values.items():
            if v is None:
                out[q] = (BLANK, ())
                continue
            kind = self.truth.kind(q)

            def same(v: float, ref: float, kind: str = kind) -> bool:
                return agrees(v, ref, kind)

            def named(v: float, ref: float, kind: str = kind) -> bool:  # a mistake may predict a count such as 1.5
                return v == ref if kind == COUNT and math.isfinite(ref) else agrees(v, ref, kind)

            if same(v, self._reference[q]):
                out[q] = (CORRECT, ())
                continue
            local = self._local.get(q)
            # on the true inputs the step is the truth, which this value is not (float64 may put the step on the
            # other side of a rounding tie: 0.13249999999999998 for 0.1325): nothing to carry
            if local is not None and any(own[n] != truth[n] for n in local[0]):
                names, function = local
                try:
                    if same(v, float(function(*[own[n] for n in names]))):
                        out[q] = (CARRIED, ())
                        continue
                except (ArithmeticError, ValueError):
                    pass
            found = []
            for name, names, function in self._steps.get(q, ()):
                try:
                    if named(v, float(function(*[own[n] for n in names]))):
                        found.append(name)
                except (ArithmeticError, ValueError):
                    pass
            if not found:
                found = [name for value, name in self._predicted.get(q, ()) if named(v, value)]
            out[q] = (WRONG, tuple(found))
        return out
