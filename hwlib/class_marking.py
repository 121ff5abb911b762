"""Mark a whole class: verdicts per student and quantity, the class's scores, and its report.

:func:`mark_class` marks every student's values (quantity -> value, ``None`` for a blank)
with :class:`hwlib.marker.ValueMarker`: correct, carried (right on the student's own
written upstream values), wrong (with the catalogue mistakes that give the value), blank.
:func:`report_markdown` writes the class report, :func:`marks_chart` draws the
distribution of marks.  ``python -m hwlib.mark`` (:mod:`hwlib.mark`) is the command line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hwlib import fmt, mistakes, problems
from hwlib.marker import BLANK, CARRIED, CORRECT, WRONG, WRONG_WORKING, ValueMarker
from hwlib.naming import plain_label

__all__ = ["Quantity", "StudentMarks", "quantities", "mark_class", "mistake_counts", "mistake_students", "scores_table",
           "verdicts_table", "mistakes_table", "report_markdown", "marks_chart", "synthetic_class"]

@dataclass(frozen=True)
class Quantity:
    """A quantity a student is asked for: its key (a CSV column), problem and meaning in words."""

    key: str
    problem: int
    meaning: str


def _meaning(problem: int, key: str, label: str) -> str:
    """``key`` in words; ``label`` is its LaTeX label (:attr:`hwlib.answers.Truth.labels`)."""
    if problem == 1:
        if key in ("padding", "stride"):
            return f"the {key} that takes the input to the output size"
        layer, kind = key.split(".")
        what = {"weights": "weights", "macs": "multiply-accumulates"}[kind]
        where = {"standard": "the standard convolution", "depthwise": "the depthwise stage",
                 "pointwise": "the pointwise stage", "separable": "the depthwise separable layer (both stages)"}[layer]
        return f"{what} of {where}"
    if problem == 2:
        part, kind = key.split(".")
        return f"part ({part}): the {'number of filters' if kind == 'filters' else kind}"
    if key == "L":
        return "the loss"
    if key.startswith("dL/d"):
        return plain_label(label)
    return f"forward value {plain_label(label)}"


def quantities(givens: Mapping[int, Mapping[str, Any]]) -> dict[str, Quantity]:
    """Every quantity a student may answer, by key, for the Givens of problems 1–3."""
    out = {}
    for registered in problems.PROBLEMS:
        problem = registered.number
        truth = registered.truth(givens[problem])
        for key in registered.computed(truth):
            out[key] = Quantity(key, problem, _meaning(problem, key, truth.labels[key]))
    return out


@dataclass
class StudentMarks:
    """One student's verdicts (quantity -> verdict), the catalogue mistakes of each wrong value, and scores."""

    student: str
    verdicts: dict[str, str]
    mistakes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    problems: dict[str, int] = field(default_factory=dict)

    answered: int = field(init=False)
    correct: int = field(init=False)
    follow_through: int = field(init=False)

    def __post_init__(self) -> None:
        counts = Counter(self.verdicts.values())
        self.answered = len(self.verdicts) - counts[BLANK]
        self.correct = counts[CORRECT] + counts[WRONG_WORKING]
        self.follow_through = self.correct + counts[CARRIED]

    def score(self, problem: int) -> tuple[int, int]:
        """(correct, with follow-through) on one problem."""
        own = [v for q, v in self.verdicts.items() if self.problems[q] == problem]
        right = sum(v in (CORRECT, WRONG_WORKING) for v in own)
        return right, right + sum(v == CARRIED for v in own)


def mark_class(answers: Mapping[str, Mapping[str, float | None]],
               givens: Mapping[int, Mapping[str, Any]]) -> list[StudentMarks]:
    """Mark each student's values (student -> quantity -> value or ``None``) against ``givens`` (problem -> Given)."""
    table = quantities(givens)
    markers = {p: ValueMarker(p, givens[p]) for p in problems.NUMBERS}
    problems_of = {q: t.problem for q, t in table.items()}
    out = []
    split: dict[tuple[str, ...], dict[int, list[str]]] = {}  # the columns of each problem, per set of columns
    for student, values in answers.items():
        keys = tuple(values)
        if keys not in split:
            unknown = sorted(set(keys) - set(table))
            if unknown:
                raise ValueError(f"quantity must be one of the answer quantities (python -m hwlib.mark --quantities), "
                                 f"got {unknown[0]!r}")
            split[keys] = {p: [q for q in keys if table[q].problem == p] for p in problems.NUMBERS}
        verdicts: dict[str, str] = {}
        found: dict[str, tuple[str, ...]] = {}
        for p, columns in split[keys].items():
            if not columns:
                continue
            for q, (verdict, names) in markers[p].verdicts({q: values[q] for q in columns}).items():
                verdicts[q] = verdict
                if verdict == WRONG:
                    found[q] = names
        out.append(StudentMarks(student, {q: verdicts[q] for q in keys}, found, problems_of))
    return out


UNRECOGNISED = "(no catalogue mistake)"


def mistake_counts(marks: Sequence[StudentMarks]) -> Counter:
    """How many wrong values each catalogue mistake explains (a value several mistakes explain counts for each)."""
    counts: Counter = Counter()
    for m in marks:
        for names in m.mistakes.values():
            counts.update(names or (UNRECOGNISED,))
    return counts


def mistake_students(marks: Sequence[StudentMarks]) -> Counter:
    """How many students made each catalogue mistake (at least one wrong value it explains)."""
    counts: Counter = Counter()
    for m in marks:
        counts.update({name for names in m.mistakes.values() for name in (names or (UNRECOGNISED,))})
    return counts


def _median(values: Sequence[int]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    return float(ordered[n // 2]) if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def scores_table(marks: Sequence[StudentMarks]) -> str:
    """Mean, median, lowest and highest score, correct and with follow-through, as a Markdown table."""
    n = len(marks)
    if not n:
        return "No students."
    lines = ["| score | mean | median | lowest | highest |", "|---|--:|--:|--:|--:|"]
    for name, values in (("correct", [m.correct for m in marks]),
                         ("with follow-through", [m.follow_through for m in marks])):
        lines.append(f"| {name} | {fmt.number(sum(values) / n, 3)} | {fmt.number(_median(values))} | "
                     f"{fmt.number(min(values))} | {fmt.number(max(values))} |")
    return "\n".join(lines)


_SHOWN = (CORRECT, CARRIED, WRONG, BLANK)


def verdicts_table(marks: Sequence[StudentMarks], columns: Sequence[str]) -> str:
    """How many students got each verdict on each quantity, as a Markdown table."""
    lines = ["| quantity | " + " | ".join(_SHOWN) + " |", "|---|" + "--:|" * len(_SHOWN)]
    for q in columns:
        counts = Counter(m.verdicts[q] for m in marks)
        counts[CORRECT] += counts.pop(WRONG_WORKING, 0)
        lines.append(f"| `{q}` | " + " | ".join(fmt.number(counts[v]) for v in _SHOWN) + " |")
    return "\n".join(lines)


def mistakes_table(marks: Sequence[StudentMarks]) -> str:
    """The catalogue mistakes behind the wrong values, most common first, as a Markdown table."""
    counts, students = mistake_counts(marks), mistake_students(marks)
    if not counts:
        return "No wrong values: every answer is correct, carried or blank."
    lines = ["| mistake | problem | students | wrong values it explains | what it is |", "|---|--:|--:|--:|---|"]
    for name, count in sorted(counts.items(), key=lambda item: (-students[item[0]], -item[1], item[0])):
        if name == UNRECOGNISED:
            lines.append(f"| {name} | | {fmt.number(students[name])} | {fmt.number(count)} | "
                         "a wrong value no catalogue mistake gives |")
        else:
            m = mistakes.by_name(name)
            lines.append(f"| `{name}` | {m.problem} | {fmt.number(students[name])} | {fmt.number(count)} | "
                         f"{m.feedback} |")
    return "\n".join(lines)


VERDICT_PROSE = ("A value is *correct*; *carried* (wrong, but the step is right on the student's own written upstream "
                 "values); *wrong* (a new mistake in that step); or *blank*. The score *with follow-through* counts "
                 "correct and carried values.")


def report_markdown(marks: Sequence[StudentMarks], columns: Sequence[str], chart: str | None = "marks.png",
                    given_note: str = "the homework's Given") -> str:
    """The class report: scores, their distribution (``chart``: the PNG's file name), verdicts per quantity,
    mistakes."""
    lines = [f"# Marks of a class of {fmt.number(len(marks))}", "",
             f"Marked against {given_note}, {fmt.number(len(columns))} quantities per student. {VERDICT_PROSE}", "",
             scores_table(marks), ""]
    if chart:
        lines += [f"![Distribution of the marks: number of students per score, correct and with follow-through, "
                  f"out of {fmt.number(len(columns))}]({chart})", ""]
    lines += ["## Verdicts per quantity", "", verdicts_table(marks, columns), "",
              "## The most common mistakes", "", mistakes_table(marks)]
    return "\n".join(lines) + "\n"


def marks_chart(marks: Sequence[StudentMarks], columns: Sequence[str]) -> Any:
    """A matplotlib Figure: how many students have each score, correct and with follow-through (side by side)."""
    import matplotlib.pyplot as plt
    import numpy as np

    total = len(columns)
    scores = np.arange(total + 1)
    correct = np.bincount([m.correct for m in marks], minlength=total + 1)
    follow = np.bincount([m.follow_through for m in marks], minlength=total + 1)
    fig, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    ax.bar(scores - 0.2, correct, width=0.4, label="correct", color="#4c72b0")
    ax.bar(scores + 0.2, follow, width=0.4, label="with follow-through", color="#dd8452")
    ax.set_title(f"Marks of {fmt.number(len(marks))} students, out of {fmt.number(total)}")
    ax.set_xlabel("score (values right)")
    ax.set_ylabel("students")
    ax.legend(frameon=False)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def synthetic_class(size: int, seed: int, givens: Mapping[int, Mapping[str, Any]], mistake_rate: float = 0.4,
                    blank_rate: float = 0.05, slip_rate: float = 0.02) -> dict[str, dict[str, float | None]]:
    """A made-up class of ``size`` students (seeded): true values, except that in each problem a student makes
    one catalogue mistake with probability ``mistake_rate`` (and writes what it predicts, downstream values
    included), leaves a value blank with probability ``blank_rate``, and slips on a value (writes the true
    value plus a small whole number) with probability ``slip_rate``."""
    import numpy as np

    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError(f"size must be an integer >= 0, got {size!r}")
    for name, rate in (("mistake_rate", mistake_rate), ("blank_rate", blank_rate), ("slip_rate", slip_rate)):
        if not 0 <= rate <= 1:
            raise ValueError(f"{name} must be between 0 and 1, got {rate!r}")
    rng = np.random.default_rng(seed)
    table = quantities(givens)
    truths = {p.number: p.truth(givens[p.number]).values for p in problems.PROBLEMS}
    catalogue = {p.number: [changed for m in p.catalogue if (changed := m.predict(givens[p.number]))]
                 for p in problems.PROBLEMS}
    width = len(str(size))
    students = {}
    for n in range(size):
        values: dict[str, float | None] = {q: truths[t.problem][q] for q, t in table.items()}
        for p in problems.NUMBERS:
            if catalogue[p] and rng.random() < mistake_rate:
                for q, v in catalogue[p][rng.integers(len(catalogue[p]))].items():
                    if q in values:
                        values[q] = v
        for q in table:
            r = rng.random()
            if r < blank_rate:
                values[q] = None
            elif r < blank_rate + slip_rate:
                values[q] = float(values[q] or 0) + float(rng.choice([-2, -1, 1, 2]))
        students[f"student {n + 1:0{width}d}"] = values
    return students
