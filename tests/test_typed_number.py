"""hwlib.typed_number: the spellings of hwlib/data/number_cases.json, shared with the page script's tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path

import pytest

from hwlib.practice import read_answer
from hwlib.typed_number import NumberError, parse

CASES = json.loads((resources.files("hwlib") / "data" / "number_cases.json").read_text(encoding="utf-8"))
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("case", CASES["accepted"], ids=lambda c: repr(c["input"]))
def test_accepted_spellings_read_exactly(case):
    value = parse(case["input"])
    assert Fraction(value) == Fraction(Decimal(case["value"]))
    assert isinstance(value, int) is case["integer"]
    assert not isinstance(value, (bool, float))


@pytest.mark.parametrize("case", CASES["refused"], ids=lambda c: repr(c["input"]))
def test_refused_spellings_say_why(case):
    with pytest.raises(NumberError) as error:
        parse(case["input"])
    assert error.value.keyword == case["keyword"]
    assert case.get("message", "") in str(error.value)
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize("case", CASES["answers"], ids=lambda c: f"{c['input']!r} as a {c['kind']}")
def test_a_practice_field_reads_counts_as_whole_numbers(case):
    """hwlib.practice.read_answer, as the page's script reads a field (the same cases, under Node below)."""
    if "value" in case:
        assert read_answer(case["input"], case["kind"]) == case["value"]
    else:
        with pytest.raises(NumberError) as error:
            read_answer(case["input"], case["kind"])
        assert error.value.keyword == case["keyword"]


def test_the_cases_cover_each_reason():
    assert {c["keyword"] for c in CASES["refused"]} == {
        "empty", "decimal comma", "grouping", "underscore", "fraction", "words", "not a number", "digits", "range",
        "too long"}


def test_a_non_string_is_a_type_error():
    with pytest.raises(TypeError, match="text must be a string"):
        parse(7)


def test_the_page_script_reads_the_same_cases_under_node():
    node = shutil.which("node")
    if node is None:
        if os.environ.get("HWBOOK_REQUIRE_NODE"):
            pytest.fail("HWBOOK_REQUIRE_NODE is set but node is not installed")
        pytest.skip("node is not installed: the page script's parser is tested under Node")
    script = ROOT / "tests" / "js" / "number_parser.test.mjs"
    result = subprocess.run([node, "--test", str(script)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("case", CASES["agreement"], ids=lambda c: f"{c['typed']} vs {c['truth']} ({c['kind']})")
def test_typed_answers_agree_as_the_tolerance_policy_says(case):
    from hwlib.tolerance import Policy

    policy = Policy(**case["policy"])
    assert policy.agrees(parse(case["typed"]), case["truth"], case["kind"]) is case["agrees"]
    assert policy.agrees(float(parse(case["typed"])), case["truth"], case["kind"]) is case["agrees"]
