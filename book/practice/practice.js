/* Practice pages: judge a whole answer in the browser, with no kernel, server or outside request.
 *
 * Each variant is a <form class="practice-variant" data-problem data-seed> holding
 * <input data-quantity="<key>"> fields, Check (data-action="check") and Reset
 * (data-action="reset") buttons and its data, <script type="application/json"
 * class="practice-data">, written by hwlib.practice_page.checker_data: the tolerance policy,
 * the fields (label, kind, optional, hint), the values the Given states, how to solve the
 * rest and the book's local formulas (hwlib.answers) as expression trees, and the catalogue's
 * mistakes (hwlib.mistakes) with the wrong formulas each puts in place of the book's.  No
 * answer is written in the page: the script computes the truth from the Given.
 *
 * Checking judges the answer as a whole, by the rules of hwlib.practice.judge (the marker's
 * verdicts, hwlib.marker.ValueMarker, and one diagnosis per slip); tests/test_practice_js.py
 * runs this file under Node against the Python on thousands of answers.  After a check each
 * input carries data-verdict="correct", "carried" or "wrong" (none while blank), its feedback
 * line says so in words with a sign (✓ / ↪ / ✗), and the status line (role="status")
 * announces the summary.  Editing a field removes its verdict and the summary until the next
 * check.  Answers and checks are kept in the browser's local storage (survive a reload; Reset
 * clears them), and the page counts the variants completed.
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
  var SMALLEST_NORMAL = 2.2250738585072014e-308;  // Python's sys.float_info.min
  var EXACT_COUNT_LIMIT = 9007199254740992;  // 2^53 (hwlib.tolerance.EXACT_COUNT_LIMIT)
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
    var parsed = { ok: true, negative: negative, coefficient: BigInt(digits + fraction),
                   exponent: power - fraction.length, integer: false };
    /* a number that float64 cannot hold would be read as infinity, or as 0 (hwlib.typed_number) */
    var size = Math.abs(toNumber(parsed));  // the nearest float64, as Python's float() reads it too
    if (parsed.coefficient !== 0n && size === Infinity) {
      return { ok: false, keyword: "range", reason: "too large: at most about 1.8e308 (a float64)" };
    }
    if (parsed.coefficient !== 0n && size < SMALLEST_NORMAL) {
      return { ok: false, keyword: "range", reason: "too small to tell from 0: at least about 2.2e-308 (a float64)" };
    }
    return parsed;
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
      return v === w && (value.exponent >= 0 || value.coefficient % pow10(-value.exponent) === BigInt(0)) &&
        Math.abs(truth) <= EXACT_COUNT_LIMIT;  // float64 holds every whole number up to 2^53, and not beyond
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

  /* A JavaScript number as a parsed value (for agrees). */
  function numberValue(number) {
    var d = decimalOf(number);
    if (d === null) { return { ok: false, keyword: "not finite", reason: "not a finite number" }; }
    return { ok: true, negative: d.negative, coefficient: d.coefficient, exponent: d.exponent,
             integer: d.exponent >= 0 };
  }

  /* A field's text as the page reads it (hwlib.practice.read_answer): {ok: true, value} or {ok: false, keyword,
   * reason}; a count must be read exactly by a float64 (1.00000000000000000001 would be read as 1), and at most
   * 2^53, where float64 still holds every whole number. */
  function readAnswer(text, kind) {
    var parsed = parseNumber(text);
    if (!parsed.ok) { return parsed; }
    if (kind === "count") {
      if (!exactlyRead(parsed)) {
        return { ok: false, keyword: "count", reason: "a count is read exactly, and a float64 cannot hold this one exactly" };
      }
      if (Math.abs(toNumber(parsed)) > EXACT_COUNT_LIMIT) {
        return { ok: false, keyword: "count range",
                 reason: "a count above 2\u2075\u00b3 = 9,007,199,254,740,992 cannot be checked exactly" };
      }
    }
    return { ok: true, value: toNumber(parsed) };
  }

  /* Whether the nearest float64 of a parsed value is that value exactly (Python: Fraction(text) ==
   * Fraction(float(text))): coefficient * 10^exponent against the float's exact value m * 2^k, read from its
   * bits, compared as BigInts. */
  function exactlyRead(parsed) {
    var x = toNumber(parsed);
    if (!isFinite(x)) { return false; }
    if (parsed.coefficient === 0n || x === 0) { return parsed.coefficient === 0n && x === 0; }
    var view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, Math.abs(x));
    var bits = view.getBigUint64(0);
    var biased = Number(bits >> 52n), fraction = bits & ((1n << 52n) - 1n);
    var m = biased === 0 ? fraction : fraction | (1n << 52n);
    var k = (biased === 0 ? 1 : biased) - 1075;
    var e = parsed.exponent;
    var left = parsed.coefficient * (e >= 0 ? 10n ** BigInt(e) : 1n) * (k < 0 ? 1n << BigInt(-k) : 1n);
    var right = m * (k >= 0 ? 1n << BigInt(k) : 1n) * (e < 0 ? 10n ** BigInt(-e) : 1n);
    return left === right;
  }

  /* A parsed value as the nearest JavaScript number (Python's float of the same exact decimal). */
  function toNumber(parsed) {
    return Number((parsed.negative ? "-" : "") + parsed.coefficient.toString() + "e" + parsed.exponent);
  }

  function same(a, b, kind, policy) {
    if (typeof a !== "number" || typeof b !== "number" || !isFinite(a) || !isFinite(b)) { return false; }
    return agrees(numberValue(a), b, kind, policy);
  }

  /* As hwlib.marker names a mistake: a count that a mistake predicts may be a fraction (padding k/2 = 1.5)
   * and is then matched exactly; otherwise the policy's agreement (same). */
  function named(a, b, kind, policy) {
    if (kind === "count" && typeof a === "number" && typeof b === "number" && isFinite(b)) { return a === b; }
    return same(a, b, kind, policy);
  }

  /* ---------------------------------------------------------------- formulas
   * An expression tree of hwlib.practice_page.expression_tree: {"q": key}, {"n": number},
   * {"+": [...]}, {"*": [...]}, {"^": [base, exponent]}, {"abs": x}, {"floor": x}, {"ceil": x}; value(key) gives
   * a quantity. */
  function evaluate(tree, value) {
    if ("q" in tree) { return value(tree.q); }
    if ("n" in tree) { return tree.n; }
    var i, result;
    if ("+" in tree) {
      result = evaluate(tree["+"][0], value);
      for (i = 1; i < tree["+"].length; i += 1) { result += evaluate(tree["+"][i], value); }
      return result;
    }
    if ("*" in tree) {
      result = evaluate(tree["*"][0], value);
      for (i = 1; i < tree["*"].length; i += 1) { result *= evaluate(tree["*"][i], value); }
      return result;
    }
    if ("^" in tree) { return Math.pow(evaluate(tree["^"][0], value), evaluate(tree["^"][1], value)); }
    if ("abs" in tree) { return Math.abs(evaluate(tree.abs, value)); }
    if ("floor" in tree) { return Math.floor(evaluate(tree.floor, value)); }
    if ("ceil" in tree) { return Math.ceil(evaluate(tree.ceil, value)); }
    if ("step" in tree) {  // ReLU's slope (hwlib.answers.heaviside): NaN stays NaN, so nothing carries through it
      var u = evaluate(tree.step, value);
      return u > 0 ? 1 : (u <= 0 ? 0 : NaN);
    }
    throw new Error("unknown expression " + JSON.stringify(tree));
  }

  function symbols(tree, into) {
    into = into || {};
    if ("q" in tree) { into[tree.q] = true; return into; }
    ["+", "*", "^"].forEach(function (op) {
      if (op in tree) { tree[op].forEach(function (t) { symbols(t, into); }); }
    });
    ["abs", "floor", "ceil", "step"].forEach(function (op) {
      if (op in tree) { symbols(tree[op], into); }
    });
    return into;
  }

  /* hwlib.conv.solve_padding_stride: every (padding, stride) taking n_in to n_out with a k-wide
   * window, sorted by (stride, padding). */
  function solvePaddingStride(nIn, nOut, kernel) {
    var reach = kernel - 1;
    var pairs = [];
    for (var padding = 0; padding <= reach; padding += 1) {
      var starts = nIn + 2 * padding - reach;
      if (starts < nOut) { continue; }
      var low, high;
      if (nOut === 1) {
        low = starts; high = starts;
      } else {
        low = Math.floor((starts - 1) / nOut) + 1;
        high = Math.min(Math.floor((starts - 1) / (nOut - 1)), starts);
      }
      for (var stride = Math.max(low, 1); stride <= high; stride += 1) { pairs.push([padding, stride]); }
    }
    return pairs.sort(function (a, b) { return a[1] - b[1] || a[0] - b[0]; });
  }

  /* hwlib.conv.padding_stride_ranges: one [padding, smallest stride, largest stride] per padding that takes
   * n_in to n_out with a k-wide window; the largest is null when every larger stride works (one output). */
  function paddingStrideRanges(nIn, nOut, kernel) {
    var reach = kernel - 1;
    var ranges = [];
    for (var padding = 0; padding <= reach; padding += 1) {
      var starts = nIn + 2 * padding - reach;
      if (starts < nOut) { continue; }
      if (nOut === 1) { ranges.push([padding, starts, null]); continue; }
      var low = Math.floor((starts - 1) / nOut) + 1, high = Math.floor((starts - 1) / (nOut - 1));
      if (low <= high) { ranges.push([padding, low, high]); }
    }
    return ranges;
  }

  /* hwlib.conv.common_padding_stride_ranges: per padding, the overlap of two axes' stride ranges. */
  function commonPaddingStrideRanges(first, second) {
    var common = [];
    first.forEach(function (r) {
      var other = second.filter(function (q) { return q[0] === r[0]; })[0];
      if (!other) { return; }
      var low = Math.max(r[1], other[1]);
      var ends = [r[2], other[2]].filter(function (e) { return e !== null; });
      var high = ends.length ? Math.min.apply(null, ends) : null;
      if (high === null || low <= high) { common.push([r[0], low, high]); }
    });
    return common;
  }

  /* hwlib.conv.first_padding_stride: the smallest stride, then the least padding; null when there is none. */
  function firstPaddingStride(ranges) {
    if (!ranges.length) { return null; }
    var best = ranges.slice().sort(function (a, b) { return a[1] - b[1] || a[0] - b[0]; })[0];
    return [best[0], best[1]];
  }

  /* Every quantity recomputed from its local formula, overrides in place of some (hwlib.mistakes.propagate). */
  function propagate(base, formulas, overrides) {
    var values = {};
    function value(q, depth) {
      if (!(q in values)) {
        if (depth > 200) { throw new Error("the formulas of " + q + " refer to each other in a cycle"); }
        var f = (overrides && q in overrides) ? overrides[q] : formulas[q];
        values[q] = f ? evaluate(f, function (s) { return value(s, depth + 1); }) : base[q];
      }
      return values[q];
    }
    Object.keys(base).forEach(function (q) { value(q, 0); });
    Object.keys(overrides || {}).forEach(function (q) { value(q, 0); });
    return values;
  }

  /* ---------------------------------------------------------------- judging a whole answer */
  function Checker(data) {
    var self = this;
    this.data = data;
    this.policy = data.policy;
    this.kinds = {};
    this.keys = data.fields.map(function (f) { self.kinds[f.key] = f.kind; return f.key; });
    var base = {};
    Object.keys(data.known).forEach(function (q) { base[q] = data.known[q]; });
    data.solve.forEach(function (rule) {
      if (rule.pair) {
        var first = firstPaddingStride(bothAxes(rule["in"], rule.out, rule.kernel));
        if (first) { base[rule.pair[0]] = first[0]; base[rule.pair[1]] = first[1]; }
      } else {
        base[rule.copy] = base[rule.of];
      }
    });
    Object.keys(data.formulas).forEach(function (q) { base[q] = undefined; });
    Object.keys(base).forEach(function (q) { if (base[q] === undefined) { delete base[q]; } });
    var formulaKeys = Object.keys(data.formulas);
    var start = {};
    Object.keys(base).forEach(function (q) { start[q] = base[q]; });
    formulaKeys.forEach(function (q) { start[q] = NaN; });
    this.truth = propagate(start, data.formulas, null);
    this.predicted = {};
    this.reaches = {};
    this.steps = {};
    data.mistakes.forEach(function (m) {
      var changed = function (values) {
        var out = {};
        self.keys.forEach(function (q) {
          var v = values[q];
          if (q in self.truth && !isNaN(v) && !same(v, self.truth[q], self.kinds[q], self.policy)) { out[q] = v; }
        });
        return out;
      };
      self.predicted[m.name] = changed(propagate(self.truth, data.formulas, m.overrides));
      self.reaches[m.name] = Object.keys(m.overrides).map(function (root) {
        var one = {};
        one[root] = m.overrides[root];
        return { root: root, changed: changed(propagate(self.truth, data.formulas, one)) };
      });
      Object.keys(m.overrides).forEach(function (q) {
        (self.steps[q] = self.steps[q] || []).push({ name: m.name, tree: m.overrides[q] });
      });
    });
  }

  /* values: {key: number or null}.  Returns one {quantity, verdict, names, mistake, stated_at, carries}
   * per field, in the fields' order (hwlib.practice.judge). */
  Checker.prototype.judge = function (values) {
    var self = this;
    var truth = this.truth;
    var policy = this.policy;
    var written = function (n) { return values[n] !== null && values[n] !== undefined; };
    /* The student's own value of a quantity: what they wrote; one they did not write that has a local formula
     * is worked out from their own earlier values (NaN where that is undefined); a given's true value
     * (ValueMarker.own_values). */
    var derived = {};
    var own = function (n) {
      if (written(n)) { return values[n]; }
      var local = self.data.formulas[n];
      if (!local) { return truth[n]; }
      if (!(n in derived)) {
        derived[n] = NaN;  // no cycles in the formulas; a guard all the same
        var v = evaluate(local, own);
        derived[n] = (typeof v === "number" && isFinite(v)) ? v : NaN;
      }
      return derived[n];
    };
    var verdicts = {};
    this.keys.forEach(function (q) {
      var v = values[q];
      var kind = self.kinds[q];
      if (v === null || v === undefined) { verdicts[q] = { verdict: "blank", names: [] }; return; }
      if (same(v, truth[q], kind, policy)) { verdicts[q] = { verdict: "correct", names: [] }; return; }
      var local = self.data.formulas[q];
      if (local && same(v, evaluate(local, own), kind, policy)) { verdicts[q] = { verdict: "carried", names: [] }; return; }
      var found = (self.steps[q] || []).filter(function (s) { return named(v, evaluate(s.tree, own), kind, policy); })
        .map(function (s) { return s.name; });
      if (!found.length) {
        found = self.data.mistakes.filter(function (m) {
          return q in self.predicted[m.name] && named(v, self.predicted[m.name][q], kind, policy);
        }).map(function (m) { return m.name; });
      }
      verdicts[q] = { verdict: "wrong", names: found };
    });
    /* A right field counts against a slip at a root only when the student reached it from that root, step by
     * step on their own values (hwlib.practice.judge; ValueMarker.follows and .inputs). */
    var follows = {};
    this.keys.forEach(function (f) {
      var v = values[f];
      if (v === null || v === undefined) { follows[f] = false; return; }
      var local = self.data.formulas[f];
      if (!local) { follows[f] = true; return; }
      var step = evaluate(local, own);
      follows[f] = isFinite(step) && same(v, step, self.kinds[f], policy);
    });
    var reached = function (f, root, seen) {
      if (f === root) { return true; }
      if (seen[f] || !follows[f]) { return false; }
      var next = Object.assign({}, seen);
      next[f] = true;
      var local = self.data.formulas[f];
      return Object.keys(local ? symbols(local) : {}).some(function (i) { return reached(i, root, next); });
    };
    var correct = function (f) { return f in verdicts && verdicts[f].verdict === "correct"; };
    var refuted = function (name, q) {
      var ways = self.reaches[name].filter(function (way) { return q in way.changed; });
      if (!ways.length) {
        return Object.keys(self.predicted[name]).some(function (f) { return correct(f) && follows[f]; });
      }
      return ways.every(function (way) {
        return Object.keys(way.changed).some(function (f) { return correct(f) && reached(f, way.root, {}); });
      });
    };
    var kept = {};
    this.keys.forEach(function (q) {
      var v = verdicts[q];
      kept[q] = self.data.mistakes.filter(function (m) {
        return v.verdict === "wrong" && (v.names.indexOf(m.name) !== -1 ||
          (q in self.predicted[m.name] && named(values[q], self.predicted[m.name][q], self.kinds[q], policy))) &&
          !refuted(m.name, q);
      }).map(function (m) { return m.name; });
    });
    var explains = {};
    this.data.mistakes.forEach(function (m) {
      explains[m.name] = self.keys.filter(function (q) { return kept[q].indexOf(m.name) !== -1; }).length;
    });
    var stated = {};
    return this.keys.map(function (q) {
      var chosen = null;
      kept[q].forEach(function (n) { if (chosen === null || explains[n] > explains[chosen]) { chosen = n; } });
      if (chosen !== null && !(chosen in stated)) { stated[chosen] = q; }
      var carries = [];
      if (verdicts[q].verdict === "carried") {  /* the written values it rests on, through blanks too (rests_on) */
        var seen = {};
        var inexact = [];
        var visit = function (f) {
          Object.keys(symbols(self.data.formulas[f] || {})).forEach(function (n) {
            if (seen[n]) { return; }
            seen[n] = true;
            if (written(n)) {
              if (values[n] !== truth[n]) {
                inexact.push(n);
                if (!same(values[n], truth[n], self.kinds[n] || "real", policy)) { carries.push(n); }
              }
            } else if (own(n) !== truth[n]) {  // worked out to its true value, it passes none of theirs on
              visit(n);
            }
          });
        };
        visit(q);
        if (!carries.length) { carries = inexact; }
        carries.sort();
      }
      return { quantity: q, verdict: verdicts[q].verdict, names: verdicts[q].names, mistake: chosen,
               stated_at: chosen === null ? null : stated[chosen], carries: carries };
    });
  };

  /* 'a', 'a and b', 'a, b and c' (hwlib.words.join_words). */
  function joinWords(items) {
    if (items.length < 2) { return items.join(""); }
    return items.slice(0, -1).join(", ") + " and " + items[items.length - 1];
  }

  /* The feedback line of each field and the summary (hwlib.practice.messages and summary). */
  Checker.prototype.messages = function (results) {
    var data = this.data;
    var labels = {}, hints = {}, optional = {}, feedback = {};
    data.fields.forEach(function (f) { labels[f.key] = f.label; hints[f.key] = f.hint; optional[f.key] = f.optional; });
    data.mistakes.forEach(function (m) { feedback[m.name] = m.feedback; });
    var label = function (q) { return q in labels ? labels[q] : q; };
    var out = {};
    results.forEach(function (r) {
      var q = r.quantity;
      if (r.verdict === "correct") {
        out[q] = "✓ Correct.";
      } else if (r.verdict === "carried") {
        out[q] = "↪ Carried: right on your own " + joinWords(r.carries.map(label)) + "; this step itself is right.";
      } else if (r.verdict === "blank") {
        out[q] = optional[q] ? "" : "No answer yet.";
      } else if (r.mistake !== null && r.stated_at === q) {
        out[q] = "✗ Not right: " + feedback[r.mistake] + ".";
      } else if (r.mistake !== null) {
        out[q] = "✗ Not right: the same slip as at " + label(r.stated_at) + ".";
      } else {
        out[q] = "✗ Not right. " + hints[q];
      }
    });
    return out;
  };

  Checker.prototype.summary = function (results) {
    var data = this.data;
    var labels = {}, optional = {};
    data.fields.forEach(function (f) { labels[f.key] = f.label; optional[f.key] = f.optional; });
    var counted = results.filter(function (r) { return !(r.verdict === "blank" && optional[r.quantity]); });
    var right = counted.filter(function (r) { return r.verdict === "correct"; }).length;
    var carried = counted.filter(function (r) { return r.verdict === "carried"; }).length;
    var text = right + " of " + counted.length + " correct";
    if (right === counted.length) { return "✓ " + text + ". Well done."; }
    if (carried) { text += ", " + carried + " carried (right on your own earlier values)"; }
    /* a carried value is not listed: it comes right with the values it rests on (hwlib.practice.summary) */
    var named = function (verdict) {
      return counted.filter(function (r) { return r.verdict === verdict; }).map(function (r) { return labels[r.quantity]; });
    };
    var wrong = named("wrong"), blank = named("blank");
    var parts = ["✗ " + text + "."];
    if (wrong.length) { parts.push("Wrong: " + wrong.join("; ") + "."); }
    if (blank.length) { parts.push("No answer yet: " + blank.join("; ") + "."); }
    return parts.join(" ");
  };

  /* ---------------------------------------------------------------- fresh variants
   * hwlib.practice's seeded generator, step for step: Python's random.Random(seed).random() (the
   * Mersenne Twister, seeded as CPython seeds it from an integer) is the one source of randomness,
   * picks are floor(random() * n); Problems 1 and 2 take entry seed mod N of their list of valid
   * variants in a fixed shuffled order, Problem 3 draws its numbers until the variant is workable.
   * tests/test_practice_js.py checks that both give the same Given and the same checker data. */
  function MersenneTwister(seed) {
    var n = 624;
    var mt = new Array(n);
    var index = n + 1;
    function initGenrand(s) {
      mt[0] = s >>> 0;
      for (var i = 1; i < n; i += 1) {
        var prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
        mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
      }
      index = n;
    }
    var key = [];
    var rest = Math.abs(seed);
    do { key.push(rest % 4294967296); rest = Math.floor(rest / 4294967296); } while (rest > 0);
    initGenrand(19650218);
    var i = 1, j = 0, k = Math.max(n, key.length);
    for (; k; k -= 1) {
      var p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(p, 1664525)) + key[j] + j) >>> 0;
      i += 1; j += 1;
      if (i >= n) { mt[0] = mt[n - 1]; i = 1; }
      if (j >= key.length) { j = 0; }
    }
    for (k = n - 1; k; k -= 1) {
      var q = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(q, 1566083941)) - i) >>> 0;
      i += 1;
      if (i >= n) { mt[0] = mt[n - 1]; i = 1; }
    }
    mt[0] = 0x80000000;
    function next() {
      var y;
      if (index >= n) {
        for (var kk = 0; kk < n; kk += 1) {
          y = (mt[kk] & 0x80000000) | (mt[(kk + 1) % n] & 0x7fffffff);
          mt[kk] = mt[(kk + 397) % n] ^ (y >>> 1) ^ ((y & 1) ? 0x9908b0df : 0);
        }
        index = 0;
      }
      y = mt[index];
      index += 1;
      y ^= (y >>> 11);
      y ^= (y << 7) & 0x9d2c5680;
      y ^= (y << 15) & 0xefc60000;
      y ^= (y >>> 18);
      return y >>> 0;
    }
    this.random = function () {
      var a = next() >>> 5, b = next() >>> 6;
      return (a * 67108864 + b) / 9007199254740992;
    };
  }

  function Picker(seed) { this.rng = new MersenneTwister(seed); }
  Picker.prototype.index = function (n) { return Math.min(Math.floor(this.rng.random() * n), n - 1); };
  Picker.prototype.choice = function (options) { return options[this.index(options.length)]; };
  Picker.prototype.shuffled = function (items) {
    items = items.slice();
    for (var i = items.length - 1; i > 0; i -= 1) {
      var j = this.index(i + 1);
      var swap = items[i]; items[i] = items[j]; items[j] = swap;
    }
    return items;
  };

  function canonical(value) {  // JSON with sorted keys: equal data, equal text
    if (Array.isArray(value)) { return "[" + value.map(canonical).join(",") + "]"; }
    if (value !== null && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) { return JSON.stringify(k) + ":" + canonical(value[k]); }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  /* The stride ranges, one per padding, that take the height and the width alike to the output's. */
  function bothAxes(inHW, outHW, kernel) {
    return commonPaddingStrideRanges(paddingStrideRanges(inHW[0], outHW[0], kernel),
                                     paddingStrideRanges(inHW[1], outHW[1], kernel));
  }

  /* True when the ranges hold exactly one (padding, stride). */
  function onePair(ranges) { return ranges.length === 1 && ranges[0][1] === ranges[0][2]; }

  function permutations(items, r) {
    if (r === 0) { return [[]]; }
    var out = [];
    items.forEach(function (item, i) {
      var rest = items.slice(0, i).concat(items.slice(i + 1));
      permutations(rest, r - 1).forEach(function (p) { out.push([item].concat(p)); });
    });
    return out;
  }

  function Generator(spec) {
    this.spec = spec;
    this.problem = spec.problem;
    this.g = spec.generator;
    this.list = null;
  }

  Generator.prototype.p1Given = function (layer) {
    return { in_shape: [layer[0], layer[0], layer[3]], out_shape: [layer[1], layer[1], layer[4]], kernel: layer[2] };
  };

  Generator.prototype.p2Given = function (part) {
    var kernels = {};
    this.g.P2_PARTS.forEach(function (name, i) { kernels[name] = part[4][i]; });
    return { in_volume: [part[0], part[1], part[5]], out_volume: [part[2], part[3], part[6]], kernels: kernels };
  };

  Generator.prototype.variants = function () {
    if (this.list) { return this.list; }
    var g = this.g, self = this;
    var homework = canonical(g.homework);
    var all = [];
    if (this.problem === 1) {
      var shapes = [];
      g.P1_SIZES.forEach(function (n) {
        g.P1_KERNELS.forEach(function (kernel) {
          g.P1_STRIDES.forEach(function (stride) {
            var paddings = [0, Math.floor((kernel - 1) / 2)].filter(function (p, i, a) { return a.indexOf(p) === i; })
              .sort(function (a, b) { return a - b; });
            paddings.forEach(function (padding) {
              var out = Math.floor((n + 2 * padding - kernel) / stride) + 1;
              var pairs = solvePaddingStride(n, out, kernel);
              if (out >= 2 && pairs.length === 1 && pairs[0][0] === padding && pairs[0][1] === stride) {
                shapes.push([n, out, kernel]);
              }
            });
          });
        });
      });
      shapes.forEach(function (s) {
        g.P1_IN_CHANNELS.forEach(function (cIn) {
          g.P1_OUT_CHANNELS.forEach(function (cOut) {
            var layer = [s[0], s[1], s[2], cIn, cOut];
            if (cOut > cIn && s[1] * s[1] * cOut * s[2] * s[2] * cIn <= g.P1_MAX_MACS &&
                canonical(self.p1Given(layer)) !== homework) { all.push(layer); }
          });
        });
      });
    } else {
      var shapes2 = [];
      g.P2_SIZES.forEach(function (h) {
        g.P2_WIDER.forEach(function (wider) {
          g.P2_STRIDES.forEach(function (stride) {
            var w = h + wider;
            var hOut = Math.floor((h - 1) / stride) + 1, wOut = Math.floor((w - 1) / stride) + 1;
            var unique = g.P2_KERNELS.filter(function (k) { return onePair(bothAxes([h, w], [hOut, wOut], k)); });
            permutations(unique, g.P2_PARTS.length).forEach(function (kernels) { shapes2.push([h, w, hOut, wOut, kernels]); });
          });
        });
      });
      shapes2.forEach(function (s) {
        g.P2_CHANNELS.forEach(function (cIn) {
          g.P2_CHANNELS.forEach(function (cOut) {
            var part = s.concat([cIn, cOut]);
            if (canonical(self.p2Given(part)) !== homework) { all.push(part); }
          });
        });
      });
    }
    this.list = new Picker(g.SHUFFLE_SEED).shuffled(all);
    return this.list;
  };

  /* A network's forward pass and gradients (hwlib.network.Network), linear or with ReLU on the hidden layers
   * (relu true): `inputs` holds each layer's input u = a W (index 0 is x), `slopes` ReLU's slope at each hidden
   * unit (1 where u > 0, else 0; 1 at the output and without ReLU). */
  function network(weights, x, t, relu) {
    var forward = [x.slice()];
    var inputs = [x.slice()];
    var slopes = [x.map(function () { return 1; })];
    weights.forEach(function (w, layer) {
      var a = forward[forward.length - 1];
      var u = w[0].map(function (_, j) { return a.reduce(function (sum, v, i) { return sum + v * w[i][j]; }, 0); });
      var hidden = relu && layer < weights.length - 1;
      inputs.push(u);
      slopes.push(u.map(function (v) { return hidden && !(v > 0) ? 0 : 1; }));
      forward.push(u.map(function (v) { return hidden && !(v > 0) ? 0 : v; }));
    });
    var out = forward[forward.length - 1];
    var loss = out.reduce(function (sum, v) { return sum + (v - t) * (v - t); }, 0);
    var activations = new Array(forward.length);
    activations[forward.length - 1] = out.map(function (v) { return 2 * (v - t); });
    var gradients = new Array(weights.length);
    for (var layer = weights.length - 1; layer >= 0; layer -= 1) {
      var w = weights[layer], below = forward[layer];
      var slope = slopes[layer + 1];
      var above = activations[layer + 1].map(function (g, j) { return g * slope[j]; });  // dL/du of the layer above
      gradients[layer] = w.map(function (row, i) { return row.map(function (_, j) { return below[i] * above[j]; }); });
      activations[layer] = w.map(function (row) { return row.reduce(function (sum, v, j) { return sum + v * above[j]; }, 0); });
    }
    return { forward: forward, inputs: inputs, slopes: slopes, activations: activations, gradients: gradients,
             loss: loss };
  }

  /* hwlib.practice.p3_activation: one seed in P3_RELU_EVERY (seed mod 4 = 3) puts ReLU on the hidden layers. */
  Generator.prototype.p3Activation = function (seed) {
    return seed % this.g.P3_RELU_EVERY === this.g.P3_RELU_EVERY - 1 ? "relu" : "identity";
  };

  Generator.prototype.p3Given = function (seed) {
    var g = this.g;
    var homework = canonical(g.homework);
    var relu = this.p3Activation(seed) === "relu";
    var limit = relu ? g.P3_RELU_MAX_ZERO_GRADIENTS : g.P3_MAX_ZERO_GRADIENTS;
    var picker = new Picker(seed);
    var shape = picker.choice(g.P3_SHAPES);
    for (;;) {
      var weights = shape.map(function (rc) {
        var rows = [];
        for (var i = 0; i < rc[0]; i += 1) {
          var row = [];
          for (var j = 0; j < rc[1]; j += 1) { row.push(picker.choice(g.P3_WEIGHTS)); }
          rows.push(row);
        }
        return rows;
      });
      var x = [];
      for (var i = 0; i < shape[0][0]; i += 1) { x.push(picker.choice(g.P3_INPUTS)); }
      var t = picker.choice(g.P3_TARGETS);
      var given = { weights: weights, x: x, t: t };
      var last = weights[weights.length - 1];
      if (canonical(given) === homework || !x.some(function (v) { return v !== 0; }) ||
          !last.every(function (row) { return row.every(function (v) { return v !== 0; }); })) { continue; }
      var net = network(weights, x, t, relu);
      if (relu) {  // ReLU must switch a hidden unit off, and no hidden input may sit on the kink at 0
        var hiddenInputs = [].concat.apply([], net.inputs.slice(1, -1));
        if (!hiddenInputs.some(function (v) { return v < 0; }) || hiddenInputs.some(function (v) { return v === 0; })) {
          continue;
        }
      }
      var flat = function (arrays) { return [].concat.apply([], arrays.map(function (a) { return [].concat.apply([], a.map(function (r) { return Array.isArray(r) ? r : [r]; })); })); };
      var everything = flat(net.forward).concat(flat(net.activations), flat(net.gradients), [net.loss]);
      var largest = Math.max.apply(null, everything.map(Math.abs));
      var grads = flat(net.gradients);
      var zeros = grads.filter(function (v) { return v === 0; }).length;
      if (net.activations[net.activations.length - 1][0] !== 0 &&
          net.forward.slice(1).every(function (layer) { return layer.some(function (v) { return v !== 0; }); }) &&
          zeros <= limit * grads.length && largest <= g.P3_MAX_ABS) {
        if (relu) { given.hidden_activation = "relu"; }
        return given;
      }
    }
  };

  /* The Given of variant `seed` (hwlib.practice.make_given). */
  Generator.prototype.given = function (seed) {
    if (this.problem === 3) { return this.p3Given(seed); }
    var list = this.variants();
    var entry = list[seed % list.length];
    return this.problem === 1 ? this.p1Given(entry) : this.p2Given(entry);
  };

  function filled(tree, values) {
    if ("slot" in tree) { return { n: values[tree.slot] }; }
    if ("q" in tree || "n" in tree) { return tree; }
    var unary = ["abs", "floor", "ceil", "step"].filter(function (op) { return op in tree; })[0];
    if (unary) {
      var one = {};
      one[unary] = filled(tree[unary], values);
      return one;
    }
    var op = Object.keys(tree)[0];
    var out = {};
    out[op] = tree[op].map(function (t) { return filled(t, values); });
    return out;
  }

  /* The checker data of variant `seed` (hwlib.practice_page.checker_data), or null where the page has no
   * numbers for its catalogue (a seed of Problem 1 or 2 beyond the table). */
  Generator.prototype.data = function (seed) {
    var given = this.given(seed);
    var template, values = [];
    if (this.problem === 3) {
      var relu = given.hidden_activation === "relu";
      var shape = given.weights.map(function (w) { return w.length; }).join("-") + "-" +
        given.weights[given.weights.length - 1][0].length + (relu ? "-relu" : "");
      template = this.spec.templates[shape];
    } else {
      var row = this.spec.table[seed];
      if (!row) { return null; }
      template = this.spec.templates[row[0]];
      values = row[1];
    }
    var known = {};
    Object.keys(template.known).forEach(function (key) {
      known[key] = template.known[key].reduce(function (v, step) { return v[step]; }, given);
    });
    var solve = [];
    if (this.problem === 1) {
      solve.push({ pair: ["padding", "stride"], "in": [given.in_shape[0], given.in_shape[1]],
                   out: [given.out_shape[0], given.out_shape[1]], kernel: given.kernel });
    } else if (this.problem === 2) {
      Object.keys(given.kernels).forEach(function (part) {
        var hw = [given.in_volume[0], given.in_volume[1]], out = [given.out_volume[0], given.out_volume[1]];
        if (bothAxes(hw, out, given.kernels[part]).length) {
          solve.push({ pair: [part + ".padding", part + ".stride"], "in": hw, out: out, kernel: given.kernels[part] });
        }
        solve.push({ copy: part + ".filters", of: "C_out" });
      });
    }
    return {
      given: given,
      data: {
        problem: this.problem, seed: seed, policy: this.spec.policy, fields: template.fields, known: known,
        solve: solve, formulas: template.formulas,
        mistakes: template.mistakes.map(function (m) {
          var overrides = {};
          Object.keys(m.overrides).forEach(function (q) { overrides[q] = filled(m.overrides[q], values); });
          return { name: m.name, feedback: m.feedback, overrides: overrides };
        })
      }
    };
  };

  /* ---------------------------------------------------------------- the page */
  var STORE = "hwlib-practice:";

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }  // storage may be refused
  }

  function load(key) {
    var s = storage();
    if (!s) { return null; }
    try { return JSON.parse(s.getItem(STORE + key)); } catch (error) { return null; }
  }

  function save(key, value) {
    var s = storage();
    if (!s) { return; }
    try {
      if (value === null) { s.removeItem(STORE + key); } else { s.setItem(STORE + key, JSON.stringify(value)); }
    } catch (error) { /* full or refused: progress is kept for this visit only */ }
  }

  function formKey(form) { return "p" + form.getAttribute("data-problem") + "-s" + form.getAttribute("data-seed"); }

  function completedKey(problem) { return "completed-p" + problem; }

  function updateProgress(problem) {
    var done = load(completedKey(problem)) || [];
    Array.prototype.forEach.call(document.querySelectorAll('.practice-progress[data-problem="' + problem + '"]'), function (node) {
      node.textContent = "Variants completed on this device: " + done.length +
        (done.length ? (done.length === 1 ? " (seed " : " (seeds ") + done.slice().sort(function (a, b) { return a - b; }).join(", ") + ")." : ".");
    });
  }

  function clearVerdict(input) {
    input.removeAttribute("data-verdict");
    input.removeAttribute("aria-invalid");
    var feedback = document.getElementById(input.getAttribute("aria-describedby"));
    feedback.textContent = "";
    feedback.removeAttribute("data-verdict");
    feedback.removeAttribute("data-mistake");
  }

  function setUp(form) {
    var dataNode = form.querySelector("script.practice-data");
    if (!dataNode) { return; }
    var data = JSON.parse(dataNode.textContent);
    var checker = null;
    var status = form.querySelector(".practice-status");
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-quantity]"));
    var key = formKey(form);
    var kinds = {};
    data.fields.forEach(function (f) { kinds[f.key] = f.kind; });

    function remember(checked) {
      var typed = {};
      inputs.forEach(function (input) { if (input.value !== "") { typed[input.getAttribute("data-quantity")] = input.value; } });
      save(key, Object.keys(typed).length ? { typed: typed, checked: checked } : null);
    }

    function check() {
      checker = checker || new Checker(data);
      var values = {};
      var refused = {};
      inputs.forEach(function (input) {
        var q = input.getAttribute("data-quantity");
        values[q] = null;
        if (strip(input.value) === "") { return; }
        var read = readAnswer(input.value, kinds[q]);
        if (read.ok) { values[q] = read.value; } else { refused[q] = read.reason; }
      });
      var results = checker.judge(values);
      var lines = checker.messages(results);
      results.forEach(function (r) {
        var input = form.querySelector('input[data-quantity="' + r.quantity + '"]');
        var feedback = document.getElementById(input.getAttribute("aria-describedby"));
        var verdict = r.quantity in refused ? "wrong" : r.verdict;
        feedback.textContent = r.quantity in refused ? "✗ Not read as a number: " + refused[r.quantity] + "." : lines[r.quantity];
        if (verdict === "blank") {
          input.removeAttribute("data-verdict");
          input.removeAttribute("aria-invalid");
          feedback.removeAttribute("data-verdict");
        } else {
          input.setAttribute("data-verdict", verdict);
          input.setAttribute("aria-invalid", verdict === "wrong" ? "true" : "false");
          feedback.setAttribute("data-verdict", verdict);
        }
        if (r.mistake && !(r.quantity in refused)) { feedback.setAttribute("data-mistake", r.mistake); } else { feedback.removeAttribute("data-mistake"); }
      });
      var summary = checker.summary(results);
      var done = summary.charAt(0) === "✓" && !Object.keys(refused).length;
      status.textContent = summary;
      status.setAttribute("data-verdict", done ? "correct" : "wrong");
      var problem = form.getAttribute("data-problem");
      var seed = Number(form.getAttribute("data-seed"));
      var completed = load(completedKey(problem)) || [];
      if (done && completed.indexOf(seed) === -1) { completed.push(seed); save(completedKey(problem), completed); }
      updateProgress(problem);
      remember(true);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      check();
    });
    inputs.forEach(function (input) {
      input.addEventListener("input", function () {
        clearVerdict(input);
        status.textContent = "";
        status.removeAttribute("data-verdict");
        remember(false);
      });
    });
    var reset = form.querySelector('[data-action="reset"]');
    if (reset) {
      reset.addEventListener("click", function () {
        inputs.forEach(function (input) { input.value = ""; clearVerdict(input); });
        status.textContent = "";
        status.removeAttribute("data-verdict");
        save(key, null);
        var problem = form.getAttribute("data-problem");
        var seed = Number(form.getAttribute("data-seed"));
        var completed = (load(completedKey(problem)) || []).filter(function (s) { return s !== seed; });
        save(completedKey(problem), completed.length ? completed : null);
        updateProgress(problem);
      });
    }
    var kept = load(key);
    if (kept && kept.typed) {
      inputs.forEach(function (input) {
        var q = input.getAttribute("data-quantity");
        if (q in kept.typed) { input.value = kept.typed[q]; }
      });
      if (kept.checked) { check(); }
    }
  }

  /* ---------------------------------------------------------------- fresh variants on the page */
  var SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹", SUB = "₀₁₂₃₄₅₆₇₈₉";
  function digits(n, set) { return String(n).replace(/[0-9]/g, function (d) { return set.charAt(Number(d)); }); }
  function num(v) { return v < 0 ? "\u2212" + (-v) : String(v); }
  function volume(v) { return v.join(" × "); }

  /* The statement of a fresh variant, in words (the worked solution's statement is the book's Python's). */
  function statement(problem, given, data) {
    if (problem === 1) {
      var k = given.kernel;
      return "An input of " + volume(given.in_shape) + " must come out of a convolution with " + k + " × " + k +
        " filters as " + volume(given.out_shape) + ". Give the output size, padding and stride the layer uses, and " +
        "count the weights and multiply-accumulates of a standard convolution and of a depthwise separable one " +
        "(a " + k + " × " + k + " depthwise step, then a 1 × 1 pointwise step).";
    }
    if (problem === 2) {
      var parts = Object.keys(given.kernels).map(function (part) {
        var kp = given.kernels[part];
        return "(" + part + ") " + kp + " × " + kp + " filters";
      });
      return "An input volume of " + volume(given.in_volume) + " must come out of a convolutional layer as " +
        volume(given.out_volume) + ". Find the zero padding, the stride and the number of filters for " +
        parts.slice(0, -1).join(", ") + " and " + parts[parts.length - 1] + ".";
    }
    var inputs = given.x.map(function (_, i) { return "x" + digits(i + 1, SUB); });
    var matrices = given.weights.map(function (w, l) {
      return "W" + digits(l + 1, SUPER) + " = [" + w.map(function (row) { return row.map(num).join(" "); }).join("; ") + "]";
    });
    var sizes = [given.x.length].concat(given.weights.map(function (w) { return w[0].length; }));
    var relu = given.hidden_activation === "relu";
    var kind = relu ? "A network whose hidden layers apply ReLU (no bias; the output is linear)"
                    : "A linear network (no activation, no bias)";
    var reluRule = relu ? " The hidden layers apply ReLU: a hidden unit's value is max(0, u) of its input u, the sum " +
      "of the units below it times their weights; in the backward pass a hidden unit passes its gradient on " +
      "multiplied by ReLU's slope at its input, ReLU'(unit): 1 where the input is positive (the unit is on), 0 where " +
      "it is negative (the unit is switched off and passes no gradient back)." : "";
    return kind + " has layers of " + sizes.join(", ") + " units, inputs " +
      inputs.join(", ") + ", and the weights " + matrices.join(", ") + ", where w" + "ˡᵢⱼ, in row i and column j " +
      "of Wˡ, joins unit i of layer l − 1 to unit j of layer l. With x = (" + given.x.map(num).join(", ") +
      ") and target t = " + num(given.t) + ", and the loss the squared difference of the output and t: compute " +
      "the forward values and the loss, then every weight's gradient by backpropagation." + reluRule +
      " The fields are labelled " +
      "with the names of the units: " + data.fields.filter(function (f) { return f.key.indexOf("dL/") !== 0 && f.key !== "L"; })
        .map(function (f) { return f.label; }).join(", ") + ".";
  }

  function slug(text) { return text.replace(/[^A-Za-z0-9_]+/g, "-").replace(/^-+|-+$/g, ""); }

  /* A form as hwlib.practice_page writes one. */
  function freshSection(problem, seed, given, data) {
    var section = document.createElement("section");
    section.className = "practice-fresh-variant";
    section.setAttribute("data-seed", String(seed));
    var prefix = "practice-p" + problem + "-s" + seed;
    var heading = document.createElement("h2");
    heading.id = prefix + "-heading";
    heading.textContent = "Variant with seed " + seed;
    heading.tabIndex = -1;
    section.appendChild(heading);
    var text = document.createElement("p");
    text.textContent = statement(problem, given, data);
    section.appendChild(text);
    var form = document.createElement("form");
    form.className = "practice-variant";
    form.setAttribute("data-problem", String(problem));
    form.setAttribute("data-seed", String(seed));
    form.setAttribute("aria-label", "Your answers, variant with seed " + seed);
    form.noValidate = true;
    data.fields.forEach(function (spec) {
      var id = prefix + "-" + slug(spec.key);
      var row = document.createElement("div");
      row.className = "practice-field";
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = spec.label;
      if (spec.optional) {
        var optional = document.createElement("span");
        optional.className = "practice-optional";
        optional.textContent = "(optional)";
        label.appendChild(document.createTextNode(" "));
        label.appendChild(optional);
      }
      var input = document.createElement("input");
      input.id = id;
      input.type = "text";
      if (spec.kind === "count") { input.setAttribute("inputmode", "numeric"); }
      input.setAttribute("autocomplete", "off");
      input.setAttribute("spellcheck", "false");
      input.setAttribute("data-quantity", spec.key);
      input.setAttribute("aria-describedby", id + "-feedback");
      var feedback = document.createElement("span");
      feedback.id = id + "-feedback";
      feedback.className = "practice-feedback";
      row.appendChild(label); row.appendChild(input); row.appendChild(feedback);
      form.appendChild(row);
    });
    var actions = document.createElement("div");
    actions.className = "practice-actions";
    actions.innerHTML = '<button type="submit" class="practice-check" data-action="check">Check</button>' +
      '<button type="button" class="practice-reset" data-action="reset">Reset</button>' +
      '<p class="practice-status" role="status" aria-live="polite"></p>';
    form.appendChild(actions);
    var script = document.createElement("script");
    script.type = "application/json";
    script.className = "practice-data";
    script.textContent = JSON.stringify(data);
    form.appendChild(script);
    section.appendChild(form);
    var note = document.createElement("p");
    note.className = "practice-fresh-note";
    note.textContent = "A fresh variant has no worked solution on this page. To see one: python -m hwlib.practice " +
      "--problem " + problem + " --seed " + seed + " prints its Given and answers; paste that Given into the " +
      "Given cell of Problem " + problem + "'s chapter notebook and run all, and the chapter works it step by step.";
    section.appendChild(note);
    return section;
  }

  function freshKey(problem) { return "fresh-p" + problem; }

  function setUpControls(controls) {
    var specNode = controls.querySelector("script.practice-generator");
    if (!specNode) { return; }
    var spec = JSON.parse(specNode.textContent);
    var problem = spec.problem;
    var top = Number(controls.getAttribute("data-top"));
    var generator = new Generator(spec);
    var field = controls.querySelector('[data-action="seed"]');
    var status = controls.querySelector(".practice-controls-status");
    var area = controls.nextElementSibling && controls.nextElementSibling.classList.contains("practice-fresh")
      ? controls.nextElementSibling : controls;

    function existing(seed) {
      return document.querySelector('form.practice-variant[data-problem="' + problem + '"][data-seed="' + seed + '"]');
    }

    function pose(seed, focus) {
      var form = existing(seed);
      if (form) {
        if (focus) {
          status.textContent = "The variant with seed " + seed + " is on this page.";
          var first = form.querySelector("input[data-quantity]");
          if (first) { first.focus(); }
        }
        return;
      }
      var made = generator.data(seed);
      if (!made) { status.textContent = "Seeds of this page run from 0 to " + top + "."; return; }
      var section = freshSection(problem, seed, made.given, made.data);
      area.insertBefore(section, area.firstChild);
      setUp(section.querySelector("form"));
      var opened = (load(freshKey(problem)) || []).filter(function (s) { return s !== seed; });
      opened.unshift(seed);
      save(freshKey(problem), opened.slice(0, 10));
      if (focus) {
        status.textContent = "Variant with seed " + seed + " below.";
        section.querySelector("h2").focus();
      }
    }

    function loadSeed() {
      var text = strip(field.value);
      if (!/^[0-9]+$/.test(text) || Number(text) > top) {
        status.textContent = "Type a seed: a whole number from 0 to " + top + ".";
        return;
      }
      pose(Number(text), true);
    }

    field.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); loadSeed(); }
    });
    controls.querySelector('[data-action="load"]').addEventListener("click", loadSeed);
    controls.querySelector('[data-action="new"]').addEventListener("click", function () {
      var seed;
      do { seed = 20 + Math.floor(Math.random() * (top - 19)); } while (existing(seed));
      field.value = String(seed);
      pose(seed, true);
    });
    (load(freshKey(problem)) || []).slice().reverse().forEach(function (seed) {
      if (typeof seed === "number" && seed >= 0 && seed <= top) { pose(seed, false); }
    });
  }

  /* Math elements under root that MathJax has not typeset yet (the build typesets those it knows, a worked
   * solution's too; a page built without Chromium leaves them as TeX). */
  function untypeset(root) {
    return Array.prototype.filter.call(root.querySelectorAll(".math"), function (node) {
      return !node.querySelector("mjx-container");
    });
  }

  /* A worked solution waits in a <template> inside its <details> until the toggle first
   * opens; then it is put in place, and MathJax typesets it if the build did not (a page of twenty solutions
   * would otherwise typeset over a thousand formulas while loading). */
  function showSolution(details) {
    var template = details.querySelector("template.practice-solution-body");
    if (!details.open || !template) { return; }
    var body = document.createElement("div");
    body.className = "practice-solution-body";
    body.appendChild(template.content.cloneNode(true));
    template.replaceWith(body);
    var mathjax = window.MathJax;
    if (!untypeset(body).length) {
      body.setAttribute("data-typeset", "true");
    } else if (mathjax && mathjax.startup && mathjax.startup.promise) {
      mathjax.startup.promise
        .then(function () { return mathjax.typesetPromise([body]); })
        .then(function () { body.setAttribute("data-typeset", "true"); });
    }
  }

  /* Formulas are not tab stops: MathJax makes each one focusable (for its menu), and Chromium any that scrolls
   * (practice.css lets inline formulas overflow instead); the keyboard goes from field to field.  A formula typeset later (a worked solution, a lazily typeset statement) is caught too. */
  function untab(root) {
    Array.prototype.forEach.call(root.querySelectorAll("mjx-container[tabindex]"), function (node) {
      node.removeAttribute("tabindex");
    });
  }

  function watchFormulas() {
    untab(document);
    if (typeof MutationObserver === "function") {
      new MutationObserver(function (records) {
        records.forEach(function (record) {
          if (record.type === "attributes") {
            var target = record.target;
            if (target.localName === "mjx-container" && target.hasAttribute("tabindex")) { target.removeAttribute("tabindex"); }
          } else {
            Array.prototype.forEach.call(record.addedNodes, function (node) {
              if (node.nodeType !== 1) { return; }
              if (node.matches("mjx-container[tabindex]")) { node.removeAttribute("tabindex"); }
              untab(node);
            });
          }
        });
      }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["tabindex"] });
    }
    /* Statements the build left as TeX are typeset at once, not when scrolled to: a screen reader and
     * find-in-page then see every number.  Those the build typeset are left as they are. */
    window.addEventListener("load", function () {
      var mathjax = window.MathJax;
      if (!untypeset(document).length || !mathjax || !mathjax.startup || !mathjax.startup.promise) { return; }
      mathjax.startup.promise.then(function () {
        var doc = mathjax.startup.document;
        return doc && doc.lazyTypesetAll ? doc.lazyTypesetAll() : mathjax.typesetPromise();
      }).then(function () { untab(document); });
    });
  }

  function start() {
    watchFormulas();
    var forms = document.querySelectorAll("form.practice-variant");
    var seen = {};
    Array.prototype.forEach.call(forms, function (form) {
      var problem = form.getAttribute("data-problem");
      if (!seen[problem] && !document.querySelector('.practice-progress[data-problem="' + problem + '"]')) {
        // one progress line per page, above its first variant
        seen[problem] = true;
        var progress = document.createElement("p");
        progress.className = "practice-progress";
        progress.setAttribute("data-problem", problem);
        var section = form.closest("section") || form;
        section.parentNode.insertBefore(progress, section);
      }
    });
    Array.prototype.forEach.call(forms, function (form) { seen[form.getAttribute("data-problem")] = true; setUp(form); });
    Array.prototype.forEach.call(document.querySelectorAll(".practice-controls"), setUpControls);
    Object.keys(seen).forEach(updateProgress);
    Array.prototype.forEach.call(document.querySelectorAll("details.practice-solution"), function (details) {
      details.addEventListener("toggle", function () { showSolution(details); });
      showSolution(details);  // already open (a restored page)
    });
  }

  if (typeof module === "object" && module.exports) {  // under Node, for the tests: the rules, no page
    module.exports = { parseNumber: parseNumber, readAnswer: readAnswer, agrees: agrees, toNumber: toNumber, Checker: Checker, evaluate: evaluate,
                       solvePaddingStride: solvePaddingStride, paddingStrideRanges: paddingStrideRanges,
                       commonPaddingStrideRanges: commonPaddingStrideRanges, firstPaddingStride: firstPaddingStride,
                       MersenneTwister: MersenneTwister, Generator: Generator };
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
