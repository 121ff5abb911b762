"""Hostile inputs found by review: each case failed before its fix (a traceback, a Python signature error,
a silently accepted string, or a silent inf/nan)."""

from __future__ import annotations

import json
import pytest

from hwlib import answers
from hwlib.mark import main
from hwlib.network import Network
from hwlib.worked import problem3

HOMEWORK_3 = {"weights": [[[2, 0], [1, 1]], [[1, -1], [1, 0]], [[1], [1]]], "x": [1, -1], "t": 2}


def test_an_out_folder_that_cannot_be_made_is_one_line_and_status_2(tmp_path, capsys):
    answers_csv = tmp_path / "a.csv"
    answers_csv.write_text("student,dL/dz\nann,-6\n", encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main([str(answers_csv), "--out", str(blocker / "sub" / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {blocker / 'sub' / 'out'}: cannot be written")


def test_a_given_file_with_missing_or_extra_keys_names_the_keys(tmp_path, capsys):
    answers_csv = tmp_path / "a.csv"
    answers_csv.write_text("student,dL/dz\nann,-6\n", encoding="utf-8")
    given = tmp_path / "g.toml"
    given.write_text("[p1]\nin_shape = [30, 30, 20]\nkernal = 3\n", encoding="utf-8")
    assert main([str(answers_csv), "--out", str(tmp_path / "o"), "--given", str(given)]) == 2
    err = capsys.readouterr().err
    assert "missing 'out_shape', 'kernel'" in err and "unknown 'kernal'" in err and "problem1_truth()" not in err
    assert not (tmp_path / "o").exists()


def test_a_given_file_with_another_network_shape_marks_with_the_chapters_names(tmp_path):
    answers_csv = tmp_path / "a.csv"
    # 2-3-1: hidden y1..y3, output z (the chapter's letters: the output never takes a hidden layer's y)
    given = {"weights": [[[1, 2, 0], [3, 1, 1]], [[1], [1], [2]]], "x": [1, -1], "t": 2}
    truth = problem3.answer_quantities(given)
    answers_csv.write_text(f"student,y1,z,L\nann,{truth['y1']:g},{truth['z']:g},{truth['L']:g}\n", encoding="utf-8")
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"p3": given}), encoding="utf-8")
    assert main([str(answers_csv), "--out", str(tmp_path / "o"), "--given", str(path)]) == 0
    assert (tmp_path / "o" / "marks.csv").read_text(encoding="utf-8").splitlines()[1] == "ann,3,3,3,3,3,3,correct,correct,correct"


@pytest.mark.parametrize("change, error, message", [
    ({"weights": [[["2", 0], [1, 1]], [[1, -1], [1, 0]], [[1], [1]]]}, TypeError, r"weights\[0\]\[0\]\[0\] must be a real number, got '2'"),
    ({"weights": [[[True, 0], [1, 1]], [[1, -1], [1, 0]], [[1], [1]]]}, TypeError, r"weights\[0\]\[0\]\[0\] must be a real number, got True"),
    ({"weights": [[[2, 0], [1]], [[1, -1], [1, 0]], [[1], [1]]]}, ValueError, r"weights\[0\] must have rows of one length"),
    ({"t": [2]}, TypeError, r"t must be a real number, got \[2\]"),
])
def test_problem3_truth_checks_its_given_as_the_chapter_does(change, error, message):
    with pytest.raises(error, match=message):
        answers.problem3_truth(**{**HOMEWORK_3, **change})


def test_problem3_truth_names_any_network_shape_as_the_chapter_does():
    given = {"weights": [[[1, 2, 0], [3, 1, 1]], [[1], [1], [2]]], "x": [1, -1], "t": 2}
    assert set(problem3.answer_quantities(given)) <= set(answers.problem3_truth(**given).values)
    assert answers.problem3_truth(**HOMEWORK_3).values["dL/dw2_21"] == 6  # the homework's keys unchanged


@pytest.mark.parametrize("change", [{"t": 1e308}, {"x": [1e200, 1e200]}, {"weights": [[[1e300, 0], [1, 1]], [[1e300, -1], [1, 0]], [[1], [1]]]}])
def test_overflow_is_one_clear_error_never_inf_or_nan(change):
    given = {**HOMEWORK_3, **change}
    for function in (problem3.answer_quantities, problem3.solution):
        with pytest.raises(ValueError, match="too large for float64"):
            function(given)
    net = Network([__import__("numpy").array(w, dtype=float) for w in given["weights"]])
    with pytest.raises(ValueError, match="too large for float64"):
        net.backward(given["x"], given["t"])


def test_a_measurements_file_that_is_not_utf8_or_has_a_bom_names_the_file(tmp_path):
    from hwlib import speed

    good = speed.default_csv().read_bytes()
    latin = tmp_path / "latin.csv"
    latin.write_bytes(good + b"\xe9\n")
    with pytest.raises(ValueError, match=r"latin.csv: not UTF-8 text \(byte 0xe9"):
        speed.load_measurements(latin)
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + good)
    assert len(speed.load_measurements(bom)) == len(speed.load_measurements())


@pytest.mark.parametrize(("problem", "given", "match"), [
    (1, {"in_shape": [10**9, 10**9, 3], "out_shape": [7, 7, 3], "kernel": 3}, "in_shape: height and width must be at most"),
    (1, {"in_shape": [30, 30, 20], "out_shape": [15, 15, 40], "kernel": 10**9}, "kernel must be at most"),
    (1, {"in_shape": [30, 30, 10**7], "out_shape": [15, 15, 40], "kernel": 3}, "in_shape: channels must be at most"),
    (2, {"in_volume": [20, 20, 10], "out_volume": [20, 20, 10], "kernels": {"a": 10**9}}, r"kernels\['a'\] must be at most"),
    (2, {"in_volume": [20, 20, 10], "out_volume": [10**6, 20, 10], "kernels": {"a": 1}}, "out_volume: height and width"),
])
def test_huge_sizes_are_refused_at_once_not_searched(problem, given, match):
    """A size no worked solution can show stops with one ValueError instead of a search that runs for minutes."""
    from hwlib.worked import problem1, problem2

    module = {1: problem1, 2: problem2}[problem]
    with pytest.raises(ValueError, match=match):
        module.answer_quantities(given)
