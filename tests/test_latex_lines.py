"""Tests of hwlib.worked.latex_lines: a broken equation joins back into the one-line LaTeX token for token, the
one-line LaTeX means the expression it was made from, and no line break splits a number, a name or a bracket.

The independent check is a small parser written here for the LaTeX this module writes (numbers, \\frac{p}{q},
names with scripts, \\bigl( \\bigr) brackets, powers, implicit products, + and -): parsing the one-line LaTeX
back must give the sympy expression it came from.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from hwlib.network import Network
from hwlib.symbolic_network import symbolic_gradients
from hwlib.worked.latex_lines import MAX_EM, broken_equation, latex_of, latex_width

# one LaTeX token: a command, a number (digits with an optional decimal point), a name with its scripts, or a char
TOKEN = re.compile(r"\\[a-zA-Z]+|\\.|\d+(?:\.\d+)?|[a-zA-Z](?:\^\{[^{}]*\})?(?:_\{[^{}]*\})?|\S")


def tokens(latex: str) -> list[str]:
    return TOKEN.findall(latex)


def lines_of(equation: str) -> tuple[str, list[str]]:
    """(lhs, the lines of the right-hand side) of what broken_equation wrote."""
    if not equation.startswith(r"\begin{aligned}"):
        lhs, rhs = equation.split(" = ", 1)
        return lhs, [rhs]
    body = equation.removeprefix(r"\begin{aligned} ").removesuffix(r" \end{aligned}")
    lhs, rhs = body.split(" &= ", 1)
    lines = rhs.split(r" \\ & \quad ")
    return lhs, [line.removeprefix("{} ") for line in lines]


# ------------------------------------------------------------------ a parser of this module's LaTeX, for the tests

class _Parser:
    def __init__(self, latex: str, symbols: dict[str, sp.Symbol]) -> None:
        self.items = tokens(latex)
        self.at = 0
        self.symbols = symbols

    def peek(self) -> str | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def take(self, expected: str | None = None) -> str:
        item = self.items[self.at]
        if expected is not None and item != expected:
            raise ValueError(f"expected {expected!r} at token {self.at}, got {item!r}: {self.items}")
        self.at += 1
        return item

    def expression(self) -> sp.Expr:
        sign = 1
        if self.peek() == "-":
            self.take()
            sign = -1
        total = sign * self.product()
        while self.peek() in ("+", "-"):
            sign = 1 if self.take() == "+" else -1
            total += sign * self.product()
        return total

    def product(self) -> sp.Expr:
        result = self.power()
        while self.peek() not in (None, "+", "-", r"\bigr", r"\right"):
            result *= self.power()
        return result

    def power(self) -> sp.Expr:
        base = self.atom()
        if self.peek() == "^":
            self.take("^")
            self.take("{")
            exponent = int(self.take())
            self.take("}")
            return base**exponent
        return base

    def atom(self) -> sp.Expr:
        item = self.take()
        if item in (r"\bigl", r"\left"):
            self.take("(")
            inner = self.expression()
            self.take(r"\bigr" if item == r"\bigl" else r"\right")
            self.take(")")
            return inner
        if item == r"\frac":
            self.take("{")
            num = sp.Rational(self.take())
            self.take("}")
            self.take("{")
            den = sp.Rational(self.take())
            self.take("}")
            return num / den
        if re.fullmatch(r"\d+(?:\.\d+)?", item):
            return sp.Rational(item)
        if item in self.symbols:
            return self.symbols[item]
        raise ValueError(f"unexpected token {item!r} in {self.items}")


def parse(latex: str, symbols: list[sp.Symbol]) -> sp.Expr:
    parser = _Parser(latex, {sp.latex(s): s for s in symbols})
    expr = parser.expression()
    assert parser.peek() is None, f"tokens left over: {parser.items[parser.at:]}"
    return expr


# ------------------------------------------------------------------ expressions to break

W = [sp.Symbol(f"w^{{{l}}}_{{{i}{j}}}", real=True) for l in (1, 2, 3) for i in (1, 2) for j in (1, 2)]
RATIONALS = st.builds(lambda p, q: sp.Rational(p, q), st.integers(-40, 40), st.sampled_from([1, 1, 2, 4, 10, 3]))


@st.composite
def expressions(draw, depth: int = 3) -> sp.Expr:
    """Sums, products and integer powers of sums of weight symbols and exact rationals, nested."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.one_of(st.sampled_from(W), RATIONALS))
    kind = draw(st.sampled_from(["add", "mul", "pow"]))
    parts = [draw(expressions(depth - 1)) for _ in range(draw(st.integers(2, 5)))]
    if kind == "add":
        return sp.Add(*parts)
    if kind == "mul":
        return sp.Mul(*parts)
    return sp.Pow(sp.Add(*parts), draw(st.integers(2, 3)))


def check_breaks(lhs: str, expr: sp.Expr, max_em: float = MAX_EM) -> None:
    equation = broken_equation(lhs, expr, max_em)
    one_line = latex_of(expr)
    got_lhs, lines = lines_of(equation)
    assert got_lhs == lhs
    # joined back, the lines are the one-line LaTeX, token for token, and each line is whole tokens
    assert tokens(" ".join(lines)) == tokens(one_line)
    assert [t for line in lines for t in tokens(line)] == tokens(one_line)
    assert " ".join(lines) == one_line
    for line in lines[1:]:  # every continuation line starts with the + or - between two terms
        assert line.startswith(("+ ", "- ")), line
    # the one-line LaTeX means the expression it came from
    assert sp.expand(parse(one_line, W) - expr) == 0, one_line


@settings(max_examples=150, deadline=None)
@given(expressions(), st.sampled_from([8.0, 15.0, MAX_EM, 60.0]))
def test_broken_lines_join_back_into_the_one_line_latex(expr, max_em):
    check_breaks(r"\frac{\partial L}{\partial w^{1}_{11}}", expr, max_em)


@st.composite
def networks(draw):
    depth = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 2)) for _ in range(depth)] + [1]
    decimals = st.sampled_from([-2, -1.5, -1, -0.25, 0, 0.1, 0.5, 1, 1.25, 2, 3])
    weights = [np.array([[draw(decimals) for _ in range(sizes[l + 1])] for _ in range(sizes[l])], dtype=float)
               for l in range(depth)]
    x = [draw(decimals) for _ in range(sizes[0])]
    return weights, x, draw(decimals)


@settings(max_examples=25, deadline=None)
@given(networks())
def test_derivatives_of_a_network_break_safely_and_print_exact_rationals(net_given):
    weights, x, t = net_given
    sym = symbolic_gradients(Network(weights), x, t)
    symbols = [s for m in sym.weight_symbols for s in m]
    for expr in [sym.loss, *(sp.factor(e) for m in sym.weights for e in m)]:
        one_line = latex_of(expr)
        assert not re.search(r"\d\.\d", one_line), one_line  # exact decimals print as rationals: no 0.5, no 1.0
        assert sp.expand(parse(one_line, symbols) - expr) == 0
        equation = broken_equation("L", expr)
        _, lines = lines_of(equation)
        assert " ".join(lines) == one_line


# ------------------------------------------------------------------ unit tests

def test_the_homework_weights_with_t_one_half_never_split_a_coefficient():
    """W1 = [[0.5, -1.5], [2, 0.25]], the homework's W2, W3 and x, t = 0.5: the factored dL/dw1_21 used to read
    '-1 2.0 \\bigl(' (a break splitting -2.0); it is exact and whole now."""
    weights = [np.array([[0.5, -1.5], [2, 0.25]]), np.array([[1.0, -1], [1, 0]]), np.array([[1.0], [1]])]
    sym = symbolic_gradients(Network(weights), [1, -1], 0.5)
    for m in sym.weights:
        for e in m:
            equation = broken_equation("L", sp.factor(e))
            assert "1 2" not in equation and "2.0" not in equation and "1.0" not in equation
            assert not re.search(r"-\s*1\s+\d", equation)
    assert r"- \frac{1}{2}\bigr)^{2}" in broken_equation("L", sym.loss)


def test_a_sum_that_fits_stays_on_one_line():
    a, b = W[:2]
    assert broken_equation("L", a + 2 * b) == r"L = w^{1}_{11} + 2 w^{1}_{12}"


def test_a_coefficient_of_minus_one_is_a_sign_and_other_coefficients_stay_whole():
    a, b = W[:2]
    assert latex_of(-a * b) == r"- w^{1}_{11} w^{1}_{12}"
    assert latex_of(sp.Rational(-3, 2) * a) == r"- \frac{3}{2} w^{1}_{11}"
    assert latex_of(sp.Mul(-1, sp.Float(2.0), a + b, evaluate=False)) == r"-2.0 \bigl(w^{1}_{11} + w^{1}_{12}\bigr)"


def test_a_long_sum_breaks_before_its_plus_and_minus_signs_only():
    expr = sp.Add(*[(-1) ** n * (n + 2) * s * t for n, (s, t) in enumerate(zip(W, W[1:] + W[:1]))])
    equation = broken_equation(r"\frac{\partial L}{\partial w^{1}_{11}}", expr)
    lhs, lines = lines_of(equation)
    assert len(lines) > 1
    assert all(line.startswith(("+ ", "- ")) for line in lines[1:])
    first_budget = MAX_EM - latex_width(lhs) - 1.3
    assert latex_width(lines[0]) <= first_budget + 1e-9


def test_a_product_without_a_sum_is_never_broken_between_its_factors():
    expr = sp.Mul(*W)
    equation = broken_equation("L", expr, max_em=10)
    _, lines = lines_of(equation)
    assert lines == [latex_of(expr)]


@pytest.mark.parametrize(("latex", "width"), [("x", 0.6), ("12", 1.0), ("a + b", 2.5), (r"\frac{1}{2}", 0.8),
                                              ("w^{1}_{11}", 0.6 + 0.4 + 0.8), (r"a \cdot b", 2.2)])
def test_latex_width_estimates(latex, width):
    assert latex_width(latex) == pytest.approx(width)
