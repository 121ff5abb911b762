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

from hwlib import conv, fmt, practice, practice_page, problems, typed_number

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


# The page's (padding, stride) solver, beside hwlib's: one range of strides per padding, open-ended where one
# output takes every larger stride, and the two axes' ranges intersected (not their finite lists).
SOLVER = """
const page = require(process.argv[1]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(cases.map(([hIn, wIn, hOut, wOut, k]) => {
  const high = page.paddingStrideRanges(hIn, hOut, k), wide = page.paddingStrideRanges(wIn, wOut, k);
  const common = page.commonPaddingStrideRanges(high, wide);
  return [high, common, page.firstPaddingStride(common)];
})));
"""


def test_the_script_solves_padding_and_stride_as_hwlib_does_with_one_output():
    node = _node()
    cases = [(5, 9, 1, 3, 5), (2, 6, 1, 2, 1), (1, 1, 1, 1, 1), (9, 5, 3, 1, 5), (30, 30, 15, 15, 3),
             (20, 24, 10, 12, 4), (7, 7, 1, 1, 3), (8, 12, 1, 2, 2)]
    result = subprocess.run([node, "-e", SOLVER, str(SCRIPT)], input=json.dumps(cases), capture_output=True,
                            text=True, timeout=120, check=True)
    page = json.loads(result.stdout)
    for (h, w, ho, wo, k), (high, common, first) in zip(cases, page, strict=True):
        ours = conv.common_padding_stride_ranges(conv.padding_stride_ranges(h, ho, k),
                                                 conv.padding_stride_ranges(w, wo, k))
        assert [tuple(r) for r in high] == conv.padding_stride_ranges(h, ho, k)
        assert [tuple(r) for r in common] == ours
        assert (tuple(first) if first else None) == conv.first_padding_stride(ours)
    assert page[0][2] == [0, 2] and page[1][2] == [0, 3]  # the pairs a finite list per axis missed


def test_the_checker_solves_a_given_with_one_output_along_an_axis():
    node = _node()
    given = {"in_shape": [5, 9, 2], "out_shape": [1, 3, 2], "kernel": 5}
    checker = practice_page.checker_data(practice.Variant(1, 0, given, practice.answers(1, given)))
    truth = problems.get(1).truth(given)
    script = ("const { Checker } = require(process.argv[1]);"
              "const c = new Checker(JSON.parse(require('fs').readFileSync(0, 'utf8')));"
              "console.log(JSON.stringify(c.truth));")
    result = subprocess.run([node, "-e", script, str(SCRIPT)], input=json.dumps(checker), capture_output=True,
                            text=True, timeout=120, check=True)
    page = json.loads(result.stdout)
    assert (page["padding"], page["stride"]) == (truth.values["padding"], truth.values["stride"]) == (0, 2)
