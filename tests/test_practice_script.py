"""book/practice/practice.js judges what a reader types as hwlib does: the checker data of real variants, under Node."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hwlib import fmt, practice, practice_page

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "book" / "practice" / "practice.js"

# For each quantity: the answer as the book prints it (1,620,000; −6), the answer plus one, and each catalogued
# wrong value; prints [verdict, mistake names] for each.
JUDGE = """
const { judge } = require(process.argv[1]);
const data = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = {};
for (const [quantity, spec] of Object.entries(data.checker.quantities)) {
  const typed = data.typed[quantity];
  out[quantity] = typed.map((text) => {
    const r = judge(text, spec, data.checker.policy);
    return [r.verdict, r.mistakes];
  });
}
console.log(JSON.stringify(out));
"""


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("HWBOOK_REQUIRE_NODE"):
            pytest.fail("HWBOOK_REQUIRE_NODE is set but node is not installed")
        pytest.skip("node is not installed: the page script is tested under Node")
    return node


@pytest.mark.parametrize("problem, seed", [(1, 0), (1, 7), (2, 3), (3, 0), (3, 11)])
def test_the_script_judges_answers_slips_and_wrong_values_as_hwlib_does(problem, seed):
    node = _node()
    v = practice.variant(problem, seed)
    checker = practice_page.checker_data(v)
    typed = {q: [fmt.number(spec["answer"]), fmt.number(spec["answer"] + 1)]
             + [fmt.number(m["value"]) for m in spec["mistakes"]] for q, spec in checker["quantities"].items()}
    result = subprocess.run([node, "-e", JUDGE, str(SCRIPT)], input=json.dumps({"checker": checker, "typed": typed}),
                            capture_output=True, text=True, timeout=60, check=True)
    judged = json.loads(result.stdout)
    for quantity, spec in checker["quantities"].items():
        answer, off_by_one, *slips = judged[quantity]
        assert answer == ["correct", []], quantity
        assert off_by_one[0] == "wrong", quantity
        for (verdict, names), mistake in zip(slips, spec["mistakes"]):
            assert verdict == "wrong" and mistake["name"] in names, (quantity, mistake)
