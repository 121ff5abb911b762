// The page script's typed-number parser and tolerance rule (book/practice/practice.js) against the cases
// that hwlib.typed_number and hwlib.tolerance are tested on: hwlib/data/number_cases.json.
// Run: node --test tests/js/   (tests/test_typed_number.py runs it too, when node is installed)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { parseNumber, readAnswer, agrees } = require("../../book/practice/practice.js");
const cases = JSON.parse(readFileSync(new URL("../../hwlib/data/number_cases.json", import.meta.url), "utf8"));

// "-0.125" -> {negative, coefficient, exponent} with the coefficient's trailing zeros removed
function normalised(negative, coefficient, exponent) {
  while (coefficient !== 0n && coefficient % 10n === 0n) { coefficient /= 10n; exponent += 1; }
  if (coefficient === 0n) { return "0"; }
  return `${negative ? "-" : ""}${coefficient}e${exponent}`;
}

function expected(text) {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  const fraction = m[3] || "";
  return normalised(m[1] === "-", BigInt(m[2] + fraction), -fraction.length);
}

for (const c of cases.accepted) {
  test(`accepts ${JSON.stringify(c.input)}`, () => {
    const got = parseNumber(c.input);
    assert.equal(got.ok, true, got.reason);
    assert.equal(normalised(got.negative, got.coefficient, got.exponent), expected(c.value));
    assert.equal(got.integer, c.integer);
  });
}

for (const c of cases.refused) {
  test(`refuses ${JSON.stringify(c.input)}`, () => {
    const got = parseNumber(c.input);
    assert.equal(got.ok, false);
    assert.equal(got.keyword, c.keyword);
    assert.ok(got.reason.includes(c.message || ""), got.reason);
  });
}

for (const c of cases.agreement) {
  test(`${c.typed} against ${c.truth} (${c.kind}, ${JSON.stringify(c.policy)})`, () => {
    assert.equal(agrees(parseNumber(c.typed), c.truth, c.kind, c.policy), c.agrees);
  });
}

test("a value that is not read agrees with nothing", () => {
  assert.equal(agrees(parseNumber("n/a"), 0, "real", { sig_figs: 3, rel: null }), false);
});

for (const c of cases.answers) {
  test(`reads ${JSON.stringify(c.input)} as a ${c.kind}`, () => {
    const got = readAnswer(c.input, c.kind);
    if ("value" in c) {
      assert.equal(got.ok, true, got.reason);
      assert.equal(got.value, c.value);
    } else {
      assert.equal(got.ok, false);
      assert.equal(got.keyword, c.keyword);
    }
  });
}
