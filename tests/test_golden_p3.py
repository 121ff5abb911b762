"""Golden renderings of Problem 3's sections for reviewed Givens: every wording change shows in a diff.

Each file under ``tests/golden/problem3/`` is what the chapter prints for one Given, section by section (the
problem, the forward pass, the symbolic derivatives, backpropagation, the three routes, one descent step, the
ReLU variation, what to watch out for and the answer).  Regenerate with ``HWLIB_REGEN_GOLDEN=1`` and read the
diff.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from hwlib.network import Network
from hwlib.symbolic_network import symbolic_gradients
from hwlib.transcription import load_given
from hwlib.worked import problem3
from hwlib.worked.latex_lines import broken_equation
from hwlib.worked.problem3 import d

from golden import check_golden

HOMEWORK = load_given(3)

#: name -> Given, each reviewed: the homework and the cases where words used to go wrong
GIVENS = {
    "homework": HOMEWORK,
    "t_one_half": {"weights": [[[0.5, -1.5], [2, 0.25]], HOMEWORK["weights"][1], HOMEWORK["weights"][2]],
                   "x": HOMEWORK["x"], "t": 0.5},
    "relu_kink": {"weights": [[[1, 1], [1, 0]], [[1, 0], [0, 1]], [[1], [1]]], "x": [2, -2], "t": 3},
    "zero_loss": dict(HOMEWORK, t=-1),
    "net_3_2_1": {"weights": [[[1, 0], [0, 1], [1, 1]], [[1], [-1]]], "x": [1, 2, -1], "t": 0},
    "net_2_3_3_1": {"weights": [[[1, -1, 0.5], [2, 0, 1]], [[1, 0, -1], [0.5, 1, 0], [-1, 1, 2]], [[1], [-2], [0.5]]],
                    "x": [1, 2], "t": 1},
    "non_integer": {"weights": [[[0.1, 0.2], [-0.3, 0.4]], [[0.5, -0.25], [0.75, 1.5]], [[0.8], [-0.6]]],
                    "x": [1.5, -0.5], "t": 0.3},
    "net_1_1_1": {"weights": [[[2]], [[-3]]], "x": [1.5], "t": 2},
    "zero_input_loss_stays": dict(HOMEWORK, x=[0, 0]),
    "net_2_2_1_1": {"weights": [[[1, 2], [0, 1]], [[1], [-1]], [[3]]], "x": [1, 1], "t": 2},
}

LEARNING_RATE = 0.05
ACTIVATION = "relu"


def chapter_text(given) -> str:
    """The chapter's generated Markdown for ``given``, in page order."""
    case = problem3.solve(given)
    net = Network(list(case.weights))
    sym = symbolic_gradients(net, case.x, case.t)
    symbolic, symbolic_activations = sym.evaluate(), sym.evaluate_activations()
    numeric = net.numerical_gradients(case.x, case.t)  # the step the chapter takes
    derivatives = [broken_equation(d(case.weight(l, i, j)), sp.factor(sym.weights[l][i, j]))
                   for l, i, j in case.edges()]
    direct_diff_agrees = [sp.simplify(sp.diff(sym.loss, w) - derivative) == 0  # the chapter's direct check
                          for matrix, derivatives in zip(sym.weight_symbols, sym.weights)
                          for w, derivative in zip(matrix, derivatives)]
    sections = {
        "The problem": problem3.statement(case),
        "The network": problem3.forward_equations(case),
        "(a) The forward pass": problem3.forward_table(case) + "\n\n" + problem3.forward_text(case),
        "(b) The gradients, derived symbolically": "\n\n".join(
            [f"$$\n{broken_equation('L', sym.loss)}\n$$", *(f"$$\n{e}\n$$" for e in derivatives),
             problem3.diff_check_text(case, direct_diff_agrees)]),
        "(b) The gradients by backpropagation": problem3.backprop_steps(case) + "\n\n" + problem3.first_step_text(case),
        "Three routes, one table": problem3.routes_table(case, symbolic, symbolic_activations, numeric) + "\n\n"
        + problem3.agreement_text(problem3.route_facts(case, "identity", symbolic, symbolic_activations, numeric)),
        "One step of gradient descent": problem3.descent_table(case, LEARNING_RATE) + "\n\n"
        + problem3.descent_text(case, LEARNING_RATE),
        "A variation": problem3.variation_table(case, ACTIVATION) + "\n\n" + problem3.variation_text(case, ACTIVATION),
        "What to watch out for": problem3.watch_out(case),
        "Answer": problem3.answer(case),
    }
    return "\n\n".join(f"## {title}\n\n{body}" for title, body in sections.items())


@pytest.mark.parametrize("name", sorted(GIVENS))
def test_problem3_golden(name):
    check_golden(f"problem3/{name}.md", chapter_text(GIVENS[name]))


def test_the_golden_givens_cover_the_reviewed_cases():
    """The homework, a kink, zero loss, a 3-2-1 and a deeper network, non-integer values and a 1-1-1 network."""
    sizes = {name: [len(g["x"])] + [len(w[0]) for w in g["weights"]] for name, g in GIVENS.items()}
    assert sizes["net_3_2_1"] == [3, 2, 1] and sizes["net_2_3_3_1"] == [2, 3, 3, 1] and sizes["net_1_1_1"] == [1, 1, 1]
    assert problem3.solve(GIVENS["zero_loss"]).loss == 0
    assert problem3.variation_facts(GIVENS["relu_kink"], "relu").kinks
    assert any(not float(v).is_integer() for w in GIVENS["non_integer"]["weights"] for row in w for v in row)
    assert np.all(np.array(GIVENS["zero_input_loss_stays"]["x"]) == 0)
