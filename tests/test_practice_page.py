"""Tests of hwlib.practice_page: a variant's section carries the test hooks, labels, data and the chapter's text."""

from __future__ import annotations

import html
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hwlib import mistakes, practice, practice_page, problems
from hwlib.tolerance import DEFAULT

FORM = re.compile(r"<form class=\"practice-variant\".*?</form>", re.S)
DATA = re.compile(r'<script type="application/json" class="practice-data">(.*?)</script>', re.S)


@pytest.mark.parametrize("problem, seed", [(1, 0), (2, 5), (3, 11)])
def test_variant_section_has_the_hooks_labels_and_the_chapters_text(problem, seed):
    v = practice.variant(problem, seed)
    text = practice_page.variant_markdown(problem, seed, number=2)
    assert text.startswith(f"## Variant 2 (seed {seed})\n")
    form = FORM.search(text).group(0)
    assert f'data-problem="{problem}" data-seed="{seed}"' in form
    assert "\n\n" not in form  # one HTML block: a blank line would end it in Markdown
    quantities = re.findall(r'<input id="([^"]+)"[^>]*data-quantity="([^"]+)"', form)
    assert [html.unescape(q) for _, q in quantities] == list(v.answers)
    for field, _ in quantities:
        assert form.count(f'<label for="{field}">') == 1
        assert f'aria-describedby="{field}-feedback"' in form and f'<span id="{field}-feedback"' in form
    assert form.count('data-action="check"') == 1 and 'aria-live="polite"' in form
    assert problems.get(problem).worked.statement(v.given).strip() in text
    solution = text[text.index("<summary>Worked solution</summary>"):]
    assert problems.get(problem).worked.solution(v.given).strip() in solution
    assert solution.rstrip().endswith("</details>")


@pytest.mark.parametrize("problem", [1, 2, 3])
@settings(max_examples=20)
@given(seed=st.integers(min_value=0, max_value=10**6))
def test_checker_data_matches_the_answers_and_the_catalogue(problem, seed):
    v = practice.variant(problem, seed)
    data = practice_page.checker_data(v)
    assert (data["problem"], data["seed"], data["policy"]) == (problem, seed, {"sig_figs": 3, "rel": None})
    truth = problems.get(problem).truth_function(**v.given).values
    assert list(data["quantities"]) == list(v.answers)
    for quantity, spec in data["quantities"].items():
        assert spec["answer"] == pytest.approx(truth[quantity])
        assert spec["kind"] == ("real" if problem == 3 else "count")
        assert spec["label"] and spec["hint"].startswith("Look")
        for wrong in spec["mistakes"]:
            assert not DEFAULT.agrees(wrong["value"], truth[quantity], spec["kind"])
            named = [m.name for m in mistakes.diagnose(problem, v.given, quantity, wrong["value"])]
            assert wrong["name"] in named  # the page names what hwlib.mistakes diagnoses
    expected = {
        (q, m.name)
        for m in mistakes.CATALOGUE if m.problem == problem
        for q, value in m.predict(v.given).items()
        if q in v.answers and not DEFAULT.agrees(value, truth[q], "real" if problem == 3 else "count")
    }
    assert {(q, w["name"]) for q, spec in data["quantities"].items() for w in spec["mistakes"]} == expected


def test_embedded_data_is_json_that_cannot_close_its_script():
    text = practice_page.variant_markdown(3, 4)
    data = json.loads(DATA.search(text).group(1))
    assert data["quantities"]["dL/dw3_11"]["label"] == "∂L/∂w³₁₁"
    assert "</" not in DATA.search(text).group(1)


def test_labels_and_hints_name_the_quantity_in_the_books_notation():
    assert practice_page.quantity_label(1, "depthwise.macs") == "Depthwise step: MACs"
    assert practice_page.quantity_label(2, "b.padding") == "(b) padding p"
    assert practice_page.quantity_label(3, "dL/dw2_11") == "∂L/∂w²₁₁"
    g = {"weights": [[[1, 2], [0, 1]], [[1, 1], [2, 1]], [[1], [-1]]], "x": [1, 2], "t": 1}
    assert practice_page.hint(3, g, "dL/dw2_12") == "Look at this step of the chain rule: ∂L/∂w²₁₂ = y₁ · ∂L/∂z₂."
    assert practice_page.hint(3, g, "y2") == "Look at this step of the forward pass: y₂ = x₁ · w¹₁₂ + x₂ · w¹₂₂."
    assert practice_page.hint(3, g, "dL/dz") == "Look at the loss's derivative: ∂L/∂z = 2(z − t)."
    with pytest.raises(ValueError, match="quantity must be"):
        practice_page.quantity_label(1, "standard.volume")
    with pytest.raises(ValueError, match="quantity must be"):
        practice_page.hint(3, g, "dL/dw9_11")


def test_problem3_weights_are_shown_as_matrices_row_from_column_to():
    given = {"weights": [[[2, 0], [1, 1]], [[1, -1], [1, 0]], [[1], [1]]], "x": [1, -1], "t": 2}
    text = practice_page.weights_markdown(given)
    assert r"$W^{1} = \begin{pmatrix} 2 & 0 \\ 1 & 1 \end{pmatrix}$" in text
    assert r"$W^{2} = \begin{pmatrix} 1 & -1 \\ 1 & 0 \end{pmatrix}$" in text
    assert text.endswith(r"and $W^{3} = \begin{pmatrix} 1 \\ 1 \end{pmatrix}$.")
    assert practice_page.weights_markdown(practice.make_given(3, 2)) in practice_page.variant_markdown(3, 2)
