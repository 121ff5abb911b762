"""Tests of hwlib.marker on constructed cases, and the verdicts on the homework."""

from __future__ import annotations

import sympy as sp

from hwlib.answers import Truth, problem1_truth, problem2_truth, problem3_truth
from hwlib.marker import CORRECT, WRONG, WRONG_WORKING, mark, marks_table
from hwlib.transcription import Entry, Input, load_given, load_transcription

# A two-step chain: a = 2 b, b = 3 c, with c = 5 given.  True values: b = 15, a = 30.
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


def a_entry(written, formula="w * b"):
    return entry("a", written, formula, [Input("w", value=2, means="w1"), Input("b", ref="b")])


def test_a_right_value():
    (m,) = mark([b_entry(15)], TRUTH)
    assert m.verdict == CORRECT and m.is_correct and m.codes == () and m.computed == 15


def test_a_wrong_value_by_arithmetic():
    (m,) = mark([b_entry(16)], TRUTH)
    assert m.verdict == WRONG
    assert m.codes == ("arithmetic",)
    assert "the working gives 15, not 16" in m.diagnoses[0]


def test_a_carried_forward_error():
    b, a = mark([b_entry(16), a_entry(32)], TRUTH)
    assert b.verdict == WRONG and a.verdict == WRONG
    assert a.codes == ("carried_forward",)
    assert "carries forward the wrong $b$ = 16 (true 15)" in a.diagnoses[0]


def test_a_carried_forward_error_found_by_the_chain_rule_without_working():
    b, a = mark([b_entry(16), entry("a", 32)], TRUTH)
    assert a.codes == ("carried_forward",)
    assert "the step itself is right" in a.diagnoses[0]


def test_a_sign_error():
    (m,) = mark([b_entry(-15)], TRUTH)
    assert m.verdict == WRONG
    assert "sign" in m.codes


def test_a_sign_error_without_working():
    (m,) = mark([entry("b", -15)], TRUTH)
    assert m.codes[0] == "sign" and "the true value is 15" in m.diagnoses[0]


def test_a_wrong_input_used():
    (m,) = mark([b_entry(20, value_of_c=20 / 3)], TRUTH)
    assert m.verdict == WRONG
    assert m.codes == ("wrong_value_used", "carried_forward")  # the step is right for the c it used
    assert "for $c$, whose value is 5" in m.diagnoses[0]


def test_a_wrong_weight_used():
    (m,) = mark([entry("b", 10, "w * c", [Input("w", value=2, means="w1"), Input("c", value=5, means="c")])], TRUTH)
    assert "wrong_symbol" in m.codes
    assert "uses $w_1$ where the chain rule needs $w_2$" in m.diagnoses[0]


def test_a_right_value_by_wrong_working():
    # 15 written, but the working 3 * 5 + 1 gives 16 (and 15 only by luck)
    (m,) = mark([entry("b", 15, "w * c + 1", [Input("w", value=3, means="w2"), Input("c", value=5, means="c")])], TRUTH)
    assert m.verdict == WRONG_WORKING
    assert "arithmetic" in m.codes


def test_a_mistake_made_in_this_step():
    (b, a) = mark([b_entry(15), entry("a", 7)], TRUTH)
    assert a.codes == ("this_step",)
    assert "gives 30, so the error is made in this step" in a.diagnoses[0]


def test_the_table_has_a_row_per_mark():
    table = marks_table(mark([b_entry(15), a_entry(31)], TRUTH))
    assert table.count("\n") == 3
    assert "✓ correct" in table and "✗ wrong" in table


def test_the_homework_verdicts():
    truths = {1: problem1_truth(**load_given(1)), 2: problem2_truth(**load_given(2)), 3: problem3_truth(**load_given(3))}
    verdicts = {p: [m.verdict for m in mark(load_transcription(problem=p), truths[p])] for p in truths}
    assert verdicts[1] == [CORRECT] * 8
    assert verdicts[2] == [CORRECT] * 9
    assert verdicts[3] == [CORRECT] * 6 + [WRONG] * 17
    marks3 = {m.entry.quantity: m for m in mark(load_transcription(problem=3), truths[3])}
    assert marks3["dL/dz"].codes == ("arithmetic",)  # 2(z - t) = 2(-1 - 2) is -6, not -2
    assert marks3["dL/dw1_11"].codes == ("carried_forward",)
    assert "sign" in marks3["dL/dw2_21"].codes
    assert "wrong_symbol" in marks3["dL/dy1"].codes  # w^2_21 where w^2_12 belongs
    assert marks3["dL/dx2"].codes == ("this_step",)
