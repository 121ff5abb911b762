"""The page's checker (book/practice/practice.js, under Node) judges exactly as hwlib.practice.judge does.

Differential test: for many variants of each problem, answer sets made at random and from the catalogue of
mistakes (each mistake's whole answer, with the optional fields filled or blank; a wrong upstream value
carried through the book's formulas; fields flipped, scaled, nudged, left blank) are judged by both; the
verdicts, the marker's names, the one diagnosis, where it is stated, the carried values, the feedback lines and
the summary must be identical, and so must the truth the page computes from the Given.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
import sympy as sp

from hwlib import mistakes, practice, practice_page, problems

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "tests" / "js" / "judge_cli.js"
SEEDS = {1: range(0, 300, 12), 2: range(0, 300, 12),
         3: [*range(0, 50, 2), *range(3, 100, 4)]}  # 25 variants of Problems 1 and 2; 25 linear and 25 ReLU of 3
RANDOM_SETS = 60  # per variant, besides the catalogue's


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("HWBOOK_REQUIRE_NODE"):
            pytest.fail("HWBOOK_REQUIRE_NODE is set but node is not installed")
        pytest.skip("node is not installed: the page script is tested under Node")
    return node


def _answer_sets(problem: int, seed: int, rng: random.Random) -> list[dict[str, float | None]]:
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
            wrong = float(function(*[truth.values[n] for n in names]))
            values = mistakes.propagate(truth, {q: sp.Float(wrong)})
            sets.append({k: values[k] for k in keys})
    # a slip at the first computed field, carried on, the optional fields left blank (the marker works them out
    # from the student's own values)
    first = next((q for q, _ in layout if q in truth.formulas), None)
    if first is not None:
        values = mistakes.propagate(truth, {first: sp.Float(truth.values[first] + 1)})
        sets.append({q: (None if optional else values[q]) for q, optional in layout})
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


def test_page_checker_judges_as_the_python_does():
    node = _node()
    rng = random.Random(19)
    jobs, expected = [], []
    for problem, seeds in SEEDS.items():
        for seed in seeds:
            variant = practice.variant(problem, seed)
            data = practice_page.checker_data(variant)
            sets = _answer_sets(problem, seed, rng)
            jobs.append({"data": data, "answers": sets})
            labels = {f["key"]: f["label"] for f in data["fields"]}
            hints = {f["key"]: f["hint"] for f in data["fields"]}
            optional = {f["key"]: f["optional"] for f in data["fields"]}
            feedback = {m["name"]: m["feedback"] for m in data["mistakes"]}
            judged = []
            for values in sets:
                verdicts = practice.judge(problem, variant.given, values)
                judged.append({
                    "results": [{"quantity": v.quantity, "verdict": v.verdict, "names": list(v.names),
                                 "mistake": v.mistake, "stated_at": v.stated_at, "carries": list(v.carries)}
                                for v in verdicts],
                    "messages": practice.messages(verdicts, labels, hints, feedback, optional),
                    "summary": practice.summary(verdicts, labels, optional),
                })
            expected.append((problem, seed, variant.given, judged))
    result = subprocess.run([node, str(CLI)], input=json.dumps(jobs), capture_output=True, text=True, timeout=600,
                            cwd=ROOT, check=True)
    got = json.loads(result.stdout)
    compared = relu = 0
    kinds, relu_kinds = set(), set()
    for (problem, seed, given, judged), page in zip(expected, got, strict=True):
        truth = problems.get(problem).truth(given).values
        assert page["truth"] == pytest.approx(truth, rel=1e-12), (problem, seed)
        for ours, theirs in zip(judged, page["judged"], strict=True):
            assert theirs == ours, (problem, seed)
            compared += 1
            kinds.update(r["verdict"] for r in ours["results"])
            if given.get("hidden_activation") == "relu":
                relu += 1
                relu_kinds.update(r["verdict"] for r in ours["results"])
    print(f"compared {compared} answer sets, {relu} of them of ReLU variants")
    assert compared >= 3000 and relu >= 1000
    assert kinds == relu_kinds == set(practice.VERDICTS)  # every verdict occurs, so none is compared only vacuously


@pytest.mark.parametrize("problem", [1, 2, 3])
def test_page_generator_poses_the_pythons_variants(problem):
    """The page's port of the seeded generator gives hwlib.practice's Given and checker data, seed for seed."""
    node = _node()
    rng = random.Random(problem)
    top = practice_page.TABLE_SEEDS if problem in (1, 2) else 10**6
    seeds = sorted({*range(25), top - 1, *(rng.randrange(top) for _ in range(150))})
    spec = practice_page.generator_data(problem)
    beyond = [top, top + 12_345] if problem in (1, 2) else []
    result = subprocess.run([node, str(ROOT / "tests" / "js" / "generate_cli.js")],
                            input=json.dumps({"spec": spec, "seeds": seeds + beyond}), capture_output=True, text=True,
                            timeout=600, cwd=ROOT, check=True)
    made = {entry["seed"]: entry for entry in json.loads(result.stdout)}
    for seed in seeds:
        variant = practice.variant(problem, seed)
        assert made[seed]["given"] == variant.given, seed
        assert made[seed]["data"] == json.loads(json.dumps(practice_page.checker_data(variant))), seed
    for seed in beyond:  # the Given still, but no catalogue numbers: the page offers seeds below the table's end
        assert made[seed]["given"] == practice.make_given(problem, seed) and made[seed]["data"] is None
    print(f"problem {problem}: {len(seeds)} seeds compared")
