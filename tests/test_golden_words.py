"""Golden renderings of every section of Problems 1 and 2 for a reviewed set of Givens.

Each file under ``tests/golden/problem1/`` and ``tests/golden/problem2/`` holds every section the chapter and the
practice pages show for one Given, in order.  A change of wording shows in a diff of these files; regenerate with
``HWLIB_REGEN_GOLDEN=1 pytest tests/test_golden_words.py`` and read the diff before committing it.  What each
sentence claims is tested against independent computations in ``tests/test_facts_p1_p2.py``.
"""

from __future__ import annotations

import json

import pytest

from hwlib.transcription import load_given
from hwlib.worked import problem1, problem2

from golden import check_golden

PROBLEM1 = {
    "homework": load_given(1),
    # one output position: every stride from the smallest up works, for each padding
    "single-output-kernel-larger-than-input": {"in_shape": (4, 4, 2), "out_shape": (1, 1, 2), "kernel": 7},
    # a stride longer than the window: rows between the windows are read by none
    "1x1-kernel-stride-4": {"in_shape": (32, 32, 8), "out_shape": (8, 8, 16), "kernel": 1},
    "even-kernel-stride-2": {"in_shape": (28, 28, 3), "out_shape": (14, 14, 6), "kernel": 4},
    "non-square": {"in_shape": (9, 7, 4), "out_shape": (5, 4, 6), "kernel": 3},
    "several-strides-per-padding": {"in_shape": (10, 10, 2), "out_shape": (2, 2, 2), "kernel": 3},
    "1x1-kernel-costs-more": {"in_shape": (8, 8, 4), "out_shape": (8, 8, 8), "kernel": 1},
    "one-output-channel-costs-more": {"in_shape": (8, 8, 4), "out_shape": (8, 8, 1), "kernel": 3},
    "11-wide-kernel-one-channel": {"in_shape": (11, 11, 1), "out_shape": (3, 3, 1), "kernel": 11},
    "large-stem-layer": {"in_shape": (224, 224, 3), "out_shape": (112, 112, 64), "kernel": 7},
    "same-size-stride-1": {"in_shape": (28, 28, 3), "out_shape": (28, 28, 6), "kernel": 5},
}

PROBLEM2 = {
    "homework": load_given(2),
    # the output is half the input: stride 2 for every kernel asked for
    "half-size-kernels-1-2-3": {"in_volume": (32, 32, 3), "out_volume": (16, 16, 8),
                                "kernels": {"a": 1, "b": 2, "c": 3}},
    # even kernels keeping the size: impossible with symmetric padding, answered in words
    "even-kernels-same-size": {"in_volume": (20, 20, 10), "out_volume": (20, 20, 10),
                               "kernels": {"a": 2, "b": 4, "c": 3}},
    # an even kernel keeping a non-square size: no symmetric padding on either axis, an asymmetric one works
    "even-kernel-asymmetric-padding": {"in_volume": (12, 9, 4), "out_volume": (12, 9, 6),
                                       "kernels": {"a": 2, "b": 5, "c": 3}},
    "single-output": {"in_volume": (4, 4, 1), "out_volume": (1, 1, 1), "kernels": {"a": 3}},
    "non-square": {"in_volume": (9, 7, 4), "out_volume": (5, 4, 6), "kernels": {"a": 3, "b": 2}},
    "non-square-no-common-setting": {"in_volume": (30, 30, 3), "out_volume": (15, 10, 6), "kernels": {"a": 3}},
    # a repeated kernel beside a non-square volume: the kernel table solves the height alone, and says so
    "non-square-repeated-kernel": {"in_volume": (9, 7, 4), "out_volume": (5, 4, 6), "kernels": {"a": 3, "b": 3}},
    "output-too-large": {"in_volume": (30, 30, 3), "out_volume": (50, 50, 6), "kernels": {"a": 3, "b": 1}},
    "1x1-kernel-stride-4": {"in_volume": (32, 32, 8), "out_volume": (8, 8, 16), "kernels": {"a": 1}},
    "11-wide-kernel-one-filter": {"in_volume": (11, 11, 1), "out_volume": (3, 3, 1), "kernels": {"a": 11, "b": 1}},
    "large-sizes": {"in_volume": (224, 224, 3), "out_volume": (112, 112, 64), "kernels": {"a": 1, "b": 3, "c": 7}},
}


def given_header(given: dict) -> str:
    return "<!-- Given: " + json.dumps({k: (list(v) if isinstance(v, tuple) else v) for k, v in given.items()}) + " -->"


def page(sections: list[tuple[str, str]]) -> str:
    return "\n\n".join(f"## {name}\n\n{text}" if text else f"## {name}\n\n(empty)" for name, text in sections)


@pytest.mark.parametrize("name", sorted(PROBLEM1))
def test_problem1_sections(name):
    g = PROBLEM1[name]
    case = problem1.solve(g)
    text = given_header(g) + "\n\n" + page([
        ("statement", problem1.statement(case)),
        ("padding and stride", problem1.padding_stride_text(case)),
        ("costs", problem1.costs_text(case)),
        ("conventions", problem1.conventions_text(case)),
        ("answer", problem1.answer(case)),
    ])
    assert problem1.solution(case).count(problem1.padding_stride_text(case)) == 1
    check_golden(f"problem1/{name}.md", text)


@pytest.mark.parametrize("name", sorted(PROBLEM2))
def test_problem2_sections(name):
    g = PROBLEM2[name]
    case = problem2.solve(g)
    text = given_header(g) + "\n\n" + page([
        ("statement", problem2.statement(case)),
        ("repeated parts", problem2.repeat_note(case)),
        ("principle", problem2.principle_text(case)),
        ("parts", problem2.parts_text(case)),
        ("filters", problem2.filters_text(case)),
        ("figure", problem2.figure_text(case)),
        ("every kernel size", problem2.kernel_table(case)),
        ("the floor", problem2.floor_text(case)),
        ("answer", problem2.answer(case)),
    ])
    assert problem2.solution(case).count(problem2.parts_text(case)) == 1
    check_golden(f"problem2/{name}.md", text)
