"""Problem 3's ReLU practice variants: which seeds they are, the generator's rules, the true values against finite
differences and sympy, the marker's rule for carried values (the true on/off pattern), and the words."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest
import sympy as sp

from hwlib import answers, class_vector, givens, mark, mistakes, practice, problems
from hwlib.class_vector import ClassMarker
from hwlib.marker import CARRIED, CORRECT, WRONG
from hwlib.naming import unit_key
from hwlib.network import Network
from hwlib.transcription import load_given
from hwlib.worked import problem3

RELU_SEEDS = range(3, 800, 4)  # 200 ReLU variants
LINEAR_SEEDS = range(0, 200, 4)


def _net(given):
    activation = given.get("hidden_activation", "identity")
    return Network([np.array(w, dtype=float) for w in given["weights"]], hidden_activation=activation)


def _hidden_inputs(given):
    """Every hidden unit's input u = a W, computed here layer by layer with max(u, 0)."""
    a, found = np.array(given["x"], dtype=float), []
    for w in given["weights"][:-1]:
        u = a @ np.array(w, dtype=float)
        found.append(u)
        a = np.maximum(u, 0)
    return np.concatenate(found)


def test_one_seed_in_four_is_a_relu_variant_and_the_others_keep_their_numbers():
    assert [s for s in range(16) if practice.p3_activation(s) == "relu"] == [3, 7, 11, 15]
    for seed in range(40):
        given = practice.make_given(3, seed)
        assert ("hidden_activation" in given) == (seed % 4 == 3)
        assert given.get("hidden_activation", "relu") == "relu"
    with pytest.raises(ValueError, match="seed must be >= 0"):
        practice.p3_activation(-1)


@pytest.mark.parametrize("seed", RELU_SEEDS)
def test_relu_variants_switch_a_unit_off_and_sit_on_no_kink(seed):
    given = practice.make_given(3, seed)
    u = _hidden_inputs(given)
    assert np.any(u < 0), "ReLU switches at least one hidden unit off"
    assert np.all(u != 0), "no hidden input on the kink, where ReLU has no derivative"
    truth = problems.get(3).truth(given)
    values = [truth.values[q] for q in practice.answers(3, given)] + [truth.values[q] for q in truth.values
                                                                       if q.startswith("dL/")]
    assert all(float(v).is_integer() and abs(v) <= practice.P3_MAX_ABS for v in values)
    # a unit switched off has value 0; ReLU's slope is 1 exactly for the units that are on
    slopes = [truth.values[q] for q in truth.values if q.startswith("relu'(")]
    assert slopes == [1.0 if v > 0 else 0.0 for v in u]


@pytest.mark.parametrize("seed", RELU_SEEDS)
def test_relu_answers_agree_with_finite_differences_and_the_loss_written_out(seed):
    """Every dL/dw and dL/d(unit) of the truth against central finite differences (no kink within the step), and
    the forward values and loss against max(u, 0) computed here."""
    given = practice.make_given(3, seed)
    truth = problems.get(3).truth(given)
    net = _net(given)
    x = np.array(given["x"], dtype=float)
    numeric = net.numerical_gradients(x, given["t"])
    case = problem3.solve(given)
    for l, i, j in case.edges():
        assert truth.values[f"dL/dw{l + 1}_{i + 1}{j + 1}"] == pytest.approx(numeric.weights[l][i, j], abs=1e-5)
    for l in range(case.n_layers + 1):
        for i in range(case.sizes[l]):
            key = unit_key(case.letters, case.sizes, l, i)
            assert truth.values["dL/d" + key] == pytest.approx(numeric.activations[l][i], abs=1e-5)
    a = x
    for l, w in enumerate(given["weights"]):
        u = a @ np.array(w, dtype=float)
        a = u if l == len(given["weights"]) - 1 else np.maximum(u, 0)
        for j in range(len(a)):
            assert truth.values[unit_key(case.letters, case.sizes, l + 1, j)] == a[j]
    assert truth.values["L"] == (a[0] - given["t"]) ** 2


@pytest.mark.parametrize("seed", list(RELU_SEEDS)[:25])
def test_relu_weight_gradients_agree_with_sympy(seed):
    """dL/dw by sympy.diff of the loss written out with Piecewise ReLUs, at the variant's numbers."""
    given = practice.make_given(3, seed)
    truth = problems.get(3).truth(given)
    symbols = {(l, i, j): sp.Symbol(f"w{l}_{i}_{j}") for l, w in enumerate(given["weights"])
               for i in range(len(w)) for j in range(len(w[0]))}
    a = [sp.Integer(v) for v in given["x"]]
    for l, w in enumerate(given["weights"]):
        u = [sum(a[i] * symbols[l, i, j] for i in range(len(w))) for j in range(len(w[0]))]
        a = u if l == len(given["weights"]) - 1 else [sp.Piecewise((v, v > 0), (0, True)) for v in u]
    loss = (a[0] - given["t"]) ** 2
    at = {s: given["weights"][l][i][j] for (l, i, j), s in symbols.items()}
    for (l, i, j), s in symbols.items():
        assert float(sp.diff(loss, s).subs(at)) == truth.values[f"dL/dw{l + 1}_{i + 1}{j + 1}"]


@pytest.mark.parametrize("seed", LINEAR_SEEDS)
def test_linear_variants_have_no_relu_slope_and_the_linear_formulas(seed):
    given = practice.make_given(3, seed)
    truth = problems.get(3).truth(given)
    assert not any(q.startswith("relu'(") for q in truth.values)
    assert not any(str(s).startswith("relu'(") for f in truth.formulas.values() for s in f.free_symbols)


def test_a_relu_given_is_checked():
    g = {"weights": [[[1, -1]], [[1], [1]]], "x": [1], "t": 0}
    assert givens.problem3({**g, "hidden_activation": "relu"})["hidden_activation"] == "relu"
    assert "hidden_activation" not in givens.problem3(g)
    with pytest.raises(ValueError, match="hidden_activation must be one of identity, relu, got 'tanh'"):
        givens.problem3({**g, "hidden_activation": "tanh"})
    with pytest.raises(TypeError, match="hidden_activation must be a string"):
        givens.problem3({**g, "hidden_activation": 1})
    with pytest.raises(TypeError, match="unknown 'activation'"):
        answers.truth(3, {**g, "activation": "relu"})


# y1 = max(0, 1·1 + 2·1) = 3 (on), y2 = max(0, 1·(−1) + 2·0) = 0 (off); z1 = 3, z2 = 6; z = 9, t = 1.
SMALL = {"weights": [[[1, -1], [1, 0]], [[1, 2], [-1, 1]], [[1], [1]]], "x": [1, 2], "t": 1,
         "hidden_activation": "relu"}


def test_carried_credit_follows_the_students_own_on_off_pattern():
    """A value is carried when its step gives it from the student's own upstream values, ReLU's slopes included:
    where the student's own y2 makes z1's input negative, their z1 is off (0), as a fair marker would have it; a
    unit's slope follows the value the student wrote for it (on where positive), the first hidden layer's too."""
    truth = problems.get(3).truth(SMALL)
    assert truth.values["y2"] == 0 and truth.values["relu'(y2)"] == 0 and truth.values["relu'(y1)"] == 1
    # a wrong dL/dz1 (16 is right): dL/dw2_11 = y1 · ReLU'(z1) · dL/dz1 = 3 · 1 · 10 = 30 is carried
    verdicts = practice.judge(3, SMALL, {"dL/dz1": 10.0, "dL/dw2_11": 30.0, "dL/dw1_12": 0.0, "dL/dy2": 0.0})
    found = {v.quantity: v.verdict for v in verdicts}
    assert found == {"dL/dz1": WRONG, "dL/dw2_11": CARRIED, "dL/dw1_12": CORRECT, "dL/dy2": CORRECT}
    # a unit switched off passes no gradient: dL/dw1_12 = x1 · ReLU'(y2) · dL/dy2 is 0 whatever dL/dy2 the student has
    verdicts = practice.judge(3, SMALL, {"dL/dy2": 5.0, "dL/dw1_12": 5.0})
    assert [v.verdict for v in verdicts] == [WRONG, WRONG]
    assert "ReLU'(y₂)" in practice.hint(3, SMALL, "dL/dw1_12")
    # the pattern is the one the student wrote: y2 = 1 (true 0, its input x1 w1_12 + x2 w1_22 = −1) is on in their
    # working, so the gradient they let through it is carried: dL/dw1_12 = x1 · ReLU'(y2) · dL/dy2 = 1 · 1 · 5
    verdicts = practice.judge(3, SMALL, {"y2": 1.0, "dL/dy2": 5.0, "dL/dw1_12": 5.0})
    assert [v.verdict for v in verdicts] == [WRONG, WRONG, CARRIED]
    assert practice.judge(3, SMALL, {"y2": 0.0, "dL/dy2": 5.0, "dL/dw1_12": 5.0})[2].verdict == WRONG  # written off
    # y2 = 5 (true 0): z1's input y1 w2_11 + y2 w2_21 = 3 − 5 = −2 on the student's own y2, so ReLU gives 0
    assert [v.verdict for v in practice.judge(3, SMALL, {"y2": 5.0, "z1": 0.0})] == [WRONG, CARRIED]
    assert [v.verdict for v in practice.judge(3, SMALL, {"y2": 5.0, "z1": -2.0})] == [WRONG, WRONG]
    # and the backward pass on that pattern: dL/dw2_21 = y2 · ReLU'(z1) · dL/dz1 = 5 · 0 · … = 0 is carried
    own = {"y2": 5.0, "z1": 0.0, "dL/dw2_21": 0.0}
    assert [v.verdict for v in practice.judge(3, SMALL, own)][2] == (
        CORRECT if problems.get(3).truth(SMALL).values["dL/dw2_21"] == 0 else CARRIED)


def test_the_class_marker_reads_the_on_off_pattern_the_student_wrote(tmp_path):
    """The class marker (numpy, :mod:`hwlib.class_vector`) follows the same pattern as the practice pages: ann's
    y2 = 1 is on in her working, so the gradient she lets through it is carried; bob wrote y2 = 0 (off), and cat
    left y2 blank, which her own input to it, x1 w1_12 + x2 w1_22 = −1, switches off."""
    answers = tmp_path / "answers.csv"
    answers.write_text("student,y2,dL/dy2,dL/dw1_12\nann,1,5,5\nbob,0,5,5\ncat,,5,5\n", encoding="utf-8")
    given = tmp_path / "given.json"
    given.write_text(json.dumps({"p3": SMALL}), encoding="utf-8")
    out = tmp_path / "out"
    assert mark.main([str(answers), "--out", str(out), "--given", str(given)]) == 0
    with open(out / "marks.csv", newline="", encoding="utf-8") as f:
        found = {row["student"]: row["dL/dw1_12"] for row in csv.DictReader(f)}
    assert found == {"ann": CARRIED, "bob": WRONG, "cat": WRONG}
    scalar = [practice.judge(3, SMALL, {"y2": y2, "dL/dy2": 5.0, "dL/dw1_12": 5.0})[-1].verdict
              for y2 in (1.0, 0.0, None)]
    assert scalar == [CARRIED, WRONG, WRONG]


def test_a_carried_value_rests_on_what_changes_it_not_on_a_slope_that_stays():
    """y₂ = 2 (true 0) carried through seed 3: ∂L/∂y₁ = ∂L/∂z₁ · ReLU′(z₁) · w²₁₁ + ∂L/∂z₂ · ReLU′(z₂) · w²₁₂ rests on
    the student's ∂L/∂z₁ and ∂L/∂z₂, not on z₂ (6 where 4 is true), whose slope is 1 either way."""
    given = practice.make_given(3, 3)
    truth = problems.get(3).truth(given)
    values = mistakes.propagate(truth, {"y2": sp.Float(2)})
    answers = {q: values[q] for q, _ in practice.fields(3, truth)}
    assert answers["z2"] != truth.values["z2"] and answers["dL/dz2"] != truth.values["dL/dz2"]
    found = {v.quantity: v for v in practice.judge(3, given, answers)}
    assert found["dL/dy1"].verdict == CARRIED
    assert "z2" not in found["dL/dy1"].carries and "dL/dz2" in found["dL/dy1"].carries


def test_a_zero_that_relu_gives_is_no_evidence_of_a_forward_slip():
    """Seed 3: y₁ = 2 is on; the transposed weights give y₁'s input 0 · 2 + (−1) · 1 = −1, which ReLU clips to 0,
    as would a sign slip or a unit taken as off: a 0 written there names no slip.  Where the transposed input
    stays positive, its value names the slip as before."""
    given = practice.make_given(3, 3)
    assert practice.judge(3, given, {"y1": 0.0})[0].names == ()
    net = {"weights": [[[1, 3], [2, 1]], [[1, 0], [0, 1]], [[1], [1]]], "x": [1, 1], "t": 0,
           "hidden_activation": "relu"}  # y₁ = 1 + 2 = 3; transposed: 1 + 3 = 4
    assert "transposed_weight_forward" in practice.judge(3, net, {"y1": 4.0})[0].names


def test_a_unit_whose_own_value_overflows_is_neither_on_nor_off():
    """z1 left blank on y1 = 1e308 overflows: its slope is undefined (NaN), so nothing carries through it, in the
    scalar marker and the class marker alike (the page's script: test_practice_js)."""
    given = practice.make_given(3, 3)
    values = {"y1": 1e308, "dL/dz1": -14.0, "dL/dw2_11": 0.0}  # 0 = y1 · ReLU'(z1) · dL/dz1 only if z1 were off
    assert practice.judge(3, given, values)[-1].verdict == WRONG
    assert np.isnan(answers.heaviside(math.nan)) and answers.heaviside(0) == 0 and answers.heaviside(2) == 1
    givens = {p: (given if p == 3 else load_given(p)) for p in (1, 2, 3)}
    columns = list(values)
    marked = ClassMarker(givens, columns).mark({q: np.array([values[q]]) for q in columns}, 1)
    assert int(marked.codes[0, columns.index("dL/dw2_11")]) == class_vector.WRONG


def test_the_statement_and_solution_say_where_relu_acts():
    text = problem3.statement(SMALL)
    assert "**the hidden layers apply ReLU**" in text and "there is no nonlinearity" not in text
    assert "1 where the input is positive" in text and "0 where it is negative" in text
    solution = problem3.solution(SMALL)
    assert "Here ReLU switches off $y_{2}$: its slope is 0" in solution
    assert r"\max(0,\ 1 \cdot (-1) + 2 \cdot 0)$ | 0 |" in solution
    linear = {k: v for k, v in SMALL.items() if k != "hidden_activation"}
    assert "there is no nonlinearity" in problem3.statement(linear) and "ReLU" not in problem3.solution(linear)
    assert "max(0, x₁ · w¹₁₁ + x₂ · w¹₂₁)" in practice.hint(3, SMALL, "y1")
