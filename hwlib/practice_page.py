"""A practice variant as a page section: statement, labelled inputs, the checker's data, the worked solution.

``variant_markdown(problem, seed)`` is what a practice page's code cell
displays: MyST Markdown with two raw HTML blocks, read by the book's
``practice.js`` (``book/practice/``) in the browser, with no kernel and no
server:

* the variant's container ``<form class="practice-variant" data-problem=N
  data-seed=S>`` holds one ``<input data-quantity="<key>">`` per quantity, each
  with its ``<label>`` and a feedback line (``aria-describedby``), the Check
  button (``data-action="check"``), a status line announced to screen readers
  (``role="status"``, ``aria-live="polite"``) and the checker's data as JSON
  (:func:`checker_data`);
* the worked solution (the chapter's own text, ``hwlib.worked.problemN.solution``)
  sits behind a ``<details>`` toggle, inside a ``<template>`` that the script
  puts in place (and MathJax typesets) when the toggle first opens: a page of
  20 solutions would otherwise typeset over a thousand formulas on loading.

After a check, each input carries ``data-verdict="correct"`` or ``"wrong"``;
the feedback says which in words and with a sign (✓, ✗), not by colour alone.

The practice pages (``book/practice_problemN.ipynb``) call :func:`variant_markdown`
for 20 seeds each.  The build renders their committed outputs without executing
them (notebook metadata ``mystnb.execution_mode: off``); nbval checks those
outputs against a fresh run.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Mapping
from typing import Any

import sympy as sp

from hwlib import practice, problems
from hwlib.naming import plain_label
from hwlib.tolerance import COUNT, DEFAULT, Policy
from hwlib.transcription import load_given

__all__ = ["quantity_label", "hint", "weights_markdown", "checker_data", "variant_markdown"]

_P1_STEPS = {
    "standard": "Standard convolution",
    "depthwise": "Depthwise step",
    "pointwise": "Pointwise step",
    "separable": "Depthwise separable, total",
}
_P1_HINTS = {
    "standard.weights": "a standard convolution has one k × k × C_in filter for each of the C_out output channels.",
    "standard.macs": "each of the H_out × W_out × C_out output values is one dot product of k × k × C_in terms.",
    "depthwise.weights": "the depthwise step has one k × k filter per input channel, and no filter mixes channels.",
    "depthwise.macs": "the depthwise step makes H_out × W_out × C_in output values, each from k × k products.",
    "pointwise.weights": "the pointwise step is a 1 × 1 convolution from C_in to C_out channels.",
    "pointwise.macs": "the pointwise step makes H_out × W_out × C_out output values, each from C_in products.",
    "separable.weights": "the separable total is the depthwise step plus the pointwise step.",
    "separable.macs": "the separable total is the depthwise step plus the pointwise step.",
}
_NAMES = {"weights": "weights", "macs": "MACs", "padding": "padding p", "stride": "stride s",
          "filters": "number of filters"}
@functools.lru_cache(maxsize=1)
def _problem3_labels() -> dict[str, str]:
    """Problem 3's labels, which depend on the 2-2-2-1 shape alone (the homework's)."""
    return problems.get(3).truth(load_given(3)).labels


def quantity_label(problem: int, quantity: str) -> str:
    """The input's label in plain text: "Depthwise step: MACs", "(b) padding p", "∂L/∂w²₁₁"."""
    if problem in (1, 2) and "." in quantity:
        part, _, name = quantity.partition(".")
        if name not in _NAMES:
            raise ValueError(f"quantity must be one of the asked quantities of problem {problem}, got {quantity!r}")
        return f"{_P1_STEPS.get(part, part)}: {_NAMES[name]}" if problem == 1 else f"({part}) {_NAMES[name]}"
    if problem == 3:
        if quantity in _problem3_labels():
            return plain_label(_problem3_labels()[quantity])
    raise ValueError(f"quantity must be one of the asked quantities of problem {problem}, got {quantity!r}")


def _factor_rank(factor: sp.Expr) -> int:
    """Order of factors in a product: activation (x₁), weight (w¹₁₁), gradient (∂L/∂y₁)."""
    name = getattr(factor, "name", "")
    return 2 if name.startswith("dL/") else 1 if re.fullmatch(r"w\d+_\d+", name) else 0


def _plain_expression(expr: sp.Expr, labels: Mapping[str, str]) -> str:
    """A sum of products of named quantities, in plain text: x₁ · w¹₁₁ + x₂ · w¹₂₁, w³₁₁ · ∂L/∂z."""
    if isinstance(expr, sp.Symbol):
        return plain_label(labels[expr.name])
    if isinstance(expr, sp.Add):
        return " + ".join(_plain_expression(term, labels) for term in expr.args)
    if isinstance(expr, sp.Mul):
        factors = sorted(expr.args, key=lambda f: (_factor_rank(f), str(f)))
        return " · ".join(_plain_expression(f, labels) for f in factors)
    raise ValueError(f"expr must be a sum of products of quantities, got {expr}")


def hint(problem: int, given: Mapping[str, Any], quantity: str) -> str:
    """Where to look when a value is wrong for no catalogued reason: the formula or step that gives it."""
    truth = problems.get(problem).truth(given)
    if quantity not in truth.values:
        raise ValueError(f"quantity must be a quantity of problem {problem}, got {quantity!r}")
    if problem == 1:
        if quantity in _P1_HINTS:
            return f"Look again at the count: {_P1_HINTS[quantity]}"
        return "Look at the output size o = ⌊(i + 2p − k)/s⌋ + 1, solved for p and s."
    if problem == 2:
        part, _, name = quantity.partition(".")
        if name == "filters":
            return "Look at the output's channels: each filter makes one output channel."
        return (f"Look at the output size o = ⌊(i + 2p − k)/s⌋ + 1 with i = o = {given['in_volume'][0]} "
                f"and k = {given['kernels'][part]}: which padding and stride keep the size?")
    labels = truth.labels
    label = plain_label(labels[quantity])
    if quantity == "L":
        outputs = [q for q in truth.values
                   if f"dL/d{q}" in truth.formulas and truth.formulas[f"dL/d{q}"].has(sp.Symbol("t"))]
        return "Look at the loss: L = " + " + ".join(f"({plain_label(labels[o])} − t)²" for o in outputs) + "."
    formula = truth.formulas.get(quantity)
    if formula is None:
        raise ValueError(f"quantity must be a computed quantity of problem 3, got {quantity!r}")
    if formula.has(sp.Symbol("t")):  # the output's gradient, 2(z - t)
        output = quantity.removeprefix("dL/d")
        return f"Look at the loss's derivative: {label} = 2({plain_label(labels[output])} − t)."
    step = "forward pass" if not quantity.startswith("dL/") else "chain rule"
    return f"Look at this step of the {step}: {label} = {_plain_expression(formula, labels)}."


weights_markdown = practice.weights_markdown  # one home: hwlib.practice (the sheets use it too)


def checker_data(variant: practice.Variant, policy: Policy = DEFAULT) -> dict[str, Any]:
    """What the page's script needs: the tolerance ``policy`` (``{"sig_figs", "rel"}``, :mod:`hwlib.tolerance`)
    and per quantity its label, answer, kind (``"count"`` or ``"real"``), the catalogue's wrong values, a hint.

    ``mistakes`` lists, for each catalogued mistake that predicts a value for
    the quantity that does not agree with the answer under ``policy``, that
    value with the mistake's ``name`` and ``feedback``.
    """
    problem = problems.get(variant.problem)
    truth = problem.truth(variant.given)
    predictions = [(m, m.predict(variant.given, policy)) for m in problem.catalogue]
    quantities = {}
    for quantity, answer in variant.answers.items():
        kind = truth.kind(quantity)
        wrong = [
            {"value": _number(p[quantity]), "name": m.name, "feedback": m.feedback_for(variant.given)}
            for m, p in predictions
            if quantity in p and not policy.agrees(p[quantity], answer, kind)
        ]
        quantities[quantity] = {
            "label": quantity_label(variant.problem, quantity),
            "answer": _number(answer),
            "kind": kind,
            "mistakes": wrong,
            "hint": hint(variant.problem, variant.given, quantity),
        }
    return {"problem": variant.problem, "seed": variant.seed,
            "policy": {"sig_figs": policy.sig_figs, "rel": policy.rel}, "quantities": quantities}


def _number(value: float) -> int | float:
    value = float(value)
    return int(value) if value.is_integer() else value


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "-", text).strip("-")


def _form(variant: practice.Variant, data: Mapping[str, Any]) -> str:
    """The variant's container: labelled inputs, Check button, status line and data, as one HTML block
    (no blank line)."""
    prefix = f"practice-p{variant.problem}-s{variant.seed}"
    rows = []
    for quantity, spec in data["quantities"].items():
        field = f"{prefix}-{_slug(quantity)}"
        # a digits keypad on phones for counts; other values may be negative, and phones' number pads lack a minus
        keypad = ' inputmode="numeric"' if spec["kind"] == COUNT else ""
        rows.append(
            f'<div class="practice-field"><label for="{field}">{html.escape(spec["label"])}</label>'
            f'<input id="{field}" type="text"{keypad} autocomplete="off" spellcheck="false" '
            f'data-quantity="{html.escape(quantity)}" aria-describedby="{field}-feedback">'
            f'<span id="{field}-feedback" class="practice-feedback"></span></div>'
        )
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return "\n".join([
        f'<form class="practice-variant" data-problem="{variant.problem}" data-seed="{variant.seed}" '
        f'aria-label="Your answers, variant with seed {variant.seed}" novalidate>',
        *rows,
        '<div class="practice-actions"><button type="submit" class="practice-check" data-action="check">Check</button>'
        '<p class="practice-status" role="status" aria-live="polite"></p></div>',
        f'<script type="application/json" class="practice-data">{payload}</script>',
        "</form>",
    ])


def variant_markdown(problem: int, seed: int, number: int | None = None) -> str:
    """One variant's section of a practice page (MyST Markdown with raw HTML), for ``IPython.display.Markdown``.

    ``number`` is the variant's place on the page (its heading says "Variant
    <number> (seed <seed>)"); without it the heading names the seed alone.
    """
    variant = practice.variant(problem, seed)
    module = problems.get(variant.problem).worked
    title = f"Variant {number} (seed {seed})" if number is not None else f"Variant with seed {seed}"
    return "\n\n".join([
        f"## {title}",
        module.statement(variant.given).strip(),
        *([weights_markdown(variant.given)] if variant.problem == 3 else []),
        _form(variant, checker_data(variant)),
        '<details class="practice-solution">\n<summary>Worked solution</summary>\n'
        '<template class="practice-solution-body">',
        module.solution(variant.given).strip(),
        "</template>\n</details>",
    ]) + "\n"
