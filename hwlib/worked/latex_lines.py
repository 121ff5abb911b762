"""Long sympy results broken over lines, so they fit a narrow column (the book's is 688 px).

:func:`broken_equation` writes ``lhs = expr`` as an ``aligned`` block whose
lines stay under a width budget measured in em (an estimate of what MathJax
draws: a script digit is narrower than a letter, an operator has spaces).
Sums and products are split between their terms and factors; brackets that
span lines are ``\\bigl( ... \\bigr)``, which need no matching on one line.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import sympy as sp

__all__ = ["MAX_EM", "broken_equation", "latex_of", "latex_width"]

#: width budget of one line in em: 688 px at MathJax's about 18 px per em is 38 em; keep a margin
MAX_EM = 30.0

_COMMAND = re.compile(r"\\([a-zA-Z]+)")
_NARROW_COMMANDS = {"left", "right", "bigl", "bigr", "big", "text", "mathrm", "displaystyle", "quad", "qquad"}


def latex_width(latex: str) -> float:
    """Estimated rendered width of ``latex`` in em: letters 0.6, digits 0.5, script characters 0.4,
    binary operators and relations 1.3 (with their spacing), brackets 0.4, a fraction its wider part."""
    width = 0.0
    depth = 0  # brace depth inside a sub- or superscript
    script_stack: list[int] = []
    i = 0
    while i < len(latex):
        c = latex[i]
        if c == "\\":
            match = _COMMAND.match(latex, i)
            if match:
                name = match.group(1)
                i = match.end()
                if name == "frac":
                    num, i = _group(latex, i)
                    den, i = _group(latex, i)
                    width += max(latex_width(num), latex_width(den)) * (0.8 if script_stack else 1.0) + 0.3
                    continue
                if name == "quad":
                    width += 1.0
                elif name == "qquad":
                    width += 2.0
                elif name in ("cdot", "times"):
                    width += 1.0
                elif name not in _NARROW_COMMANDS:
                    width += 0.6
                continue
            i += 2
            width += 0.3
            continue
        if c in "^_":
            script_stack.append(depth)
            i += 1
            if i < len(latex) and latex[i] != "{":  # a one-character script
                width += 0.4
                script_stack.pop()
                i += 1
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if script_stack and script_stack[-1] == depth:
                script_stack.pop()
        elif c == " ":
            pass
        elif script_stack:
            width += 0.4
        elif c in "+-=<>":
            width += 1.3
        elif c in "()[]":
            width += 0.4
        elif c.isdigit():
            width += 0.5
        else:
            width += 0.6
        i += 1
    return width


def _group(latex: str, i: int) -> tuple[str, int]:
    """The brace group starting at latex[i] (after spaces): its content and the index after it."""
    while i < len(latex) and latex[i] == " ":
        i += 1
    if i >= len(latex) or latex[i] != "{":
        return latex[i:i + 1], i + 1
    depth, start = 0, i
    while i < len(latex):
        depth += {"{": 1, "}": -1}.get(latex[i], 0)
        i += 1
        if depth == 0:
            break
    return latex[start + 1:i - 1], i


class _Token(NamedTuple):
    """A piece of LaTeX that stays whole on one line; ``breakable``: a line may start with it (it opens a term
    of a sum with its binary + or −)."""

    text: str
    breakable: bool = False


def _number_latex(value: sp.Number) -> str:
    return sp.latex(value)


def _tokens(expr: sp.Expr) -> list[_Token]:
    """Pieces of the LaTeX of ``expr`` (their texts joined by spaces are the whole); a piece is never split."""
    if isinstance(expr, sp.Add):
        pieces: list[_Token] = []
        for index, term in enumerate(expr.as_ordered_terms()):
            negative = term.could_extract_minus_sign()
            inner = _tokens(-term if negative else term)
            sign = "-" if negative else ("+" if index else "")
            inner[0] = _Token(f"{sign} {inner[0].text}".strip(), index > 0)
            pieces.extend(inner)
        return pieces
    if isinstance(expr, sp.Mul):
        numbers = [f for f in expr.args if f.is_Number]
        factors = [f for f in expr.args if not f.is_Number]
        coeff = sp.Mul(*numbers) if numbers else sp.Integer(1)
        pieces = []
        for factor in factors:
            pieces.extend(_bracketed(factor))
        if not pieces:
            return [_Token(_number_latex(coeff))]
        if coeff == 1:
            return pieces
        if coeff == -1:  # the sign sticks to the first factor: "- w", never "-1 w"
            pieces[0] = _Token(f"- {pieces[0].text}")
            return pieces
        return [_Token(_number_latex(coeff)), *pieces]
    if isinstance(expr, sp.Pow) and isinstance(expr.base, sp.Add) and expr.exp.is_Integer and expr.exp > 0:
        inner = _bracketed(expr.base)
        inner[-1] = _Token(inner[-1].text + f"^{{{sp.latex(expr.exp)}}}", inner[-1].breakable)
        return inner
    return [_Token(sp.latex(expr))]


def _bracketed(factor: sp.Expr) -> list[_Token]:
    if isinstance(factor, sp.Add):
        inner = _tokens(factor)
        inner[0] = _Token(r"\bigl(" + inner[0].text)  # the first term of a bracket never starts a line
        inner[-1] = _Token(inner[-1].text + r"\bigr)", inner[-1].breakable)
        return inner
    return _tokens(factor)


def latex_of(expr: sp.Expr) -> str:
    """``expr`` in LaTeX on one line, exactly as :func:`broken_equation` writes it before breaking it."""
    return " ".join(token.text for token in _tokens(sp.sympify(expr)))


def broken_equation(lhs: str, expr: sp.Expr, max_em: float = MAX_EM) -> str:
    """``lhs = expr`` in LaTeX, broken into ``aligned`` lines of at most ``max_em`` (one line when it fits).

    A line breaks only before the + or − that joins two terms of a sum (at any bracket depth, never inside a
    script or a fraction), so no number, name or bracket is ever split; joined back, the lines read exactly as
    the one-line ``lhs = latex_of(expr)``.  A term wider than the budget stays whole on a line of its own."""
    tokens = _tokens(sp.sympify(expr))
    whole = f"{lhs} = " + " ".join(token.text for token in tokens)
    if latex_width(whole) <= max_em:
        return whole
    lines: list[list[_Token]] = [[]]
    first_budget = max_em - latex_width(lhs) - 1.3
    rest_budget = max_em - latex_width(lhs) - 1.3 - 1.0  # a continuation line starts with a \quad

    def width(line: list[_Token]) -> float:
        return sum(latex_width(token.text) + 0.2 for token in line)

    for token in tokens:
        line = lines[-1]
        budget = first_budget if len(lines) == 1 else rest_budget
        if line and width(line) + latex_width(token.text) + 0.2 > budget:
            # break before the last + or − of the line (so a product stays on one line), or before this token
            cuts = [i for i, t in enumerate(line) if i > 0 and t.breakable]
            if token.breakable:
                lines.append([])
            elif cuts:
                lines[-1], carried = line[:cuts[-1]], line[cuts[-1]:]
                lines.append(carried)
        lines[-1].append(token)
    # a continuation line starts with + or −, which keeps its binary spacing after an empty group: "{} + ..."
    texts = [("{} " if i else "") + " ".join(t.text for t in line) for i, line in enumerate(lines)]
    body = r" \\ & \quad ".join(texts)
    return rf"\begin{{aligned}} {lhs} &= {body} \end{{aligned}}"
