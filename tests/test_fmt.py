"""hwlib.fmt: the one number format of the book."""

import math

import pytest

from hwlib import fmt


@pytest.mark.parametrize(("value", "text"), [
    (1620000, "1,620,000"), (1620000.0, "1,620,000"), (-6, "−6"), (-0.0, "0"), (0.136, "0.136"),
    (7.352941176, "7.35294"), (1.5e20, "1.5 × 10²⁰"), (-1e-7, "−1 × 10⁻⁷"), (8.4e-10, "8.4 × 10⁻¹⁰"),
])
def test_number(value, text):
    assert fmt.number(value) == text


def test_term_parenthesises_negatives_only():
    assert fmt.term(-1) == "(−1)"
    assert fmt.term(2) == "2"
    assert fmt.term(-0.0) == "0"


def test_latex():
    assert fmt.latex(1620000) == "1{,}620{,}000"
    assert fmt.latex(-6) == "-6"
    assert fmt.latex(1.5e20) == r"1.5 \times 10^{20}"
    assert fmt.latex(-8.4e-10) == r"-8.4 \times 10^{-10}"


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_rejects_non_finite(bad):
    with pytest.raises(ValueError, match="value must be finite"):
        fmt.number(bad)


@pytest.mark.parametrize("bad", ["3", True, None, [1]])
def test_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match="value must be a real number"):
        fmt.number(bad)


def test_rejects_bad_digits():
    with pytest.raises(ValueError, match="digits"):
        fmt.number(1.5, digits=0)


@pytest.mark.parametrize(("value", "text"), [
    (999999.5, "1,000,000"), (0.1234567, "0.123457"), (12345.678, "12,345.7"), (0.00012, "0.00012"),
    (2**53 + 1, "9,007,199,254,740,993"), (-(10**20), "−100,000,000,000,000,000,000"),
])
def test_rounding_stays_positional_and_integers_stay_exact(value, text):
    assert fmt.number(value) == text


def test_prose_precision_rule():
    """Three significant digits, or the whole part and one decimal; exact says whether that is the value."""
    from fractions import Fraction

    assert [fmt.prose(v) for v in (Fraction(49, 360), 7.3469, Fraction(225, 2), Fraction(673, 3), 0.75)] == [
        "0.136", "7.35", "112.5", "224.3", "0.75"]
    assert [fmt.is_exact(v) for v in (Fraction(49, 360), Fraction(225, 2), 0.75, 3, Fraction(6, 2), Fraction(9, 20),
                                      0.45, 0.1 + 0.2)] == [False, True, True, True, True, True, True, False]


def test_a_tie_rounds_away_from_zero_whatever_its_binary_value():
    """30.25 (exact in binary) was written 30.2 while 0.4625 (a hair above in binary) was written 0.463: a page
    showed the loss 30.25 in a table and '≈ 30.2' beside it.  Every tie of the decimal rounds away from zero."""
    from fractions import Fraction

    cases = {30.25: "30.3", 0.4625: "0.463", 1.125: "1.13", 2.675: "2.68", -30.25: "−30.3", 0.0625: "0.0625"}
    for value, written in cases.items():
        assert fmt.number(value, 3) == written, value
    assert fmt.prose(Fraction(121, 4)) == "30.3" and not fmt.is_exact(Fraction(121, 4))
    assert fmt.number(30.25) == "30.25" and fmt.is_exact(30.25 + 0.05)


def test_a_fraction_is_rounded_from_its_exact_value():
    """(-0.75 - 0.1)^2 of a Given with x = 0.3333333333333333 is 0.72249999999999999995..., whose nearest float
    is 0.7225: rounded from the float it read 0.723."""
    from fractions import Fraction

    below_tie = Fraction(7225, 10000) - Fraction(1, 10**20)
    assert float(below_tie) == 0.7225
    assert fmt.number(below_tie, 3) == "0.722" and fmt.number(Fraction(7225, 10000), 3) == "0.723"
    assert fmt.number(-below_tie, 3) == "−0.722" and fmt.prose(Fraction(1, 3)) == "0.333"
