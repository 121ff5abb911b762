"""The answer key for graders, as Markdown: answers, the handwritten solution's marks, its mistakes in order.

``book/answer_key.ipynb`` shows these functions' outputs and no code.  Numbers are written
with :mod:`hwlib.fmt`, quantities with the book's labels (``hwlib.answers.Truth.labels``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hwlib import fmt, problems
from hwlib.escape import markdown_text
from hwlib.marker import CARRIED, WRONG, Mark, mark, score
from hwlib.transcription import load_given, load_transcription

__all__ = ["CHAPTERS", "homework_marks", "marks_summary", "mistakes_in_order", "answers_problem1",
           "answers_problem2", "answers_problem3"]

# Plain Markdown links to the chapters' notebooks: Sphinx resolves them to the pages, and
# GitHub, Colab and JupyterLab (which render no MyST roles) show them as links too.
CHAPTERS = {p.number: p.notebook for p in problems.PROBLEMS}


def homework_marks() -> dict[int, list[Mark]]:
    """Problem -> the marks of the handwritten solution, against the homework's own Given."""
    out = {}
    for p in problems.NUMBERS:
        given = load_given(p)
        out[p] = mark(load_transcription(problem=p), problems.get(p).truth(given), given)
    return out


def marks_summary(marks: Mapping[int, Sequence[Mark]]) -> str:
    """A table of the marks per problem (correct, carried, wrong, with follow-through) and one sentence in all."""
    rows = ["| problem | written results | correct | carried | wrong | with follow-through |",
            "|---|--:|--:|--:|--:|--:|"]
    for p, ms in marks.items():
        right, follow = score(ms)
        carried = sum(m.verdict == CARRIED for m in ms)
        wrong = sum(m.verdict == WRONG for m in ms)
        rows.append(f"| [Problem {p}]({CHAPTERS[p]}) | {fmt.number(len(ms))} | {fmt.number(right)} | "
                    f"{fmt.number(carried)} | {fmt.number(wrong)} | {fmt.number(follow)} |")
    every = [m for ms in marks.values() for m in ms]
    right, follow = score(every)
    per_problem = "; ".join(f"Problem {p}: {fmt.number(score(ms)[0])} of {fmt.number(len(ms))}, "
                            f"{fmt.number(score(ms)[1])} with follow-through" for p, ms in marks.items())
    sentence = (f"In all, **{fmt.number(right)}** of the {fmt.number(len(every))} written results are correct, and "
                f"**{fmt.number(follow)}** with follow-through, which also credits a step done right on the student's "
                f"own earlier (wrong) values ({per_problem}).")
    return "\n".join(rows) + "\n\n" + sentence


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def mistakes_in_order(marks: Mapping[int, Sequence[Mark]]) -> str:
    """Every wrong value in the order it was written, each with its one reason first, then remarks;
    then the values that only carry an earlier mistake."""
    items, carried = [], []
    for p, ms in marks.items():
        for m in ms:
            if m.verdict == CARRIED:
                carried.append(f"${m.label}$")
            if m.verdict != WRONG:
                continue
            part = markdown_text(m.entry.part) if m.entry is not None else ""
            text = (f"1. **Problem {p}, {part}**: ${m.label}$ written as {fmt.number(m.written)}, should be "
                    f"{fmt.number(m.computed)}. {_upper_first(m.reason)}.")
            if len(m.diagnoses) > 1:
                text += " " + _upper_first("; ".join(m.diagnoses[1:])) + "."
            if m.entry is not None and m.entry.note:
                text += f" *{markdown_text(m.entry.note)}*"
            if m.mistakes:
                text += " (Catalogue: " + ", ".join(f"`{name}`" for name in m.mistakes) + ".)"
            text += f" ([see the chapter]({CHAPTERS[p]}))"
            items.append(text)
    parts = ["\n".join(items) if items else "None: every written result is correct or carries an earlier value."]
    if carried:
        parts.append(f"Carried, so credited with follow-through ({fmt.number(len(carried))}): " + ", ".join(carried)
                     + ". Each is wrong only because it uses an earlier wrong value, the student's own or one their "
                     "working changed (that change is charged once, where it is first made); the step is right.")
    return "\n\n".join(parts)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right_aligned_from: int = 1) -> str:
    align = ["---" if i < right_aligned_from else "--:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def answers_problem1() -> str:
    """The answers of Problem 1: the (padding, stride) that gives the output size, weights and MACs."""
    t = problems.get(1).truth(load_given(1))
    v = t.values
    rows = []
    for layer in ("standard", "depthwise", "pointwise", "separable"):
        rows.append([layer, fmt.number(v[f"{layer}.weights"]), fmt.number(v[f"{layer}.macs"])])
    given = load_given(1)
    size = " × ".join(fmt.number(n) for n in given["in_shape"][:2])
    out = " × ".join(fmt.number(n) for n in given["out_shape"][:2])
    return (f"Padding {fmt.number(v['padding'])} and stride {fmt.number(v['stride'])}, i.e. (padding, stride) = "
            f"({fmt.number(v['padding'])}, {fmt.number(v['stride'])}), take {size} to {out}.\n\n"
            + _table(["layer", "weights $W$", "MACs $M$"], rows))


def answers_problem2() -> str:
    """The answers of Problem 2, one row per part, with (padding, stride) labelled."""
    given = load_given(2)
    t = problems.get(2).truth(given)
    v = t.values
    rows = []
    for part in given["kernels"]:
        k = fmt.number(v[f"{part}.k"])
        rows.append([f"({part})", f"{k} × {k}", fmt.number(v[f"{part}.padding"]), fmt.number(v[f"{part}.stride"]),
                     fmt.number(v[f"{part}.filters"])])
    return _table(["part", "filter", "padding $p$", "stride $s$", "filters"], rows, 2)


def answers_problem3() -> str:
    """The answers of Problem 3: the forward values and the loss, then every gradient."""
    problem = problems.get(3)
    t = problem.truth(load_given(3))
    keys = problem.computed(t)
    forward = [q for q in keys if not q.startswith("dL/")]
    gradients = [q for q in keys if q.startswith("dL/")]
    return "\n\n".join(_table(["quantity", "answer"], [[f"${t.labels[q]}$", fmt.number(t.values[q])] for q in qs])
                       for qs in (forward, gradients))
