// Judge answer sets with the page script's checker (book/practice/practice.js), for tests/test_practice_js.py.
// stdin: [{"data": <checker data of a variant>, "answers": [{key: number or null}, ...]}, ...]
// stdout: for each variant, for each answer set, {"results": [...], "messages": {...}, "summary": "...",
//         "truth": {...}} (the truth once per variant, as "truth").
"use strict";
const { Checker } = require("../../book/practice/practice.js");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(({ data, answers }) => {
    const checker = new Checker(data);
    return {
      truth: checker.truth,
      judged: answers.map((values) => {
        const results = checker.judge(values);
        return { results, messages: checker.messages(results), summary: checker.summary(results) };
      }),
    };
  });
  process.stdout.write(JSON.stringify(out));
});
