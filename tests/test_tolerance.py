"""hwlib.tolerance: one rule of agreement (the shared cases of number_cases.json are in test_typed_number.py)."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hwlib.tolerance import COUNT, DEFAULT, REAL, Policy, exact


def test_exact_reads_a_float_as_the_decimal_it_prints_as():
    assert exact(0.1) == Fraction(1, 10)
    assert exact(Decimal("1E+3")) == 1000 and exact(np.int64(7)) == 7 and exact(Fraction(1, 3)) == Fraction(1, 3)
    assert exact(math.nan) is None and exact(math.inf) is None and exact(Decimal("NaN")) is None


@pytest.mark.parametrize("bad", [True, "1", None, [1]])
def test_exact_refuses_what_is_not_a_number(bad):
    with pytest.raises(TypeError, match="value must be a real number"):
        exact(bad)


@pytest.mark.parametrize("kind", [COUNT, REAL])
def test_nothing_non_finite_agrees(kind):
    for a, b in [(math.nan, math.nan), (math.inf, math.inf), (1.0, math.nan), (math.nan, 1.0), (-math.inf, -math.inf)]:
        assert not DEFAULT.agrees(a, b, kind)
        assert not Policy(rel=0.5).agrees(a, b, kind)


def test_a_count_agrees_only_with_the_same_whole_number():
    assert DEFAULT.agrees(1620000, 1620000.0, COUNT) and DEFAULT.agrees(Decimal("1.62e6"), 1620000, COUNT)
    assert not DEFAULT.agrees(1620001, 1620000, COUNT) and not DEFAULT.agrees(1619999.9, 1620000, COUNT)
    assert not DEFAULT.agrees(2.5, 2.5, COUNT)
    assert not Policy(rel=0.5).agrees(3, 4, COUNT)  # a relative tolerance is for real values only


@pytest.mark.parametrize("policy, message", [
    (dict(sig_figs=0), "sig_figs must be between 1 and 17"), (dict(sig_figs=2.0), "sig_figs must be an integer"),
    (dict(rel=-0.1), "rel must be >= 0 and < 1"), (dict(rel=math.nan), "rel must be >= 0"),
    (dict(rel="0.1"), "rel must be a number"),
])
def test_an_impossible_policy_is_refused(policy, message):
    with pytest.raises((TypeError, ValueError), match=message):
        Policy(**policy)


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind must be 'count' or 'real'"):
        DEFAULT.agrees(1, 1, "integer")


def _rounded_at(value: Decimal, figures: int, like: Decimal) -> Decimal:
    """``value`` rounded (ties away from zero) at the place of ``like``'s ``figures``-th significant digit."""
    place = like.adjusted() - (figures - 1)
    return value.quantize(Decimal(1).scaleb(place), rounding="ROUND_HALF_UP")


@given(st.decimals(min_value=-10**6, max_value=10**6, allow_nan=False, places=4),
       st.decimals(min_value=-10**6, max_value=10**6, allow_nan=False, places=4).filter(lambda d: d != 0),
       st.integers(min_value=1, max_value=6))
def test_a_real_value_agrees_when_both_round_alike_at_the_truths_figures(value, truth, figures):
    """Against decimal's own rounding (ROUND_HALF_UP is ties away from zero), an independent computation."""
    policy = Policy(sig_figs=figures)
    expected = _rounded_at(value, figures, truth) == _rounded_at(truth, figures, truth)
    assert policy.agrees(value, truth, REAL) is expected
    assert policy.agrees(float(value), float(truth), REAL) is expected  # floats compare as the decimals they print as


@given(st.floats(min_value=-1e6, max_value=1e6), st.floats(min_value=-1e6, max_value=1e6),
       st.floats(min_value=0, max_value=0.5))
def test_a_relative_tolerance_compares_the_difference(value, truth, rel):
    expected = abs(exact(value) - exact(truth)) <= exact(rel) * abs(exact(truth))
    assert Policy(rel=rel).agrees(value, truth, REAL) is expected


def test_zero_agrees_only_with_zero():
    assert DEFAULT.agrees(0.0, 0, REAL) and DEFAULT.agrees(-0.0, 0.0, REAL)
    assert not DEFAULT.agrees(1e-300, 0.0, REAL)


# values near powers of ten and near rounding ties, where float64 alone cannot decide
_NEAR = st.builds(lambda k, f, s: s * float(f"{f}e{k}"), st.integers(-30, 30),
                  st.sampled_from(["1", "0.9999999999999999", "1.0000000000000002", "1.0005", "1.0004999999999999",
                                   "9.995", "1.25", "1.235", "2.5"]), st.sampled_from([1, -1]))


@given(values=st.lists(st.one_of(_NEAR, st.floats(allow_nan=True, allow_infinity=True)), min_size=1, max_size=8),
       reference=st.one_of(_NEAR, st.floats(allow_nan=False, allow_infinity=False)),
       count=st.booleans(), rel=st.sampled_from([None, 1e-3]))
def test_the_class_markers_vectorised_rule_is_the_policy(values, reference, count, rel):
    """hwlib.class_vector.agrees decides each element as Policy.agrees does (1.0005e-05 against
    9.999999999999999e-06, which np.power(10.0, -5) is, took the float path and agreed)."""
    from hwlib.class_vector import agrees

    policy = Policy(rel=rel)
    got = agrees(np.array(values), reference, count, policy)
    kind = COUNT if count else REAL
    assert list(got) == [policy.agrees(v, reference, kind) for v in values]


def test_the_power_of_ten_case_of_the_class_marker():
    from hwlib.class_vector import agrees

    assert not agrees(np.array([1.0005e-05]), 9.999999999999999e-06, False, Policy())[0]
    assert not DEFAULT.agrees(1.0005e-05, 9.999999999999999e-06, REAL)
