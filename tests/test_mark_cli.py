"""Tests of the class-marking tool ``python -m hwlib.mark`` on synthetic classes."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hwlib.class_marking import mark_class, mistake_counts, quantities, report_markdown, synthetic_class
from hwlib.mark import main
from hwlib.transcription import load_given

GIVENS = {p: load_given(p) for p in (1, 2, 3)}
HEADER = "student,dL/dz,dL/dz1,dL/dw2_21,standard.macs,b.padding\n"


def write(tmp_path: Path, text: str | bytes, name: str = "answers.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def read_marks(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "marks.csv", newline="", encoding="utf-8") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def test_each_verdict_kind(tmp_path, capsys):
    answers = write(tmp_path, HEADER +
                    "right,-6,-6,6,1620000,1\n"            # every value correct
                    "halves,-3,-3,,1620000,\n"             # (z - t) for 2(z - t): wrong, then carried; two blanks
                    "slips,-6,-6,-6,6480000,2\n")          # lost sign of y2, input size for output size, k - 1
    out = tmp_path / "out"
    assert main([str(answers), "--out", str(out)]) == 0
    marks = read_marks(out)
    assert list(marks["right"].values()) == ["right", "5", "5", "5", "5", "5", "1", "1", "3"] + ["correct"] * 5
    assert marks["halves"]["dL/dz"] == "wrong" and marks["halves"]["dL/dz1"] == "carried"
    assert marks["halves"]["dL/dw2_21"] == marks["halves"]["b.padding"] == "blank"
    halves = marks["halves"]
    assert (halves["answered"], halves["correct"], halves["follow_through"]) == ("3", "1", "2")
    assert marks["slips"]["correct"] == "2" and marks["slips"]["follow_through"] == "2"
    with open(out / "mistakes.csv", newline="", encoding="utf-8") as f:
        found = {(r["student"], r["quantity"]): r["mistakes"] for r in csv.DictReader(f)}
    assert found == {("halves", "dL/dz"): "dropped_factor_2", ("slips", "dL/dw2_21"): "lost_sign_of_negative_input",
                     ("slips", "standard.macs"): "macs_with_input_size", ("slips", "b.padding"): "padding_k_minus_1"}
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "![Distribution of the marks" in report and "| `dropped_factor_2` | 3 | 1 | 1 |" in report
    assert (out / "marks.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "marked 3 students" in capsys.readouterr().out


def test_a_spreadsheet_export_with_bom_quotes_separators_and_unicode_minus(tmp_path):
    answers = write(tmp_path, "\ufeff" + '"student","standard.macs","dL/dz"\r\n"Lee, Ann","1,620,000","\u22126"\r\n')
    out = tmp_path / "out"
    assert main([str(answers), "--out", str(out)]) == 0
    assert read_marks(out)["Lee, Ann"]["correct"] == "2"


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv_files(tmp_path):
    """A name such as =HYPERLINK(...) would run as a formula when marks.csv opens in a spreadsheet."""
    answers = write(tmp_path, 'student,dL/dz\n"=HYPERLINK(""x"")",-2\n@ann,-6\nbob,-6\n')
    out = tmp_path / "out"
    assert main([str(answers), "--out", str(out)]) == 0
    students = set(read_marks(out))
    assert students == {"'=HYPERLINK(\"x\")", "'@ann", "bob"}
    with open(out / "mistakes.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and {row["student"] for row in rows} == {"'=HYPERLINK(\"x\")"}


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    ("name,dL/dz\nann,1\n", "no 'student' column"),
    ("student,dL/dz,nope\nann,1,2\n", "header, column 'nope': not a quantity"),
    ("student,dL/dz,dL/dz\nann,1,2\n", "header, column 'dL/dz': the column appears twice"),
    ("student,dL/dz\nann,1\nann,2\n", "row 3 (student 'ann'), column 'student': the same student as row 2"),
    ("student,dL/dz\nann,minus six\n", "row 2 (student 'ann'), column 'dL/dz': 'minus six' is not a number"),
    ("student,dL/dz\nann,nan\n", "row 2 (student 'ann'), column 'dL/dz': 'nan' is not a number"),
    ("student,dL/dz\nann,7_200\n", "row 2 (student 'ann'), column 'dL/dz': '7_200' is not a number"),
    ("student,dL/dz\nann,\uff16\n", "row 2 (student 'ann'), column 'dL/dz': '\uff16' is not a number"),
    ('student,dL/dz\nann,"-6\n', "not a CSV file: unexpected end of data"),
    ("student,dL/dz\nann,1,2\n", "row 2 (student 'ann'): 3 fields, but the header has 2"),
    ("student,dL/dz\n,1\n", "row 2, column 'student': the student's name is empty"),
    ("student,dL/dz\n", "no student rows below the header"),
    ("student,dL/dz\nJos\xe9,1\n".encode("latin-1"), "not UTF-8 text (byte 0xe9"),
])
def test_bad_input_stops_with_status_2_naming_file_student_and_column(tmp_path, capsys, content, message):
    answers = write(tmp_path, content)
    out = tmp_path / "out"
    assert main([str(answers), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and str(answers) in err
    assert all(line.startswith("error: ") for line in err.splitlines())
    assert not out.exists()


def test_every_problem_gets_its_own_line(tmp_path, capsys):
    answers = write(tmp_path, "student,dL/dz,y1\nann,x,y\nann,1,1\n")
    assert main([str(answers), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3
    assert "column 'dL/dz'" in err[0] and "column 'y1'" in err[1] and "same student as row 2" in err[2]


def test_the_command_line_exit_status(tmp_path, capsys):
    answers = write(tmp_path, "student,dL/dz\nann,oops\n")
    result = subprocess.run([sys.executable, "-m", "hwlib.mark", str(answers), "--out", str(tmp_path / "o")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "'oops' is not a number" in result.stderr
    assert main(["--quantities"]) == 0  # in process: the exit status of `python -m hwlib.mark` is checked above
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(quantities(GIVENS)) == 42
    assert any(line.split()[:3] == ["dL/dw2_21", "problem", "3"] for line in lines)


def test_another_given_from_toml_or_json(tmp_path):
    answers = write(tmp_path, "student,standard.weights,dL/dz\nann,3456,-6\n")  # 3 x 3 x 16 x 24
    toml = write(tmp_path, "[p1]\nin_shape = [32, 32, 16]\nout_shape = [16, 16, 24]\nkernel = 3\n", "given.toml")
    assert main([str(answers), "--out", str(tmp_path / "t"), "--given", str(toml)]) == 0
    assert read_marks(tmp_path / "t")["ann"]["standard.weights"] == "correct"
    js = write(tmp_path, json.dumps({"p3": {"weights": GIVENS[3]["weights"], "x": [1, -1], "t": 5}}), "given.json")
    assert main([str(answers), "--out", str(tmp_path / "j"), "--given", str(js)]) == 0
    # z = -1, t = 5: dL/dz = 2(z - t) = -12, so -6 is now wrong, and 3456 is wrong against the homework's 7,200
    assert read_marks(tmp_path / "j")["ann"]["dL/dz"] == "wrong"
    assert read_marks(tmp_path / "j")["ann"]["standard.weights"] == "wrong"


def test_a_bad_given_file(tmp_path, capsys):
    answers = write(tmp_path, "student,dL/dz\nann,1\n")
    bad = write(tmp_path, "[p4]\nx = 1\n[p1]\nin_shape = [30, 30, 20]\nout_shape = [15, 15, 40]\nkernel = 0\n",
                "g.toml")
    assert main([str(answers), "--out", str(tmp_path / "o"), "--given", str(bad)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert "table 'p4': not a problem" in err[0] and "table 'p1': kernel must be >= 1, got 0" in err[1]
    assert not (tmp_path / "o").exists()


def test_a_synthetic_class_is_marked_as_made():
    students = synthetic_class(200, seed=7, givens=GIVENS, mistake_rate=0.5, blank_rate=0.0, slip_rate=0.0)
    marks = mark_class(students, GIVENS)
    counts = mistake_counts(marks)
    # with no slips every wrong value is a catalogue mistake's prediction, so every one is named
    assert counts and "(no catalogue mistake)" not in counts
    # every student answers all 42 values; a made mistake is wrong once and carried after, never both at one value
    assert all(m.answered == 42 for m in marks)
    assert any(m.follow_through > m.correct for m in marks)
    report = report_markdown(marks, list(next(iter(students.values()))))
    assert "# Marks of a class of 200" in report


def test_synthetic_class_is_seeded_and_checks_its_arguments():
    assert synthetic_class(5, seed=1, givens=GIVENS) == synthetic_class(5, seed=1, givens=GIVENS)
    with pytest.raises(ValueError, match="size must be an integer >= 0, got -1"):
        synthetic_class(-1, seed=1, givens=GIVENS)
    with pytest.raises(ValueError, match="mistake_rate must be between 0 and 1, got 2"):
        synthetic_class(1, seed=1, givens=GIVENS, mistake_rate=2)
