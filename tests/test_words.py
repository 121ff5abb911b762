"""hwlib.words: the template helpers every section's words use."""

import pytest

from hwlib import words


@pytest.mark.parametrize("n, expected", [(1, "1 filter"), (0, "0 filters"), (2, "2 filters"),
                                         (1620000, "1,620,000 filters"), (-1, "−1 filter")])
def test_count(n, expected):
    assert words.count(n, "filter") == expected


def test_count_irregular():
    assert words.count(2, "matrix", "matrices") == "2 matrices"
    assert words.plural(1, "matrix", "matrices") == "matrix"


@pytest.mark.parametrize("phrase, expected", [
    ("3-wide window", "a 3-wide window"), ("11-wide window", "an 11-wide window"),
    ("8 × 8 grid", "an 8 × 8 grid"), ("18-wide", "an 18-wide"), ("80-wide", "an 80-wide"), ("1-wide", "a 1-wide"),
    ("110-wide", "a 110-wide"), ("11,000 weights", "an 11,000 weights"), ("1,100 weights", "a 1,100 weights"),
    ("input", "an input"), ("unit", "a unit"), ("output", "an output"), ("hour", "an hour"), ("stride", "a stride"),
])
def test_a_an(phrase, expected):
    assert words.a_an(phrase) == expected


def test_join_words():
    assert words.join_words([]) == ""
    assert words.join_words(["a"]) == "a"
    assert words.join_words(["a", "b", "c"], "or") == "a, b or c"


def test_render_from_string_collapses_blank_lines_and_missing_facts_fail():
    env = words.environment()
    template = env.from_string("{{ count(n, 'filter') }}, {{ x | number }}, {{ ('11-wide') | a_an }}")
    assert template.render(n=3, x=-1620000) == "3 filters, −1,620,000, an 11-wide"
    with pytest.raises(Exception, match="undefined"):
        env.from_string("{{ missing }}").render()
