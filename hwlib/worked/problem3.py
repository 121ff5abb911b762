"""Problem 3 in words and numbers, for any Given: forward pass and backpropagation.

Given ``{"weights": [W^1, W^2, ...], "x": [x_1, ...], "t": t}``: row i, column j
of ``W^l`` is the homework's w^l_ij; any depth and widths, one output unit.
The units are named as in the homework (x, then y, z, ...; a one-unit output
takes the letter of the layer before it when that layer has several units, as
the homework's z = z_1 w^3_11 + z_2 w^3_21 does).  Used by
``book/problem3_backprop.ipynb`` and the practice pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hwlib import fmt, givens
from hwlib.answers import problem3_truth
from hwlib.network import Gradients, Network
from hwlib.naming import default_letters, unit_key, unit_label, weight_label
from hwlib.worked.markdown import answer_box, join_words, table

__all__ = ["Case", "solve", "default_letters", "statement", "solution", "answer_quantities", "forward_equations",
           "forward_table", "forward_text", "backprop_steps", "first_step_text", "routes_table", "agreement_text",
           "descent_table", "descent_text", "variation_table", "variation_text", "watch_out", "answer", "d"]

@dataclass(frozen=True)
class Case:
    """Problem 3 worked out for one Given: the network, the forward pass and the gradients."""

    weights: tuple[np.ndarray, ...]
    x: np.ndarray
    t: float
    letters: tuple[str, ...]
    net: Network
    values: tuple[np.ndarray, ...]
    loss: float
    grads: Gradients

    @property
    def sizes(self) -> list[int]:
        return self.net.layer_sizes

    @property
    def n_layers(self) -> int:
        return len(self.weights)

    @property
    def given(self) -> dict[str, Any]:
        return {"weights": [w.tolist() for w in self.weights], "x": self.x.tolist(), "t": self.t}

    @property
    def output(self) -> float:
        return float(self.values[-1][0])

    def unit(self, layer: int, i: int) -> str:
        """LaTeX name of unit i (0-based) of a layer: x_{1}, y_{2}, ..., or the bare letter of a one-unit output."""
        return unit_label(self.letters, self.sizes, layer, i)

    def weight(self, layer: int, i: int, j: int) -> str:
        """LaTeX name of weights[layer][i, j], the homework's w^{layer+1}_{i+1 j+1} (as hwlib.naming and sympy write it)."""
        return weight_label(layer, i, j)

    def edges(self) -> list[tuple[int, int, int]]:
        """(layer, i, j) of every weight, layer by layer, row by row."""
        return [(l, i, j) for l in range(self.n_layers) for i in range(self.sizes[l]) for j in range(self.sizes[l + 1])]


def solve(given: Mapping[str, Any] | Case) -> Case:
    """Work Problem 3 out for ``given``; an ill-typed or impossible Given raises one clear error."""
    if isinstance(given, Case):
        return given
    checked = givens.problem3(given)
    weights = tuple(np.array(w, dtype=float) for w in checked["weights"])
    net = Network(list(weights))
    x = np.array(checked["x"], dtype=float)
    letters = default_letters(net.layer_sizes)
    return Case(weights, x, checked["t"], letters, net, tuple(net.forward(x)), net.loss(x, checked["t"]),
                net.backward(x, checked["t"]))


def d(name: str) -> str:
    """∂L/∂(name) in LaTeX."""
    return rf"\frac{{\partial L}}{{\partial {name}}}"


def _term(value: float) -> str:
    """A number as a factor inside $...$: parenthesised when negative."""
    text = fmt.latex(value)
    return f"({text})" if text.startswith("-") else text


def _layer_words(case: Case, layer: int) -> str:
    names = ", ".join(case.unit(layer, i) for i in range(case.sizes[layer]))
    return f"${names}$"


def statement(given: Mapping[str, Any] | Case) -> str:
    """The problem as posed for this Given."""
    case = solve(given)
    hidden = [f"a layer {_layer_words(case, l)}" for l in range(1, case.n_layers)]
    network = join_words([f"inputs {_layer_words(case, 0)}" if case.sizes[0] > 1 else f"one input {_layer_words(case, 0)}",
                          *hidden, f"one output ${case.unit(case.n_layers, 0)}$"])
    x_words = "(" + ", ".join(fmt.latex(v) for v in case.x) + ")"
    n_weights = len(case.edges())
    return (f"A network has {network}. The weight $w^l_{{ij}}$ joins unit $i$ of layer $l-1$ to unit $j$ of layer $l$; "
            f"there is no nonlinearity and the loss is $L = ({case.unit(case.n_layers, 0)} - t)^2$. With "
            f"$x = {x_words}$ and target $t = {fmt.latex(case.t)}$: (a) compute the forward pass and the loss; (b) "
            f"compute the derivative of the loss with respect to "
            f"{'every weight (all ' + fmt.number(n_weights) + ' of them)' if n_weights > 2 else 'both weights' if n_weights == 2 else 'the weight'} "
            "by backpropagation.")


def forward_equations(given: Mapping[str, Any] | Case) -> str:
    """The forward pass and the loss as equations in this network's names."""
    case = solve(given)
    parts = []
    for l in range(1, case.n_layers + 1):
        below = case.letters[l - 1]
        target = f"{case.letters[l]}_j" if case.sizes[l] > 1 else case.letters[l]
        if case.sizes[l - 1] > 1:
            index = "ij" if case.sizes[l] > 1 else "i1"
            parts.append(rf"{target} = \sum_i {below}_i \, w^{{{l}}}_{{{index}}}")
        else:  # one unit below: a single term, no sum
            index = "1j" if case.sizes[l] > 1 else "11"
            parts.append(rf"{target} = {below} \, w^{{{l}}}_{{{index}}}")
    parts.append(rf"L = ({case.unit(case.n_layers, 0)} - t)^2")
    return "$$\n" + r", \qquad ".join(parts) + " .\n$$"


def forward_table(given: Mapping[str, Any] | Case) -> str:
    """Every unit of the forward pass with its sum written out, then the loss."""
    case = solve(given)
    rows = []
    for l in range(1, case.n_layers + 1):
        for j in range(case.sizes[l]):
            terms = " + ".join(f"{_term(case.values[l - 1][i])} \\cdot {_term(case.weights[l - 1][i, j])}"
                               for i in range(case.sizes[l - 1]))
            rows.append([f"${case.unit(l, j)}$", f"${terms}$", fmt.number(case.values[l][j])])
    out = case.unit(case.n_layers, 0)
    rows.append(["$L$", f"$({out} - t)^2 = ({fmt.latex(case.output)} - {_term(case.t)})^2$", fmt.number(case.loss)])
    return table(["unit", "computed as", "value"], rows, "llr")


def forward_text(given: Mapping[str, Any] | Case) -> str:
    """The output, the loss and the hidden values in one sentence."""
    case = solve(given)
    out = case.unit(case.n_layers, 0)
    text = (f"The output is ${out} = {fmt.latex(case.output)}$ against a target of $t = {fmt.latex(case.t)}$, so the "
            f"loss is $L = ({fmt.latex(case.output)} - {_term(case.t)})^2 = {fmt.latex(case.loss)}$.")
    hidden = [f"${case.unit(l, i)} = {fmt.latex(case.values[l][i])}$"
              for l in range(1, case.n_layers) for i in range(case.sizes[l])]
    if hidden:
        text += " Along the way " + join_words(hidden) + "."
    return text


def backprop_steps(given: Mapping[str, Any] | Case) -> str:
    """Every step of backpropagation with the numbers put in, as one aligned block of display math."""
    case = solve(given)
    out = case.unit(case.n_layers, 0)
    g = case.grads
    steps = [rf"{d(out)} &= 2({out} - t) = 2({fmt.latex(case.output)} - {_term(case.t)}) = {fmt.latex(g.activations[-1][0])}"]
    for l in reversed(range(case.n_layers)):
        for i in range(case.sizes[l]):
            for j in range(case.sizes[l + 1]):
                steps.append(rf"{d(case.weight(l, i, j))} &= {case.unit(l, i)} \, {d(case.unit(l + 1, j))} = "
                             rf"{_term(case.values[l][i])} \cdot {_term(g.activations[l + 1][j])} = "
                             rf"{fmt.latex(g.weights[l][i, j])}")
        for i in range(case.sizes[l]):
            terms = " + ".join(rf"{case.weight(l, i, j)} \, {d(case.unit(l + 1, j))}" for j in range(case.sizes[l + 1]))
            numbers = " + ".join(rf"{_term(case.weights[l][i, j])} \cdot {_term(g.activations[l + 1][j])}"
                                 for j in range(case.sizes[l + 1]))
            steps.append(rf"{d(case.unit(l, i))} &= {terms} \\ &= {numbers} = {fmt.latex(g.activations[l][i])}")
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(steps) + "\n\\end{aligned}\n$$"


def first_step_text(given: Mapping[str, Any] | Case) -> str:
    """Why the first backward step matters, with its numbers."""
    case = solve(given)
    out = case.unit(case.n_layers, 0)
    return (f"The first step is the one to get right: $\\partial L / \\partial {out} = 2({out} - t) = "
            f"2 \\times ({fmt.latex(case.output)} - {_term(case.t)}) = {fmt.latex(case.grads.activations[-1][0])}$, "
            "and every other number is this one multiplied by weights and values along the way back.")


def routes_table(given: Mapping[str, Any] | Case, symbolic: Sequence[np.ndarray], symbolic_activations: Sequence[np.ndarray],
                 numeric: Gradients) -> str:
    """Every derivative by backpropagation, by sympy and by finite differences, side by side."""
    case = solve(given)
    g = case.grads
    rows = [[f"${d(case.weight(l, i, j))}$", fmt.number(g.weights[l][i, j]), fmt.number(symbolic[l][i, j]),
             fmt.number(numeric.weights[l][i, j])] for l, i, j in case.edges()]
    rows += [[f"${d(case.unit(l, i))}$", fmt.number(g.activations[l][i]), fmt.number(symbolic_activations[l][i]),
              fmt.number(numeric.activations[l][i])] for l in range(case.n_layers + 1) for i in range(case.sizes[l])]
    return table(["derivative", "backpropagation", "sympy", "finite differences"], rows, "lrrr")


def agreement_text(worst_symbolic: float, worst_numeric: float) -> str:
    """How closely the three routes agree."""
    exact = "agree exactly" if worst_symbolic == 0 else f"agree to {fmt.number(worst_symbolic, 2)}"
    return (f"Backpropagation and sympy {exact} (largest difference {fmt.number(worst_symbolic, 2)}); the finite "
            f"differences agree to {fmt.number(worst_numeric, 2)}, the rounding error of the method.")


def _stepped(case: Case, learning_rate: float) -> Network:
    return Network([w - learning_rate * g for w, g in zip(case.weights, case.grads.weights)])


def descent_table(given: Mapping[str, Any] | Case, learning_rate: float) -> str:
    """Every weight before and after one gradient-descent step."""
    case = solve(given)
    stepped = _stepped(case, learning_rate)
    rows = [[f"${case.weight(l, i, j)}$", fmt.number(case.weights[l][i, j]), fmt.number(case.grads.weights[l][i, j]),
             fmt.number(stepped.weights[l][i, j])] for l, i, j in case.edges()]
    return table(["weight", "before", "gradient", "after"], rows, "lrrr")


def descent_text(given: Mapping[str, Any] | Case, learning_rate: float) -> str:
    """What one step does to the output and the loss, and which weights do not move and why."""
    case = solve(given)
    if case.grads.activations[-1][0] == 0:
        return (f"Here the output already equals the target, so $\\partial L / \\partial {case.unit(case.n_layers, 0)} = 0$, "
                "every gradient is zero and the step (with any learning rate) changes nothing: the loss stays at 0.")
    stepped = _stepped(case, learning_rate)
    new_loss = stepped.loss(case.x, case.t)
    change = "falls" if new_loss < case.loss else ("stays" if new_loss == case.loss else "rises")
    text = (f"With $\\eta = {fmt.latex(learning_rate)}$, after the step the output is "
            f"{fmt.number(stepped.forward(case.x)[-1][0])} and the loss {change}, from {fmt.number(case.loss)} to "
            f"{fmt.number(new_loss)}.")
    if change == "rises":
        text += " The step overshoots: a smaller learning rate would make the loss fall."
    still = [f"${case.weight(l, i, j)}$" for l, i, j in case.edges() if case.grads.weights[l][i, j] == 0]
    if not still:
        return text + " Every weight moves."
    zero_values = [f"${case.unit(l, i)} = 0$" for l in range(case.n_layers) for i in range(case.sizes[l])
                   if case.values[l][i] == 0]
    zero_grads = [f"${d(case.unit(l, j))} = 0$" for l in range(1, case.n_layers + 1) for j in range(case.sizes[l])
                  if case.grads.activations[l][j] == 0]
    return (text + f" Weights whose gradient is zero do not move: here {join_words(still)}, because the value flowing "
            f"into the edge or the gradient arriving at its end is zero ({join_words(zero_values + zero_grads)}).")


def variation_table(given: Mapping[str, Any] | Case, activation: str) -> str:
    """Forward values, loss and weight gradients without and with a hidden activation."""
    case = solve(given)
    varied = Network(list(case.weights), hidden_activation=activation)
    values, grads = varied.forward(case.x), varied.backward(case.x, case.t)
    rows = [[f"${case.unit(l, i)}$", fmt.number(case.values[l][i]), fmt.number(values[l][i])]
            for l in range(1, case.n_layers + 1) for i in range(case.sizes[l])]
    rows.append(["$L$", fmt.number(case.loss), fmt.number(varied.loss(case.x, case.t))])
    rows += [[f"${d(case.weight(l, i, j))}$", fmt.number(case.grads.weights[l][i, j]), fmt.number(grads.weights[l][i, j])]
             for l, i, j in case.edges()]
    return table(["quantity", "identity", activation], rows, "lrr")


def variation_text(given: Mapping[str, Any] | Case, activation: str, worst: float) -> str:
    """What the activation changes, and how closely the three routes agree with it."""
    case = solve(given)
    varied = Network(list(case.weights), hidden_activation=activation)
    values = varied.forward(case.x)
    text = (f"With {activation} the loss becomes {fmt.number(varied.loss(case.x, case.t))}. The three routes still "
            f"agree (largest disagreement {fmt.number(worst, 2)}).")
    changed = [f"${case.unit(l, i)}$ ({fmt.number(case.values[l][i])} becomes {fmt.number(values[l][i])})"
               for l in range(1, case.n_layers) for i in range(case.sizes[l]) if values[l][i] != case.values[l][i]]
    if case.n_layers == 1:
        return text + (" This network has no hidden unit, so the activation has nothing to act on and nothing "
                       "changes.")
    if not changed:
        return text + " At these inputs the activation changes no hidden value, so nothing changes in the gradients either."
    text += f" The hidden units that the activation changes: {join_words(changed)}."
    if activation == "relu":
        text += (" Wherever a unit is switched off, every weight on an edge out of it, and every path back through it, "
                 "gets a gradient of zero: the nonlinearity decides which paths learn.")
    return text


def watch_out(given: Mapping[str, Any] | Case) -> str:
    """The common mistakes, each illustrated with this network's names and values."""
    case = solve(given)
    out = case.unit(case.n_layers, 0)
    bullets = [f"* **Start right.** $\\partial L/\\partial {out} = 2({out} - t)$, evaluated with the forward value of "
               f"${out}$; an error here is multiplied into every gradient below."]
    j = 1 if case.sizes[1] > 1 else 0
    bullets.append(f"* **Use the weight on the edge.** $\\partial {case.unit(1, j)} / \\partial {case.unit(0, 0)} = "
                   f"{case.weight(0, 0, j)}$: the weight *from* ${case.unit(0, 0)}$ *to* ${case.unit(1, j)}$ (first "
                   "index: where the edge starts; second: where it ends), not another weight of the same layer.")
    feeds = [(m, i) for m in (*range(1, case.n_layers), 0) for i in range(case.sizes[m]) if case.sizes[m + 1] > 1]
    if feeds:
        m, i = feeds[0]
        terms = " + ".join(f"{case.weight(m, i, j)}\\,{d(case.unit(m + 1, j))}" for j in range(case.sizes[m + 1]))
        bullets.append(f"* **Sum over every path.** A unit that feeds several units collects a gradient from each: "
                       f"${d(case.unit(m, i))} = {terms}$.")
    else:
        bullets.append("* **Sum over every path.** A unit that feeds several units collects a gradient from each (here "
                       "every unit feeds one unit only, so each sum has one term).")
    negatives = [f"${case.unit(l, i)} = {fmt.latex(case.values[l][i])}$" for l in range(case.n_layers)
                 for i in range(case.sizes[l]) if case.values[l][i] < 0]
    negatives += [f"${case.weight(l, i, j)} = {fmt.latex(case.weights[l][i, j])}$" for l, i, j in case.edges()
                  if case.weights[l][i, j] < 0]
    if negatives:
        bullets.append(f"* **Keep signs.** Multiplying by a negative number flips a sign: here "
                       f"{join_words(negatives) if len(negatives) <= 4 else ', '.join(negatives[:4]) + ' and more'}.")
    else:
        bullets.append("* **Keep signs.** Multiplying by a negative number flips a sign (no input, value or weight is "
                       "negative here, but a gradient can be).")
    return "\n".join(bullets)


def answer(given: Mapping[str, Any] | Case) -> str:
    """The answer box: the forward values and loss, ∂L/∂(output) and every weight's gradient."""
    case = solve(given)
    out = case.unit(case.n_layers, 0)
    forward = [[f"${case.unit(l, i)}$", fmt.number(case.values[l][i])]
               for l in range(1, case.n_layers + 1) for i in range(case.sizes[l])]
    forward.append(["$L$", fmt.number(case.loss)])
    gradients = [[f"${d(case.unit(case.n_layers, 0))}$", fmt.number(case.grads.activations[-1][0])]]
    gradients += [[f"${d(case.weight(l, i, j))}$", fmt.number(case.grads.weights[l][i, j])] for l, i, j in case.edges()]
    inputs = join_words([f"${d(case.unit(0, i))} = {fmt.latex(case.grads.activations[0][i])}$"
                         for i in range(case.sizes[0])])
    body = ("**(a) Forward pass and loss.**\n\n" + table(["quantity", "value"], forward, "lr")
            + "\n\n**(b) Gradients**, starting from $\\partial L/\\partial " + out + "$.\n\n"
            + table(["derivative", "value"], gradients, "lr") + f"\n\nFor the inputs: {inputs}.")
    return answer_box(body)


def answer_quantities(given: Mapping[str, Any] | Case) -> dict[str, float]:
    """The forward values, the loss and every dL/dw (keys of :func:`hwlib.answers.problem3_truth`) -> true value."""
    case = solve(given)
    truth = problem3_truth(list(case.weights), case.x, case.t, case.letters)
    keys = [unit_key(case.letters, case.sizes, l, i) for l in range(1, case.n_layers + 1) for i in range(case.sizes[l])]
    keys.append("L")
    keys += [key for key in truth.values if key.startswith("dL/dw")]
    return {key: truth.values[key] for key in keys}


def solution(given: Mapping[str, Any] | Case) -> str:
    """The complete worked solution for this Given, as Markdown (the chapter's own sentences)."""
    case = solve(given)
    return "\n\n".join([
        "**(a) The forward pass.** Each unit adds up its inputs, each multiplied by the weight on its edge:",
        forward_equations(case),
        forward_table(case),
        forward_text(case),
        "**(b) Backpropagation.** A weight's gradient is the value flowing into its edge times the gradient arriving "
        "at the unit it feeds, $\\partial L/\\partial w^l_{ij} = a^{l-1}_i \\, \\partial L/\\partial a^l_j$; a unit's "
        "gradient is the sum over every edge it feeds, "
        "$\\partial L/\\partial a^{l-1}_i = \\sum_j w^l_{ij} \\, \\partial L/\\partial a^l_j$. Step by step:",
        backprop_steps(case),
        first_step_text(case),
        answer(case),
    ])
