// Fresh variants from the page script's generator (book/practice/practice.js), for tests/test_practice_js.py.
// stdin: {"spec": <hwlib.practice_page.generator_data(problem)>, "seeds": [...]}
// stdout: [{"seed", "given", "data"} ...], data null where the page has no catalogue numbers for the seed.
"use strict";
const { Generator } = require("../../book/practice/practice.js");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { spec, seeds } = JSON.parse(input);
  const generator = new Generator(spec);
  const out = seeds.map((seed) => {
    const made = generator.data(seed);
    return { seed, given: made ? made.given : generator.given(seed), data: made ? made.data : null };
  });
  process.stdout.write(JSON.stringify(out));
});
