"""Drive the built practice pages in headless Chromium, as a student would.

For each problem's page: at least 20 variants, each with labelled inputs; the
right answers (computed here by ``hwlib.answers``, the chapters' computation,
and typed the way the book prints them) are all accepted; a wrong value is
flagged with a hint; a value that a catalogued mistake (``hwlib.mistakes``)
produces is flagged with that mistake's feedback; Enter checks like the button;
and the page makes no request to another host.

Needs a built book, Debian's ``chromium`` and ``playwright``; without them the
test skips with the reason, unless HWBOOK_REQUIRE_BROWSER=1 (set by .ci/run).
"""

from __future__ import annotations

import pytest

from hwlib import fmt, mistakes, problems
from hwlib.practice import make_given

from browser_support import HTML, OffsiteRequests, book_url, chromium, unavailable  # noqa: F401


@pytest.fixture(scope="module")
def practice_url(book_url):
    if not (HTML / "book" / "practice_problem1.html").exists():
        unavailable(f"the book was built without its practice pages ({HTML} has no book/practice_problem1.html)")
    return book_url


def _open(browser, base: str, problem: int):
    """The page of ``problem``, its recorder of requests to other hosts, and the list its script errors go to."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(90_000)  # a shared, loaded machine: generous, not a timing test
    offsite = OffsiteRequests(base)
    offsite.attach(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.goto(f"{base}/book/practice_problem{problem}.html", wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, offsite, errors


def _check(form) -> dict[str, dict[str, str | None]]:
    form.locator('[data-action="check"]').click()
    return _verdicts(form)


def _verdicts(form) -> dict[str, dict[str, str | None]]:
    return form.evaluate(
        """f => Object.fromEntries([...f.querySelectorAll('input[data-quantity]')].map(i => {
            const fb = document.getElementById(i.getAttribute('aria-describedby'));
            return [i.dataset.quantity, {verdict: i.dataset.verdict || null, feedback: fb.textContent,
                                         mistake: fb.dataset.mistake || null, invalid: i.getAttribute('aria-invalid')}];
        }))"""
    )


def _fill(form, values: dict[str, str]) -> None:
    for quantity, text in values.items():
        form.locator(f'input[data-quantity="{quantity}"]').fill(text)


def _catalogued(problem: int, seeds: list[int], asked: list[str]) -> tuple[int, str, float, mistakes.Mistake]:
    """A variant on the page, a quantity it asks for and a wrong value that a catalogued mistake predicts for it."""
    for seed in seeds:
        given = make_given(problem, seed)
        truth = problems.get(problem).truth_function(**given).values
        for mistake in problems.get(problem).catalogue:
            for quantity, value in mistake.predict(given).items():
                if quantity in asked and abs(value - truth[quantity]) > 0.5:
                    return seed, quantity, value, mistake
    raise AssertionError(f"no catalogued mistake of problem {problem} predicts a wrong value on the page's variants")


@pytest.mark.parametrize("problem", [1, 2, 3])
def test_practice_page_checks_answers(practice_url, chromium, problem):
    page, offsite, page_problems = _open(chromium, practice_url, problem)
    forms = page.locator("form.practice-variant")
    seeds = [int(s) for s in forms.evaluate_all("fs => fs.map(f => f.dataset.seed)")]
    assert len(seeds) >= 20 and len(set(seeds)) == len(seeds)
    assert set(forms.evaluate_all("fs => fs.map(f => f.dataset.problem)")) == {str(problem)}
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('form.practice-variant input[data-quantity]')]
                 .filter(i => i.labels.length !== 1 || !i.labels[0].textContent.trim()).map(i => i.id)"""
    )
    assert unlabelled == []
    assert forms.evaluate_all("fs => fs.every(f => f.querySelector('[aria-live=polite]') !== null)")

    # The right answers, computed here and typed as the book prints them (1,620,000 and U+2212 minus), are accepted.
    seed = seeds[1]
    form = page.locator(f'form.practice-variant[data-seed="{seed}"]')
    truth = problems.get(problem).truth_function(**make_given(problem, seed)).values
    asked = form.evaluate("f => [...f.querySelectorAll('input[data-quantity]')].map(i => i.dataset.quantity)")
    assert asked and set(asked) <= set(truth)
    _fill(form, {q: fmt.number(truth[q]) for q in asked})
    verdicts = _check(form)
    assert {q: v["verdict"] for q, v in verdicts.items()} == {q: "correct" for q in asked}
    assert all(v["feedback"].startswith("✓") and v["invalid"] == "false" for v in verdicts.values())
    assert form.locator(".practice-status").text_content().startswith(f"✓ {len(asked)} of {len(asked)} correct")

    # A value no catalogued mistake predicts is flagged, with a hint of where to look; Enter checks too.
    quantity = asked[-1]
    predicted = {m.predict(make_given(problem, seed)).get(quantity) for m in problems.get(problem).catalogue}
    wrong = next(truth[quantity] + d for d in (7, 11, 13, 17) if truth[quantity] + d not in predicted)
    field = form.locator(f'input[data-quantity="{quantity}"]')
    field.fill(fmt.number(wrong))
    field.press("Enter")
    verdict = _verdicts(form)[quantity]
    assert verdict["verdict"] == "wrong" and verdict["invalid"] == "true"
    assert verdict["feedback"].startswith("✗ Not right. Look") and verdict["mistake"] is None
    assert _verdicts(form)[asked[0]]["verdict"] == "correct"  # the other fields keep their verdicts
    assert "Not yet right" in form.locator(".practice-status").text_content()

    # A value that a catalogued mistake produces gets that mistake's feedback, by name.
    seed, quantity, value, mistake = _catalogued(problem, seeds, asked)
    form = page.locator(f'form.practice-variant[data-seed="{seed}"]')
    _fill(form, {quantity: fmt.number(value)})
    verdict = _check(form)[quantity]
    assert verdict["verdict"] == "wrong"
    assert mistake.feedback in verdict["feedback"]
    assert verdict["feedback"].endswith(".") and " Or: " not in verdict["feedback"].replace(". Or: ", "")
    assert mistake.name in verdict["mistake"].split()

    # The worked solution is behind a toggle: closed, then opened from the keyboard, in place and typeset.
    details = form.locator("xpath=following-sibling::details[1]")
    assert details.evaluate("d => d.open") is False
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    body = details.locator("div.practice-solution-body")
    body.wait_for(state="visible")
    page.wait_for_function("d => d.dataset.typeset === 'true'", arg=body.element_handle(), timeout=120_000)
    math = body.evaluate("b => [b.querySelectorAll('.math').length, b.querySelectorAll('.math mjx-container').length]")
    assert math[0] > 0 and math[0] == math[1]

    page.wait_for_load_state("networkidle")
    # requests that closing the page cancels are not its own
    found, offsite_urls = list(page_problems), list(offsite.urls)
    page.close()
    assert found == [] and offsite_urls == []

