"""book/practice/practice.js reads what a reader types and judges it as hwlib does: real variants, under Node.

The right answers typed as the book prints them (1,620,000; −6) are all correct; a whole answer typed with one
value off by one gets the verdicts of hwlib.practice.judge on the values hwlib.typed_number reads.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hwlib import fmt, practice, practice_page, problems, typed_number

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "book" / "practice" / "practice.js"

# For each typed answer set: read every text with the page's parser, judge the whole answer; print the verdicts.
JUDGE = """
const { Checker, parseNumber, toNumber } = require(process.argv[1]);
const data = JSON.parse(require("fs").readFileSync(0, "utf8"));
const checker = new Checker(data.checker);
const out = data.typed.map((typed) => {
  const values = {};
  for (const [quantity, text] of Object.entries(typed)) {
    const parsed = parseNumber(text);
    values[quantity] = parsed.ok ? toNumber(parsed) : null;
  }
  return checker.judge(values).map((r) => [r.quantity, r.verdict, r.mistake]);
});
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
def test_the_script_reads_typed_answers_and_judges_them_as_hwlib_does(problem, seed):
    node = _node()
    v = practice.variant(problem, seed)
    truth = problems.get(problem).truth(v.given)
    keys = [q for q, _ in practice.fields(problem, truth)]
    right = {q: fmt.number(truth.values[q]) for q in keys}
    typed = [right] + [{**right, q: fmt.number(truth.values[q] + 1)} for q in keys]
    checker = practice_page.checker_data(v)
    result = subprocess.run([node, "-e", JUDGE, str(SCRIPT)], input=json.dumps({"checker": checker, "typed": typed}),
                            capture_output=True, text=True, timeout=120, check=True)
    judged = json.loads(result.stdout)
    assert [verdict for _, verdict, _ in judged[0]] == ["correct"] * len(keys)
    for texts, page in zip(typed, judged, strict=True):
        values = {q: float(typed_number.parse(text)) for q, text in texts.items()}
        ours = [[r.quantity, r.verdict, r.mistake] for r in practice.judge(problem, v.given, values)]
        assert page == ours
