"""Words kept as text: the worked solutions' sentences live in template files that an instructor can edit.

Every section of the book's generated prose is a Jinja2 template in ``hwlib/templates/`` (one file per
section, ``<problem>/<section>.md``) filled from a *facts* object: the numbers, booleans and chosen cases
computed for one Given.  Templates never compute; they only word what the facts say.  Numbers go through
the filters below so that one formatter (:mod:`hwlib.fmt`) writes every number of the book.

Filters available in every template:

* ``number`` (``{{ 1620000 | number }}`` → ``1,620,000``), ``latex`` (for inside ``$...$``), ``term``
  (parenthesised when negative: ``(−1)``);
* ``count(n, "filter")`` → ``1 filter`` / ``3 filters``; ``count(n, "matrix", "matrices")`` for odd plurals;
* ``plural(n, "filter")`` → the noun alone, singular or plural;
* ``a_an`` → ``a 3-wide window``, ``an 11-wide window``, ``an 8 × 8 grid`` (by how the word is read aloud);
* ``join_words`` → ``a, b and c`` (``join_words("or")`` for ``a, b or c``);
* ``dims`` → ``30 × 30 × 20``; ``dims_latex`` → ``30 \\times 30 \\times 20``.
* ``prose`` writes a value that need not be whole by the book's precision rule for sentences
  (:data:`hwlib.fmt.PROSE_DIGITS` significant digits): ``{{ 13 / 3 | prose }}`` → ``4.33``; the function
  ``exact(x)`` says whether that writes ``x`` exactly, so that a template says "≈" or "about" only when it is not;
* ``upper_first`` capitalises the first letter only (Jinja's ``capitalize`` lowercases the rest).

``render("problem1/answer.md", facts=...)`` returns the Markdown, stripped of surrounding blank lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import jinja2

from hwlib import fmt

__all__ = ["render", "environment", "count", "plural", "a_an", "join_words", "upper_first"]


def plural(n: float, singular: str, plural_form: str | None = None) -> str:
    """``singular`` when ``n`` is exactly 1 (or −1), else ``plural_form`` (default: ``singular + "s"``)."""
    return singular if abs(n) == 1 else (plural_form if plural_form is not None else singular + "s")


def count(n: float, singular: str, plural_form: str | None = None) -> str:
    """``n`` written by :func:`hwlib.fmt.number`, then the noun in the right number: ``1 filter``, ``40 filters``."""
    return f"{fmt.number(n)} {plural(n, singular, plural_form)}"


_AN_WORDS = re.compile(r"^(?:hour|honest|honou?r|heir|x-|f-|l-|m-|n-|r-|s-|h-)", re.IGNORECASE)
_A_WORDS = re.compile(r"^(?:uni|use|usu|one|once|eu|ure|ufo)", re.IGNORECASE)


def _number_reads_with_vowel(digits: str) -> bool:
    """Whether a number written with ``digits`` is read aloud starting with a vowel sound (8, 11, 18, 80–89, 800…,
    11,000, 18,000, 8,000,000...)."""
    if not digits or not digits.isdigit():
        return False
    if digits.startswith("8"):
        return True
    group = len(digits) % 3 or 3  # the digits read before the first "thousand"/"million"
    return group == 2 and digits[:2] in ("11", "18")


def a_an(phrase: str) -> str:
    """``phrase`` with the indefinite article it takes when read aloud: 'a 3-wide', 'an 11-wide', 'an 8 × 8'."""
    text = str(phrase)
    first = text.lstrip("($*_`")
    if first[:1].isdigit():
        digits = re.match(r"[\d,]+", first).group(0).replace(",", "")
        return ("an " if _number_reads_with_vowel(digits) else "a ") + text
    if first[:1] == fmt.MINUS:
        return "a " + text  # "a minus ..."
    if _AN_WORDS.match(first):
        return "an " + text
    if _A_WORDS.match(first):
        return "a " + text
    return ("an " if first[:1].lower() in "aeiou" else "a ") + text


def join_words(items: Sequence[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(i) for i in items]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def upper_first(text: str) -> str:
    """``text`` with its first letter in upper case and the rest as it was: 'a 3-wide window' -> 'A 3-wide window'."""
    text = str(text)
    return text[:1].upper() + text[1:]


def _dims(shape: Sequence[int]) -> str:
    return " × ".join(fmt.number(v) for v in shape)


def _dims_latex(shape: Sequence[int]) -> str:
    return r" \times ".join(fmt.latex(v) for v in shape)


def _make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("hwlib", "templates"),
        undefined=jinja2.StrictUndefined,  # a fact missing from the facts object is an error, never blank text
        autoescape=False,  # Markdown, not HTML: values that come from outside are escaped before they get here
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(number=fmt.number, latex=fmt.latex, term=fmt.term, a_an=a_an, join_words=join_words,
                       dims=_dims, dims_latex=_dims_latex)
    env.globals.update(count=count, plural=plural)
    env.filters.update(prose=fmt.prose, upper_first=upper_first)
    env.globals.update(exact=fmt.is_exact)
    return env


_ENVIRONMENT: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    """The one Jinja2 environment of the book's words (templates loaded from ``hwlib/templates``)."""
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        _ENVIRONMENT = _make_environment()
    return _ENVIRONMENT


def render(template: str, **facts: Any) -> str:
    """The Markdown of ``template`` (a path under ``hwlib/templates``) filled from ``facts``.

    Runs of three or more newlines collapse to one blank line, and the text is stripped, so that
    optional sentences (``{% if %}``) leave no gaps."""
    text = environment().get_template(template).render(**facts)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
