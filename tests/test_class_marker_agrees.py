"""The class marker (numpy, :mod:`hwlib.class_vector`) judges each student as the scalar marker of the practice
pages (:class:`hwlib.marker.ValueMarker`) does.

Differential test: the answer sets of ``test_practice_js`` (catalogue mistakes, slips carried on, blanks,
random edits) for variants of each problem, linear and ReLU networks of Problem 3 among them, are marked as one
class per variant; every student's verdict and named mistakes in every column must be the scalar marker's.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from answer_sets import answer_sets

from hwlib import practice, problems
from hwlib.class_vector import BLANK, CARRIED, CORRECT, WRONG, ClassMarker
from hwlib.marker import ValueMarker, answer_quantities
from hwlib.transcription import load_given

SEEDS = {1: range(0, 120, 12), 2: range(0, 120, 12), 3: [*range(0, 32, 4), *range(3, 64, 8)]}  # P3: 8 linear, 8 ReLU
NAMES = {BLANK: "blank", CORRECT: "correct", CARRIED: "carried", WRONG: "wrong"}


@pytest.mark.parametrize("problem", [1, 2, 3])
def test_the_class_marker_gives_every_student_the_scalar_markers_verdicts(problem):
    rng = random.Random(23 + problem)
    compared = 0
    kinds: set[str] = set()
    for seed in SEEDS[problem]:
        given = practice.make_given(problem, seed)
        asked = answer_quantities(problem, problems.get(problem).truth(given))  # the class's columns
        sets = answer_sets(problem, seed, rng)
        columns = [q for q in sets[0] if q in asked]
        sets = [{q: s.get(q) for q in columns} for s in sets]
        givens = {p: (given if p == problem else load_given(p)) for p in (1, 2, 3)}
        marker = ClassMarker(givens, columns)
        marked = marker.mark(
            {q: np.array([np.nan if s.get(q) is None else s[q] for s in sets], dtype=np.float64) for q in columns},
            len(sets))
        scalar = ValueMarker(problem, given)
        for row, values in enumerate(sets):
            expected = scalar.verdicts(values)
            for j, q in enumerate(columns):
                code = int(marked.codes[row, j])
                bits = marked.bits.get(j)
                found = (NAMES[code], tuple(sorted(marker.decode(q, int(bits[row])))) if bits is not None else ())
                want = (expected[q][0], tuple(sorted(expected[q][1])))
                assert found == want, (problem, seed, row, q, values)
                kinds.add(want[0])
                compared += 1
    # every verdict occurs, so none is compared only vacuously (Problem 2's answers follow from nothing the student
    # writes: none is carried)
    assert kinds == set(NAMES.values()) - ({"carried"} if problem == 2 else set())
    print(f"problem {problem}: {compared} verdicts compared")

