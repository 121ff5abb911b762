"""Answer sets for the differential tests of the three markers (``test_practice_js``: the page script against
:func:`hwlib.practice.judge`; ``test_class_marker_agrees``: the class marker against :class:`hwlib.marker.ValueMarker`).

For one variant: the true answers, all blank, each catalogue mistake's whole answer (optional fields filled,
then blank), ReLU forgotten (whole or backwards only), each mistake made in one step only and carried on, a slip
at the first computed field carried on with the optional fields blank, the first field within the tolerance but
not exact, and ``RANDOM_SETS`` sets of fields flipped, scaled, nudged, left blank, carried or taken from a
mistake's prediction.
"""

from __future__ import annotations

import random

import sympy as sp

from hwlib import mistakes, practice, problems

RANDOM_SETS = 60  # per variant, besides the catalogue's


def answer_sets(problem: int, seed: int, rng: random.Random) -> list[dict[str, float | None]]:
    given = practice.make_given(problem, seed)
    truth = problems.get(problem).truth(given)
    layout = practice.fields(problem, truth)
    keys = [q for q, _ in layout]
    true = {q: truth.values[q] for q in keys}
    sets: list[dict[str, float | None]] = [dict(true), dict.fromkeys(keys)]
    catalogue = problems.get(problem).catalogue
    predictions = [m.predict(given) for m in catalogue]
    for prediction in predictions:  # each mistake's whole answer; optional fields filled, then blank
        predicted = {**true, **{q: v for q, v in prediction.items() if q in true}}
        sets.append(predicted)
        sets.append({q: (None if optional else predicted[q]) for q, optional in layout})
    if given.get("hidden_activation") == "relu":  # ReLU forgotten: the linear network's values, whole or in part
        linear = problems.get(problem).truth({k: v for k, v in given.items() if k != "hidden_activation"}).values
        sets.append({q: linear[q] for q in keys})
        sets.append({q: (linear[q] if q.startswith("dL/") else true[q]) for q in keys})  # forgotten backwards only
    for m in catalogue:  # each mistake made in one step only, the rest carried on
        for q, (names, function) in m.step_functions(given).items():
            if q not in true:
                continue
            try:
                wrong = float(function(*[truth.values[n] for n in names]))
            except ArithmeticError:  # undefined here (a forward slip at a unit ReLU clips): no evidence, no set
                continue
            values = mistakes.propagate(truth, {q: sp.Float(wrong)})
            sets.append({k: values[k] for k in keys})
    # a slip at the first computed field, carried on, the optional fields left blank (the marker works them out
    # from the student's own values)
    first = next((q for q, _ in layout if q in truth.formulas), None)
    if first is not None:
        values = mistakes.propagate(truth, {first: sp.Float(truth.values[first] + 1)})
        sets.append({q: (None if optional else values[q]) for q, optional in layout})
    # the first computed field huge, the optional fields blank: a blank worked out from it overflows (NaN), and
    # so does ReLU's slope of such a unit; then the other fields blank but the weights' gradients 0, which a unit
    # taken as off would give, and the units' gradients true
    if first is not None:
        sets.append({q: (None if optional else (1e308 if q == first else true[q])) for q, optional in layout})
        sets.append({q: (1e308 if q == first else 0.0 if q.startswith("dL/dw") else true[q] if q.startswith("dL/d")
                         else None) for q, _ in layout})
    # the first computed field within the tolerance but not exact, and the next steps right on it (carried)
    if first is not None:
        values = mistakes.propagate(truth, {first: sp.Float(truth.values[first] * (1 + 1e-3) + 1e-3)})
        sets.append({q: values[q] for q in keys})
    for _ in range(RANDOM_SETS):
        values: dict[str, float | None] = {}
        carried = dict(truth.values)
        for q, optional in layout:
            roll = rng.random()
            if roll < 0.45:
                v = true[q]
            elif roll < 0.55 or (optional and roll < 0.7):
                v = None
            elif roll < 0.65:
                v = -true[q]
            elif roll < 0.72:
                v = true[q] * rng.choice([2, 0.5, 3])
            elif roll < 0.8:
                v = true[q] + rng.choice([-1, 1, 0.001 * abs(true[q]), 0.01 * abs(true[q])])
            elif roll < 0.9 and q in truth.formulas:  # right on the values written so far (carried)
                local = truth.formulas[q]
                v = float(local.xreplace({s: sp.Float(carried[str(s)]) for s in local.free_symbols}))
            else:
                options = [p[q] for p in predictions if q in p] or [rng.randint(-50, 50)]
                v = rng.choice(options)
            values[q] = v
            if v is not None:
                carried[q] = v
        sets.append(values)
    return sets
