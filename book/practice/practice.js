/* Practice pages: check a variant's answers in the browser, with no kernel, server or outside request.
 *
 * Each variant is a <form class="practice-variant" data-problem data-seed> holding
 * <input data-quantity="<key>"> fields, a Check button (data-action="check") and its
 * data, <script type="application/json" class="practice-data">, written by
 * hwlib.practice_page.checker_data: per quantity the answer, the tolerance, the
 * catalogued mistakes' wrong values with their feedback, and a hint.
 *
 * After a check each input carries data-verdict="correct" or "wrong" (and
 * aria-invalid), its feedback line says so in words with a sign (✓ / ✗), and the
 * status line (role="status", aria-live="polite") announces the summary.
 *
 * The worked solution under each variant is put in place when its toggle opens.
 */
(function () {
  "use strict";

  var THOUSANDS = /^\d{1,3}(,\d{3})+(\.\d+)?$/;

  /* A typed number: spaces and thin spaces ignored, U+2212 or "-" for minus,
   * commas only as thousands separators (1,620,000); NaN for anything else. */
  function parseNumber(text) {
    var s = String(text).replace(/[\s\u2009\u202f]/g, "").replace(/\u2212/g, "-");
    var sign = 1;
    if (s.charAt(0) === "-" || s.charAt(0) === "+") {
      sign = s.charAt(0) === "-" ? -1 : 1;
      s = s.slice(1);
    }
    if (s.indexOf(",") !== -1) {
      if (!THOUSANDS.test(s)) { return NaN; }
      s = s.replace(/,/g, "");
    }
    if (!/^(\d+\.?\d*|\.\d+)$/.test(s)) { return NaN; }
    return sign * Number(s);
  }

  function within(value, target, tolerance) {
    return Math.abs(value - target) <= tolerance;
  }

  /* The verdict on one typed value: {verdict, message, mistakes}. */
  function judge(text, spec) {
    if (String(text).trim() === "") {
      return { verdict: "wrong", message: "✗ No answer yet.", mistakes: [] };
    }
    var value = parseNumber(text);
    if (isNaN(value)) {
      return { verdict: "wrong", message: "✗ Not a number: type digits, for example 1,620,000 or −2.", mistakes: [] };
    }
    if (within(value, spec.answer, spec.tolerance)) {
      return { verdict: "correct", message: "✓ Correct.", mistakes: [] };
    }
    var named = spec.mistakes.filter(function (m) { return within(value, m.value, spec.tolerance); });
    if (named.length) {
      return {
        verdict: "wrong",
        message: "✗ Not right: " + named.map(function (m) { return m.feedback; }).join(". Or: ") + ".",
        mistakes: named.map(function (m) { return m.name; })
      };
    }
    return { verdict: "wrong", message: "✗ Not right. " + spec.hint, mistakes: [] };
  }

  function setUp(form) {
    var dataNode = form.querySelector("script.practice-data");
    if (!dataNode) { return; }
    var data = JSON.parse(dataNode.textContent);
    var status = form.querySelector(".practice-status");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var inputs = form.querySelectorAll("input[data-quantity]");
      var right = 0;
      var wrong = [];
      Array.prototype.forEach.call(inputs, function (input) {
        var spec = data.quantities[input.getAttribute("data-quantity")];
        var result = judge(input.value, spec);
        var feedback = document.getElementById(input.getAttribute("aria-describedby"));
        input.setAttribute("data-verdict", result.verdict);
        input.setAttribute("aria-invalid", result.verdict === "wrong" ? "true" : "false");
        feedback.textContent = result.message;
        feedback.setAttribute("data-verdict", result.verdict);
        if (result.mistakes.length) {
          feedback.setAttribute("data-mistake", result.mistakes.join(" "));
        } else {
          feedback.removeAttribute("data-mistake");
        }
        if (result.verdict === "correct") { right += 1; } else { wrong.push(spec.label); }
      });
      var summary = right + " of " + inputs.length + " correct.";
      status.textContent = wrong.length
        ? "✗ " + summary + " Not yet right: " + wrong.join("; ") + "."
        : "✓ " + summary + " Well done.";
      status.setAttribute("data-verdict", wrong.length ? "wrong" : "correct");
    });
  }

  /* A worked solution waits in a <template> inside its <details> until the toggle first
   * opens; then it is put in place and MathJax typesets it (a page of twenty solutions
   * would otherwise typeset over a thousand formulas while loading). */
  function showSolution(details) {
    var template = details.querySelector("template.practice-solution-body");
    if (!details.open || !template) { return; }
    var body = document.createElement("div");
    body.className = "practice-solution-body";
    body.appendChild(template.content.cloneNode(true));
    template.replaceWith(body);
    var mathjax = window.MathJax;
    if (mathjax && mathjax.startup && mathjax.startup.promise) {
      mathjax.startup.promise
        .then(function () { return mathjax.typesetPromise([body]); })
        .then(function () { body.setAttribute("data-typeset", "true"); });
    }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form.practice-variant"), setUp);
    Array.prototype.forEach.call(document.querySelectorAll("details.practice-solution"), function (details) {
      details.addEventListener("toggle", function () { showSolution(details); });
      showSolution(details);  // already open (a restored page)
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
