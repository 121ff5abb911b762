"""Tests of hwlib.marker on constructed cases, and the verdicts on the homework."""

from __future__ import annotations

import sympy as sp

from hwlib import mistakes
from hwlib.answers import Truth
from hwlib.marker import (
    BLANK,
    CARRIED,
    CORRECT,
    WRONG,
    WRONG_WORKING,
    ValueMarker,
    answer_quantities,
    comparison_markdown,
    mark,
    marks_table,
    score,
)
from hwlib.transcription import Entry, Input, load_given, load_transcription

# A two-step chain: a = w1 b, b = w2 c, with c = 5, w1 = 2, w2 = 3 given.  True values: b = 15, a = 30.
TRUTH = Truth(
    values={"c": 5.0, "b": 15.0, "a": 30.0, "w1": 2.0, "w2": 3.0},
    labels={"c": "c", "b": "b", "a": "a", "w1": "w_1", "w2": "w_2"},
    formulas={"b": sp.Symbol("w2") * sp.Symbol("c"), "a": sp.Symbol("w1") * sp.Symbol("b")},
)


def entry(quantity, written, formula=None, inputs=()):
    names = {i.name: sp.Symbol(i.name) for i in inputs}
    return Entry(id=f"t.{quantity}", problem=1, part="t", quantity=quantity, label=quantity, written=written,
                 formula=formula, inputs=tuple(inputs),
                 expression=sp.parse_expr(formula, local_dict=names) if formula else None)


def b_entry(written, value_of_c=5):
    return entry("b", written, "w * c", [Input("w", value=3, means="w2"), Input("c", value=value_of_c, means="c")])


def a_entry(written, formula="w * b", b_used=None):
    b = Input("b", ref="b") if b_used is None else Input("b", value=b_used, means="b")
    return entry("a", written, formula, [Input("w", value=2, means="w1"), b])


def test_a_right_value():
    (m,) = mark([b_entry(15)], TRUTH)
    assert m.verdict == CORRECT and m.is_correct and m.follows_through and m.codes == () and m.computed == 15


def test_a_wrong_value_by_arithmetic():
    (m,) = mark([b_entry(16)], TRUTH)
    assert m.verdict == WRONG and not m.follows_through
    assert m.codes == ("arithmetic",)
    assert "the working gives 15, not 16" in m.reason


def test_a_carried_error_gets_follow_through_credit():
    b, a = mark([b_entry(16), a_entry(32)], TRUTH)
    assert (b.verdict, a.verdict) == (WRONG, CARRIED)
    assert a.follows_through and not a.is_correct
    assert a.codes == ("carried_forward",)
    assert a.reason == "carries the student's own $b = 16$ (true 15): the step itself is right"
    assert score([b, a]) == (0, 1)


def test_a_carried_error_found_by_the_local_formula_without_working():
    b, a = mark([b_entry(16), entry("a", 32)], TRUTH)
    assert a.verdict == CARRIED


def test_follow_through_uses_only_written_values():
    # a = 32 is right only for b = 16, which this student never wrote: no credit
    (a,) = mark([entry("a", 32)], TRUTH)
    assert a.verdict == WRONG and a.codes == ("this_step",)
    assert "the formula with $b = 15$, $w_1 = 2$ gives 30, not 32" in a.reason


def test_a_sign_error():
    (m,) = mark([b_entry(-15)], TRUTH)
    assert m.verdict == WRONG and m.codes == ("sign",)
    assert m.reason == "sign slip: the working gives 15, and −15 is its negative"


def test_a_right_value_by_wrong_working():
    # 15 written, but the working 3 * 5 + 1 gives 16 (and 15 only by luck)
    (m,) = mark([entry("b", 15, "w * c + 1", [Input("w", value=3, means="w2"), Input("c", value=5, means="c")])], TRUTH)
    assert m.verdict == WRONG_WORKING and m.is_correct
    assert "arithmetic" in m.codes


def test_a_wrong_weight_used():
    (m,) = mark([entry("b", 10, "w * c", [Input("w", value=2, means="w1"), Input("c", value=5, means="c")])], TRUTH)
    assert m.verdict == WRONG
    assert "uses $w_1$ where the chain rule needs $w_2$" in m.reason


def test_an_unexplained_change_is_named_once_at_its_first_step():
    # the student wrote b = 15 but a's working uses 16 for b, twice (two entries of the same step)
    first = a_entry(32, b_used=16)
    second = entry("a", 32, "w * b", [Input("w", value=2, means="w1"), Input("b", value=16, means="b")])
    b, a1 = mark([b_entry(15), first], TRUTH)
    assert a1.verdict == WRONG
    assert a1.reason.startswith("uses $b = 16$, though the student wrote 15 for it: an unexplained change")
    st_marks = mark([b_entry(15), first, second.__class__(**{**second.__dict__, "id": "t.a2"})], TRUTH)
    # the change is one mistake, charged where it is first made; a later step right on it is carried
    assert st_marks[2].verdict == CARRIED
    assert st_marks[2].reason == "carries the changed $b = 16$ of its working: the step itself is right on it"
    assert "the change was named at $a$" in st_marks[2].diagnoses
    assert sum("unexplained change" in d for m in st_marks for d in m.diagnoses) == 1
    # a later step that is not right even on the changed value stays wrong, and refers to the change
    third = entry("a", 33, "w * b", [Input("w", value=2, means="w1"), Input("b", value=16, means="b")])
    later = mark([b_entry(15), first, third.__class__(**{**third.__dict__, "id": "t.a3"})], TRUTH)[2]
    assert later.verdict == WRONG and any("rests on the changed $b = 16$ (named at $a$)" in d for d in later.diagnoses)


def test_product_where_the_chain_rule_has_a_sum():
    truth = Truth(values={"p": 1.0, "q": 2.0, "g": 1.0, "h": 4.0, "y": 6.0},
                  labels={k: k for k in "pqghy"},
                  formulas={"y": sp.Symbol("g") * sp.Symbol("q") + sp.Symbol("h") * sp.Symbol("p")})
    inputs = [Input("g", value=1, means="g"), Input("q", value=2, means="q"), Input("h", value=4, means="h"),
              Input("p", value=1, means="p")]
    e = Entry(id="t.y", problem=1, part="t", quantity="y", label="y", written=6, formula="g*q*h*p",
              inputs=tuple(inputs), expression=sp.Symbol("g") * sp.Symbol("q") * sp.Symbol("h") * sp.Symbol("p"))
    (m,) = mark([e], truth)
    assert m.verdict == WRONG_WORKING  # the value follows the sum, the working writes a product
    assert m.codes == ("product_for_sum",)


def test_the_table_has_a_row_per_mark_and_upper_cases_only_the_first_letter():
    table = marks_table(mark([b_entry(16), a_entry(32)], TRUTH))
    assert table.count("\n") == 3
    assert "✗ wrong" in table and "↪ carried" in table
    assert "Carries the student's own $b = 16$" in table


# ------------------------------------------------------------------ the homework
def homework_marks(problem):
    given = load_given(problem)
    return mark(load_transcription(problem=problem), mistakes.truth_of(problem, given), given)


def test_the_homework_scores_23_correct_and_33_with_follow_through():
    scores = {p: score(homework_marks(p)) for p in (1, 2, 3)}
    assert scores == {1: (8, 8), 2: (9, 9), 3: (6, 16)}
    assert sum(c for c, _ in scores.values()) == 23 and sum(f for _, f in scores.values()) == 33


def test_the_homework_verdicts_of_problem_3():
    marks = {m.quantity: m for m in homework_marks(3)}
    carried = {q for q, m in marks.items() if m.verdict == CARRIED}
    assert carried == {"dL/dz1", "dL/dz2", "dL/dw1_11", "dL/dw1_12", "dL/dw1_21", "dL/dx1",
                       # right on the changed values their working uses (-10 for dL/dz, 10 and -10 for dL/dz1, dL/dz2)
                       "dL/dw3_21", "dL/dw2_12", "dL/dy1", "dL/dy2"}
    assert marks["dL/dw3_21"].reason.startswith("carries the changed $\\partial L / \\partial z = -10$")
    assert marks["dL/dz"].codes == ("arithmetic",)  # 2(z - t) = 2(-1 - 2) is -6, not -2
    assert marks["dL/dw2_21"].mistakes == ("lost_sign_of_negative_input",)  # 10 × y2 with y2 = -1 written as 10
    assert marks["dL/dw1_22"].mistakes == ("lost_sign_of_negative_input",)
    assert marks["dL/dx2"].codes == ("this_step",)  # the chain rule on 20 and 10 gives 30
    assert "gives 30, not 0" in marks["dL/dx2"].reason
    assert "product_for_sum" in marks["dL/dy2"].codes and marks["dL/dy2"].reason.startswith("carries the changed")
    assert marks["dL/dw3_11"].verdict == WRONG and marks["dL/dw2_11"].verdict == WRONG  # where the changes are made


def test_each_change_of_an_upstream_value_is_named_once():
    marks = homework_marks(3)
    named = [(m.quantity, d) for m in marks for d in m.diagnoses if "unexplained change" in d]
    assert [q for q, _ in named] == ["dL/dw3_11", "dL/dw2_11"]
    # the +10 for dL/dz1 is not what even the changed dL/dz = -10 gives
    assert "not even the changed $\\partial L / \\partial z = -10$ gives it" in named[1][1]
    # the -10 for dL/dz2 is: no new mistake, and the step on it is carried
    explained = {m.quantity: m for m in marks}["dL/dw2_12"]
    assert explained.verdict == CARRIED
    assert any("what the chain rule gives from the changed" in d and "not a mistake of its own" in d
               for d in explained.diagnoses)


def test_no_wrong_value_is_also_called_right():
    for p in (1, 2, 3):
        for m in homework_marks(p):
            text = " ".join(m.diagnoses)
            if m.verdict == WRONG:
                assert m.diagnoses and "the step itself is right" not in text
            if m.verdict == CARRIED:
                assert m.reason.startswith("carries") and "new mistake" not in text
            if m.verdict == CORRECT:
                assert m.diagnoses == ()


def test_comparison_markdown_shows_both_scores():
    text = comparison_markdown(3, load_given(3))
    assert "Of the 23 written results, 6 are correct, and 16 with follow-through" in text
    assert "differs" not in text
    other = comparison_markdown(3, {"weights": [[[1]]], "x": [1], "t": 1})
    assert other.startswith("The Given above differs from the homework's")
    assert "\\partial l" not in text and "-6" not in text.replace("= -", "")  # U+2212 in prose


# ------------------------------------------------------------------ marking bare values
def test_value_marker_gives_each_verdict_kind():
    marker = ValueMarker(3, load_given(3))
    got = marker.verdicts({"dL/dz": -3, "dL/dz1": -3, "dL/dz2": None, "y1": 1, "dL/dw2_21": -6, "dL/dx2": 123})
    assert got["dL/dz"] == (WRONG, ("dropped_factor_2",))
    assert got["dL/dz1"] == (CARRIED, ())
    assert got["dL/dz2"] == (BLANK, ())
    assert got["y1"] == (CORRECT, ())
    assert got["dL/dx2"] == (WRONG, ())
    # -6 for dL/dw2_21 is y2 dL/dz1 with the sign of y2 = -1 lost, on the student's own dL/dz1 = -6 ...
    assert marker.verdicts({"dL/dz1": -6, "dL/dw2_21": -6})["dL/dw2_21"] == (WRONG, ("lost_sign_of_negative_input",))
    # ... and, with no dL/dz1 written, on the true one
    assert marker.verdicts({"dL/dw2_21": -6})["dL/dw2_21"] == (WRONG, ("lost_sign_of_negative_input",))


def test_a_blank_intermediate_is_worked_out_from_the_students_own_values():
    """y2 written wrong, z left blank, dL/dz right on the z that y2 gives: carried (it was wrong while a blank z
    stood for the true one), resting on y2; a z that the student wrote is used as written."""
    given = load_given(3)
    marker = ValueMarker(3, given)
    (w1, w2, w3), (x1, x2), t = given["weights"], given["x"], given["t"]
    y1 = x1 * w1[0][0] + x2 * w1[1][0]
    y2 = x1 * w1[0][1] + x2 * w1[1][1] + 1  # one more than the true y2
    z = w3[0][0] * (y1 * w2[0][0] + y2 * w2[1][0]) + w3[1][0] * (y1 * w2[0][1] + y2 * w2[1][1])
    assert marker.own_values({"y2": y2})["z"] == z != marker.truth.values["z"]
    gradient = 2 * (z - t)
    values = {"y2": y2, "z": None, "dL/dz": gradient}
    assert marker.verdicts(values)["dL/dz"] == (CARRIED, ())
    assert marker.rests_on("dL/dz", values) == ("y2",) and marker.follows("dL/dz", values)
    # a z written down is the student's z, even where their y2 would give another
    assert marker.verdicts({"y2": y2, "z": z + 5, "dL/dz": gradient})["dL/dz"] == (WRONG, ())
    # with nothing written upstream, a blank is the true value: a gradient off by one is wrong
    assert marker.verdicts({"dL/dz": marker.truth.values["dL/dz"] + 1})["dL/dz"][0] == WRONG


def test_a_carried_value_names_the_inexact_values_it_rests_on_when_none_is_wrong():
    """y1 = 1.004 agrees with the true 1 (three significant figures); dL/dw2_11 = y1 dL/dz1 = -6.024 does not agree
    with -6 but follows from that y1: carried, resting on y1 (not on nothing)."""
    marker = ValueMarker(3, load_given(3))
    values = {"y1": 1.004, "dL/dw2_11": 1.004 * marker.truth.values["dL/dz1"]}
    verdicts = marker.verdicts(values)
    assert verdicts["y1"] == (CORRECT, ()) and verdicts["dL/dw2_11"] == (CARRIED, ())
    assert marker.rests_on("dL/dw2_11", values) == ("y1",)
    assert marker.rests_on("dL/dw2_11", {"y1": 3.0, "dL/dz1": -6.5, "dL/dw2_11": -19.5}) == ("dL/dz1", "y1")


def test_value_marker_agrees_with_mark_on_the_homework():
    given = load_given(3)
    entries = load_transcription(problem=3)
    got = {q: v for q, (v, _) in ValueMarker(3, given).verdicts({e.quantity: e.written for e in entries}).items()}
    marks = {m.quantity: m for m in homework_marks(3)}
    # the values alone cannot show a step right on a changed value that only its working reveals
    differ = {q for q in marks if got[q] != marks[q].verdict}
    assert differ == {"dL/dw3_21", "dL/dw2_12", "dL/dy1", "dL/dy2"}
    assert all(got[q] == WRONG and marks[q].reason.startswith("carries the changed") for q in differ)


def test_answer_quantities():
    assert len(answer_quantities(3, mistakes.truth_of(3, load_given(3)))) == 23
    assert set(answer_quantities(2, mistakes.truth_of(2, load_given(2)))) == {
        f"{p}.{q}" for p in "abc" for q in ("padding", "stride", "filters")}
    assert "standard.macs" in answer_quantities(1, mistakes.truth_of(1, load_given(1)))


def test_a_decimal_given_is_marked_against_its_exact_truth():
    """y₁ = 0.1 · 0.1 + 0.35 · 0.35 = 0.1325 exactly (0.13249999999999998 in float64): 0.133 rounds to it at three
    figures (ties away from zero), 0.132 does not, and is no carried value either, as the class marker has it."""
    given = {"weights": [[[0.1, 0], [0.35, 0]], [[1, 0], [0, 1]], [[1], [1]]], "x": [0.1, 0.35], "t": 0}
    marker = ValueMarker(3, given)
    assert marker.verdicts({"y1": 0.133})["y1"] == ("correct", ())
    assert marker.verdicts({"y1": 0.132})["y1"][0] == "wrong"
    assert marker.verdicts({"y1": 0.2, "z1": 0.2})["z1"] == ("carried", ())
