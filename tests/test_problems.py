"""hwlib.problems: the one registry of the three problems."""

from __future__ import annotations

import pytest

from hwlib import answers, givens, mistakes, problems, worked
from hwlib.transcription import load_given


def test_every_problem_once_in_order():
    assert problems.NUMBERS == (1, 2, 3)
    assert [problems.get(n).number for n in problems.NUMBERS] == [1, 2, 3]
    assert [p.worked for p in problems.PROBLEMS] == [worked.problem1, worked.problem2, worked.problem3]
    assert [p.check for p in problems.PROBLEMS] == [givens.problem1, givens.problem2, givens.problem3]


@pytest.mark.parametrize("bad", [0, 4, True, "1", None])
def test_an_unknown_problem_is_refused(bad):
    with pytest.raises(ValueError, match="problem must be 1, 2 or 3"):
        problems.get(bad)


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_homework_given_has_the_registered_names_and_passes_the_check(number):
    problem = problems.get(number)
    given = load_given(number)
    assert tuple(given) == problem.given_names
    assert set(problem.check(given)) == set(problem.given_names)


@pytest.mark.parametrize("number", [1, 2, 3])
def test_truth_is_the_truth_function_and_cached(number):
    problem = problems.get(number)
    given = load_given(number)
    direct = problem.truth_function(**given)
    assert problem.truth(given).values == pytest.approx(direct.values, nan_ok=True)
    assert problem.truth(given) is problem.truth(dict(given))  # one cache, keyed on the Given's data
    assert mistakes.truth_of(number, given) is problem.truth(given)


def test_the_cache_tells_a_float_size_from_an_int():
    given = dict(load_given(1))
    problems.get(1).truth(given)
    with pytest.raises(TypeError, match="kernel must be an integer"):
        problems.get(1).truth({**given, "kernel": float(given["kernel"])})


def test_a_given_with_the_wrong_keys_names_them():
    with pytest.raises(TypeError, match="missing 'kernel'"):
        problems.get(1).truth({"in_shape": (8, 8, 3), "out_shape": (8, 8, 4)})


@pytest.mark.parametrize("number", [1, 2, 3])
def test_asked_quantities_are_the_worked_solutions_answers(number):
    problem = problems.get(number)
    given = load_given(number)
    assert problem.answers(given) == pytest.approx(problem.worked.answer_quantities(given))
    assert list(problem.answers(given)) == list(problem.worked.answer_quantities(given))


@pytest.mark.parametrize("number", [1, 2, 3])
def test_computed_quantities_are_every_quantity_outside_the_given(number):
    problem = problems.get(number)
    truth = problem.truth(load_given(number))
    computed = problem.computed(truth)
    assert len(computed) == len(set(computed))
    assert set(problem.asked(truth)) <= set(computed) <= set(truth.values)
    outside = {q for q in truth.values if q in truth.formulas or q in computed}
    assert set(computed) >= {q for q in outside if q != "L" or number == 3}


def test_problem3_computed_in_the_order_of_backpropagation():
    problem = problems.get(3)
    computed = problem.computed(problem.truth(load_given(3)))
    assert computed[:computed.index("L") + 1] == ["y1", "y2", "z1", "z2", "z", "L"]
    assert computed[computed.index("L") + 1] == "dL/dz"
    assert len(computed) == 23


def test_catalogue_is_the_catalogue_split_by_problem():
    split = [m for p in problems.PROBLEMS for m in p.catalogue]
    assert sorted(split, key=mistakes.CATALOGUE.index) == list(mistakes.CATALOGUE)
    assert all(m.problem == p.number for p in problems.PROBLEMS for m in p.catalogue)


def test_chapters_exist():
    from pathlib import Path

    book = Path(__file__).resolve().parents[1] / "book"
    assert all((book / p.notebook).is_file() for p in problems.PROBLEMS)


def test_given_key_tells_apart_what_the_checks_tell_apart():
    assert answers.given_key({"a": [1, 2]}) == answers.given_key({"a": (1, 2)})
    assert answers.given_key({"a": 1}) != answers.given_key({"a": 1.0})
    assert answers.given_key({"a": True}) != answers.given_key({"a": 1})
    assert answers.given_key({"a": 1, "b": 2}) != answers.given_key({"b": 2, "a": 1})
