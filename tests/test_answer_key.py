"""Read the rendered answer key (its committed outputs, which nbval checks against a fresh run).

No code shows, no label is lowercased, no verdict contradicts another, one number format.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hwlib.marker import comparison_markdown

ROOT = Path(__file__).resolve().parent.parent
KEY = ROOT / "book" / "answer_key.ipynb"


def cells():
    return json.loads(KEY.read_text(encoding="utf-8"))["cells"]


def rendered() -> list[str]:
    """The Markdown each code cell displays, in order."""
    out = []
    for cell in cells():
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown")
            if text:
                out.append("".join(text))
    return out


def prose(text: str) -> str:
    """``text`` without its math spans and MyST roles."""
    return re.sub(r"\{ref\}`[^`]*`|`[^`]*`|\$[^$]*\$", "", text)


def test_no_code_shows():
    for cell in cells():
        if cell["cell_type"] == "code":
            tags = set(cell.get("metadata", {}).get("tags", []))
            assert tags & {"remove-input", "remove-cell"}, "".join(cell["source"])[:80]


def test_every_section_has_its_output():
    assert len(rendered()) == 5


def test_no_lowercased_labels():
    text = "\n".join(rendered())
    assert "\\partial l" not in text and "∂l/∂" not in text
    for span in re.findall(r"\$([^$]*)\$", text):
        assert not re.search(r"\\partial [a-z]\s*/", span) or "\\partial L" in span, span


def test_the_marks_read_23_correct_and_33_with_follow_through():
    summary = rendered()[0]
    assert "**23** of the 40 written results are correct, and **33** with follow-through" in summary
    assert "| [Problem 3](problem3_backprop.ipynb) | 23 | 6 | 10 | 7 | 16 |" in summary


def test_each_wrong_value_once_with_one_reason_and_no_contradiction():
    mistakes, carried = rendered()[1].split("\n\nCarried, so credited with follow-through")
    items = [line for line in mistakes.splitlines() if line.startswith("1. ")]
    assert len(items) == 7
    labels = [re.search(r"\*\*: (\$[^$]*\$) written as", item).group(1) for item in items]
    assert len(set(labels)) == len(labels)
    for item in items:
        assert item.count("should be") == 1
        assert "the step itself is right" not in item and "carries the student's own" not in item.split(". ")[1].lower()
        reason = item.split("should be ")[1].split(". ", 1)[1]
        assert reason[0].isupper()  # the reason starts a sentence, and nothing else was lowercased
    carried_labels = re.findall(r"\$[^$]*\$", carried.split(".")[0])
    assert len(carried_labels) == 10 and not set(carried_labels) & set(labels)
    # an unexplained change is named in full once
    assert mistakes.count("an unexplained change") == 2  # the third change follows from the first: no mistake


@pytest.mark.parametrize("source", ["answer key", "comparison 1", "comparison 2", "comparison 3"])
def test_one_number_format(source):
    text = "\n".join(rendered()) if source == "answer key" else comparison_markdown(int(source[-1]))
    plain = prose(text)
    assert not re.search(r"(?<![\w.])-\d", plain), "a hyphen-minus where U+2212 belongs"
    assert not re.search(r"(?<![\d,.])\d{4,}", plain), "a number of four or more digits without separators"


def test_marks_sentence_reads_per_problem():
    """The per-problem scores after the totals read 'Problem 3: 6 of 23, 16 with follow-through',
    not '6 and 12 of 23'."""
    from hwlib import answer_key

    text = answer_key.marks_summary(answer_key.homework_marks())
    assert "**23** of the 40 written results are correct, and **33** with follow-through" in text
    assert ("(Problem 1: 8 of 8, 8 with follow-through; Problem 2: 9 of 9, 9 with follow-through; "
            "Problem 3: 6 of 23, 16 with follow-through)") in text
