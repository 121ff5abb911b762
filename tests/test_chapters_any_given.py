"""Each chapter, executed with another Given, shows that Given's true numbers and nothing of the homework's.

The Given cell (tagged ``parameters``) is replaced, as papermill would inject new parameters, and the notebook
runs in this module's one kernel (nbclient), its namespace emptied first (``%reset -f``): a chapter's numbers do
not depend on a fresh interpreter, and starting one per Given cost more than the chapter (the committed Given
runs in a fresh kernel under nbval).  The expected numbers come from independent routes written out here: the
closed-form costs (Problem 1), a brute-force search with the floor formula (Problem 2) and exact central
differences of a plain-numpy loss (Problem 3).  Outside the section "Compared with the handwritten solution"
no text of the homework's own case may remain.  Each execution costs seconds, so the default profile draws
two Givens per chapter; ``HYPOTHESIS_PROFILE=explore`` draws 25.
"""

from __future__ import annotations

import os
import re
from fractions import Fraction
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from hwlib import fmt, problems
from hwlib.page_limits import problem3_page
from hwlib.transcription import load_given

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = 25 if os.environ.get("HYPOTHESIS_PROFILE") == "explore" else 2
SLOW = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


class Page:
    """An executed chapter: its texts before the comparison section, the answer box, the comparison."""

    def __init__(self, nb: nbformat.NotebookNode) -> None:
        self.nb = nb
        before, after, in_comparison = [], [], False
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                in_comparison = in_comparison or "## Compared with the handwritten solution" in cell.source
                (after if in_comparison else before).append(cell.source)
                continue
            for out in cell.get("outputs", []):
                text = out.get("data", {}).get("text/markdown") or out.get("data", {}).get("text/latex") or ""
                (after if in_comparison else before).append(text)
        self.before, self.comparison = "\n\n".join(before), "\n\n".join(after)
        boxes = [t for t in before if t.startswith("> **Answer**\n")]
        assert len(boxes) == 1, "one answer box"
        # the box is a blockquote: its body, unquoted
        self.answer = "\n".join(line[2:] if line.startswith("> ") else line.lstrip(">")
                                for line in boxes[0].splitlines())

    def check_common(self, differs: bool) -> None:
        everything = self.before + self.comparison
        assert "{glue" not in everything and "{eval" not in everything
        assert not re.search(r"\bnan\b|\bNone\b", everything)
        assert self.comparison.count("The Given above differs") == (1 if differs else 0)


def notebook_with(problem: int, source: str) -> nbformat.NotebookNode:
    """The chapter with its Given cell (tagged ``parameters``) replaced by ``source``."""
    nb = nbformat.read(ROOT / "book" / problems.get(problem).notebook, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = source
    return nb


_KERNEL: dict[str, AsyncKernelManager] = {}


@pytest.fixture(scope="module", autouse=True)
def one_kernel():
    """One python3 kernel, started in book/ (as the build runs a chapter), for every execution of this module."""
    manager = AsyncKernelManager(kernel_name="python3")
    run_sync(manager.start_kernel)(cwd=str(ROOT / "book"))
    _KERNEL["python3"] = manager
    yield
    del _KERNEL["python3"]
    run_sync(manager.shutdown_kernel)(now=True)


def execute(nb: nbformat.NotebookNode) -> None:
    """Run ``nb`` top to bottom in the module's kernel, after emptying its namespace."""
    reset = nbformat.v4.new_code_cell("%reset -f")
    nb.cells.insert(0, reset)
    client = NotebookClient(nb, timeout=600, km=_KERNEL["python3"])
    try:
        client.execute()
    finally:
        nb.cells.remove(reset)
        if client.kc is not None:
            client.kc.stop_channels()


def run(problem: int, source: str) -> nbformat.NotebookNode:
    nb = notebook_with(problem, source)
    execute(nb)
    return nb


def failing(problem: int, source: str) -> tuple[str, str, str]:
    """(cell source, error name, error message) of the first cell that fails; every later cell is not run."""
    nb = notebook_with(problem, source)
    with pytest.raises(CellExecutionError):
        execute(nb)
    errors = [(cell.source, out.ename, out.evalue) for cell in nb.cells for out in cell.get("outputs", [])
              if out.output_type == "error"]
    assert len(errors) == 1, "one error, at the first cell that uses the Given"
    return errors[0]


def assignments(values: dict) -> str:
    return "\n".join(f"{key} = {value!r}" for key, value in values.items())


def as_data(value):
    """Lists and tuples alike, 2 and 2.0 alike: the Given as plain data."""
    if isinstance(value, dict):
        return {k: as_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_data(v) for v in value]
    return float(value)


def differs(problem: int, values: dict) -> bool:
    homework = load_given(problem)
    return any(as_data(values[k]) != as_data(homework[k]) for k in homework)


# --------------------------------------------------------------------------- Problem 1

@st.composite
def p1_givens(draw):
    k = draw(st.integers(1, 5))
    n = draw(st.integers(max(k, 4), 24))
    p, s = draw(st.integers(0, k - 1)), draw(st.integers(1, 3))
    o = (n + 2 * p - k) // s + 1
    shape = draw(st.sampled_from([list, tuple]))
    return {"in_shape": shape((n, n, draw(st.integers(1, 12)))), "out_shape": shape((o, o, draw(st.integers(1, 12)))),
            "kernel": k}


@SLOW
@given(p1_givens())
def test_problem1_page_for_any_given(g):
    page = Page(run(1, assignments(g)))
    (_, _, c_in), (o, _, c_out), k = g["in_shape"], g["out_shape"], g["kernel"]
    standard = (k * k * c_in * c_out, o * o * c_out * k * k * c_in)
    depthwise, pointwise = (k * k * c_in, o * o * c_in * k * k), (c_in * c_out, o * o * c_in * c_out)
    for weights, macs in (standard, depthwise, pointwise, (depthwise[0] + pointwise[0], depthwise[1] + pointwise[1])):
        assert f"| {fmt.number(weights)} | {fmt.number(macs)} |" in page.answer
    homework = load_given(1)
    if tuple(g["in_shape"]) != tuple(homework["in_shape"]):
        assert "30 \\times 30 \\times 20" not in page.before
    assert "The only solution" not in page.before and "take 30 to 15" not in page.before
    page.check_common(differs(1, g))


def output_cell(nb: nbformat.NotebookNode, code: str) -> str:
    """The plain-text result of the one code cell whose source contains ``code``."""
    [cell] = [c for c in nb.cells if c.cell_type == "code" and code in c.source]
    return " ".join("".join(out.get("data", {}).get("text/plain", "") for out in cell.outputs).split())


@pytest.mark.parametrize(("g", "pair", "works"), [
    # one output along the height: every stride from the smallest up works there, so the width's strides meet it
    ({"in_shape": (5, 9, 2), "out_shape": (1, 3, 2), "kernel": 5}, (0, 2),
     "{'padding 0': 'stride 2', 'padding 1': 'stride 3'}"),
    ({"in_shape": (2, 6, 1), "out_shape": (1, 2, 1), "kernel": 1}, (0, 3), "{'padding 0': 'strides 3 to 5'}"),
    ({"in_shape": (1, 1, 3), "out_shape": (1, 1, 4), "kernel": 1}, (0, 1), "{'padding 0': 'every stride from 1'}"),
])
def test_problem1_page_with_one_output_along_an_axis(g, pair, works):
    nb = run(1, assignments(g))
    page = Page(nb)
    (h, w, _), (ho, wo, _), k = g["in_shape"], g["out_shape"], g["kernel"]
    both = [ps for ps in brute_force(h, ho, k, wide=True) if ps in brute_force(w, wo, k, wide=True)]
    assert pair == min(both, key=lambda ps: (ps[1], ps[0]))
    assert output_cell(nb, "common_padding_stride_ranges") == (
        f"{{'(padding, stride) that work': {works}, 'chosen': {pair}}}")
    assert f"With padding {pair[0]}, stride {pair[1]}" in page.answer
    page.check_common(True)


# --------------------------------------------------------------------------- Problem 2

def brute_force(n: int, o: int, k: int, wide: bool = False) -> list[tuple[int, int]]:
    """Every (padding, stride) taking n to o, by the floor formula: strides up to the padded input's positions
    (``wide``: up to twice as far, where one output takes every stride from its smallest)."""
    top = 2 * (n + 2 * k) if wide else None
    return sorted(((p, s) for p in range(k) for s in range(1, (top or n + 2 * p - k + 1) + 1)
                   if n + 2 * p >= k and (n + 2 * p - k) // s + 1 == o), key=lambda ps: (ps[1], ps[0]))


@st.composite
def p2_givens(draw):
    n = draw(st.integers(3, 24))
    o = draw(st.sampled_from([n, n // 2 or 1, draw(st.integers(1, n + 2))]))
    ks = draw(st.lists(st.integers(1, 6), min_size=1, max_size=3))
    return {"in_volume": [n, n, draw(st.integers(1, 12))], "out_volume": (o, o, draw(st.integers(1, 12))),
            "kernels": {chr(97 + i): k for i, k in enumerate(ks)}}


def check_problem2(page: Page, g: dict) -> None:
    n, o, c_out = g["in_volume"][0], g["out_volume"][0], g["out_volume"][2]
    for part, k in g["kernels"].items():
        solutions = brute_force(n, o, k)
        row = next(line for line in page.answer.splitlines() if line.startswith(f"| ({part}) |"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1] == f"${k} \\times {k}$" and cells[4] == fmt.number(c_out)
        if solutions:
            assert cells[2:4] == [str(solutions[0][0]), str(solutions[0][1])]
        else:
            assert "impossible" in cells[2] or "no symmetric padding works" in cells[2]
    assert "as transcribed" not in page.before
    repeated = len(set(g["kernels"].values())) < len(g["kernels"])
    assert ("asks for the same" in page.before) == repeated


@SLOW
@given(p2_givens())
def test_problem2_page_for_any_given(g):
    page = Page(run(2, assignments(g)))
    check_problem2(page, g)
    if g["in_volume"] != [20, 20, 10]:
        assert "20 \\times 20 \\times 10" not in page.before
    page.check_common(differs(2, g))


@pytest.mark.parametrize("g", [
    {"in_volume": (5, 9, 2), "out_volume": (1, 3, 2), "kernels": {"a": 5, "b": 1, "c": 3}},
    {"in_volume": (2, 6, 1), "out_volume": (1, 2, 1), "kernels": {"a": 1, "b": 2}},
])
def test_problem2_page_with_one_output_along_an_axis(g):
    nb = run(2, assignments(g))
    page = Page(nb)
    (h, w, _), (ho, wo, c_out) = g["in_volume"], g["out_volume"]
    drawn = False
    for part, k in g["kernels"].items():
        both = [ps for ps in brute_force(h, ho, k, wide=True) if ps in brute_force(w, wo, k, wide=True)]
        row = next(line for line in page.answer.splitlines() if line.startswith(f"| ({part}) |"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[4] == fmt.number(c_out)
        if both:
            assert cells[2:4] == [str(both[0][0]), str(both[0][1])]
            assert f"'({part}) (padding, stride) that work': {{'padding {both[0][0]}'" in output_cell(
                nb, "common_padding_stride_ranges")
            drawn = True
        else:
            assert "impossible" in cells[2] or "no symmetric padding works" in cells[2]
    assert drawn and "No part has a symmetric setting to draw" not in page.before
    page.check_common(True)


def test_problem2_impossible_parts_are_answered_in_words():
    g = {"in_volume": (20, 20, 10), "out_volume": (20, 20, 10), "kernels": {"a": 1, "b": 4, "c": 2}}
    page = Page(run(2, assignments(g)))
    check_problem2(page, g)
    assert "Each setting is the only one that works" not in page.answer
    page.check_common(True)


# --------------------------------------------------------------------------- Problem 3

@st.composite
def p3_givens(draw):
    depth = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 3)) for _ in range(depth)] + [1]
    ints = st.integers(-3, 3)
    weights = [[[draw(ints) for _ in range(sizes[l + 1])] for _ in range(sizes[l])] for l in range(depth)]
    return {"weights": weights, "x": [draw(ints) for _ in range(sizes[0])], "t": draw(ints)}


def fits_problem3_page(g) -> bool:
    try:
        problem3_page(g)
    except ValueError:
        return False
    return True


def as_fraction(v) -> Fraction:
    return Fraction(repr(float(v)))


def plain_loss(weights, x, t) -> Fraction:
    """L = sum (x W1 ... Wn - t)^2 in exact rationals (the decimals as written): no rounding where terms cancel."""
    a = [as_fraction(v) for v in x]
    for w in weights:
        a = [sum(a[i] * as_fraction(w[i][j]) for i in range(len(a))) for j in range(len(w[0]))]
    return sum((v - as_fraction(t)) ** 2 for v in a)


def check_problem3(page: Page, g: dict) -> None:
    rows = dict(re.findall(r"^\| (\$[^|]+\$) \| ([^|]+) \|$", page.answer, flags=re.MULTILINE))
    assert rows["$L$"] == fmt.number(float(plain_loss(g["weights"], g["x"], g["t"])))
    for l, matrix in enumerate(g["weights"]):
        for i, row in enumerate(matrix):
            for j, _ in enumerate(row):
                up = [[list(row) for row in w] for w in g["weights"]]
                down = [[list(row) for row in w] for w in g["weights"]]
                up[l][i][j] += 1
                down[l][i][j] -= 1
                exact = (plain_loss(up, g["x"], g["t"]) - plain_loss(down, g["x"], g["t"])) / 2
                label = f"$\\frac{{\\partial L}}{{\\partial w^{{{l + 1}}}_{{{i + 1}{j + 1}}}}}$"
                assert rows[label] == fmt.number(float(exact)), label
    n_weights = sum(len(m) * len(m[0]) for m in g["weights"])
    assert {1: "with respect to the weight by", 2: "with respect to both weights by"}.get(
        n_weights, f"(all {n_weights} of them)") in page.before
    assert "ten weights" not in page.before and "the ten derivatives" not in page.before
    assert not re.search(r"- -\d|− −", page.before)
    if g["t"] < 0:
        assert f"- ({fmt.latex(g['t'])}))^2" in page.before


@SLOW
@given(p3_givens())
def test_problem3_page_for_any_given(g):
    assume(fits_problem3_page(g))  # beyond the page's limits the first cell refuses it (tests/test_hostile_inputs.py)
    page = Page(run(3, assignments(g) + '\nlearning_rate = 0.05\nvariation_activation = "relu"'))
    check_problem3(page, g)
    homework = load_given(3)
    if g["x"] != homework["x"]:
        assert "x = (1, -1)" not in page.before
    page.check_common(differs(3, g))


def test_problem3_three_inputs_three_hidden_units_and_a_negative_target():
    g = {"weights": [[[1, 0, 2], [0, 1, -1], [1, 1, 1]], [[1], [-1], [2]]], "x": [1, 2, -1], "t": -1}
    page = Page(run(3, assignments(g) + '\nlearning_rate = 0.05\nvariation_activation = "relu"'))
    check_problem3(page, g)
    assert "a layer $y_{1}, y_{2}, y_{3}$" in page.before


def test_problem3_values_in_the_thousands():
    """x and weights in the thousands: the finite differences step 1e-3 (Network.default_eps), not 1e-6, whose
    quotient rounding of a loss near 1e24 would leave uncertain by more than the page's accuracy."""
    g = {"weights": [[[1000, -500], [300, 800]], [[1000, -1000], [1000, 0]], [[1000], [1000]]],
         "x": [1000, -1000], "t": 5}
    assert fits_problem3_page(g)
    page = Page(run(3, assignments(g) + '\nlearning_rate = 0.05\nvariation_activation = "relu"'))
    check_problem3(page, g)
    page.check_common(True)


# --------------------------------------------------------------------------- impossible Givens

@pytest.mark.parametrize(("problem", "source", "error", "words"), [
    (1, "in_shape = [28, 28, 3]\nout_shape = [28, 28, 6]\nkernel = 4", "ValueError", ["27", "29", "symmetric"]),
    (2, "in_volume = [20, 20, 10]\nout_volume = [20, 20, 10]\nkernels = [1, 3]", "TypeError", ["kernels", "dict"]),
    (3, "weights = [[[1], [2]]]\nx = [1, 2, 3]\nt = 0\nlearning_rate = 0.05\nvariation_activation = 'relu'",
     "ValueError", ["x", "2 entries"]),
    # beyond what a page can show: the limit and this Given's estimate, at the same first use
    (1, "in_shape = [4096, 4096, 100000]\nout_shape = [4096, 4096, 3]\nkernel = 3", "ValueError", ["GiB", "2 GiB"]),
    (2, "in_volume = [1024, 1024, 1000]\nout_volume = [1024, 1024, 10]\nkernels = {'a': 3}", "ValueError",
     ["GiB", "2 GiB"]),
    (3, "weights = [[[2, 0], [1, 1]], [[1, -1], [1, 0]], [[1], [1]]]\nx = [1, -1]\nt = 10000\nlearning_rate = 0.05\n"
        "variation_activation = 'relu'", "ValueError", ["too large for Problem 3's page", "3,000"]),
])
def test_impossible_given_stops_once_at_its_first_use(problem, source, error, words):
    cell, ename, evalue = failing(problem, source)
    assert re.search(r"\.solve\((problem3_page\()?given\)", cell)  # the first cell that uses the Given
    assert ename == error
    for word in words:
        assert word in evalue
