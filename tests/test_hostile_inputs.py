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
    marks = (tmp_path / "o" / "marks.csv").read_text(encoding="utf-8").splitlines()
    assert marks[1] == "ann,3,3,3,3,3,3,correct,correct,correct"


@pytest.mark.parametrize("change, error, message", [
    ({"weights": [[["2", 0], [1, 1]], [[1, -1], [1, 0]], [[1], [1]]]},
     TypeError, r"weights\[0\]\[0\]\[0\] must be a real number, got '2'"),
    ({"weights": [[[True, 0], [1, 1]], [[1, -1], [1, 0]], [[1], [1]]]},
     TypeError, r"weights\[0\]\[0\]\[0\] must be a real number, got True"),
    ({"weights": [[[2, 0], [1]], [[1, -1], [1, 0]], [[1], [1]]]},
     ValueError, r"weights\[0\] must have rows of one length"),
    ({"t": [2]}, TypeError, r"t must be a real number, got \[2\]"),
])
def test_problem3_truth_checks_its_given_as_the_chapter_does(change, error, message):
    with pytest.raises(error, match=message):
        answers.problem3_truth(**{**HOMEWORK_3, **change})


def test_problem3_truth_names_any_network_shape_as_the_chapter_does():
    given = {"weights": [[[1, 2, 0], [3, 1, 1]], [[1], [1], [2]]], "x": [1, -1], "t": 2}
    assert set(problem3.answer_quantities(given)) <= set(answers.problem3_truth(**given).values)
    assert answers.problem3_truth(**HOMEWORK_3).values["dL/dw2_21"] == 6  # the homework's keys unchanged


@pytest.mark.parametrize("change", [
    {"t": 1e308},
    {"x": [1e200, 1e200]},
    {"weights": [[[1e300, 0], [1, 1]], [[1e300, -1], [1, 0]], [[1], [1]]]},
])
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
    (1, {"in_shape": [10**9, 10**9, 3], "out_shape": [7, 7, 3], "kernel": 3},
     "in_shape: height and width must be at most"),
    (1, {"in_shape": [30, 30, 20], "out_shape": [15, 15, 40], "kernel": 10**9}, "kernel must be at most"),
    (1, {"in_shape": [30, 30, 10**7], "out_shape": [15, 15, 40], "kernel": 3}, "in_shape: channels must be at most"),
    (2, {"in_volume": [20, 20, 10], "out_volume": [20, 20, 10], "kernels": {"a": 10**9}},
     r"kernels\['a'\] must be at most"),
    (2, {"in_volume": [20, 20, 10], "out_volume": [10**6, 20, 10], "kernels": {"a": 1}},
     "out_volume: height and width"),
])
def test_huge_sizes_are_refused_at_once_not_searched(problem, given, match):
    """A size no worked solution can show stops with one ValueError instead of a search that runs for minutes."""
    from hwlib.worked import problem1, problem2

    module = {1: problem1, 2: problem2}[problem]
    with pytest.raises(ValueError, match=match):
        module.answer_quantities(given)


# =========================================================================== honest numerics
# A number the library cannot compute to its stated accuracy is refused with the reason, never returned.

import numpy as np  # noqa: E402

from hwlib import conv, givens, transcription  # noqa: E402
from hwlib.network import ACCURACY  # noqa: E402
from hwlib.page_limits import problem3_page  # noqa: E402
from hwlib.symbolic_network import symbolic_gradients  # noqa: E402

HOMEWORK_NET = [np.array([[2.0, 0], [1, 1]]), np.array([[1.0, -1], [1, 0]]), np.array([[1.0], [1]])]


@pytest.mark.parametrize(("weights", "x", "t", "eps"), [
    ([np.array([[1.0]])], [1.0], 1e10, 1e-6),      # 64 % off before, silently
    ([np.array([[1.0]])], [1.0], 1e12, 1e-6),      # 0 for a true -2e12 before
    ([np.array([[1.0]])], [1.0], 1e12, 0.1),       # no step can help: L has no digits left
    (HOMEWORK_NET, [1.0, -1.0], 1e9, 1e-6),
    (HOMEWORK_NET, [1.0, -1.0], 2.0, 2e-10),       # a step too small for the stated accuracy
])
def test_finite_differences_that_cannot_resolve_the_gradient_are_refused(weights, x, t, eps):
    with pytest.raises(ValueError, match=r"finite differences cannot resolve these gradients to 1e-06 x max\(1, "):
        Network(weights).numerical_gradients(x, t, eps=eps)


@pytest.mark.parametrize(("activation", "x"), [
    ("identity", [1.0, -1.0]), ("identity", [20000.0, 1.0]), ("tanh", [1.0, -1.0]), ("sigmoid", [0.5, 2.0]),
    ("relu", [1.0, -1.0]),
])
def test_finite_differences_that_are_returned_meet_the_stated_accuracy(activation, x):
    net = Network(HOMEWORK_NET, activation)
    numeric, hand = net.numerical_gradients(x, 2.0), net.backward(x, 2.0)
    exact, found = hand.weights + hand.activations, numeric.weights + numeric.activations
    allowed = ACCURACY * max(1.0, max(float(np.abs(g).max()) for g in exact))
    assert max(float(np.abs(a - b).max()) for a, b in zip(exact, found)) <= allowed


@pytest.mark.parametrize("scale", [1e200, 1e160])
def test_the_symbolic_route_refuses_overflow_as_network_does(scale):
    net = Network([np.array([[scale]]), np.array([[scale]])])
    with pytest.raises(ValueError, match="too large for float64") as from_network:
        net.backward([1.0], 0.0)
    with pytest.raises(ValueError, match="too large for float64") as from_sympy:
        symbolic_gradients(net, [1.0], 0.0).evaluate()
    assert str(from_sympy.value).split(":")[0] == str(from_network.value).split(":")[0]


@pytest.mark.parametrize(("x", "w", "match"), [
    (np.full((2, 2, 1), np.nan), np.ones((1, 1, 1, 1)), "x must contain only finite numbers"),
    (np.full((2, 2, 1), np.inf), np.ones((1, 1, 1, 1)), "x must contain only finite numbers"),
    (np.ones((2, 2, 1)), np.full((1, 1, 1, 1), -np.inf), "w must contain only finite numbers"),
    (np.full((1, 1, 1), 1e200), np.full((1, 1, 1, 1), 1e200), "the result overflows float64"),
    (np.full((3, 3, 2), 1e300), np.full((3, 3, 2, 1), 1e10), "the result overflows float64"),
])
def test_conv2d_refuses_non_finite_inputs_and_overflowing_results(x, w, match):
    with pytest.raises(ValueError, match=match):
        conv.conv2d(x, w)


# =========================================================================== bounded work, stated limits
# Every entry point estimates its work first and refuses, stating the limit and the estimate.


@pytest.mark.parametrize(("call", "match"), [
    (lambda: conv.solve_padding_stride(10**12, 2, 1), r"would list 500,000,000,000 .* limit of 1,000,000"),
    (lambda: conv.solve_padding_stride(10**7, 2, 3), r"would list .* pairs, more than the limit"),
    (lambda: conv.padding_stride_ranges(10, 2, 10**7), r"paddings to try is more than the limit of 1,000,000"),
    (lambda: conv.conv2d(np.broadcast_to(np.ones(1), (5000, 5000, 64)), np.ones((3, 3, 64, 64))),
     r"conv2d would do .* multiply-accumulates .* the limits are"),
    (lambda: symbolic_gradients(Network([np.ones((60, 60)), np.ones((60, 1))]), np.ones(60), 1.0),
     r"net has 3,660 weights, more than symbolic_gradients' limit of 2,000: .* about 9 s"),
    (lambda: symbolic_gradients(Network([np.ones((4, 4))] * 5 + [np.ones((4, 1))], "tanh"), np.ones(4), 1.0).loss,
     r"would have [\d,]+ nodes, more than the limit of 200,000"),
    (lambda: Network([np.ones((300, 300)), np.ones((300, 1))]).numerical_gradients(np.ones(300), 1.0),
     r"would nudge 90,901 values .* about 16,416,720,600 multiply-accumulates, more than the limit of 1,000,000,000"),
    (lambda: __import__("hwlib.worked.axis", fromlist=["coverage"]).coverage(10**7, 1, 1, 0),
     r"coverage sums over the 10,000,000 output positions .* limit of 1,000,000"),
])
def test_library_work_beyond_its_limit_is_refused_with_the_estimate(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_padding_stride_ranges_describe_any_number_of_pairs_and_unbounded_strides():
    assert conv.padding_stride_ranges(10**12, 2, 1) == [(0, 500_000_000_000, 999_999_999_999)]
    assert conv.padding_stride_ranges(30, 1, 3) == [(0, 28, None), (1, 30, None), (2, 32, None)]
    # a height and a width of different sizes both giving one output share every stride from the larger start on
    from hwlib.worked.axis import common_ranges, solve_axis

    height, width = solve_axis("height", 30, 1, 3), solve_axis("width", 20, 1, 3)
    assert height.unbounded and common_ranges(height, width) == ((0, 28, None), (1, 30, None), (2, 32, None))
    assert answers.problem1_truth((30, 20, 3), (1, 1, 3), 3).values["stride"] == 28


@pytest.mark.parametrize("side", [256, 4096])
def test_problem1_intersects_the_two_axes_by_ranges(side):
    """in_shape side x side -> 2 x 2 with k = 64: 131,040 pairs per axis at 4,096 (old: 124 s, quadratic)."""
    from hwlib.worked import problem1

    case = problem1.solve({"in_shape": [side, side, 3], "out_shape": [2, 2, 3], "kernel": 64})
    assert (case.padding, case.stride) == (0, (side - 64) // 2 + 1)
    assert len(case.height.ranges) == 64 and not case.height.unbounded
    assert answers.problem1_truth([side, side, 3], [2, 2, 3], 64).values["stride"] == case.stride


@pytest.mark.parametrize(("problem", "given", "match"), [
    (1, {"in_shape": [4096, 4096, 100000], "out_shape": [4096, 4096, 3], "kernel": 3},
     r"too large for Problem 1's page, .* about [\d,]+ GiB .* limits are 2 GiB and 10,000,000,000"),
    (1, {"in_shape": [2048, 2048, 1000], "out_shape": [2048, 2048, 1000], "kernel": 3}, r"Problem 1's page"),
    (2, {"in_volume": [1024, 1024, 1000], "out_volume": [1024, 1024, 10], "kernels": {"a": 3}},
     r"too large for Problem 2's page, .* about [\d,]+ GiB"),
    (2, {"in_volume": [1024, 1024, 3], "out_volume": [1024, 1024, 3], "kernels": {"a": 3}},
     r"figure draws every cell .* 1,028 cells a side .* limit is 400"),
])
def test_a_page_that_would_exhaust_memory_stops_at_the_first_use_of_its_given(problem, given, match):
    from hwlib.worked import problem1, problem2

    with pytest.raises(ValueError, match=match):
        {1: problem1, 2: problem2}[problem].solve(given)


@pytest.mark.parametrize(("sizes", "match"), [
    ([5, 5, 1], r"5-5-1 network is too large .* 30 x 25 = 750 \(about 30 s\), and the limit is 250"),
    ([3, 3, 3, 1], r"21 x 27 = 567"),
    ([1, 2, 2, 2, 2, 2, 1], r"20 x 32 = 640"),
    ([1, 200, 1], r"400 x 200 = 80,000"),
])
def test_problem3_page_refuses_networks_its_sympy_work_cannot_finish(sizes, match):
    weights = [[[1] * sizes[i + 1] for _ in range(sizes[i])] for i in range(len(sizes) - 1)]
    with pytest.raises(ValueError, match=match):
        problem3_page({"weights": weights, "x": [1] * sizes[0], "t": 2})


# =========================================================================== one line, not a traceback


@pytest.mark.parametrize(("change", "match"), [
    ({"t": 10000}, r"too large for Problem 3's page, which compares backpropagation with finite differences .* "
                   r"loss is 1.0002e\+08 .* below about 3,000 times the largest gradient"),
    ({"t": -10000}, r"too large for Problem 3's page"),
    ({"t": 1e12}, r"too large for Problem 3's page"),
    ({"t": 1e6}, r"too large for Problem 3's page"),
])
def test_problem3_numbers_its_page_cannot_check_are_one_sentence_about_the_given(change, match):
    with pytest.raises(ValueError, match=match) as error:
        problem3_page({**HOMEWORK_3, **change})
    assert "eps must" not in str(error.value)


@pytest.mark.parametrize("change", [{"x": [20000, 1]}, {"t": 5000}, {"x": [1e9, 1]}])
def test_large_numbers_the_page_can_check_are_worked_not_refused(change):
    """x = [20000, 1] once stopped at 'eps must be >= 4e-06' (the page has no eps)."""
    assert problem3_page({**HOMEWORK_3, **change})["x"] == tuple(float(v) for v in {**HOMEWORK_3, **change}["x"])


@pytest.mark.parametrize(("change", "match"), [
    ({"t": 10**400}, r"t must be finite and at most about 1.8e308 in size \(float64\), got an integer of 401 digits"),
    ({"x": [10**309, 1]}, r"x\[0\] must be finite and at most about 1.8e308"),
    ({"weights": [[[10**400, 0], [1, 1]], [[1, -1], [1, 0]], [[1], [1]]]}, r"weights\[0\]\[0\]\[0\] must be finite"),
])
def test_integers_beyond_float64_are_a_value_error_naming_the_value(change, match):
    with pytest.raises(ValueError, match=match):
        givens.problem3({**HOMEWORK_3, **change})


def _hostile_transcription(tmp_path, change):
    text = transcription.DEFAULT_PATH.read_text(encoding="utf-8")
    path = tmp_path / "data.toml"
    path.write_text(change(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "match"), [
    (lambda s: s.replace("written = 7200", "written = 1" + "0" * 400, 1),
     r"data.toml: entry 1 \('p1.standard.weights'\): field 'written' must be finite .* integer of 401 digits"),
    (lambda s: s.replace("value = 3, means", "value = 1" + "0" * 400 + ", means", 1),
     r"data.toml: entry \d+ \('[^']+'\): input 'k': field 'value' must be finite"),
    (lambda s: s + "\n[deep]\nx = " + "[" * 100_000 + "]" * 100_000 + "\n",
     r"data.toml: arrays or tables nested too deeply"),
    (lambda s: s + "\n[deep]\nx = " + "{a = " * 2_000 + "1" + "}" * 2_000 + "\n", r"data.toml: .*nested too deeply"),
    (lambda s: s + "\n[big]\nx = 1" + "0" * 5000 + "\n", r"data.toml: a value cannot be read: .*4300 digits"),
])
def test_the_transcription_loader_says_file_entry_and_field_in_one_line(tmp_path, change, match):
    path = _hostile_transcription(tmp_path, change)
    with pytest.raises(transcription.TranscriptionError, match=match):
        transcription.load_transcription(path)


@pytest.mark.parametrize(("change", "match"), [
    (lambda s: s.replace("t = 2", "t = 1" + "0" * 400, 1), r"\[given.p3\].t must be finite .* integer of 401 digits"),
    (lambda s: s.replace("t = 2", "t = " + "[" * 50 + "2" + "]" * 50, 1), r"\[given.p3\].t.*nested more than 20"),
])
def test_the_given_loader_says_file_and_field_in_one_line(tmp_path, change, match):
    path = _hostile_transcription(tmp_path, change)
    with pytest.raises(transcription.TranscriptionError, match=match):
        transcription.load_given(3, path)


# =========================================================================== data stays data


@pytest.mark.parametrize("part", ["a.b", "<img src=x onerror=alert(1)>", "=HYPERLINK(1)", "", " a", "A", "a" * 13,
                                  "a|b", "a\nb", "\x1b[2J", "<script>"])
def test_problem2_part_names_are_short_identifiers(part):
    with pytest.raises(ValueError, match=r"kernels: a part must be named by a lowercase letter"):
        givens.problem2({"in_volume": [20, 20, 10], "out_volume": [20, 20, 10], "kernels": {part: 3}})


@pytest.mark.parametrize("part", ["a", "b2", "part_c", "z" * 12])
def test_short_identifiers_are_part_names(part):
    assert list(givens.problem2({"in_volume": [20, 20, 10], "out_volume": [20, 20, 10],
                                 "kernels": {part: 3}})["kernels"]) == [part]


@pytest.mark.parametrize(("label", "shown"), [
    ("<img src=x onerror=alert(1)>", "'<'"), ("W$ <script>", "'$'"), ("\\href{javascript:alert(1)}{W}", "\\\\href"),
    ("\\class{x}{W}", "\\\\class"), ("W`code`", "'`'"), ("W&amp;", "'&'"),
])
def test_a_label_that_would_leave_the_math_is_refused(tmp_path, label, shown):
    toml_label = label.replace("\\", "\\\\")
    path = _hostile_transcription(tmp_path, lambda s: s.replace('label = "', f'label = "{toml_label}', 1))
    with pytest.raises(transcription.TranscriptionError, match=r"entry 1 .*field 'label'"):
        transcription.load_transcription(path)


@pytest.mark.parametrize("note", ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "a | b",
                                  "[x](javascript:y)", "**loud**", "$\\href{x}{y}$"])
def test_notes_reach_the_chapters_markdown_as_text(tmp_path, note):
    from markdown_it import MarkdownIt

    from hwlib import answers as answers_module
    from hwlib import marker

    toml_note = note.replace("\\", "\\\\")
    path = _hostile_transcription(
        tmp_path, lambda s: s.replace("written = 7200", f'written = 7201\nnote = "{toml_note}"', 1))
    entries = transcription.load_transcription(path, problem=1)
    truth = answers_module.problem1_truth(**transcription.load_given(1))
    table = marker.marks_table(marker.mark(entries, truth))
    html = MarkdownIt("commonmark").enable("table").render(table)
    assert "<img" not in html and "<script" not in html and "<a " not in html and "<strong>" not in html
    assert table.count("\n") == len(entries) + 1  # one row per entry: no '|' of the note split a row
