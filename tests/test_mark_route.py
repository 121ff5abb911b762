"""The class-marking route of ``python -m hwlib.mark``: in (column maps, delimiters, lenient), fair numbers,
out (rubric, exports, feedback), nothing lost (atomic folder, symlinks, run.json), hostile input."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import unicodedata
from pathlib import Path

import pytest

from hwlib import mark
from hwlib.mark import main


def write(tmp_path: Path, text: str, name: str = "answers.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def marks(out: Path) -> dict[str, dict[str, str]]:
    return {r["student"]: r for r in rows(out / "marks.csv")}


def run(tmp_path: Path, text: str, *options: str, name: str = "answers.csv") -> tuple[int, Path]:
    answers = write(tmp_path, text, name)
    out = tmp_path / "out"
    return main([str(answers), "--out", str(out), *options]), out


# ------------------------------------------------------------------ in
def test_template_prints_the_header_the_tool_reads(tmp_path, capsys):
    assert main(["--template"]) == 0
    header = capsys.readouterr().out.strip().split(",")
    assert header[0] == "student" and len(header) == 43 and "standard.macs" in header and "dL/dw1_22" in header
    given = write(tmp_path, "[p2]\nin_volume = [8, 8, 3]\nout_volume = [8, 8, 5]\nkernels = { q = 3 }\n", "g.toml")
    assert main(["--template", "--given", str(given)]) == 0
    header = capsys.readouterr().out.strip().split(",")
    assert "q.padding" in header and "a.padding" not in header


def test_a_column_map_reads_an_export_and_carries_id_and_section(tmp_path):
    columns = write(
        tmp_path,
        '[columns]\n"Name" = "student"\n"SIS ID" = "id"\n"Section" = "section"\n'
        '"Timestamp" = "ignore"\n"Q7: dL/dz" = "dL/dz"\n"Q1 weights" = "standard.weights"\n',
        "map.toml",
    )
    code, out = run(
        tmp_path,
        "Timestamp,Name,SIS ID,Section,Q1 weights,Q7: dL/dz\n2026-11-30 10:00,Ana Li,00042,L01,7200,-6\n",
        "--columns",
        str(columns),
    )
    assert code == 0
    row = marks(out)["Ana Li"]
    assert (row["id"], row["section"], row["standard.weights"], row["dL/dz"]) == ("00042", "L01", "correct", "correct")


def test_an_unmapped_export_header_is_named(tmp_path, capsys):
    code, out = run(tmp_path, "student,Timestamp\nann,x\n")
    assert code == 2 and "column 'Timestamp': not a quantity" in capsys.readouterr().err and not out.exists()


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_the_delimiter_is_detected(tmp_path, delimiter):
    code, out = run(
        tmp_path,
        delimiter.join(["student", "standard.weights", "dL/dz"]) + "\n" + delimiter.join(["ann", "7200", "-6"]) + "\n",
    )
    assert code == 0 and marks(out)["ann"]["correct"] == "2"


def test_lenient_marks_a_non_number_review_and_lists_it(tmp_path):
    text = "student,standard.weights,dL/dz\nann,7200 weights,n/a\nbob,7200,-6\n"
    code, out = run(tmp_path, text, "--lenient")
    assert code == 0
    m = marks(out)
    assert m["ann"]["standard.weights"] == m["ann"]["dL/dz"] == "review" and m["ann"]["review"] == "2"
    assert m["ann"]["answered"] == "0" and m["ann"]["correct"] == "0" and m["bob"]["correct"] == "2"
    assert [(r["student"], r["quantity"], r["text"]) for r in rows(out / "review.csv")] == [
        ("ann", "standard.weights", "7200 weights"),
        ("ann", "dL/dz", "n/a"),
    ]


def test_without_lenient_a_non_number_stops_the_class(tmp_path, capsys):
    code, out = run(tmp_path, "student,dL/dz\nann,?\n")
    assert code == 2 and "'?' is not a number" in capsys.readouterr().err and not out.exists()


def test_names_that_differ_by_normalisation_or_spaces_are_one_student(tmp_path, capsys):
    nfc, nfd = unicodedata.normalize("NFC", "José"), unicodedata.normalize("NFD", "José")
    code, _ = run(tmp_path, f"student,dL/dz\n{nfc},-6\n{nfd},-6\n")
    assert code == 2 and "the same student as row 2" in capsys.readouterr().err
    code, _ = run(tmp_path, "student,dL/dz\nAnn  Lee,-6\n Ann Lee ,-6\n")
    assert code == 2 and "the same student as row 2" in capsys.readouterr().err


def test_a_decimal_comma_is_refused_as_ambiguous(tmp_path, capsys):
    code, _ = run(tmp_path, "student;dL/dz;y1\nann;0,125;-0,500\n")
    err = capsys.readouterr().err
    assert code == 2 and "'0,125' is not a number: a decimal comma is ambiguous" in err and "'-0,500'" in err


# ------------------------------------------------------------------ fair numbers
DECIMAL_P3 = "[p3]\nweights = [[[0.5, 0.25], [1, 1]], [[1, -1], [0.3, 0]], [[1], [1]]]\nx = [1, -1]\nt = 2\n"


def _p3_truth(given_text: str, tmp_path: Path) -> dict[str, float]:
    from hwlib.class_vector import exact_truth
    from hwlib.mark import read_givens

    givens, _ = read_givens(write(tmp_path, given_text, "g.toml"))
    return {q: float(v) for q, v in exact_truth(3, givens[3]).items()}


def test_decimal_answers_to_3_significant_figures_are_correct(tmp_path):
    truth = _p3_truth(DECIMAL_P3, tmp_path)
    keys = [q for q in ("y1", "y2", "z1", "z2", "z", "L", "dL/dz") if truth[q] != round(truth[q], 2)] or ["z"]
    rounded = {q: float(f"{truth[q]:.3g}") for q in keys}
    header = "student," + ",".join(keys)
    line = "ann," + ",".join(repr(v) for v in rounded.values())
    off = "bob," + ",".join(repr(float(f"{truth[q] * 1.01:.3g}")) for q in keys)
    code, out = run(tmp_path, f"{header}\n{line}\n{off}\n", "--given", str(tmp_path / "g.toml"))
    assert code == 0
    m = marks(out)
    assert all(m["ann"][q] == "correct" for q in keys)
    assert all(m["bob"][q] != "correct" for q in keys)


def test_sig_figs_and_tolerance_options(tmp_path):
    # z = -1 for the homework's Given, dL/dz = 2(z - t) = -6
    code, out = run(tmp_path, "student,dL/dz\nann,-6.04\n", "--sig-figs", "2")
    assert code == 0 and marks(out)["ann"]["dL/dz"] == "correct"
    code, out = run(tmp_path, "student,dL/dz\nann,-6.04\n", "--sig-figs", "3")
    assert code == 0 and marks(out)["ann"]["dL/dz"] == "wrong"
    code, out = run(tmp_path, "student,dL/dz\nann,-6.05\n", "--tolerance", "0.01")
    assert code == 0 and marks(out)["ann"]["dL/dz"] == "correct"


@pytest.mark.parametrize("written", ["1620001", "1620000.5", "1619999.9999"])
def test_a_count_is_correct_only_when_exactly_equal(tmp_path, written):
    code, out = run(tmp_path, f"student,standard.macs\nann,{written}\nbob,1620000\n")
    assert (
        code == 0 and marks(out)["ann"]["standard.macs"] == "wrong" and marks(out)["bob"]["standard.macs"] == "correct"
    )


def test_a_count_beyond_float_precision_in_the_text_is_not_rounded_into_agreement(tmp_path):
    code, out = run(tmp_path, "student,standard.macs\nann,1620000.0000000001\n")
    assert code == 0 and marks(out)["ann"]["standard.macs"] == "wrong"


def test_a_value_that_makes_a_step_overflow_is_wrong_not_carried(tmp_path):
    # 2(z - t) and (z - t)^2 overflow for z = 1e308: whatever dL/dz or L says, it is not carried
    code, out = run(tmp_path, "student,z,L,dL/dz\nann,1e308,1e308,5\nbob,1e308,inf,1e308\n", "--lenient")
    assert code == 0
    for name in ("ann", "bob"):
        row = marks(out)[name]
        assert row["z"] == row["dL/dz"] == "wrong" and row["follow_through"] == "0"


def test_a_given_that_float64_cannot_mark_is_refused_with_the_reason(tmp_path, capsys):
    # y1 = 1e17·1 + 1·(−1) loses the −1 in float64: z = 0 and L = 4 where the exact values are −1 and 9
    given = write(
        tmp_path, "[p3]\nweights = [[[1e17, 0], [1, 1]], [[1, -1], [1, 0]], [[1], [1]]]\nx = [1, -1]\nt = 2\n", "g.toml"
    )
    code, _ = run(tmp_path, "student,dL/dz\nann,-6\n", "--given", str(given))
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "float64 arithmetic cannot mark this Given" in err[0]
    assert "numbers of very different sizes lose the smaller ones" in err[0]
    # y1 = 0.1 · 0.1 + 0.35 · 0.35 = 0.1325 exactly, 0.13249999999999998 in float64: they round apart at 3 figures
    tie = write(tmp_path, json.dumps({"p3": {"weights": [[[0.1, 0], [0.35, 0]], [[1, 0], [0, 1]], [[1], [1]]],
                                             "x": [0.1, 0.35], "t": 0}}), "tie.json")
    code, _ = run(tmp_path, "student,y1\nann,0.133\n", "--given", str(tie))
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert "y1 is 0.1325 exactly, but float64 gives 0.13249999999999998 (the two round apart" in err[0]
    assert "--tolerance" in err[0]
    code, _ = run(tmp_path, "student,y1\nann,0.1325\n", "--given", str(tie), "--tolerance", "1e-6")
    assert code == 0


def test_decimal_weights_give_an_exact_truth():
    from hwlib.class_vector import exact_truth

    truth = exact_truth(3, {"weights": [[[0.1, 0.2], [0.3, 0.4]], [[1, 0], [0, 1]], [[1], [1]]], "x": [1, 1], "t": 0})
    from fractions import Fraction

    assert truth["z"] == Fraction(1, 10) + Fraction(2, 10) + Fraction(3, 10) + Fraction(4, 10)  # exactly 1


# ------------------------------------------------------------------ follow-through
def test_a_blank_intermediate_is_worked_out_from_the_students_own_values(tmp_path):
    # the homework's z is y2 (z1 + z2 = (y1 + y2) - y1): y2 = 0 instead of -1 gives z = 0 and dL/dz = 2(0 - 2) = -4
    text = "student,y2,z,dL/dz\nann,0,,-4\nbob,0,-1,-4\ncat,,,-4\n"
    code, out = run(tmp_path, text)
    assert code == 0
    m = marks(out)
    assert (m["ann"]["z"], m["ann"]["dL/dz"]) == ("blank", "carried")  # right on the z that ann's y2 gives
    assert m["bob"]["dL/dz"] == "wrong"  # bob wrote z = -1 (true): 2(-1 - 2) = -6
    assert m["cat"]["dL/dz"] == "wrong"  # nothing written upstream: the true z
    # the scalar marker of the practice pages says the same
    from hwlib.marker import ValueMarker
    from hwlib.transcription import load_given

    marker = ValueMarker(3, load_given(3))
    cases = ((0, None), (0, -1), (None, None))
    verdicts = [marker.verdicts({"y2": y2, "z": z, "dL/dz": -4})["dL/dz"][0] for y2, z in cases]
    assert verdicts == ["carried", "wrong", "wrong"]


def test_a_count_read_inexactly_is_wrong_and_still_the_students_own_value(tmp_path):
    # 0.1 depthwise weights (no float64 holds 0.1) agree with nothing, and 0.1 + 801 = 801.1 is what follows from
    # them, not 981 (180 + 801); a count agrees only as a whole number, so 0.5 + 801 = 801.5 carries nothing either
    code, out = run(tmp_path, "student,depthwise.weights,pointwise.weights,separable.weights\nann,0.1,801,981\n"
                              "bob,0.5,801,801.5\n")
    assert code == 0
    assert marks(out)["ann"]["separable.weights"] == "wrong" and marks(out)["ann"]["depthwise.weights"] == "wrong"
    assert marks(out)["bob"]["separable.weights"] == "wrong"


def test_a_formula_reads_the_givens_of_its_own_problem(tmp_path):
    # Problems 1 and 2 both have a C_out (40 and 10): 3² · 20 · 10 = 1,800 is no step of Problem 1 (3² · 20 · 40)
    code, out = run(tmp_path, "student,standard.weights,depthwise.weights\nann,1800,90\n")
    assert code == 0 and marks(out)["ann"]["standard.weights"] == "wrong"


def test_macs_follow_through_from_the_students_own_weights(tmp_path):
    code, out = run(tmp_path, "student,standard.weights,standard.macs\nbias,7240,1629000\nfilters,3600,810000\n")
    assert code == 0
    m = marks(out)
    assert m["bias"]["standard.macs"] == m["filters"]["standard.macs"] == "carried"
    found = {(r["student"], r["quantity"]): r["mistakes"] for r in rows(out / "mistakes.csv")}
    assert found[("bias", "standard.weights")] == "biases_counted"
    assert found[("filters", "standard.weights")] == "c_in_as_filters"


def test_a_right_value_that_contradicts_the_students_own_values_is_flagged(tmp_path):
    # z = -2 (true -1), L = (z - t)^2 = 9 is right, but (-2 - 2)^2 = 16 on the student's own z
    code, out = run(tmp_path, "student,z,L\nann,-2,9\n")
    assert code == 0
    assert marks(out)["ann"]["L"] == "correct"
    flagged = [r for r in rows(out / "mistakes.csv") if r["quantity"] == "L"]
    assert flagged == [
        {
            "student": "ann",
            "quantity": "L",
            "verdict": "correct",
            "written": "9",
            "answer": "9",
            "mistakes": "does_not_follow",
        }
    ]


@pytest.mark.parametrize(
    "name, column, value",
    [
        ("output_size_without_floor", "padding", "0.5"),
        ("output_size_without_plus_1", "padding", "2"),
        ("padding_k_over_2", "b.padding", "1.5"),
    ],
)
def test_new_catalogue_slips_are_named_in_mistakes_csv(tmp_path, name, column, value):
    code, out = run(tmp_path, f"student,stride,{column}\nann,2,{value}\n")
    assert code == 0
    assert {r["quantity"]: r["mistakes"] for r in rows(out / "mistakes.csv")}[column].split(";")[0] == name


# ------------------------------------------------------------------ out
def test_a_rubric_gives_points_exactly(tmp_path):
    rubric = write(
        tmp_path, 'default = 1\ncarried = 0.5\n[points]\n"standard.weights" = 2\np3 = 0.1\n"dL/dz" = 0.3\n', "r.toml"
    )
    # standard.weights correct (2), standard.macs carried (0.5 of 1), dL/dz wrong, dL/dz1 carried (0.5 of 0.1), y1 (0.1)
    code, out = run(
        tmp_path,
        "student,standard.weights,standard.macs,dL/dz,dL/dz1,y1\nann,7200,1620001,,,\nbob,7200,1620000,-3,-3,1\n",
        "--rubric",
        str(rubric),
    )
    assert code == 0
    m = marks(out)
    assert (m["bob"]["points"], m["bob"]["max_points"]) == ("3.15", "3.5")  # 2 + 1 + 0 + 0.05 + 0.1
    assert (m["bob"]["p1_points"], m["bob"]["p3_points"]) == ("3", "0.15")
    assert m["ann"]["points"] == "2"


def test_a_bad_rubric_is_named(tmp_path, capsys):
    rubric = write(tmp_path, 'carried = 2\n[points]\n"nope" = 1\n', "r.toml")
    code, _ = run(tmp_path, "student,dL/dz\nann,-6\n", "--rubric", str(rubric))
    err = capsys.readouterr().err
    assert code == 2 and "carried must be from 0 to 1" in err and "'nope': not a quantity key" in err


def test_canvas_export_keeps_ids_exactly_and_neutralises_names(tmp_path):
    code, out = run(
        tmp_path,
        "student,id,section,SIS User ID,dL/dz\n=cmd|' /C calc'!A0,-0042,L01,s42,-6\nbob,0007,L02,s7,-3\n",
        "--export",
        "canvas",
        "--assignment",
        "HW 3 (1234)",
        "--columns",
        str(write(tmp_path, '[columns]\n"SIS User ID" = "ignore"\n', "m.toml")),
    )
    assert code == 0
    with open(out / "canvas.csv", newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "HW 3 (1234)"]
    assert table[1][0] == "Points Possible" and table[1][5] == "1"
    assert table[2] == ["'=cmd|' /C calc'!A0", "-0042", "s42", "", "L01", "1"]
    assert table[3] == ["bob", "0007", "s7", "", "L02", "0"]


def test_moodle_export(tmp_path):
    code, out = run(tmp_path, "student,id,dL/dz\nann,a1,-6\n", "--export", "moodle", "--assignment", "HW3")
    assert code == 0
    assert rows(out / "moodle.csv") == [{"ID number": "a1", "Full name": "ann", "Group": "", "HW3": "1"}]


def test_one_feedback_file_per_student_with_safe_unique_names(tmp_path):
    code, out = run(tmp_path, "student,dL/dz,standard.weights\n../../etc/passwd,5,7240\nAnn?,-6,7200\nAnn!,-6,7200\n")
    assert code == 0
    names = sorted(os.listdir(out / "feedback"))
    assert names == ["Ann-2.md", "Ann.md", "etc-passwd.md"]
    text = (out / "feedback" / "etc-passwd.md").read_text(encoding="utf-8")
    assert "Points: 0 of 2" in text and "| wrong |" in text
    assert "counting one bias per filter" in text  # the reason of the wrong weights, in words
    assert "gives -6, the correct value" in text  # dL/dz = 5: no catalogue slip gives it; the step and the truth


# ------------------------------------------------------------------ nothing lost
def test_run_json_records_the_input_hash_options_time_and_version(tmp_path):
    code, out = run(tmp_path, "student,dL/dz\nann,-6\n", "--lenient")
    assert code == 0
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["input"]["sha256"] == hashlib.sha256((tmp_path / "answers.csv").read_bytes()).hexdigest()
    assert record["options"]["lenient"] is True and record["hwlib_version"] and record["time"].endswith("Z")


def test_an_input_inside_the_output_folder_is_refused(tmp_path, capsys):
    out = tmp_path / "trap"
    assert main([str(write(tmp_path, "student,dL/dz\nann,-6\n")), "--out", str(out)]) == 0
    inside = out / "marks.csv"
    before = inside.read_bytes()
    assert main([str(inside), "--out", str(out)]) == 2
    assert "lies in the output folder" in capsys.readouterr().err and inside.read_bytes() == before


def test_a_failed_run_leaves_the_earlier_results_untouched(tmp_path, monkeypatch, capsys):
    code, out = run(tmp_path, "student,dL/dz\nann,-6\n")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(mark.Summary, "markdown", full)
    code, _ = run(tmp_path, "student,dL/dz\nbob,-3\n")
    assert code == 2 and "No space left on device" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_a_terminated_run_leaves_the_earlier_results_untouched(tmp_path, monkeypatch):
    code, out = run(tmp_path, "student,dL/dz\nann,-6\n")
    before = (out / "marks.csv").read_bytes()

    def killed(*args, **kwargs):
        mark._on_term(15, None)

    monkeypatch.setattr(mark.Summary, "chart", killed)
    code, _ = run(tmp_path, "student,dL/dz\nbob,-3\n")
    assert code == 143 and (out / "marks.csv").read_bytes() == before


def test_a_symbolic_link_is_never_followed(tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    code, out = run(tmp_path, "student,dL/dz\nann,-6\n")
    (out / "report.md").unlink()
    (out / "report.md").symlink_to(victim)
    code, out = run(tmp_path, "student,dL/dz\nbob,-6\n")
    assert code == 0 and victim.read_text(encoding="utf-8") == "keep me" and not (out / "report.md").is_symlink()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert main([str(tmp_path / "answers.csv"), "--out", str(link)]) == 2
    assert "is a symbolic link" in capsys.readouterr().err


def test_a_folder_of_other_files_is_not_replaced(tmp_path, capsys):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "thesis.tex").write_text("x", encoding="utf-8")
    assert main([str(write(tmp_path, "student,dL/dz\nann,-6\n")), "--out", str(out)]) == 2
    assert "not an earlier run's outputs" in capsys.readouterr().err and (out / "thesis.tex").exists()


def test_chunked_reading_gives_the_same_outputs(tmp_path):
    from hwlib.class_marking import quantities, synthetic_class
    from hwlib.transcription import load_given

    givens = {p: load_given(p) for p in (1, 2, 3)}
    students = synthetic_class(60, seed=3, givens=givens)
    columns = list(quantities(givens))
    lines = ["student," + ",".join(columns)]
    for name, values in students.items():
        lines.append(name + "," + ",".join("" if values[q] is None else repr(values[q]) for q in columns))
    answers = write(tmp_path, "\n".join(lines) + "\n")
    assert main([str(answers), "--out", str(tmp_path / "a"), "--chunk", "7"]) == 0
    assert main([str(answers), "--out", str(tmp_path / "b")]) == 0
    for name in ("marks.csv", "mistakes.csv", "report.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


# ------------------------------------------------------------------ one line, not a traceback; data stays data
@pytest.mark.parametrize(
    "given_name, given_text, message",
    [
        (
            "big.toml",
            "[p1]\nin_shape = [30, 30, 20]\nout_shape = [15, 15, 40]\nkernel = " + "1" + "0" * 400 + "\n",
            "table 'p1'",
        ),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("deep.toml", "x = " + "[" * 100_000 + "]" * 100_000 + "\n", "deep.toml"),
        (
            "dots.toml",
            '[p2]\nin_volume = [20, 20, 10]\nout_volume = [20, 20, 10]\nkernels = { "a.b" = 3 }\n',
            "short identifiers",
        ),
        (
            "esc.toml",
            '[p2]\nin_volume = [20, 20, 10]\nout_volume = [20, 20, 10]\nkernels = { "\\u001b[2Jx" = 3 }\n',
            "\\x1b",
        ),
    ],
)
def test_hostile_givens_stop_with_one_line(tmp_path, capsys, given_name, given_text, message):
    given = write(tmp_path, given_text, given_name)
    code, out = run(tmp_path, "student,dL/dz\nann,-6\n", "--given", str(given))
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and message in err and "\x1b" not in err
    assert "Traceback" not in err and not out.exists()


def test_a_5000_digit_integer_is_one_line(tmp_path, capsys):
    code, _ = run(tmp_path, "student,standard.macs\nann," + "9" * 5000 + "\n")
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "is not a number: at most 100 characters" in err


def test_a_300_character_out_is_one_line(tmp_path, capsys):
    answers = write(tmp_path, "student,dL/dz\nann,-6\n")
    assert main([str(answers), "--out", str(tmp_path / ("o" * 300))]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "cannot be written" in err


def test_the_report_escapes_what_comes_from_files(tmp_path):
    given = write(
        tmp_path,
        "[p1]\nin_shape = [30, 30, 20]\nout_shape = [15, 15, 40]\nkernel = 3\n",
        "<img src=x onerror=alert(1)>.toml",
    )
    code, out = run(tmp_path, "student,dL/dz\nann,-6\n", "--given", str(given))
    assert code == 0
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "<img" not in report and "&lt;img" in report


def test_csv_cells_from_input_are_neutralised(tmp_path):
    code, out = run(tmp_path, "student,dL/dz\n@SUM(1),=1+2\n", "--lenient")
    assert code == 0
    assert rows(out / "review.csv") == [{"student": "'@SUM(1)", "quantity": "dL/dz", "text": "'=1+2"}]
    assert "'@SUM(1)" in marks(out)


# ------------------------------------------------------------------ personalised homework
def test_a_seed_column_marks_each_student_against_their_own_variant(tmp_path):
    from hwlib import mistakes, practice

    truths = {
        s: {
            **mistakes.truth_of(1, practice.make_given(1, s)).values,
            **mistakes.truth_of(3, practice.make_given(3, s)).values,
        }
        for s in (5, 6)
    }

    def cell(v):
        return str(int(v)) if float(v).is_integer() else repr(v)

    lines = ["student,seed,standard.weights,standard.macs,L"]
    for s in (5, 6):
        t = truths[s]
        lines.append(f"own{s},{s},{cell(t['standard.weights'])},{cell(t['standard.macs'])},{cell(t['L'])}")
    t6, t5 = truths[6], truths[5]
    lines.append(f"swapped,5,{cell(t6['standard.weights'])},{cell(t6['standard.macs'])},{cell(t6['L'])}")
    # own weights off by one: the MACs follow through from them, H_out · W_out · (weights + 1)
    positions = t5["H_out"] * t5["W_out"]
    lines.append(f"carry,5,{cell(t5['standard.weights'] + 1)},{cell(positions * (t5['standard.weights'] + 1))},")
    code, out = run(tmp_path, "\n".join(lines) + "\n")
    assert code == 0
    m = marks(out)
    assert m["own5"]["correct"] == m["own6"]["correct"] == "3"
    assert m["swapped"]["correct"] == "0" or t5["L"] == t6["L"]
    assert (m["carry"]["standard.weights"], m["carry"]["standard.macs"]) == ("wrong", "carried")
    answers = {(r["student"], r["quantity"]): r["answer"] for r in rows(out / "mistakes.csv")}
    assert answers[("carry", "standard.weights")] == cell(t5["standard.weights"])


def test_a_variants_quantity_without_a_seed_column_is_refused(tmp_path, capsys):
    """y3 (a 2-3-1 network's) is no quantity of the homework's Given: an unseeded class is held to the Given."""
    code, out = run(tmp_path, "student,L,y3\nann,9,\n")
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "column 'y3': not a quantity of the Given" in err[0] and not out.exists()


def test_quantities_of_a_seed_are_its_variants(capsys):
    from hwlib import practice
    from hwlib.class_marking import quantities

    assert main(["--quantities", "--seed", "6"]) == 0  # a 2-2-1 network
    listed = [line.split()[0] for line in capsys.readouterr().out.strip().splitlines()]
    assert listed == list(quantities({p: practice.make_given(p, 6) for p in (1, 2, 3)})) and "z1" not in listed
    assert main(["--template", "--seed", "-1"]) == 2 and "--seed must be >= 0, got -1" in capsys.readouterr().err


def test_a_seed_that_is_not_a_whole_number_is_named(tmp_path, capsys):
    code, out = run(tmp_path, "student,seed,L\nann,-3,9\n")
    assert (
        code == 2 and "column 'seed': '-3' is not a whole number >= 0" in capsys.readouterr().err and not out.exists()
    )


def test_a_blank_beside_a_malformed_number_stays_blank(tmp_path, capsys):
    code, _ = run(tmp_path, "student,dL/dz\nann,\nbob,--5\n")
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "'--5' is not a number" in err[0]


def test_1e308_everywhere_carries_only_the_steps_that_give_it(tmp_path):
    """A step that overflows on the student's own values carries nothing; one that gives their value (∂L/∂z₁ =
    w³₁₁ · ∂L/∂z = 1 · 10³⁰⁸) is carried, by the same rule as any other value and as the scalar marker has it."""
    from hwlib.class_marking import quantities
    from hwlib.marker import ValueMarker
    from hwlib.transcription import load_given

    givens = {p: load_given(p) for p in (1, 2, 3)}
    columns = list(quantities(givens))
    code, out = run(tmp_path, "student," + ",".join(columns) + "\nx," + ",".join(["1e308"] * len(columns)) + "\n")
    assert code == 0
    row = marks(out)["x"]
    assert row["z"] == row["L"] == row["dL/dz"] == row["separable.weights"] == "wrong"  # their steps overflow
    expected = {}
    for problem in (1, 2, 3):
        marker = ValueMarker(problem, givens[problem])
        expected.update({q: v[0] for q, v in marker.verdicts({q: 1e308 for q in marker.quantities}).items()})
    assert {q: row[q] for q in columns} == {q: expected[q] for q in columns}
    assert 0 < int(row["follow_through"]) < 8 and row["correct"] == "0"
