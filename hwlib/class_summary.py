"""The class's report from running totals: scores, verdicts per quantity, mistakes (bounded memory).

:class:`Summary` is fed one marked chunk at a time (:meth:`Summary.add`) and keeps only counts:
the number of students at each score, the verdicts per quantity, and per catalogue mistake the
wrong values it explains and the students who made it.  :meth:`Summary.markdown` writes
``report.md``; :meth:`Summary.chart` draws ``marks.png``.  The wording is
:func:`hwlib.class_marking.report_markdown`'s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from hwlib import fmt, mistakes
from hwlib.class_marking import UNRECOGNISED, VERDICT_PROSE
from hwlib.class_vector import (
    BLANK,
    CARRIED,
    CORRECT,
    DOES_NOT_FOLLOW,
    REVIEW,
    WRONG,
    ClassMarker,
    Marked,
)
from hwlib.escape import markdown_text

__all__ = ["Summary"]


class Summary:
    """Running totals of a class marked chunk by chunk."""

    def __init__(self, marker: ClassMarker, columns: Sequence[str]) -> None:
        self.marker = marker
        self.columns = list(columns)
        size = len(columns) + 1
        self.students = 0
        self.correct_hist = np.zeros(size, dtype=np.int64)
        self.follow_hist = np.zeros(size, dtype=np.int64)
        self.verdicts = np.zeros((len(columns), 5), dtype=np.int64)
        self.values: Counter = Counter()
        self.made_by: Counter = Counter()
        self.flagged = 0

    def add(self, marked: Marked) -> tuple[np.ndarray, np.ndarray]:
        """Count one chunk; returns its (correct, follow-through) scores per student."""
        codes = marked.codes
        correct = (codes == CORRECT).sum(axis=1)
        follow = correct + (codes == CARRIED).sum(axis=1)
        self.students += len(codes)
        self.correct_hist += np.bincount(correct, minlength=len(self.correct_hist))
        self.follow_hist += np.bincount(follow, minlength=len(self.follow_hist))
        for v in range(5):
            self.verdicts[:, v] += (codes == v).sum(axis=0)
        if marked.absent is not None:  # not asked of these students: not blank
            self.verdicts[:, BLANK] -= (marked.absent & (codes == BLANK)).sum(axis=0)
        students: dict[str, np.ndarray] = {}
        for j, q in enumerate(self.columns):
            wrong = codes[:, j] == WRONG
            if not wrong.any():
                continue
            fields = marked.bits.get(j, np.zeros(len(codes), dtype=np.int64))
            patterns, counts = np.unique(fields[wrong], return_counts=True)
            for pattern, count in zip(patterns.tolist(), counts.tolist()):
                for name in self.marker.decode(q, pattern) or (UNRECOGNISED,):
                    self.values[name] += count
            unnamed = wrong & (fields == 0)
            if unnamed.any():
                students[UNRECOGNISED] = students.get(UNRECOGNISED, np.zeros(len(codes), dtype=bool)) | unnamed
            for i, name in enumerate(self.marker.names(q)):
                hit = wrong & (fields >> i & 1).astype(bool)
                if hit.any():
                    students[name] = students.get(name, np.zeros(len(codes), dtype=bool)) | hit
        for name, mask in students.items():
            self.made_by[name] += int(mask.sum())
        self.flagged += sum(int(m.sum()) for m in marked.flagged.values())
        return correct, follow

    def _stats(self, hist: np.ndarray) -> tuple[float, float, int, int]:
        n = int(hist.sum())
        scores = np.arange(len(hist))
        mean = float((hist * scores).sum() / n)
        cumulative = np.cumsum(hist)
        lower = int(np.searchsorted(cumulative, (n - 1) // 2 + 1))
        upper = int(np.searchsorted(cumulative, n // 2 + 1))
        median = (lower + upper) / 2
        present = np.flatnonzero(hist)
        return mean, median, int(present[0]), int(present[-1])

    def scores_table(self) -> str:
        if not self.students:
            return "No students."
        lines = ["| score | mean | median | lowest | highest |", "|---|--:|--:|--:|--:|"]
        for name, hist in (("correct", self.correct_hist), ("with follow-through", self.follow_hist)):
            mean, median, low, high = self._stats(hist)
            lines.append(
                f"| {name} | {fmt.number(mean, 3)} | {fmt.number(median)} | {fmt.number(low)} | {fmt.number(high)} |"
            )
        return "\n".join(lines)

    def verdicts_table(self) -> str:
        shown = (("correct", CORRECT), ("carried", CARRIED), ("wrong", WRONG), ("blank", BLANK))
        review = bool(self.verdicts[:, REVIEW].any())
        head = [name for name, _ in shown] + (["review"] if review else [])
        lines = ["| quantity | " + " | ".join(head) + " |", "|---|" + "--:|" * len(head)]
        for j, q in enumerate(self.columns):
            cells = [fmt.number(int(self.verdicts[j, v])) for _, v in shown]
            if review:
                cells.append(fmt.number(int(self.verdicts[j, REVIEW])))
            lines.append(f"| `{q}` | " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def mistakes_table(self) -> str:
        if not self.values:
            return "No wrong values: every answer is correct, carried or blank."
        lines = ["| mistake | problem | students | wrong values it explains | what it is |", "|---|--:|--:|--:|---|"]
        for name, count in sorted(self.values.items(), key=lambda item: (-self.made_by[item[0]], -item[1], item[0])):
            if name == UNRECOGNISED:
                lines.append(
                    f"| {name} | | {fmt.number(self.made_by[name])} | {fmt.number(count)} | "
                    "a wrong value no catalogue mistake gives |"
                )
            else:
                m = mistakes.by_name(name)
                lines.append(
                    f"| `{name}` | {m.problem} | {fmt.number(self.made_by[name])} | {fmt.number(count)} | "
                    f"{m.feedback} |"
                )
        return "\n".join(lines)

    def markdown(self, given_note: str, policy_note: str, rubric_note: str, chart: str | None = "marks.png") -> str:
        n = len(self.columns)
        lines = [
            f"# Marks of a class of {fmt.number(self.students)}",
            "",
            (
                f"Marked against {markdown_text(given_note)}, {fmt.number(n)} quantities per student. {VERDICT_PROSE} "
                f"Agreement: {markdown_text(policy_note)}. Points: {markdown_text(rubric_note)}."
            ),
            "",
            self.scores_table(),
            "",
        ]
        if chart:
            lines += [
                (
                    f"![Distribution of the marks: number of students per score, correct and with follow-through, "
                    f"out of {fmt.number(n)}]({chart})"
                ),
                "",
            ]
        lines += [
            "## Verdicts per quantity",
            "",
            self.verdicts_table(),
            "",
            "## The most common mistakes",
            "",
            self.mistakes_table(),
        ]
        if self.flagged:
            lines += [
                "",
                (
                    f"{fmt.number(self.flagged)} correct "
                    + ("value does not follow from the student's own earlier values"
                       if self.flagged == 1 else "values do not follow from the students' own earlier values")
                    + f" (listed in `mistakes.csv` as `{DOES_NOT_FOLLOW}`)."
                ),
            ]
        return "\n".join(lines) + "\n"

    def chart(self) -> Any:
        """A matplotlib Figure: how many students have each score, correct and with follow-through."""
        import matplotlib.pyplot as plt

        total = len(self.columns)
        scores = np.arange(total + 1)
        fig, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
        ax.bar(scores - 0.2, self.correct_hist, width=0.4, label="correct", color="#4c72b0")
        ax.bar(scores + 0.2, self.follow_hist, width=0.4, label="with follow-through", color="#dd8452")
        ax.set_title(f"Marks of {fmt.number(self.students)} students, out of {fmt.number(total)}")
        ax.set_xlabel("score (values right)")
        ax.set_ylabel("students")
        ax.legend(frameon=False)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.spines[["top", "right"]].set_visible(False)
        return fig
