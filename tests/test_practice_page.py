"""Tests of hwlib.practice_page: a variant's section carries the test hooks, labels, data and the chapter's text."""

from __future__ import annotations

import html
import json
import math
import re

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from hwlib import practice, practice_page, problems

FORM = re.compile(r"<form class=\"practice-variant\".*?</form>", re.DOTALL)
DATA = re.compile(r'<script type="application/json" class="practice-data">(.*?)</script>', re.DOTALL)


@pytest.mark.parametrize("problem, seed", [(1, 0), (2, 5), (3, 11)])
def test_variant_section_has_the_hooks_labels_and_the_chapters_text(problem, seed):
    v = practice.variant(problem, seed)
    text = practice_page.variant_markdown(problem, seed, number=2)
    assert text.startswith(f"## Variant 2 (seed {seed})\n")
    # the notebook holds the form's place, a comment every viewer hides; the build puts the form there
    assert "<form" not in text and "<input" not in text and "<script" not in text
    placeholder = f"<!-- practice-form: problem {problem}, seed {seed} -->"
    assert f"\n\n{placeholder}\n\n" in text
    form = practice_page.expand_placeholder(placeholder)
    assert form == practice_page.form_html(problem, seed) and FORM.fullmatch(form)
    assert f'data-problem="{problem}" data-seed="{seed}"' in form
    assert "\n\n" not in form  # one HTML block: a blank line would end it in Markdown
    quantities = re.findall(r'<input id="([^"]+)"[^>]*data-quantity="([^"]+)"', form)
    truth = problems.get(problem).truth(v.given)
    assert [html.unescape(q) for _, q in quantities] == [q for q, _ in practice.fields(problem, truth)]
    assert set(v.answers) <= {html.unescape(q) for _, q in quantities}
    for field, _ in quantities:
        assert form.count(f'<label for="{field}">') == 1
        assert f'aria-describedby="{field}-feedback"' in form and f'<span id="{field}-feedback"' in form
    assert form.count('data-action="check"') == 1 and form.count('data-action="reset"') == 1
    assert 'aria-live="polite"' in form
    assert problems.get(problem).worked.statement(v.given).strip() in text
    # the worked solution is plain Markdown under its heading, the variant's last part (the build adds the toggle)
    solution = text[text.index("\n\n### Worked solution\n\n"):]
    assert solution.strip().endswith(problems.get(problem).worked.solution(v.given).strip())
    assert "<details" not in text and "<template" not in text


@pytest.mark.parametrize("problem", [1, 2, 3])
@settings(max_examples=20)
@given(seed=st.integers(min_value=0, max_value=10**6))
def test_checker_data_states_the_given_and_the_rules_not_the_answers(problem, seed):
    v = practice.variant(problem, seed)
    data = practice_page.checker_data(v)
    assert (data["problem"], data["seed"], data["policy"]) == (problem, seed, {"sig_figs": 3, "rel": None})
    registered = problems.get(problem)
    truth = registered.truth(v.given)
    assert [f["key"] for f in data["fields"]] == [q for q, _ in practice.fields(problem, truth)]
    assert not set(data["known"]) & set(registered.computed(truth))  # no computed value is written in the page
    assert "answer" not in json.dumps(data["fields"])
    for spec in data["fields"]:
        assert spec["kind"] == truth.kind(spec["key"])
        assert spec["label"] and spec["hint"].startswith("Look")
        assert spec["optional"] is (problem == 3 and spec["key"] not in v.answers)  # the located steps of P3
    assert set(data["formulas"]) == set(truth.formulas)
    assert [m["name"] for m in data["mistakes"]] == [m.name for m in registered.catalogue]


def _evaluate(tree, env):
    if "q" in tree:
        return env[tree["q"]]
    if "n" in tree:
        return tree["n"]
    if "+" in tree:
        return sum(_evaluate(t, env) for t in tree["+"])
    if "*" in tree:
        return math.prod(_evaluate(t, env) for t in tree["*"])
    if "^" in tree:
        return _evaluate(tree["^"][0], env) ** _evaluate(tree["^"][1], env)
    return abs(_evaluate(tree["abs"], env))


def test_expression_trees_keep_the_formula():
    x, y = sp.symbols("x1 dL/dy2")
    expr = 2 * (x - y) ** 2 + sp.Abs(x) * y - 3
    tree = practice_page.expression_tree(expr)
    for a, b in [(1.5, -2.0), (-3.0, 0.25), (0.0, 7.0)]:
        assert _evaluate(tree, {"x1": a, "dL/dy2": b}) == pytest.approx(float(expr.subs({x: a, y: b})))
    with pytest.raises(ValueError, match="expr must be built of"):
        practice_page.expression_tree(sp.sin(x))


def test_embedded_data_is_json_that_cannot_close_its_script():
    text = practice_page.form_html(3, 4)
    data = json.loads(DATA.search(text).group(1))
    assert {f["key"]: f["label"] for f in data["fields"]}["dL/dw3_11"] == "∂L/∂w³₁₁"
    assert "</" not in DATA.search(text).group(1)


def test_only_a_whole_placeholder_comment_is_expanded():
    controls = practice_page.controls_markdown(2)
    assert controls.strip() == "<!-- practice-controls: problem 2 -->"
    assert practice_page.expand_placeholder(controls) == practice_page.controls_html(2)
    for text in ("<!-- other -->", "<!-- practice-form: problem 1 -->", "<!-- practice-controls: problem 1, seed 3 -->",
                 "x <!-- practice-form: problem 1, seed 0 -->", "<!-- practice-form: problem 1, seed 0 --> y"):
        assert practice_page.expand_placeholder(text) is None, text
    with pytest.raises(ValueError, match="problem"):
        practice_page.expand_placeholder("<!-- practice-form: problem 9, seed 0 -->")


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
