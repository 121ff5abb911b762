"""Property tests of Problem 3's facts against independent computations, for Givens across the valid space.

The independent routes are written here: a numpy forward pass (with the activation applied in the test), exact
rational arithmetic with ``fractions``, central differences computed in the test, and sympy differentiating a
loss written out here.  Givens include kinks (ReLU inputs exactly 0: integer weights and inputs make them
common), zero loss, zero inputs and one-unit layers.  Then the words: each claim a section makes is checked
against the fact it reads, and the defects once seen on a page are tested one by one.
"""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hwlib import mistakes
from hwlib.naming import default_letters
from hwlib.network import Network
from hwlib.symbolic_network import symbolic_gradients
from hwlib.transcription import load_given
from hwlib.worked import problem3
from hwlib.worked.problem3 import NUMERIC_TOLERANCE, SYMBOLIC_TOLERANCE

HOMEWORK = load_given(3)
KINK = {"weights": [[[1, 1], [1, 0]], [[1, 0], [0, 1]], [[1], [1]]], "x": [2, -2], "t": 3}


@st.composite
def givens(draw, max_depth: int = 3, max_width: int = 3, decimals: bool = True):
    """Valid Givens: 1 to max_depth weight matrices, layers 1 to max_width wide, one output; small integers (which
    put ReLU inputs exactly on 0 often) or short decimals."""
    depth = draw(st.integers(1, max_depth))
    sizes = [draw(st.integers(1, max_width)) for _ in range(depth)] + [1]
    values = st.integers(-3, 3)
    if decimals and draw(st.booleans()):
        values = st.sampled_from([-2, -1.5, -1, -0.5, -0.25, 0, 0.1, 0.25, 0.5, 1, 1.5, 2, 3])
    weights = [[[draw(values) for _ in range(sizes[l + 1])] for _ in range(sizes[l])] for l in range(depth)]
    x = [draw(values) for _ in range(sizes[0])]
    return {"weights": weights, "x": x, "t": draw(values)}


def forward(weights, x, activation="identity"):
    """(pre-activations, values) per layer, index 0 is x: plain numpy, the activation on hidden layers only."""
    f = {"identity": lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
         "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[activation]
    a = np.array(x, dtype=float)
    pre, values = [a], [a]
    for n, w in enumerate(weights):
        z = a @ np.array(w, dtype=float)
        a = z if n == len(weights) - 1 else f(z)
        pre.append(z)
        values.append(a)
    return pre, values


def loss_of(weights, x, t, activation="identity") -> float:
    return float((forward(weights, x, activation)[1][-1][0] - t) ** 2)


def scaled_step(weights, x) -> float:
    """1e-6 times the largest power of ten not above the largest |x| or |weight| (at least 1), at most 0.1."""
    largest = max([1, *(abs(Fraction(repr(float(v)))) for v in x),
                   *(abs(Fraction(repr(float(v)))) for w in weights for row in w for v in row)])
    power = Fraction(1)
    while power * 10 <= largest:
        power *= 10
    return min(0.1, float(power) * 1e-6)


def central_differences(weights, x, t, activation, eps):
    """Every dL/dw by (L(w + eps) - L(w - eps)) / 2 eps, computed here."""
    grads = []
    for l, w in enumerate(weights):
        w = np.array(w, dtype=float)
        g = np.zeros_like(w)
        for i in range(w.shape[0]):
            for j in range(w.shape[1]):
                up = [np.array(m, dtype=float) for m in weights]
                down = [m.copy() for m in up]
                up[l][i, j] += eps
                down[l][i, j] -= eps
                g[i, j] = (loss_of(up, x, t, activation) - loss_of(down, x, t, activation)) / (2 * eps)
        grads.append(g)
    return grads


def sympy_gradients(weights, x, t, activation):
    """dL/dw by sympy.diff of the loss written out here (relu as a Piecewise that is 0 at 0)."""
    u = sp.Symbol("u", real=True)
    f = {"identity": u, "relu": sp.Piecewise((u, u > 0), (0, True)), "tanh": sp.tanh(u)}[activation]
    symbols = [[[sp.Symbol(f"w{l}_{i}_{j}", real=True) for j in range(len(w[0]))] for i in range(len(w))]
               for l, w in enumerate(weights)]
    a = [sp.Rational(repr(float(v))) for v in x]
    for l, w in enumerate(symbols):
        z = [sum(a[i] * w[i][j] for i in range(len(w))) for j in range(len(w[0]))]
        a = z if l == len(symbols) - 1 else [f.subs(u, e) for e in z]
    loss = (a[0] - sp.Rational(repr(float(t)))) ** 2
    at = {symbols[l][i][j]: sp.Rational(repr(float(weights[l][i][j])))
          for l in range(len(weights)) for i in range(len(weights[l])) for j in range(len(weights[l][0]))}
    return [np.array([[float(sp.diff(loss, s).subs(at)) for s in row] for row in layer], dtype=float)
            for layer in symbols]


# ------------------------------------------------------------------ facts against independent computations

@settings(max_examples=80, deadline=None)
@given(givens(max_depth=4))
def test_forward_facts_are_the_exact_forward_pass(g):
    facts = problem3.forward_facts(g)
    exact = [Fraction(repr(float(v))) for v in g["x"]]
    for w in g["weights"]:
        exact = [sum((exact[i] * Fraction(repr(float(w[i][j]))) for i in range(len(w))), Fraction(0))
                 for j in range(len(w[0]))]
    t = Fraction(repr(float(g["t"])))
    assert facts.output == exact[0] and facts.t == t
    assert facts.loss == (exact[0] - t) ** 2 and facts.output_gradient == 2 * (exact[0] - t)
    _, values = forward(g["weights"], g["x"])
    hidden = [v for layer in values[1:-1] for v in layer]
    assert len(facts.hidden) == len(hidden)
    for (_, fact), value in zip(facts.hidden, hidden):
        assert float(fact) == pytest.approx(value, rel=1e-9, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(givens(max_depth=4))
def test_statement_facts_count_the_weights_and_name_every_layer(g):
    facts = problem3.statement_facts(g)
    sizes = [len(g["x"])] + [len(w[0]) for w in g["weights"]]
    assert facts.n_weights == sum(a * b for a, b in itertools.pairwise(sizes))
    assert len(facts.inputs) == sizes[0] and [len(h) for h in facts.hidden] == sizes[1:-1]
    text = problem3.statement(g)
    n = facts.n_weights
    phrase = {1: "with respect to the weight by", 2: "with respect to both weights by"}.get(n, f"(all {n} of them)")
    assert phrase in text


@settings(max_examples=40, deadline=None)
@given(givens(max_depth=3, max_width=2), st.sampled_from(["identity", "relu", "tanh"]))
def test_route_facts_agree_with_routes_computed_here(g, activation):
    facts = problem3.route_facts(g, activation)
    pre, _ = forward(g["weights"], g["x"], activation)
    kinks = [(l, i) for l in range(1, len(pre) - 1) for i in range(len(pre[l]))
             if activation == "relu" and pre[l][i] == 0]
    assert len(facts.kinks) == len(kinks)
    # the exact routes: sympy here against the backpropagation the facts compared with
    case = problem3.solve(g)
    exact = Network(list(case.weights), hidden_activation=activation).backward(case.x, case.t).weights
    here = sympy_gradients(g["weights"], g["x"], g["t"], activation)
    scale = max(1.0, *(float(np.abs(a).max()) for a in exact))
    assert max(float(np.abs(a - b).max()) for a, b in zip(exact, here)) <= SYMBOLIC_TOLERANCE * scale
    assert facts.symbolic_agree
    # the finite differences agree exactly when central differences computed here agree (no kink straddled)
    assert facts.eps == scaled_step(g["weights"], g["x"])
    fd = central_differences(g["weights"], g["x"], g["t"], activation, facts.eps)
    worst_here = max(float(np.abs(a - b).max()) for a, b in zip(exact, fd))
    assume(abs(worst_here - facts.tolerance_numeric) > 1e-3 * facts.tolerance_numeric)  # not on the boundary
    if worst_here > NUMERIC_TOLERANCE * 100 * scale:
        assert not facts.numeric_agree
    integers = all(float(v).is_integer() for w in g["weights"] for row in w for v in row)
    if not kinks and integers:  # integer inputs are 0 or at least 1 away from a kink: central differences agree
        assert facts.numeric_agree
    if activation == "relu" and facts.kinks:
        assert facts.kink_slope_backprop == 0 and facts.kink_slope_sympy == 0
    if not facts.numeric_agree and activation != "tanh":
        assert facts.straddled  # a disagreement of the finite differences is explained by a straddled kink
    if activation == "relu":  # a unit is straddled when its input changes side between some +eps and -eps nudge
        for name in facts.straddled:
            assert name in [case.unit(l, i) for l in range(1, case.n_layers) for i in range(case.sizes[l])]


@settings(max_examples=60, deadline=None)
@given(givens(max_depth=4), st.sampled_from(["relu", "tanh", "sigmoid"]))
def test_variation_facts_are_decided_at_each_unit(g, activation):
    facts = problem3.variation_facts(g, activation)
    pre, values = forward(g["weights"], g["x"], activation)
    _, plain = forward(g["weights"], g["x"])
    units = [(l, i) for l in range(1, len(pre) - 1) for i in range(len(pre[l]))]
    assert len(facts.units) == len(units)
    for unit, (l, i) in zip(facts.units, units):
        z = pre[l][i]
        assert unit.pre == pytest.approx(z, rel=1e-12, abs=1e-12)
        assert unit.value == pytest.approx(values[l][i], rel=1e-9, abs=1e-12)
        assert unit.off == (activation == "relu" and z < 0)
        assert unit.kink == (activation == "relu" and z == 0)
        if activation == "relu":
            assert unit.changed_here == (z < 0)  # relu changes a unit only where it cuts a negative input
        assert unit.changed_upstream == (z != plain[l][i])
    assert facts.values_change == (any(not np.array_equal(a, b) for a, b in zip(values[1:], plain[1:])))
    assert facts.has_hidden == (len(g["weights"]) > 1)
    assert facts.loss_stays == (loss_of(g["weights"], g["x"], g["t"], activation)
                                == loss_of(g["weights"], g["x"], g["t"]))


@settings(max_examples=60, deadline=None)
@given(givens(max_depth=3, decimals=False), st.sampled_from([0.01, 0.05, 0.5]))
def test_descent_facts_match_a_step_taken_here(g, learning_rate):
    facts = problem3.descent_facts(g, learning_rate)
    # a linear network's loss is quadratic in each weight: central differences with step 1 are exact
    grads = central_differences(g["weights"], g["x"], g["t"], "identity", eps=1.0)
    stepped = [np.array(w, dtype=float) - learning_rate * gw for w, gw in zip(g["weights"], grads)]
    new_loss = loss_of(stepped, g["x"], g["t"])
    assert facts.new_loss == pytest.approx(new_loss, rel=1e-9, abs=1e-9)
    assert facts.at_target == (loss_of(g["weights"], g["x"], g["t"]) == 0)
    zero = [(l, i, j) for l, gw in enumerate(grads) for i in range(gw.shape[0]) for j in range(gw.shape[1])
            if gw[i, j] == 0]
    assert len(facts.still) == len(zero)
    assert facts.change == {-1: "falls", 0: "stays", 1: "rises"}[int(np.sign(facts.new_loss - float(facts.loss)))]
    text = problem3.descent_text(g, learning_rate)
    if facts.change == "stays" and not facts.at_target:
        assert "stays at" in text and " from " not in text.split("the loss")[1].split(".")[0]
    if facts.change != "stays" and not facts.at_target:
        # the two losses are written with enough digits to differ
        words = text.split("from ")[1].split(".")[0] if "from " in text else ""
        assert words and words.split(" to ")[0] != words.split(" to ")[1]


# ------------------------------------------------------------------ the words read the facts

@settings(max_examples=40, deadline=None)
@given(givens(max_depth=3, max_width=2), st.sampled_from(["relu", "tanh"]))
def test_variation_words_claim_only_what_the_facts_say(g, activation):
    facts = problem3.variation_facts(g, activation)
    text = problem3.variation_text(facts)
    r = facts.routes
    assert ("The three routes agree" in text) == (facts.has_hidden and r.symbolic_agree and r.numeric_agree)
    if facts.has_hidden and not r.numeric_agree:
        assert "more than the tolerance" in text
    assert ("changes no value and no gradient" in text) == (
        facts.has_hidden and not facts.values_change and not facts.gradients_change)
    for unit in facts.units:
        if unit.kink:
            assert "exactly 0" in text and "slope there as 0" in text
    if facts.has_hidden and not facts.loss_stays:
        assert "stays" not in text.split(".")[0]


@settings(max_examples=40, deadline=None)
@given(givens(max_depth=3, max_width=2))
def test_agreement_words_say_exactly_only_for_zero(g):
    facts = problem3.route_facts(g)
    text = problem3.agreement_text(facts)
    assert text.startswith("Backpropagation and sympy agree exactly") == (facts.worst_symbolic == 0)
    assert ("finite differences agree exactly" in text) == (facts.worst_numeric == 0)
    assert "agree to 0" not in text and "difference 0)" not in text


# ------------------------------------------------------------------ the defects once seen on a page

def test_relu_kink_case_reads_truthfully():
    """W1 = [[1, 1], [1, 0]], W2 = I, W3 = [[1], [1]], x = (2, -2), t = 3: y1 and z1 have input exactly 0."""
    facts = problem3.variation_facts(KINK, "relu")
    assert [u.name for u in facts.kinks] == ["y_{1}", "z_{1}"]
    assert not facts.values_change and facts.gradients_change and not facts.routes.numeric_agree
    text = problem3.variation_text(KINK, "relu")
    assert "still agree" not in text and "nothing changes in the gradients" not in text
    assert "The three routes agree" not in text
    assert "backpropagation takes the slope there as 0 and sympy as 0" in text
    assert "put the input of $y_{1}$ and $z_{1}$ on both sides of the kink at 0" in text
    assert "changes" not in text.split("Wherever")[0].replace("changes no value here, but it changes gradients", "")
    assert "z_{1}$ (0 becomes 1)" not in text


def test_a_unit_changed_upstream_is_not_said_to_be_changed_by_the_activation():
    """The homework with ReLU: z1's input is 1 instead of 0 because y2 was switched off below it."""
    facts = problem3.variation_facts(HOMEWORK, "relu")
    z1 = next(u for u in facts.units if u.name == "z_{1}")
    assert z1.changed_upstream and not z1.changed_here and not z1.off
    text = problem3.variation_text(HOMEWORK, "relu")
    assert "switches off $y_{2}$ (input −1) and $z_{2}$ (input −1)" in text
    assert "$z_{1}$ (0 becomes 1) changes only because its input changed below" in text


def test_a_loss_that_stays_is_not_said_to_go_from_4_to_4():
    g = dict(HOMEWORK, x=[0, 0])  # every value is 0, so every weight's gradient is 0 while dL/dz = -4
    text = problem3.descent_text(g, 0.05)
    assert "the loss stays at 4" in text and "from 4 to 4" not in text


def test_finite_differences_that_agree_to_zero_say_exactly():
    g = {"weights": [[[1]]], "x": [0], "t": 0}  # L(w ± eps) = 0 and L(x ± eps) = eps²: every difference is 0
    facts = problem3.route_facts(g, "identity")
    assert facts.worst_numeric == 0
    text = problem3.agreement_text(facts)
    assert "agree exactly too" in text and "agree to 0" not in text


def test_prose_numbers_follow_one_precision_rule():
    """A value the prose digits round is written with 3 significant digits after 'about' or '\\approx'."""
    g = {"weights": [[[1], [1]]], "x": [1, 1 / 3], "t": 0}  # output 4/3 in decimals: 1.3333333333333333
    text = problem3.forward_text(g)
    assert r"\approx 1.33" in text and "1.33333" not in text
    text = problem3.forward_text({"weights": [[[0.5, -1.5], [2, 0.25]], [[1, -1], [1, 0]], [[1], [1]]],
                                  "x": [1, -1], "t": 0.5})
    assert "$z = -1.75$" in text and r"\approx 5.06$" in text


def test_a_whole_number_of_four_digits_is_not_said_to_be_rounded():
    """A loss of 1,024 was written '\\approx 1{,}024' and 'about 1,024': the check rounded it to 1.02e+03."""
    g = {"weights": [[[1, 0], [0, 1], [1, 1], [-1, 1]], [[2], [-3]]], "x": [1, 2, 3, 4], "t": 5}  # z = -27, L = 1024
    assert problem3.solve(g).loss == 1024
    text = problem3.forward_text(g)
    assert "= 1{,}024$" in text and r"\approx 1{,}024" not in text
    assert "from 1,024 to" in problem3.descent_text(g, 0.05)
    assert "stays at 1,024" in problem3.variation_text(g, "relu")


def test_relu_is_named_as_the_chapter_names_it():
    """The variation said 'With relu the loss …' and 'where relu has a kink' beside the chapter's 'ReLU'."""
    g = {"weights": [[[1, 1], [1, 0]], [[1, 0], [0, 1]], [[1], [1]]], "x": [2, -2], "t": 3}  # a kink
    text = problem3.variation_text(g, "relu") + problem3.variation_table(g, "relu")
    assert "With ReLU the loss" in text and "where ReLU has a kink" in text and "| ReLU |" in text
    assert "relu" not in text


def test_a_learning_rate_that_is_not_positive_stops_with_one_clear_error():
    """learning_rate = 0 read 'Weights whose gradient is zero do not move' (none moved), and -0.05 'The step
    overshoots: a smaller learning rate would make the loss fall' (it climbed the gradient)."""
    for rate in (0, 0.0, -0.05):
        for section in (problem3.descent_text, problem3.descent_table, problem3.descent_facts):
            with pytest.raises(ValueError, match="learning_rate must be > 0"):
                section(HOMEWORK, rate)
    with pytest.raises(TypeError, match="learning_rate"):
        problem3.descent_table(HOMEWORK, "0.05")


def test_a_step_that_moves_weights_but_leaves_the_loss_overshoots():
    """w = 1, x = 1, t = 0, eta = 1: the output jumps from 1 to -1 and the loss stays at 1, past the minimum."""
    g = {"weights": [[[1]]], "x": [1], "t": 0}
    facts = problem3.descent_facts(g, 1.0)
    assert facts.change == "stays" and facts.moved
    assert "The step overshoots" in problem3.descent_text(g, 1.0)
    still = dict(HOMEWORK, x=[0, 0])  # nothing moves: the loss stays for want of a gradient, no overshoot
    assert not problem3.descent_facts(still, 0.05).moved
    assert "overshoots" not in problem3.descent_text(still, 0.05)


def test_output_letter_never_names_a_hidden_layer():
    """The 3-2-1 network's output was named y, the homework's first hidden layer (beside y_1, y_2)."""
    g = {"weights": [[[1, 0], [0, 1], [1, 1]], [[1], [-1]]], "x": [1, 2, -1], "t": 0}
    text = problem3.statement(g)
    assert "one output $z$" in text and "one output $y$" not in text
    for sizes in ([3, 2, 1], [2, 1], [1, 1, 1], [2, 2, 1, 1], [2, 3, 3, 1], [2, 2, 2, 2, 1], [1, 3, 1, 2, 1]):
        letters = default_letters(sizes)
        hidden = letters[1:-1]
        output = letters[-1]
        # the output's letter is a hidden layer's only in the homework's notation: z after a wide second layer z
        if output in hidden:
            assert hidden == ("y", "z") and output == "z" and sizes[-2] > 1
        assert output != "y"
    assert default_letters([2, 2, 2, 1]) == ("x", "y", "z", "z")  # the homework's own


def test_mistake_feedback_names_the_output_of_the_network_marked():
    g = {"weights": [[[1, 2], [0, 1]], [[1], [-1]], [[3]]], "x": [1, 1], "t": 2}  # output u (z is one unit)
    factor = mistakes.by_name("dropped_factor_2")
    assert "∂L/∂u" in factor.feedback_for(g) and "(u − t)²" in factor.feedback_for(g)
    assert "∂L/∂z" in factor.feedback_for(HOMEWORK) and factor.feedback_for(HOMEWORK) == factor.feedback
    sign = mistakes.by_name("target_minus_output")
    assert "(t − u)" in sign.feedback_for(g)
    transposed = mistakes.by_name("transposed_weight")
    assert "∂y_j/∂x_i" in transposed.feedback_for(g) and "w¹₂₁" in transposed.feedback_for(g)


@settings(max_examples=30, deadline=None)
@given(givens(max_depth=3, max_width=3))
def test_every_section_renders_for_any_given(g):
    """No blank fact, no 'None' or 'nan', no doubled sign, no number written twice in a row."""
    texts = [problem3.statement(g), problem3.forward_text(g), problem3.first_step_text(g),
             problem3.agreement_text(problem3.route_facts(g)), problem3.descent_text(g, 0.05),
             problem3.variation_text(g, "relu"), problem3.watch_out(g)]
    for text in texts:
        assert text and "None" not in text and "nan" not in text.lower().replace("nance", "")
        assert "- -" not in text and "−−" not in text and "  " not in re.sub(r"\n+", " ", text).strip()
        assert "()" not in text


def test_finite_differences_near_a_kink_are_explained_by_the_units_they_straddle():
    """y2's input is -3e-7, within the ±1e-6 nudges of relu's kink: not a kink itself, but straddled."""
    g = {"weights": [[[100, -2e-7]], [[3], [0.001]]], "x": [1.5], "t": 0}
    facts = problem3.variation_facts(g, "relu")
    assert not facts.kinks and facts.routes.straddled == ("y_{2}",) and not facts.routes.numeric_agree
    text = problem3.variation_text(facts)
    assert "put the input of $y_{2}$ on both sides of the kink at 0" in text


def test_route_facts_step_with_values_in_the_thousands():
    """The finite differences step 1e-3 for x and weights in the thousands (1e-6 cannot resolve a loss near 1e24);
    the three routes agree, to the tolerance, with central differences computed here at that step."""
    g = {"weights": [[[1000, -500], [300, 800]], [[1000, -1000], [1000, 0]], [[1000], [1000]]],
         "x": [1000, -1000], "t": 5}
    facts = problem3.route_facts(g, "identity")
    assert facts.eps == scaled_step(g["weights"], g["x"]) == 1e-3
    assert facts.symbolic_agree and facts.numeric_agree
    case = problem3.solve(g)
    exact = Network(list(case.weights)).backward(case.x, case.t).weights
    here = central_differences(g["weights"], g["x"], g["t"], "identity", facts.eps)
    assert max(float(np.abs(a - b).max()) for a, b in zip(exact, here)) <= facts.tolerance_numeric


@settings(max_examples=40, deadline=None)
@given(givens(max_depth=3, max_width=3), st.data())
def test_the_direct_diff_check_counts_what_it_was_given(g, data):
    """The sentence under the direct sympy.diff check: the counts and the weights named are those of ``agrees``."""
    edges = [(l, i, j) for l, w in enumerate(g["weights"]) for i in range(len(w)) for j in range(len(w[0]))]
    agrees = data.draw(st.lists(st.booleans(), min_size=len(edges), max_size=len(edges)))
    text = problem3.diff_check_text(g, agrees)
    names = [f"w^{{{l + 1}}}_{{{i + 1}{j + 1}}}" for l, i, j in edges]
    differing = [name for name, ok in zip(names, agrees) if not ok]
    assert all(f"${name}$" in text for name in differing)
    assert not any(f"${name}$" in text for name, ok in zip(names, agrees) if ok)
    if all(agrees):
        opening = {1: "The derivative agrees:", 2: "Both derivatives agree:"}
        assert text.startswith(opening.get(len(edges), f"All {len(edges)} derivatives agree:"))
    elif not any(agrees):
        opening = {1: "The derivative does not agree:", 2: "Neither derivative agrees:"}
        assert text.startswith(opening.get(len(edges), f"None of the {len(edges)} derivatives agrees:"))
    else:
        assert text.startswith(f"{sum(agrees)} of the {len(edges)} derivatives agree; ")


def test_the_direct_diff_check_on_the_homework_agrees_for_every_weight():
    """sympy.diff of a loss written out here, against the chain rule's derivatives: all agree, and the words say
    how many."""
    case = problem3.solve(HOMEWORK)
    w = [sp.Matrix(m.shape[0], m.shape[1], lambda i, j, l=l: sp.Symbol(f"w{l}{i}{j}")) for l, m in
         enumerate(case.weights)]
    a = sp.Matrix([[sp.nsimplify(v) for v in HOMEWORK["x"]]])
    for m in w:
        a = a * m
    loss = (a[0, 0] - sp.nsimplify(HOMEWORK["t"])) ** 2
    sym = symbolic_gradients(case.net, case.x, HOMEWORK["t"])
    agrees = [sp.simplify(sp.diff(loss, w[l][i, j]) - sym.weights[l][i, j].subs(
        {s: w[l2][i2, j2] for l2, m in enumerate(sym.weight_symbols) for (i2, j2), s in np.ndenumerate(
            np.array(m.tolist(), dtype=object))})) == 0 for l, i, j in case.edges()]
    assert all(agrees)
    assert problem3.diff_check_text(case, agrees).startswith(f"All {len(case.edges())} derivatives agree")
    with pytest.raises(ValueError, match="agrees must hold one bool per weight"):
        problem3.diff_check_text(case, agrees[:-1])
    with pytest.raises(TypeError, match="agrees must hold bools"):
        problem3.diff_check_text(case, [1] * len(agrees))
