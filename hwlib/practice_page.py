"""A practice variant as a page section: statement, labelled inputs, the checker's data, the worked solution.

``variant_markdown(problem, seed)`` is what a practice page's code cell
displays: MyST Markdown that every notebook viewer shows (heading, statement,
worked solution), with the place of the answer form as an HTML comment
(:data:`PLACEHOLDER`), which a viewer hides: a form there could not run, and its
Check button would submit the viewer's own page.  The book's build replaces the
comment with :func:`form_html` (``_ext/hwlib_book/practice_forms.py``), read by
the book's ``practice.js`` (``book/practice/``) in the browser, with no kernel
and no server:

* the variant's container ``<form class="practice-variant" data-problem=N
  data-seed=S>`` holds one ``<input data-quantity="<key>">`` per field
  (:func:`hwlib.practice.fields`; optional ones say so), each with its ``<label>``
  and a feedback line (``aria-describedby``), the Check and Reset buttons
  (``data-action="check"``, ``"reset"``), a status line announced to screen
  readers (``role="status"``, ``aria-live="polite"``) and the checker's data as
  JSON (:func:`checker_data`: the Given's values, how to solve the rest, the
  local formulas and the catalogue's wrong formulas, never an answer);
* the worked solution (the chapter's own text, ``hwlib.worked.problemN.solution``)
  sits under a ``### Worked solution`` heading, which the build turns into a
  ``<details>`` toggle, its text inside a ``<template>`` that the script
  puts in place when the toggle first opens (``_ext/hwlib_book/solution_toggle.py``).  Where Chromium is installed the
  build typesets its formulas (``_ext/hwlib_book/prerender_math.py``);
  otherwise MathJax does when it opens: a page of 20 solutions would otherwise
  typeset over a thousand formulas on loading.

After a check, each input carries ``data-verdict="correct"``, ``"carried"`` or
``"wrong"`` (none while blank), as :func:`hwlib.practice.judge` decides for the
whole answer; the feedback says which in words and with a sign (✓, ↪, ✗), not
by colour alone.  :func:`controls_html` puts the count of completed variants,
a seed field and a New variant button at the top of a page, with the data that
lets the script pose fresh variants (:func:`generator_data`); its place in the
notebook is :func:`controls_markdown`, a comment too.

The practice pages (``book/practice_problemN.ipynb``) call :func:`variant_markdown`
for 20 seeds each.  The build renders their committed outputs without executing
them (notebook metadata ``mystnb.execution_mode: off``); nbval checks those
outputs against a fresh run.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import sympy as sp

from hwlib import practice, problems
from hwlib.naming import default_letters, unit_key, weight_key
from hwlib.practice import hint, quantity_label
from hwlib.tolerance import COUNT, DEFAULT, Policy
from hwlib.transcription import load_given

__all__ = ["PLACEHOLDER", "TABLE_SEEDS", "checker_data", "controls_html", "controls_markdown", "expand_placeholder",
           "expression_tree", "form_html", "generator_data", "hint", "quantity_label", "variant_markdown",
           "weights_markdown"]


weights_markdown = practice.weights_markdown  # one home: hwlib.practice (the sheets use it too)


def expression_tree(expr: sp.Expr) -> Any:
    """A local formula as JSON the page's script evaluates: ``{"q": key}`` (a quantity), ``{"n": number}``,
    ``{"+": [terms]}``, ``{"*": [factors]}``, ``{"^": [base, exponent]}``, ``{"abs": argument}``, ``{"floor": x}``,
    ``{"ceil": x}``, ``{"step": x}`` (the Heaviside step: 1 where x > 0, 0 where x <= 0, NaN for NaN)."""
    expr = sp.sympify(expr)
    if isinstance(expr, sp.Symbol):
        return {"q": expr.name}
    if expr.is_Number:
        return {"n": _number(float(expr))}
    if isinstance(expr, sp.Add):
        return {"+": [expression_tree(a) for a in expr.args]}
    if isinstance(expr, sp.Mul):
        return {"*": [expression_tree(a) for a in expr.args]}
    if isinstance(expr, sp.Pow):
        return {"^": [expression_tree(expr.base), expression_tree(expr.exp)]}
    if isinstance(expr, sp.Abs):
        return {"abs": expression_tree(expr.args[0])}
    if isinstance(expr, sp.floor):
        return {"floor": expression_tree(expr.args[0])}
    if isinstance(expr, sp.ceiling):
        return {"ceil": expression_tree(expr.args[0])}
    if isinstance(expr, sp.Heaviside):  # ReLU's slope: 1 where the argument is positive, else 0
        return {"step": expression_tree(expr.args[0])}
    raise ValueError(f"expr must be built of quantities, numbers, +, ×, powers, |·|, floor, ceiling and the "
                     f"Heaviside step, got {expr}")


def _solving(problem: int, given: Mapping[str, Any], truth: Any) -> list[dict[str, Any]]:
    """How the page finds the answers that no local formula gives, from the Given (as :mod:`hwlib.answers` does):
    a (padding, stride) pair, the first (smallest stride, then padding) that takes the height and the width
    alike to the output size; Problem 2's filters, one per output channel."""
    if problem == 1:
        (h, w, _), (ho, wo, _) = given["in_shape"], given["out_shape"]
        return [{"pair": ["padding", "stride"], "in": [h, w], "out": [ho, wo], "kernel": given["kernel"]}]
    if problem == 2:
        (h, w, _), (ho, wo, _) = given["in_volume"], given["out_volume"]
        found = []
        for part, kernel in given["kernels"].items():
            if f"{part}.padding" in truth.values:
                found.append({"pair": [f"{part}.padding", f"{part}.stride"], "in": [h, w], "out": [ho, wo],
                              "kernel": kernel})
            found.append({"copy": f"{part}.filters", "of": "C_out"})
        return found
    return []


def checker_data(variant: practice.Variant, policy: Policy = DEFAULT) -> dict[str, Any]:
    """What the page's script needs to judge a whole answer as :func:`hwlib.practice.judge` does, without the
    answers: the tolerance ``policy`` (``{"sig_figs", "rel"}``, :mod:`hwlib.tolerance`); the fields
    (:func:`hwlib.practice.fields`: key, label, kind, optional, hint); the values the Given states
    (``known``); how to solve the rest (``solve``, then the local formulas of :attr:`hwlib.answers.Truth.formulas`
    as expression trees, :func:`expression_tree`); and the catalogue's mistakes of the problem, each with the
    wrong local formulas it puts in place of the book's (``overrides``).
    """
    problem = problems.get(variant.problem)
    truth = problem.truth(variant.given)
    solved = [q for q in problem.computed(truth) if q not in truth.formulas]
    known = {q: _number(v) for q, v in truth.values.items() if q not in truth.formulas and q not in solved}
    fields = [
        {"key": q, "label": quantity_label(variant.problem, q, truth), "kind": truth.kind(q), "optional": optional,
         "hint": hint(variant.problem, variant.given, q)}
        for q, optional in practice.fields(variant.problem, truth)
    ]
    catalogue = []
    for m in problem.catalogue:
        try:
            overrides = m.formulas(variant.given, truth)
        except (ValueError, TypeError):
            overrides = {}
        catalogue.append({"name": m.name, "feedback": m.feedback_for(variant.given),
                          "overrides": {q: expression_tree(e) for q, e in overrides.items()}})
    return {"problem": variant.problem, "seed": variant.seed,
            "policy": {"sig_figs": policy.sig_figs, "rel": policy.rel},
            "fields": fields, "known": known, "solve": _solving(variant.problem, variant.given, truth),
            "formulas": {q: expression_tree(e) for q, e in truth.formulas.items()}, "mistakes": catalogue}


def _number(value: float) -> int | float:
    value = float(value)
    return int(value) if value.is_integer() else value


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "-", text).strip("-")


def _form(variant: practice.Variant, data: Mapping[str, Any]) -> str:
    """The variant's container: labelled inputs, Check and Reset buttons, status line and data, as one HTML block
    (no blank line)."""
    prefix = f"practice-p{variant.problem}-s{variant.seed}"
    rows = []
    for spec in data["fields"]:
        quantity = spec["key"]
        field = f"{prefix}-{_slug(quantity)}"
        # a digits keypad on phones for counts; other values may be negative, and phones' number pads lack a minus
        keypad = ' inputmode="numeric"' if spec["kind"] == COUNT else ""
        optional = ' <span class="practice-optional">(optional)</span>' if spec["optional"] else ""
        rows.append(
            f'<div class="practice-field"><label for="{field}">{html.escape(spec["label"])}{optional}</label>'
            f'<input id="{field}" type="text"{keypad} autocomplete="off" spellcheck="false" '
            f'data-quantity="{html.escape(quantity)}" aria-describedby="{field}-feedback">'
            f'<span id="{field}-feedback" class="practice-feedback"></span></div>'
        )
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return "\n".join([
        (f'<form class="practice-variant" data-problem="{variant.problem}" data-seed="{variant.seed}" '
         f'aria-label="Your answers, variant with seed {variant.seed}" novalidate>'),
        *rows,
        ('<div class="practice-actions"><button type="submit" class="practice-check" data-action="check">Check</button>'
         '<button type="button" class="practice-reset" data-action="reset">Reset</button>'
         '<p class="practice-status" role="status" aria-live="polite"></p></div>'),
        f'<script type="application/json" class="practice-data">{payload}</script>',
        "</form>",
    ])


def form_html(problem: int, seed: int) -> str:
    """The answer form of the variant of ``problem`` with ``seed``: labelled inputs, Check and Reset buttons,
    status line and the checker's data (:func:`checker_data`), as one HTML block for the book's page."""
    variant = practice.variant(problem, seed)
    return _form(variant, checker_data(variant))


#: Where a practice page's notebook output leaves room for what only the book's page can run: an HTML comment,
#: which every notebook viewer hides, and which the build replaces with :func:`form_html` or
#: :func:`controls_html` (:func:`expand_placeholder`; ``_ext/hwlib_book/practice_forms.py``).
PLACEHOLDER = re.compile(
    r"<!-- practice-(?P<kind>form|controls): problem (?P<problem>\d+)(?:, seed (?P<seed>\d+))? -->")


def _placeholder(kind: str, problem: int, seed: int | None = None) -> str:
    return f"<!-- practice-{kind}: problem {problem}" + ("" if seed is None else f", seed {seed}") + " -->"


def expand_placeholder(text: str) -> str | None:
    """The HTML that a placeholder comment stands for (the whole of ``text``, blank space aside), or None for
    any other text."""
    match = PLACEHOLDER.fullmatch(text.strip())
    if match is None:
        return None
    problem = int(match["problem"])
    if match["kind"] == "controls":
        return None if match["seed"] is not None else controls_html(problem)
    return None if match["seed"] is None else form_html(problem, int(match["seed"]))


def variant_markdown(problem: int, seed: int, number: int | None = None) -> str:
    """One variant's section of a practice page (MyST Markdown), for ``IPython.display.Markdown``: its heading,
    statement, the place of its answer form and, under the heading ``### Worked solution``, its worked solution.

    ``number`` is the variant's place on the page (its heading says "Variant
    <number> (seed <seed>)"); without it the heading names the seed alone.  Every notebook viewer shows the
    statement and the worked solution as plain Markdown.  The answer form, which needs the page's script, is an
    HTML comment here (:data:`PLACEHOLDER`), hidden in a viewer; the book's build puts the form there
    (``_ext/hwlib_book/practice_forms.py``) and the worked solution behind a toggle
    (``_ext/hwlib_book/solution_toggle.py``).
    """
    variant = practice.variant(problem, seed)
    module = problems.get(variant.problem).worked
    title = f"Variant {number} (seed {seed})" if number is not None else f"Variant with seed {seed}"
    return "\n\n".join([
        f"## {title}",
        module.statement(variant.given).strip(),
        *([weights_markdown(variant.given)] if variant.problem == 3 else []),
        _placeholder("form", variant.problem, seed),
        "### Worked solution",
        module.solution(variant.given).strip(),
    ]) + "\n"


# ------------------------------------------------------------------ fresh variants in the page
#: Seeds 0 to TABLE_SEEDS - 1 of Problems 1 and 2 can be loaded in the page; Problem 3's, any seed.
TABLE_SEEDS = 1000


def _known_paths(problem: int, given: Mapping[str, Any], known: Mapping[str, float]) -> dict[str, list[Any]]:
    """Where in the Given lies each value it states (``known``, as :mod:`hwlib.answers` reads the Given)."""
    if problem == 1:
        paths: dict[str, list[Any]] = {"k": ["kernel"], "C_in": ["in_shape", 2], "C_out": ["out_shape", 2],
                                       "H_out": ["out_shape", 0], "W_out": ["out_shape", 1]}
    elif problem == 2:
        paths = {"n": ["in_volume", 0], "C_out": ["out_volume", 2],
                 **{f"{part}.k": ["kernels", part] for part in given["kernels"]}}
    else:
        sizes = [len(given["x"])] + [len(w[0]) for w in given["weights"]]
        letters = default_letters(sizes)
        paths = {"t": ["t"], **{unit_key(letters, sizes, 0, i): ["x", i] for i in range(sizes[0])}}
        for layer, matrix in enumerate(given["weights"]):
            paths.update({weight_key(layer, i, j): ["weights", layer, i, j]
                          for i in range(len(matrix)) for j in range(len(matrix[0]))})
    for key, path in paths.items():  # the paths must read exactly the values the truth states
        value: Any = given
        for step in path:
            value = value[step]
        if key not in known or float(value) != float(known[key]):
            raise ValueError(f"the Given's {'/'.join(map(str, path))} is not the truth's {key!r}")
    if set(paths) != set(known):
        raise ValueError(f"known values without a place in the Given: {sorted(set(known) - set(paths))}")
    return paths


def _slotted(tree: Any, values: list[float]) -> Any:
    """``tree`` with every number replaced by ``{"slot": i}``, its value appended to ``values``."""
    if "n" in tree:
        values.append(tree["n"])
        return {"slot": len(values) - 1}
    if "q" in tree:
        return tree
    for unary in ("abs", "floor", "ceil"):
        if unary in tree:
            return {unary: _slotted(tree[unary], values)}
    (op, args), = tree.items()
    return {op: [_slotted(a, values) for a in args]}


def _template(data: Mapping[str, Any], slots: bool) -> tuple[dict[str, Any], list[float]]:
    """A variant's checker data less what the Given gives (seed, known values, how to solve): fields, formulas,
    and the mistakes, their numbers in slots when ``slots`` (the slot values returned)."""
    values: list[float] = []
    mistakes = [{**m, "overrides": {q: (_slotted(t, values) if slots else t) for q, t in m["overrides"].items()}}
                for m in data["mistakes"]]
    return {"fields": data["fields"], "formulas": data["formulas"], "mistakes": mistakes}, values


def generator_data(problem: int) -> dict[str, Any]:
    """What the page's script needs to pose and judge a fresh variant of ``problem`` offline, as
    :func:`checker_data` would for it.

    ``generator``: the ranges of :mod:`hwlib.practice`'s seeded generator (ported to the page script) and the
    homework's Given, which no variant repeats; ``known``: where the values the Given states lie in it;
    ``templates``: the checker data that does not depend on the Given's numbers (Problem 3: one per network
    shape and hidden activation, keyed "2-2-2-1" or "2-2-2-1-relu"; ReLU's slopes are formulas of the forward pass
    among the others); for Problems 1 and 2, whose catalogue puts the Given's numbers
    into the wrong formulas, ``table`` holds for each seed below :data:`TABLE_SEEDS` its template and those numbers.
    """
    problem = problems.get(problem).number
    gen: dict[str, Any] = {"homework": load_given(problem), "SHUFFLE_SEED": practice.SHUFFLE_SEED}
    names = {1: ("P1_SIZES", "P1_KERNELS", "P1_STRIDES", "P1_IN_CHANNELS", "P1_OUT_CHANNELS", "P1_MAX_MACS"),
             2: ("P2_SIZES", "P2_WIDER", "P2_STRIDES", "P2_CHANNELS", "P2_KERNELS", "P2_PARTS"),
             3: ("P3_SHAPES", "P3_WEIGHTS", "P3_INPUTS", "P3_TARGETS", "P3_MAX_ABS", "P3_MAX_ZERO_GRADIENTS",
                 "P3_RELU_EVERY", "P3_RELU_MAX_ZERO_GRADIENTS")}[problem]
    gen.update({name: getattr(practice, name) for name in names})
    out: dict[str, Any] = {"problem": problem, "policy": {"sig_figs": DEFAULT.sig_figs, "rel": DEFAULT.rel},
                           "generator": json.loads(json.dumps(gen))}
    if problem == 3:
        templates = {}
        for shape in dict.fromkeys(practice.P3_SHAPES):
            for activation in ("identity", "relu"):
                seed = next(s for s in range(10_000) if practice.p3_activation(s) == activation
                            and _shape(practice.make_given(3, s)) == shape)
                variant = practice.variant(3, seed)
                data = checker_data(variant)
                template = {**_template(data, slots=False)[0], "known": _known_paths(3, variant.given, data["known"])}
                templates[_shape_key(shape) + ("-relu" if activation == "relu" else "")] = template
        out["templates"] = templates
        return out
    templates: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    table = []
    for seed in range(TABLE_SEEDS):
        variant = practice.variant(problem, seed)
        data = checker_data(variant)
        template, values = _template(data, slots=True)
        template["known"] = _known_paths(problem, variant.given, data["known"])
        key = json.dumps(template, sort_keys=True)
        if key not in index:
            index[key] = len(templates)
            templates.append(template)
        table.append([index[key], values])
    out["templates"] = templates
    out["table"] = table
    return out


def _shape(given: Mapping[str, Any]) -> tuple[tuple[int, int], ...]:
    return tuple((len(w), len(w[0])) for w in given["weights"])


def _shape_key(shape: Sequence[Sequence[int]]) -> str:
    return "-".join(str(rows) for rows, _ in shape) + f"-{shape[-1][1]}"


def controls_markdown(problem: int) -> str:
    """The place, at the top of a practice page, of its controls (:func:`controls_html`): an HTML comment, hidden
    in a notebook viewer, which the book's build replaces with them (:data:`PLACEHOLDER`)."""
    return _placeholder("controls", problems.get(problem).number) + "\n"


def controls_html(problem: int) -> str:
    """The top of a practice page: the count of completed variants, a seed field (``data-action="seed"``, Enter
    loads it) and a New variant button (``data-action="new"``) that pose fresh variants in the page, offline,
    with the generator's data (:func:`generator_data`) for the page's script."""
    problem = problems.get(problem).number
    spec = generator_data(problem)
    top = TABLE_SEEDS - 1 if problem in (1, 2) else 999_999
    field = f"practice-p{problem}-seed"
    payload = json.dumps(spec, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return "\n".join([
        f'<div class="practice-controls" data-problem="{problem}" data-top="{top}">',
        f'<p class="practice-progress" data-problem="{problem}">Variants completed on this device: 0.</p>',
        f'<label for="{field}">Seed, 0 to {top:,}</label>',
        (f'<input id="{field}" type="text" inputmode="numeric" autocomplete="off" spellcheck="false" '
         f'data-action="seed" aria-describedby="{field}-status">'),
        '<button type="button" data-action="load">Load seed</button>',
        '<button type="button" data-action="new">New variant</button>',
        f'<p id="{field}-status" class="practice-controls-status" role="status" aria-live="polite"></p>',
        f'<script type="application/json" class="practice-generator">{payload}</script>',
        "</div>",
        '<div class="practice-fresh"></div>',
    ]) + "\n"
