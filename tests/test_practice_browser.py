"""Drive the built practice pages in headless Chromium, as a student would.

For each problem's page: at least 20 variants with labelled inputs; the right answers (computed here by
``hwlib.answers``) typed as the book prints them are all accepted; a whole answer made with a catalogued
mistake gets the verdicts and the one diagnosis that ``hwlib.practice.judge`` gives, the slip stated once; a
carried value is marked so; editing a field clears its verdict and the summary; a decimal comma is refused with
a message that says so; answers and verdicts survive a reload, Reset clears them, completed variants are
counted; New variant and the seed field pose fresh variants whose right answers are accepted; formulas are not
tab stops; statements and worked solutions come typeset from the build, with no MathJax on the page (typeset at
load, their numbers found by find-in-page, every glyph drawn, a fresh variant posed without errors); at 390 px
nothing covers a field; and the page makes no request to another host.

Needs a built book, Debian's ``chromium`` and ``playwright``; without them the test skips with the reason,
unless HWBOOK_REQUIRE_BROWSER=1 (set by .ci/run).
"""

from __future__ import annotations

import pytest

from hwlib import fmt, practice
from hwlib import problems as registry

from browser_support import HTML, NOWHERE, OffsiteRequests, book_url, find_chromium, offline_chromium, unavailable  # noqa: F401

# Chromium's own autofill service asks content-autofill.googleapis.com about a form that a script adds after the
# page has loaded (a fresh variant); that is the browser's request, not the page's (OffsiteRequests records those).
NO_AUTOFILL_QUERIES = [f"--autofill-server-url={NOWHERE}/"]  # pointed nowhere, like the flags of the build's


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium without autofill's server queries; fails at teardown if it looked up any other host."""
    if find_chromium() is None:
        unavailable("no Chromium on this machine (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -r requirements.txt)")
    with sync_playwright() as playwright, offline_chromium(playwright, extra_args=NO_AUTOFILL_QUERIES) as session:
        yield session.browser
        lookups = session.close()
    assert not lookups, f"Chromium looked up or asked other hosts (the build and tests must stay offline): {lookups}"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def practice_url(book_url):
    if not (HTML / "book" / "practice_problem1.html").exists():
        unavailable(f"the book was built without its practice pages ({HTML} has no book/practice_problem1.html)")
    return book_url


def _open(browser, base: str, problem: int, width: int = 1280):
    """The page of ``problem``, its recorder of requests to other hosts, and the list its script errors go to."""
    page = browser.new_page(viewport={"width": width, "height": 900})  # a context of its own: its own storage
    page.set_default_timeout(90_000)  # a shared, loaded machine: generous, not a timing test
    offsite = OffsiteRequests(base)
    offsite.attach(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    # the page's script is deferred: it has set up every form before the load event
    page.goto(f"{base}/book/practice_problem{problem}.html", wait_until="load")
    return page, offsite, errors


def _verdicts(form) -> dict[str, dict[str, str | None]]:
    return form.evaluate(
        """f => Object.fromEntries([...f.querySelectorAll('input[data-quantity]')].map(i => {
            const fb = document.getElementById(i.getAttribute('aria-describedby'));
            return [i.dataset.quantity, {verdict: i.dataset.verdict || null, feedback: fb.textContent,
                                         mistake: fb.dataset.mistake || null, invalid: i.getAttribute('aria-invalid')}];
        }))"""
    )


def _check(form) -> dict[str, dict[str, str | None]]:
    form.locator('[data-action="check"]').click()
    return _verdicts(form)


def _fill(form, values: dict[str, str]) -> None:
    for quantity, text in values.items():
        form.locator(f'input[data-quantity="{quantity}"]').fill(text)


def _right(problem: int, seed: int) -> dict[str, str]:
    """Every field's true value, typed as the book prints it (1,620,000; U+2212 minus)."""
    truth = registry.get(problem).truth(practice.make_given(problem, seed))
    return {q: fmt.number(truth.values[q]) for q, _ in practice.fields(problem, truth)}


def _python_verdicts(problem: int, seed: int, values: dict[str, float | None]) -> dict[str, tuple[str, str | None]]:
    judged = practice.judge(problem, practice.make_given(problem, seed), values)
    return {v.quantity: (None if v.verdict == "blank" else v.verdict, v.mistake) for v in judged}


def _whole_mistake(problem: int, seeds: list[int]):
    """A variant on the page and a catalogued mistake's whole answer for it (optional fields blank)."""
    for seed in seeds:
        given = practice.make_given(problem, seed)
        truth = registry.get(problem).truth(given)
        layout = practice.fields(problem, truth)
        for mistake in registry.get(problem).catalogue:
            predicted = {q: v for q, v in mistake.predict(given).items() if q in dict(layout) and not dict(layout)[q]}
            if len(predicted) >= 2:
                values = {q: (None if optional else predicted.get(q, truth.values[q])) for q, optional in layout}
                return seed, mistake, values
    raise AssertionError(f"no catalogued mistake of problem {problem} changes two fields of the page's variants")


@pytest.mark.parametrize("problem", [1, 2, 3])
def test_practice_page_judges_whole_answers(practice_url, chromium, problem):
    page, offsite, errors = _open(chromium, practice_url, problem)
    forms = page.locator("form.practice-variant")
    seeds = [int(s) for s in forms.evaluate_all("fs => fs.map(f => f.dataset.seed)")]
    assert len(seeds) >= 20 and len(set(seeds)) == len(seeds)
    assert set(forms.evaluate_all("fs => fs.map(f => f.dataset.problem)")) == {str(problem)}
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('form.practice-variant input[data-quantity]')]
                 .filter(i => i.labels.length !== 1 || !i.labels[0].textContent.trim()).map(i => i.id)"""
    )
    assert unlabelled == []
    # no answer is written in the page: the script computes it from the Given
    source = page.evaluate(
        "() => [...document.querySelectorAll('script.practice-data')].map(s => s.textContent).join('')")
    assert '"answer"' not in source

    # The right answers are accepted, the summary says so, and the variant counts as completed.
    seed = seeds[1]
    form = page.locator(f'form.practice-variant[data-seed="{seed}"]')
    right = _right(problem, seed)
    _fill(form, right)
    verdicts = _check(form)
    assert {q: v["verdict"] for q, v in verdicts.items()} == dict.fromkeys(right, "correct")
    assert all(v["feedback"] == "✓ Correct." and v["invalid"] == "false" for v in verdicts.values())
    assert form.locator(".practice-status").text_content().startswith(f"✓ {len(right)} of {len(right)} correct")
    assert "completed on this device: 1" in page.locator(".practice-progress").first.text_content()

    # Editing a field clears its verdict and the summary until the next check; a decimal comma is refused.
    first = next(iter(right))
    form.locator(f'input[data-quantity="{first}"]').fill("0,5")
    assert _verdicts(form)[first]["verdict"] is None and form.locator(".practice-status").text_content() == ""
    assert _verdicts(form)[list(right)[-1]]["verdict"] == "correct"  # the other fields keep theirs
    assert "decimal comma" in _check(form)[first]["feedback"]

    # A catalogued mistake's whole answer: the Python's verdicts and diagnosis, the slip stated once.
    seed, mistake, values = _whole_mistake(problem, seeds)
    form = page.locator(f'form.practice-variant[data-seed="{seed}"]')
    _fill(form, {q: ("" if v is None else fmt.number(v)) for q, v in values.items()})
    verdicts = _check(form)
    expected = _python_verdicts(problem, seed, values)
    assert {q: (v["verdict"], v["mistake"]) for q, v in verdicts.items()} == expected
    words = mistake.feedback_for(practice.make_given(problem, seed))
    assert sum(words in v["feedback"] for v in verdicts.values()) <= 1
    assert " Or: " not in "".join(v["feedback"] for v in verdicts.values())

    # Answers and verdicts survive a reload; Reset clears them.
    page.reload(wait_until="load")
    form = page.locator(f'form.practice-variant[data-seed="{seed}"]')
    assert {q: (v["verdict"], v["mistake"]) for q, v in _verdicts(form).items()} == expected
    form.locator('[data-action="reset"]').click()
    assert all(v["verdict"] is None and v["feedback"] == "" for v in _verdicts(form).values())
    page.reload(wait_until="load")
    form = page.locator(f'form.practice-variant[data-seed="{seed}"]')
    assert all(v["verdict"] is None for v in _verdicts(form).values())

    # The seed field (Enter) and New variant pose fresh variants, judged like the others.
    field = page.locator('[data-action="seed"]')
    field.fill("500")
    field.press("Enter")
    fresh = page.locator('form.practice-variant[data-seed="500"]')
    fresh.wait_for()
    right = _right(problem, 500)
    _fill(fresh, right)
    verdicts = _check(fresh)
    assert verdicts and all(v["verdict"] == "correct" for v in verdicts.values())
    if problem == 3:  # a fresh ReLU variant: its statement says so, and its right answers are accepted
        relu_seed = next(s for s in range(600, 700) if practice.p3_activation(s) == "relu")
        field.fill(str(relu_seed))
        field.press("Enter")
        relu = page.locator(f'form.practice-variant[data-seed="{relu_seed}"]')
        relu.wait_for()
        statement = page.evaluate(
            "s => document.querySelector(`form.practice-variant[data-seed=\"${s}\"]`)"
            ".closest('section, .practice-item, div').innerText", relu_seed)
        assert "ReLU" in statement, statement[:400]
        _fill(relu, _right(3, relu_seed))
        verdicts = _check(relu)
        assert verdicts and all(v["verdict"] == "correct" for v in verdicts.values()), verdicts
    page.locator('[data-action="new"]').click()
    assert page.locator("form.practice-variant").count() == len(seeds) + (3 if problem == 3 else 2)

    # Formulas are not tab stops.
    assert page.evaluate("() => document.querySelectorAll('mjx-container[tabindex]').length") == 0

    page.wait_for_load_state("networkidle")
    found, offsite_urls = list(errors), list(offsite.urls)
    page.close()
    assert found == [] and offsite_urls == []


def test_problem1_counts_right_on_the_students_own_output_size_are_carried(practice_url, chromium):
    page, _, errors = _open(chromium, practice_url, 1)
    seed = int(page.locator("form.practice-variant").first.get_attribute("data-seed"))
    given = practice.make_given(1, seed)
    truth = registry.get(1).truth(given)
    h_in, w_in, _ = given["in_shape"]
    wrong = {"H_out": float(h_in), "W_out": float(w_in)}  # the input's size taken for the output's
    values = {q: wrong.get(q, truth.values[q]) for q, _ in practice.fields(1, truth)}
    for q in ("standard.macs", "depthwise.macs", "pointwise.macs"):
        formula = truth.formulas[q]
        values[q] = float(formula.subs({s: values.get(str(s), truth.values[str(s)]) for s in formula.free_symbols}))
    values["separable.macs"] = values["depthwise.macs"] + values["pointwise.macs"]
    form = page.locator(f'form.practice-variant[data-seed="{seed}"]')
    _fill(form, {q: fmt.number(v) for q, v in values.items()})
    verdicts = _check(form)
    expected = _python_verdicts(1, seed, values)
    assert {q: (v["verdict"], v["mistake"]) for q, v in verdicts.items()} == expected
    if h_in != truth.values["H_out"]:
        assert verdicts["standard.macs"]["verdict"] == "carried"
        assert verdicts["standard.macs"]["feedback"].startswith("↪ Carried: right on your own Output height")
    page.close()
    assert errors == []


def test_tab_presses_between_two_problem3_variants_and_a_phone(practice_url, chromium):
    page, _, errors = _open(chromium, practice_url, 3)
    forms = page.locator("form.practice-variant")
    first = forms.nth(0).locator("input[data-quantity]").first
    target = forms.nth(1).locator("input[data-quantity]").first.get_attribute("id")
    first.focus()
    presses = 0
    while page.evaluate("() => document.activeElement && document.activeElement.id") != target:
        page.keyboard.press("Tab")
        presses += 1
        assert presses < 80, "the next variant's first field is not reached by Tab"
    fields = forms.nth(0).locator("input[data-quantity]").count()
    print(f"Tab presses between two Problem 3 variants: {presses} (fields of the first: {fields})")
    assert presses <= fields + 4  # the fields, Check, Reset, the solution's toggle: no formula in between
    page.close()

    phone, _, phone_errors = _open(chromium, practice_url, 3, width=390)
    covered = phone.evaluate(
        """async () => {
            const out = [];
            const controls = document.querySelectorAll('form.practice-variant input, form.practice-variant button');
            for (const el of [...controls].slice(0, 60)) {
                el.scrollIntoView({block: 'center'});
                window.scrollBy(0, -40);  // scrolling up shows the theme's back-to-top button, if any
                await new Promise(r => setTimeout(r, 30));
                const box = el.getBoundingClientRect();
                const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
                if (hit !== el && !el.contains(hit)) out.push(el.id || el.textContent);
            }
            return out;
        }"""
    )
    phone.close()
    assert covered == [] and errors == [] and phone_errors == []


# The first variant's statement (what stands between its heading and its form) and worked solution (the
# <details> after the form): each math element's count of typeset outputs and its text; the page's text.
FIRST_VARIANT_MATH_JS = """() => {
    const form = document.querySelector('form.practice-variant');
    const statement = [];
    for (let el = form.previousElementSibling; el && el.localName !== 'h2'; el = el.previousElementSibling) {
        statement.unshift(el);
    }
    let details = form.nextElementSibling;
    while (details && !details.matches('details.practice-solution')) { details = details.nextElementSibling; }
    const math = scopes => scopes.flatMap(scope => [...scope.querySelectorAll('.math')]).map(m => ({
        containers: m.querySelectorAll('mjx-container').length, text: m.innerText}));
    const solution = details.querySelector('div.practice-solution-body');
    return {statement: math(statement), solution: solution ? math([solution]) : null,
            text: document.body.innerText, scrolled: window.scrollY};
}"""
OPEN_FIRST_SOLUTION_JS = """() => {
    let details = document.querySelector('form.practice-variant').nextElementSibling;
    while (!details.matches('details.practice-solution')) { details = details.nextElementSibling; }
    details.open = true;  // its toggle event puts the worked solution in place
    const start = performance.now();
    return new Promise((resolve, reject) => {
        const done = () => details.querySelector('div.practice-solution-body[data-typeset="true"]') ? resolve()
            : performance.now() - start > 60000 ? reject(new Error('the worked solution was not marked typeset'))
            : setTimeout(done, 50);
        done();
    });
}"""


def _number_in_a_formula(problem: int, seed: int) -> str:
    """A number of the variant's Given that its statement writes inside a formula."""
    given = practice.make_given(problem, seed)
    number = given["out_shape"][2] if problem == 1 else given["out_volume"][2] if problem == 2 else abs(given["t"])
    return str(number)


# The glyphs (mjx-c) under the page's math whose ::before draws nothing, and how many there are.
UNDRAWN_GLYPHS_JS = """() => {
    const glyphs = [...document.querySelectorAll('mjx-c')];
    return {count: glyphs.length, undrawn: glyphs.map(c => [c.className, getComputedStyle(c, '::before').content])
        .filter(([, content]) => ['none', 'normal', '""'].includes(content)).map(([name]) => name)};
}"""


@pytest.mark.parametrize("problem", [1, 2, 3])
def test_statements_and_solutions_are_typeset_by_the_build(practice_url, chromium, problem):
    """A practice page whose formulas the build typeset, worked solutions included, loads no MathJax: the first
    statement's formulas are typeset as soon as the page has loaded (before any scrolling), a worked solution's
    once opened; the numbers inside formulas are text that find-in-page (``innerText``) finds, there is no TeX
    left, the build's stylesheet draws every glyph, and a fresh variant (the seed field) is posed and judged with
    no error on the page."""
    page, offsite, errors = _open(chromium, practice_url, problem)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    assert page.evaluate("() => [...document.scripts].filter(s => s.src.includes('/_static/mathjax/')"
                         " || s.text.includes('window.MathJax')).length") == 0
    assert page.evaluate("() => typeof window.MathJax") == "undefined"
    seed = int(page.locator("form.practice-variant").first.get_attribute("data-seed"))
    first = page.evaluate(FIRST_VARIANT_MATH_JS)
    assert first["scrolled"] == 0 and first["statement"] and first["solution"] is None
    assert all(m["containers"] == 1 for m in first["statement"]), first["statement"]
    number = _number_in_a_formula(problem, seed)
    assert any(number in m["text"] for m in first["statement"]), (number, first["statement"])
    assert number in first["text"]
    assert not any(tex in m["text"] for m in first["statement"] for tex in ("\\(", "\\)", "\\times", "\\begin"))

    page.evaluate(OPEN_FIRST_SOLUTION_JS)
    solution = page.evaluate(FIRST_VARIANT_MATH_JS)["solution"]
    assert solution and all(m["containers"] == 1 for m in solution), solution
    assert not any("\\" in m["text"] for m in solution)
    glyphs = page.evaluate(UNDRAWN_GLYPHS_JS)
    solution_glyphs = page.evaluate("() => document.querySelectorAll('div.practice-solution-body mjx-c').length")
    assert solution_glyphs > 0 and glyphs["count"] > solution_glyphs and glyphs["undrawn"] == []

    field = page.locator('[data-action="seed"]')
    fresh_seed = 500 if seed != 500 else 501
    field.fill(str(fresh_seed))
    field.press("Enter")
    fresh = page.locator(f'form.practice-variant[data-seed="{fresh_seed}"]')
    fresh.wait_for()
    _fill(fresh, _right(problem, fresh_seed))
    verdicts = _check(fresh)
    assert verdicts and all(v["verdict"] == "correct" for v in verdicts.values()), verdicts
    page.wait_for_load_state("networkidle")
    mathjax_requests = [url for url in requests if "/_static/mathjax/" in url and url.split("?")[0].endswith(".js")]
    assert page.evaluate("() => typeof window.MathJax") == "undefined" and mathjax_requests == []
    found, offsite_urls = list(errors), list(offsite.urls)
    page.close()
    assert found == [] and offsite_urls == []
