/* Practice pages: check a variant's answers in the browser, with no kernel, server or outside request.
 *
 * Each variant is a <form class="practice-variant" data-problem data-seed> holding
 * <input data-quantity="<key>"> fields, a Check button (data-action="check") and its
 * data, <script type="application/json" class="practice-data">, written by
 * hwlib.practice_page.checker_data: the tolerance policy, and per quantity the answer, its
 * kind (count or real), the catalogued mistakes' wrong values with their feedback, and a hint.
 *
 * After a check each input carries data-verdict="correct" or "wrong" (and
 * aria-invalid), its feedback line says so in words with a sign (✓ / ✗), and the
 * status line (role="status", aria-live="polite") announces the summary.
 *
 * The worked solution under each variant is put in place when its toggle opens.
 */
(function () {
  "use strict";

  /* ---------------------------------------------------------------- typed numbers
   * The rules of hwlib.typed_number, case for case (hwlib/data/number_cases.json is read by the
   * tests of both): an optional sign (-, +, U+2212 minus, U+2013 en dash); digits, optionally in
   * groups of three with one kind of separator (comma, space, thin space, narrow or plain no-break
   * space); an optional decimal point; an optional exponent; surrounding spaces ignored.
   * The value is exact: {negative, coefficient (a BigInt >= 0), exponent, integer}, the number
   * being (-1)^negative * coefficient * 10^exponent; a refusal is {keyword, reason}. */
  var MAX_LENGTH = 100;
  var MAX_EXPONENT = 400;
  var SPACES = " \t\n\r\u00a0\u2009\u202f";
  var NUMBER = new RegExp(
    "^([-+\u2212\u2013])?" +
    "([0-9]+|[1-9][0-9]{0,2}(?:([, \u2009\u202f\u00a0])[0-9]{3})(?:\\3[0-9]{3})*)?" +
    "(?:(\\.)([0-9]*))?" +
    "(?:[eE]([-+\u2212]?)([0-9]+))?$");
  var DECIMAL_COMMA = /^[-+\u2212\u2013]?[0-9]+,[0-9]+$/;

  function strip(text) {
    var start = 0;
    var end = text.length;
    while (start < end && SPACES.indexOf(text.charAt(start)) !== -1) { start += 1; }
    while (end > start && SPACES.indexOf(text.charAt(end - 1)) !== -1) { end -= 1; }
    return text.slice(start, end);
  }

  function refusal(text) {
    if (/[^0-9]/.test(text.replace(/\P{Nd}/gu, ""))) {
      return { keyword: "digits", reason: "type the digits 0 to 9 (not full-width digits or those of another script)" };
    }
    if (text.indexOf("_") !== -1) {
      return { keyword: "underscore", reason: "'_' does not separate digits here: write 7200 or 7,200" };
    }
    if (/\p{L}/u.test(text)) {
      return { keyword: "words", reason: "type the number alone, without words or units" };
    }
    if (text.indexOf("/") !== -1) {
      return { keyword: "fraction", reason: "a fraction is not read: write it as a decimal, such as 0.5" };
    }
    if (DECIMAL_COMMA.test(text)) {
      return { keyword: "decimal comma", reason: "a decimal comma is ambiguous: write " + text.replace(",", ".") };
    }
    if (text.indexOf(",") !== -1) {
      return { keyword: "grouping", reason: "commas separate groups of three digits, as in 1,620,000" };
    }
    return { keyword: "not a number", reason: "not a number: type digits, such as 1,620,000 or -2.5" };
  }

  /* What a person typed, read exactly: {ok: true, negative, coefficient, exponent, integer} or
   * {ok: false, keyword, reason}. */
  function parseNumber(text) {
    text = String(text);
    if (text.length > MAX_LENGTH) {
      return { ok: false, keyword: "too long", reason: "at most " + MAX_LENGTH + " characters, got " + text.length };
    }
    var s = strip(text);
    if (s === "") { return { ok: false, keyword: "empty", reason: "nothing typed" }; }
    var m = NUMBER.exec(s);
    if (!m || !(m[2] || m[5])) {
      var why = refusal(s);
      return { ok: false, keyword: why.keyword, reason: why.reason };
    }
    var negative = m[1] === "-" || m[1] === "\u2212" || m[1] === "\u2013";
    var digits = m[2] || "0";
    if (m[3]) { digits = digits.split(m[3]).join(""); }
    if (m[4] === undefined && m[7] === undefined) {
      return { ok: true, negative: negative, coefficient: BigInt(digits), exponent: 0, integer: true };
    }
    var fraction = m[5] || "";
    var power = m[7] === undefined ? 0 : Number(m[7]) * (m[6] === "-" || m[6] === "\u2212" ? -1 : 1);
    if (Math.abs(power) > MAX_EXPONENT) {
      return { ok: false, keyword: "range",
               reason: "the exponent must be between -" + MAX_EXPONENT + " and " + MAX_EXPONENT + ", got " + power };
    }
    return { ok: true, negative: negative, coefficient: BigInt(digits + fraction), exponent: power - fraction.length,
             integer: false };
  }

  /* A JavaScript number (a value of the page's data) as the exact decimal it prints as. */
  function decimalOf(number) {
    var m = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:e([-+]?[0-9]+))?$/.exec(String(number));
    if (!m) { return null; }  // NaN or an infinity
    var fraction = m[3] || "";
    return { negative: m[1] === "-", coefficient: BigInt(m[2] + fraction),
             exponent: Number(m[4] || 0) - fraction.length };
  }

  /* ---------------------------------------------------------------- the tolerance policy
   * The rule of hwlib.tolerance.Policy: a count agrees only with the same whole number; a real
   * value agrees when it rounds to the truth at policy.sig_figs significant figures (ties away
   * from zero), or, when policy.rel is given, when |value - truth| <= rel |truth|. */
  function pow10(n) { return BigInt(10) ** BigInt(n); }

  function signed(d) { return d.negative ? -d.coefficient : d.coefficient; }

  function atExponent(d, exponent) {  // the value in units of 10^exponent (exponent <= d.exponent)
    return signed(d) * pow10(d.exponent - exponent);
  }

  function rounded(d, place) {  // d / 10^place to a whole number, ties away from zero
    var magnitude;
    if (d.exponent >= place) {
      magnitude = d.coefficient * pow10(d.exponent - place);
    } else {
      var unit = pow10(place - d.exponent);
      magnitude = (BigInt(2) * d.coefficient + unit) / (BigInt(2) * unit);
    }
    return d.negative ? -magnitude : magnitude;
  }

  function agrees(value, truth, kind, policy) {
    var t = decimalOf(truth);
    if (!value || !value.ok || t === null) { return false; }
    var low = Math.min(value.exponent, t.exponent);
    var v = atExponent(value, low);
    var w = atExponent(t, low);
    if (kind === "count") {
      return v === w && (value.exponent >= 0 || value.coefficient % pow10(-value.exponent) === BigInt(0));
    }
    if (policy && policy.rel !== null && policy.rel !== undefined) {
      var r = decimalOf(policy.rel);
      var gap = v > w ? v - w : w - v;
      var size = w < 0 ? -w : w;
      return r.exponent >= 0 ? gap <= r.coefficient * pow10(r.exponent) * size
                             : gap * pow10(-r.exponent) <= r.coefficient * size;
    }
    if (t.coefficient === BigInt(0)) { return value.coefficient === BigInt(0); }
    var figures = (policy && policy.sig_figs) || 3;
    var place = t.coefficient.toString().length - 1 + t.exponent - (figures - 1);
    return rounded(value, place) === rounded(t, place);
  }

  /* The verdict on one typed value: {verdict, message, mistakes}. */
  function judge(text, spec, policy) {
    if (String(text).trim() === "") {
      return { verdict: "wrong", message: "✗ No answer yet.", mistakes: [] };
    }
    var value = parseNumber(text);
    if (!value.ok) {
      return { verdict: "wrong", message: "✗ Not read as a number: " + value.reason + ".", mistakes: [] };
    }
    if (agrees(value, spec.answer, spec.kind, policy)) {
      return { verdict: "correct", message: "✓ Correct.", mistakes: [] };
    }
    var named = spec.mistakes.filter(function (m) { return agrees(value, m.value, spec.kind, policy); });
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
        var result = judge(input.value, spec, data.policy);
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

  if (typeof module === "object" && module.exports) {  // under Node, for the tests: the rules, no page
    module.exports = { parseNumber: parseNumber, agrees: agrees, judge: judge };
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
