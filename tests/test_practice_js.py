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
from answer_sets import answer_sets

from hwlib import practice, practice_page, problems

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "tests" / "js" / "judge_cli.js"
SEEDS = {1: range(0, 300, 12), 2: range(0, 300, 12),
         3: [*range(0, 50, 2), *range(3, 100, 4)]}  # 25 variants of Problems 1 and 2; 25 linear and 25 ReLU of 3


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("HWBOOK_REQUIRE_NODE"):
            pytest.fail("HWBOOK_REQUIRE_NODE is set but node is not installed")
        pytest.skip("node is not installed: the page script is tested under Node")
    return node


def test_page_checker_judges_as_the_python_does():
    node = _node()
    rng = random.Random(19)
    jobs, expected = [], []
    for problem, seeds in SEEDS.items():
        for seed in seeds:
            variant = practice.variant(problem, seed)
            data = practice_page.checker_data(variant)
            sets = answer_sets(problem, seed, rng)
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
