"""Tests of hwlib.practice: variants valid, workable by hand, deterministic and distinct; answers the chapters'."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from hwlib import conv, mistakes, practice, problems
from hwlib.marker import ValueMarker
from hwlib.tolerance import DEFAULT
from hwlib.transcription import load_given

seeds = st.integers(min_value=0, max_value=10**9)


# ------------------------------------------------------------------ valid by construction
@given(seed=seeds)
def test_problem1_variant_has_one_padding_and_stride(seed):
    g = practice.make_given(1, seed)
    (n, w, _), (n_out, w_out, _), k = g["in_shape"], g["out_shape"], g["kernel"]
    assert n == w and n_out == w_out and 1 <= n_out <= n
    solutions = conv.solve_padding_stride(n, n_out, k)
    assert len(solutions) == 1
    padding, stride = solutions[0]
    assert conv.output_size(n, k, stride, padding) == n_out


@given(seed=seeds)
def test_problem2_variant_has_one_padding_and_stride_per_part(seed):
    g = practice.make_given(2, seed)
    (h, w, _), (h_out, w_out, _) = g["in_volume"], g["out_volume"]
    assert list(g["kernels"]) == ["a", "b", "c"]
    assert 1 <= h_out <= h and 1 <= w_out <= w
    for kernel in g["kernels"].values():
        wide = conv.solve_padding_stride(w, w_out, kernel)
        assert len([pair for pair in conv.solve_padding_stride(h, h_out, kernel) if pair in wide]) == 1


def test_problem2_variants_shrink_and_are_not_always_square():
    givens = [practice.make_given(2, seed) for seed in range(20)]
    assert any(g["out_volume"][0] < g["in_volume"][0] for g in givens)  # a stride above 1
    assert any(g["out_volume"][0] == g["in_volume"][0] for g in givens)
    assert any(g["in_volume"][0] != g["in_volume"][1] for g in givens)
    assert any(g["in_volume"][0] == g["in_volume"][1] for g in givens)
    strides = {problems.get(2).truth(g).values[f"{part}.stride"] for g in givens for part in "abc"}
    assert strides == {1.0, 2.0}


@given(seed=seeds)
def test_problem3_variant_is_a_small_network_with_integers(seed):
    g = practice.make_given(3, seed)
    shapes = tuple((len(w), len(w[0])) for w in g["weights"])
    assert shapes in practice.P3_SHAPES and len(g["x"]) == shapes[0][0]
    numbers = [v for w in g["weights"] for row in w for v in row] + list(g["x"]) + [g["t"]]
    assert all(isinstance(v, int) and not isinstance(v, bool) for v in numbers)
    relu = g.get("hidden_activation") == "relu"
    assert set(g) == {"weights", "x", "t", *(["hidden_activation"] if relu else [])}
    truth = problems.get(3).truth_function(**g)
    out = [q for q in truth.values if f"dL/d{q}" in truth.formulas and truth.formulas[f"dL/d{q}"].has(sp.Symbol("t"))]
    assert truth.values[f"dL/d{out[0]}"] != 0  # output != t: a variant with every gradient zero teaches nothing
    gradients = [k for k in truth.values if k.startswith("dL/dw")]
    # a unit that ReLU switches off zeroes the gradients of the weights into and out of it
    limit = practice.P3_RELU_MAX_ZERO_GRADIENTS if relu else practice.P3_MAX_ZERO_GRADIENTS
    assert sum(truth.values[k] == 0 for k in gradients) <= limit * len(gradients)


def test_problem3_variants_have_several_shapes():
    shapes = {tuple((len(w), len(w[0])) for w in practice.make_given(3, seed)["weights"]) for seed in range(20)}
    assert practice.P3_LAYER_SHAPES in shapes and len(shapes) >= 3


@pytest.mark.parametrize("problem", [1, 2, 3])
@given(seed=seeds)
def test_variant_is_never_the_homework(problem, seed):
    assert practice.make_given(problem, seed) != load_given(problem)


# ------------------------------------------------------------------ workable by hand
@pytest.mark.parametrize("problem", [1, 2, 3])
@given(seed=seeds)
def test_answers_are_small_whole_numbers(problem, seed):
    v = practice.variant(problem, seed)
    assert v.answers and all(float(a).is_integer() for a in v.answers.values())
    bound = {1: 10_000_000, 2: 64, 3: 100}[problem]
    assert all(abs(a) <= bound for a in v.answers.values())
    assert all(isinstance(n, int) and abs(n) <= 64 for n in _numbers(v.given))


def _numbers(value):
    """The numbers of a Given (Problem 3's hidden_activation names an activation, not a number)."""
    if isinstance(value, dict):
        return [n for k, v in value.items() if k != "hidden_activation" for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [value]


# ------------------------------------------------------------------ answers are the chapters'
@pytest.mark.parametrize("problem", [1, 2, 3])
@given(seed=seeds)
def test_answers_are_the_chapters_answers(problem, seed):
    v = practice.variant(problem, seed)
    assert v.answers == pytest.approx(problems.get(problem).worked.answer_quantities(v.given))
    truth = problems.get(problem).truth_function(**v.given).values
    for key, value in v.answers.items():
        assert value == pytest.approx(truth[key], abs=1e-9), key


# ------------------------------------------------------------------ deterministic and distinct
def test_same_seed_same_variant_in_another_process():
    env = dict(os.environ, PYTHONHASHSEED="12345")  # another hash seed: no dependence on set or hash order
    seed = 123_456
    # one interpreter for the three problems: what matters is another process with another hash seed
    code = ("from hwlib.practice import main\n"
            f"for problem in (1, 2, 3): main(['--problem', str(problem), '--seed', '{seed}'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert [json.loads(line) for line in out.splitlines()] == [practice.variant(p, seed).as_json() for p in (1, 2, 3)]
    assert all(practice.variant(p, seed) == practice.variant(p, seed) for p in (1, 2, 3))


@pytest.mark.parametrize("problem", [1, 2, 3])
def test_seeds_give_distinct_variants(problem):
    givens = [json.dumps(practice.make_given(problem, seed), sort_keys=True) for seed in range(200)]
    assert len(set(givens)) == len(givens)


@pytest.mark.parametrize("problem", [1, 2, 3])
def test_make_given_returns_a_fresh_copy(problem):
    g = practice.make_given(problem, 3)
    first = next(iter(g))
    g[first] = "changed"
    assert practice.make_given(problem, 3)[first] != "changed"


# ------------------------------------------------------------------ kinds of the answers
@pytest.mark.parametrize("problem", [1, 2, 3])
@pytest.mark.parametrize("seed", [0, 5])
def test_counts_in_problems_1_and_2_real_values_in_problem_3(problem, seed):
    v = practice.variant(problem, seed)
    truth = problems.get(problem).truth(v.given)
    assert {truth.kind(q) for q in v.answers} == ({"real"} if problem == 3 else {"count"})


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "problem, seed, error, message",
    [
        (4, 0, ValueError, "problem must be 1, 2 or 3, got 4"),
        ("1", 0, TypeError, "problem must be an integer"),
        (1, -1, ValueError, "seed must be >= 0, got -1"),
        (1, 1.5, TypeError, "seed must be an integer"),
        (3, True, TypeError, "seed must be an integer"),
    ],
)
def test_bad_problem_or_seed_is_refused(problem, seed, error, message):
    with pytest.raises(error, match=message):
        practice.variant(problem, seed)


def test_parse_seeds():
    assert practice.parse_seeds("0-49") == list(range(50))
    assert practice.parse_seeds("7") == [7]
    assert practice.parse_seeds("3, 0-2,2") == [3, 0, 1, 2]
    for bad in ("", "a", "1-", "-3", "1.5", "2-1"):
        with pytest.raises(ValueError, match="seeds"):
            practice.parse_seeds(bad)


# ------------------------------------------------------------------ command line
def test_cli_prints_one_variant_as_json(capsys):
    assert practice.main(["--problem", "2", "--seed", "5"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"problem", "seed", "given", "answers"}
    assert (out["problem"], out["seed"]) == (2, 5)
    assert set(out["given"]) == {"in_volume", "out_volume", "kernels"}
    truth = problems.get(2).truth_function(**out["given"]).values
    assert out["answers"] == {key: int(truth[key]) for key in out["answers"]}
    assert all(isinstance(value, int) for value in out["answers"].values())  # counts print as integers


def test_cli_answer_key_csv_is_tidy_and_right(capsys):
    assert practice.main(["--key", "--seeds", "0-2", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == ["problem", "seed", "given", "quantity", "answer"]
    assert {(r["problem"], r["seed"]) for r in rows} == {(str(p), str(s)) for p in (1, 2, 3) for s in range(3)}
    for row in rows:
        truth = problems.get(int(row["problem"])).truth_function(**json.loads(row["given"])).values
        assert float(row["answer"]) == pytest.approx(truth[row["quantity"]])


def test_cli_answer_key_markdown_has_a_row_per_seed(capsys):
    assert practice.main(["--key", "--problem", "1", "--seeds", "0-9"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "## Problem 1"
    rows = [line for line in lines if line.startswith("| ") and line.split("|")[1].strip().isdigit()]
    assert [int(r.split("|")[1]) for r in rows] == list(range(10))
    g = practice.make_given(1, 4)
    macs = f"{int(problems.get(1).truth_function(**g).values['standard.macs']):,}"
    assert f" {macs} |" in rows[4]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--problem", "1"], "needs --problem and --seed"),
        (["--problem", "1", "--seed", "-1"], "seed must be >= 0, got -1"),
        (["--problem", "4", "--seed", "0"], "invalid choice: 4"),
        (["--key", "--seeds", "9-3"], "seeds range must run upwards"),
        (["--key", "--seed", "3"], "--seed is for one variant"),
        (["--key", "--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_cli_refuses_bad_arguments(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        practice.main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_a_huge_seed_range_is_refused_at_once():
    """`--seeds 0-1000000` would build a million variants before printing anything: a clear limit instead."""
    from hwlib.practice import MAX_SEEDS, parse_seeds

    assert parse_seeds(f"0-{MAX_SEEDS - 1}") == list(range(MAX_SEEDS))
    with pytest.raises(ValueError, match="at most 10,000"):
        parse_seeds("0-1000000")
    with pytest.raises(ValueError, match="at most 10,000"):
        parse_seeds(f"0-{MAX_SEEDS - 1},{MAX_SEEDS}")


# ------------------------------------------------------------------ judging a whole answer
ISSUE_P3 = {"weights": [[[2, 1], [-1, 0]], [[-1, 0], [-2, -2]], [[-1], [1]]], "x": [1, -1], "t": 1}  # 2-2-2-1


def _whole(problem, seed, change=None, blank_optional=True):
    given = ISSUE_P3 if problem == 3 else practice.make_given(problem, seed)
    truth = problems.get(problem).truth(given)
    values = {q: (None if optional and blank_optional else truth.values[q])
              for q, optional in practice.fields(problem, truth)}
    values.update(change or {})
    return given, truth, {v.quantity: v for v in practice.judge(problem, given, values)}


def test_a_slip_refuted_by_a_right_field_is_not_named():
    # dL/dw2 without the factor w3 while dL/dw3 is right: not "(t - z) flips every sign", which dL/dw3 disproves
    network, truth, _ = _whole(3, 0)
    w3 = [row[0] for row in network["weights"][2]]
    y = [truth.values["y1"], truth.values["y2"]]
    dz = truth.values["dL/dz"]
    change = {f"dL/dw2_{i + 1}{j + 1}": y[i] * dz for i in range(2) for j in range(2) if y[i] * dz * w3[j] != y[i] * dz}
    assert change, "the variant must make the slip visible"
    _, _, judged = _whole(3, 0, change)
    for q in change:
        assert judged[q].verdict == "wrong" and judged[q].mistake != "target_minus_output"
    assert judged["dL/dw3_11"].verdict == "correct"


def test_one_slip_in_every_gradient_is_stated_once_where_it_starts():
    _, truth, _ = _whole(3, 0)
    flipped = {q: -truth.values[q] for q in truth.values if q.startswith("dL/dw") and truth.values[q] != 0}
    _, _, judged = _whole(3, 0, flipped)
    named = {judged[q].mistake for q in flipped}
    assert named == {"target_minus_output"}
    first = next(q for q, _ in practice.fields(3, truth) if q in flipped)
    assert {judged[q].stated_at for q in flipped} == {first}
    lines = practice.messages(list(judged.values()), {q: q for q in judged}, dict.fromkeys(judged, "Look"),
                              {m.name: m.feedback_for(ISSUE_P3) for m in problems.get(3).catalogue}, {})
    assert sum("every gradient flips its sign" in lines[q] for q in flipped) == 1


def test_values_right_on_the_students_own_upstream_values_are_carried():
    _, truth, _ = _whole(3, 4, blank_optional=False)
    wrong_y1 = truth.values["y1"] + 1
    values = mistakes.propagate(truth, {"y1": sp.Float(wrong_y1)})
    change = {q: values[q] for q, _ in practice.fields(3, truth)}
    _, _, judged = _whole(3, 4, change, blank_optional=False)
    assert judged["y1"].verdict == "wrong"  # (seed ignored: ISSUE_P3)
    downstream = [q for q in change if q != "y1" and not DEFAULT.agrees(change[q], truth.values[q], "real")]
    assert downstream and all(judged[q].verdict == "carried" for q in downstream)
    assert judged["z1"].carries == ("y1",)


def test_values_right_on_a_blank_intermediate_worked_out_from_the_students_own_values_are_carried():
    """The same slip with every optional field (the units' gradients) left blank: the weight gradients, right on
    the gradients that the student's own forward values give, are carried (while a blank stood for the true value,
    they were wrong), each resting on the written values it reaches through the blanks."""
    _, truth, _ = _whole(3, 4, blank_optional=False)
    values = mistakes.propagate(truth, {"y1": sp.Float(truth.values["y1"] + 1)})
    layout = practice.fields(3, truth)
    change = {q: (None if optional and q != "y1" else values[q]) for q, optional in layout}
    _, _, judged = _whole(3, 4, change, blank_optional=False)
    required = [q for q, optional in layout if not optional]
    moved = [q for q in required if not DEFAULT.agrees(values[q], truth.values[q], "real")]
    assert judged["y1"].verdict == "wrong" and moved
    assert all(judged[q].verdict == "carried" for q in moved if q != "y1")
    assert all(judged[q].verdict == "correct" for q in required if q not in moved)
    assert change["dL/dz"] is None and judged["dL/dw3_11"].carries == ("z", "z1")  # z1 dL/dz, dL/dz = 2(z - t)
    assert change["dL/dy1"] is None and judged["dL/dw1_11"].carries == ("z",)  # x1 dL/dy1, back through blanks


def test_a_carried_message_lists_what_it_rests_on_in_words():
    verdicts = [practice.FieldVerdict("z", "carried", carries=c) for c in (("y1",), ("y1", "y2"), ("y1", "y2", "y3"))]
    labels = {"y1": "y₁", "y2": "y₂", "y3": "y₃"}
    said = [practice.messages([v], labels, {}, {}, {})["z"] for v in verdicts]
    assert said == [f"↪ Carried: right on your own {own}; this step itself is right."
                    for own in ("y₁", "y₁ and y₂", "y₁, y₂ and y₃")]


def test_problem2_filters_equal_to_the_input_channels_are_named_so():
    given = practice.make_given(2, 7)
    assert given["in_volume"][2] == given["kernels"]["c"]  # the case where C_in and k coincide
    _, _, judged = _whole(2, 7, {"c.filters": given["in_volume"][2]})
    assert judged["c.filters"].mistake == "filters_equal_in_channels"
    assert judged["a.filters"].verdict == "correct"


def test_judge_takes_the_fields_only_not_a_givens_values():
    # P2's C_out (10) is no answer of P1: taken as the student's own, 3² · 20 · 10 = 1,800 would be carried
    with pytest.raises(ValueError, match="no field 'C_out' in problem 1"):
        practice.judge(1, load_given(1), {"C_out": 10, "standard.weights": 1800})
    with pytest.raises(ValueError, match="no field 'a.padding' in problem 1"):
        practice.judge(1, load_given(1), {"a.padding": 0})
    with pytest.raises(ValueError, match="'volume' is no quantity of problem 1"):
        ValueMarker(1, load_given(1)).verdicts({"volume": 3.0})


def test_the_summary_names_the_slip_not_the_values_carried_from_it():
    given = practice.make_given(3, 0)
    truth = problems.get(3).truth(given)
    layout = practice.fields(3, truth)
    first = next(q for q, _ in layout if q in truth.formulas)
    values = mistakes.propagate(truth, {first: sp.Float(truth.values[first] + 1)})  # one slip, carried on
    answers = {q: values[q] for q, optional in layout if not optional}
    line = practice.check(3, 0, answers).splitlines()[0]
    required = len(answers)
    verdicts = practice.judge(3, given, answers)
    carried = sum(v.verdict == practice.CARRIED for v in verdicts)
    right = sum(v.verdict == practice.CORRECT for v in verdicts)
    assert carried > 3 and right + carried == required - 1
    label = practice.quantity_label(3, first, truth)
    assert line == (f"**Problem 3, seed 0.** ✗ {right} of {required} correct, {carried} carried (right on your own "
                    f"earlier values). Wrong: {label}.")


def test_check_returns_the_verdicts_as_markdown():
    given = practice.make_given(2, 7)
    truth = problems.get(2).truth(given)
    answers = {q: truth.values[q] for q, _ in practice.fields(2, truth)}
    answers["c.filters"] = "3"
    answers["a.padding"] = "0,5"
    text = practice.check(2, 7, answers)
    assert text.startswith("**Problem 2, seed 7.** ✗ 7 of 9 correct.")
    assert "| (c) number of filters | 3 | ✗ Not right: each filter spans all C_in" in text
    assert "a decimal comma is ambiguous: write 0.5" in text
    with pytest.raises(ValueError, match="no field 'volume'"):
        practice.check(2, 7, {"volume": 3})
    with pytest.raises(TypeError, match="answers must be a mapping"):
        practice.check(2, 7, [3])


def test_a_right_field_reached_another_way_does_not_refute_the_slip():
    """Weights that count biases, beside MACs found by the closed form (right, not from those weights): the bias
    slip is named once and the other weights are the same slip; the right MACs do not refute it."""
    given = practice.make_given(1, 0)
    truth = problems.get(1).truth(given)
    values = {q: truth.values[q] for q, _ in practice.fields(1, truth)}
    k, (_, _, c_in), c_out = given["kernel"], given["in_shape"], given["out_shape"][2]
    values.update({"standard.weights": k * k * c_in * c_out + c_out, "depthwise.weights": k * k * c_in + c_in,
                   "pointwise.weights": c_in * c_out + c_out})
    wrong = {v.quantity: v for v in practice.judge(1, given, values) if v.verdict == "wrong"}
    assert set(wrong) == {"standard.weights", "depthwise.weights", "pointwise.weights"}
    assert {v.mistake for v in wrong.values()} == {"biases_counted"}
    assert {v.stated_at for v in wrong.values()} == {"standard.weights"}
    # the same weights with MACs that follow from them: still the one slip, now carried into the MACs
    values.update({q.replace("weights", "macs"): values[q] * truth.values["H_out"] * truth.values["W_out"]
                   for q in ("standard.weights", "depthwise.weights", "pointwise.weights")})
    judged = {v.quantity: v for v in practice.judge(1, given, values)}
    assert judged["standard.macs"].verdict == "carried" and judged["standard.weights"].mistake == "biases_counted"
