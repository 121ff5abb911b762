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

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from hwlib import fmt, mistakes
from hwlib.answers import problem1_truth, problem2_truth, problem3_truth
from hwlib.practice import make_given

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TRUTH = {1: problem1_truth, 2: problem2_truth, 3: problem3_truth}


def _unavailable(reason: str) -> None:
    if os.environ.get("HWBOOK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser test required (HWBOOK_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="module")
def server():
    if not (HTML / "book" / "practice_problem1.html").exists():
        _unavailable(f"the book is not built ({HTML} has no book/practice_problem1.html): run the README's build command first")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(HTML)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    chromium = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
    if chromium is None:
        _unavailable("no Chromium on this machine (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -r requirements.txt)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def _open(browser, base: str, problem: int):
    """The page of ``problem``, and the list its requests to other hosts and script errors go to."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    host = urlsplit(base).netloc
    problems: list[str] = []

    def on_request(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != host:
            problems.append(f"request to another host: {request.url}")

    page.on("request", on_request)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.goto(f"{base}/book/practice_problem{problem}.html", wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, problems


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


def _catalogued(problem: int, seeds: list[int]) -> tuple[int, str, float, mistakes.Mistake]:
    """A variant on the page, a quantity it asks for and a wrong value that a catalogued mistake predicts for it."""
    for seed in seeds:
        given = make_given(problem, seed)
        truth = TRUTH[problem](**given).values
        for mistake in (m for m in mistakes.CATALOGUE if m.problem == problem):
            for quantity, value in mistake.predict(given).items():
                if quantity in truth and abs(value - truth[quantity]) > 0.5:
                    return seed, quantity, value, mistake
    raise AssertionError(f"no catalogued mistake of problem {problem} predicts a wrong value on the page's variants")


@pytest.mark.parametrize("problem", [1, 2, 3])
def test_practice_page_checks_answers(server, browser, problem):
    page, problems = _open(browser, server, problem)
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
    truth = TRUTH[problem](**make_given(problem, seed)).values
    asked = form.evaluate("f => [...f.querySelectorAll('input[data-quantity]')].map(i => i.dataset.quantity)")
    assert asked and set(asked) <= set(truth)
    _fill(form, {q: fmt.number(truth[q]) for q in asked})
    verdicts = _check(form)
    assert {q: v["verdict"] for q, v in verdicts.items()} == {q: "correct" for q in asked}
    assert all(v["feedback"].startswith("✓") and v["invalid"] == "false" for v in verdicts.values())
    assert form.locator(".practice-status").text_content().startswith(f"✓ {len(asked)} of {len(asked)} correct")

    # A value no catalogued mistake predicts is flagged, with a hint of where to look; Enter checks too.
    quantity = asked[-1]
    predicted = {m.predict(make_given(problem, seed)).get(quantity) for m in mistakes.CATALOGUE if m.problem == problem}
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
    seed, quantity, value, mistake = _catalogued(problem, seeds)
    form = page.locator(f'form.practice-variant[data-seed="{seed}"]')
    _fill(form, {quantity: fmt.number(value)})
    verdict = _check(form)[quantity]
    assert verdict["verdict"] == "wrong"
    assert mistake.feedback in verdict["feedback"]
    assert mistake.name in verdict["mistake"].split()

    # The worked solution is behind a toggle, closed until opened.
    details = form.locator("xpath=following-sibling::details[1]")
    assert details.evaluate("d => d.open") is False
    details.locator("summary").click()
    assert details.evaluate("d => d.open") is True

    page.wait_for_load_state("networkidle")
    found = list(problems)
    page.close()
    assert found == []

