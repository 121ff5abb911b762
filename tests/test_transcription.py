"""Tests of hwlib.transcription: the data file loads, and every schema violation names its entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hwlib.transcription import TranscriptionError, load_given, load_transcription

ROOT = Path(__file__).resolve().parent.parent
GOOD = '''
[given.p1]
kernel = 3

[[entry]]
id = "p1.x"
problem = 1
part = "a part"
quantity = "standard.weights"
label = "W"
written = 7200
working = "3 × 3 × 20 × 40"
formula = "k * k * c"
inputs = { k = { value = 3, means = "k" }, c = { ref = "C" } }
'''


def write(tmp_path, text):
    path = tmp_path / "data.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_transcription_loads():
    entries = load_transcription()
    assert len(entries) == 40
    assert {e.problem for e in entries} == {1, 2, 3}
    assert len({e.id for e in entries}) == len(entries)
    assert [e.id for e in load_transcription(problem=2)] == [e.id for e in entries if e.problem == 2]
    assert load_given(3)["x"] == [1, -1]


def test_a_good_entry_is_parsed(tmp_path):
    (entry,) = load_transcription(write(tmp_path, GOOD))
    assert entry.written == 7200.0
    assert [(i.name, i.ref, i.value, i.means) for i in entry.inputs] == [("k", None, 3.0, "k"), ("c", "C", None, None)]
    assert str(entry.expression) == "c*k**2"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('written = 7200', 'written = "7200"'), r"entry 1 \('p1.x'\): field 'written' must be a number"),
        (('problem = 1', 'problem = 4'), r"'p1.x'.*'problem' must be 1, 2 or 3"),
        (('label = "W"\n', ''), r"'p1.x'.*field 'label' is missing"),
        (('label = "W"', 'label = "W"\ncolour = "red"'), r"'p1.x'.*unknown field"),
        (('formula = "k * k * c"\n', ''), r"'p1.x'.*'formula' and 'inputs' go together"),
        (('formula = "k * k * c"', 'formula = "k * k * d"'), r"'p1.x'.*formula uses \['d'\]"),
        (('formula = "k * k * c"', 'formula = "k * / c"'), r"'p1.x'.*cannot be parsed"),
        (('c = { ref = "C" }', 'c = { ref = 3 }'), r"'p1.x'.*input 'c' must be"),
        (('written = 7200', 'written = nan'), r"'p1.x'.*'written' must be finite"),
        (('written = 7200', 'written = true'), r"'p1.x'.*'written' must be a number"),
    ],
)
def test_schema_violations_name_the_entry(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(TranscriptionError, match=message):
        load_transcription(write(tmp_path, GOOD.replace(old, new)))


def test_duplicates_and_empty_files_are_rejected(tmp_path):
    doubled = GOOD + GOOD.split("[[entry]]")[1].join(["[[entry]]", ""])
    with pytest.raises(TranscriptionError, match="'p1.x': the id is used twice"):
        load_transcription(write(tmp_path, doubled))
    with pytest.raises(TranscriptionError, match="at least one"):
        load_transcription(write(tmp_path, "[given.p1]\nk = 1\n"))
    with pytest.raises(TranscriptionError, match="not valid TOML"):
        load_transcription(write(tmp_path, "[[entry]\n"))
    with pytest.raises(TranscriptionError, match=r"\[given.p2\] is missing"):
        load_given(2, write(tmp_path, GOOD))


@pytest.mark.parametrize("problem", [1, 2, 3])
def test_every_transcribed_entry_is_in_its_chapters_comparison_table(problem):
    """Each entry's label and written value appear as a row of the comparison table the chapters show
    (``hwlib.marker.comparison_markdown``), in the book's notation and number format."""
    from hwlib import fmt, mistakes
    from hwlib.marker import comparison_markdown

    text = comparison_markdown(problem)
    table = text[text.index("| quantity | written | answer | verdict | why |"):]
    rows = [line for line in table.splitlines() if line.startswith("| $")]
    entries = load_transcription(problem=problem)
    labels = mistakes.truth_of(problem, load_given(problem)).labels
    assert len(rows) == len(entries)
    for entry, row in zip(entries, rows):
        assert row.startswith(f"| ${labels[entry.quantity]}$ | {fmt.number(entry.written)} |"), (entry.id, row)
        assert re.search(r"\| (✓ correct|✗ wrong|↪ carried|✓ value, ✗ working) \|", row)
