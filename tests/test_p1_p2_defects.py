"""Defects seen on the pages of Problems 1 and 2 with new Givens, each pinned by the case that showed it.

Each test names the Given that showed the defect and checks the fact the page got wrong (counts, articles,
an unbounded set of strides, rows no window reads, the case the principle derives, the precision of prose,
markup that some viewers leave raw).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from hwlib.worked import problem1, problem2
from hwlib.worked.axis import why_text

BOOK = Path(__file__).resolve().parent.parent / "book"


def test_one_filter_is_one_filter_not_1_filters():
    g = {"in_volume": (9, 9, 1), "out_volume": (9, 9, 1), "kernels": {"a": 3}}
    text = problem2.filters_text(g)
    assert "**1 filter**" in text and "1 channel" in text
    assert not re.search(r"\b1 (filters|channels)\b", text)


def test_an_11_wide_window():
    assert why_text(11, 3, 11, 1, 1).startswith("An 11-wide window")
    assert "an 8-wide window" in problem1.padding_stride_text({"in_shape": (8, 8, 1), "out_shape": (1, 1, 1),
                                                               "kernel": 8})


def test_one_output_position_takes_every_longer_stride():
    """4 x 4 x 2 -> 1 x 1 x 2 with k = 7: each padding from 2 to 6 works with every stride from a smallest up."""
    text = problem1.padding_stride_text({"in_shape": (4, 4, 2), "out_shape": (1, 1, 2), "kernel": 7})
    assert "5 pairs work" not in text and "infinitely many pairs work" in text
    for padding, smallest in ((2, 2), (3, 4), (4, 6), (5, 8), (6, 10)):
        assert f"(padding {padding}, any stride ≥ {smallest})" in text


def test_a_1x1_kernel_at_stride_2_reads_every_other_row():
    """32 x 32 x 3 -> 16 x 16 x 8 with k = 1: 16 of the 32 rows are read by no window, not 'the last 1'."""
    g = {"in_volume": (32, 32, 3), "out_volume": (16, 16, 8), "kernels": {"a": 1, "b": 2, "c": 3}}
    part_a = problem2.parts_text(g).split("\n\n")[0]
    assert "the last 1 of the 32 rows" not in part_a
    assert "no window reads the row after each window: 16 of the 32 input rows" in part_a


def test_the_principle_is_derived_for_the_case_at_hand():
    """Same Given: the principle derives p for o = 16 from i = 32 and says a stride of 2 or more gives it."""
    g = {"in_volume": (32, 32, 3), "out_volume": (16, 16, 8), "kernels": {"a": 1, "b": 2, "c": 3}}
    text = problem2.principle_text(g)
    assert "$p = (k - 17)/2$" in text and "$k \\ge 17$" in text
    assert "a stride of 2 or more does give 16" in text and "smaller than $i$" not in text


def test_prose_writes_three_significant_digits():
    """9 x 7 -> 5 x 4 with k = 3: the floor-free size 13/3 is '13/3 ≈ 4.33', not '4.33333'."""
    text = problem2.floor_text({"in_volume": (9, 7, 4), "out_volume": (5, 4, 6), "kernels": {"a": 3}})
    assert "13/3 ≈ 4.33," in text and "4.33333" not in text


def test_the_figure_of_a_single_output_draws_one_window():
    text = problem2.figure_text({"in_volume": (4, 4, 1), "out_volume": (1, 1, 1), "kernels": {"a": 3}})
    assert "four corner outputs" not in text and "the window that produces the only output" in text


def test_an_8_x_8_volume():
    text = problem1.statement({"in_shape": (8, 8, 4), "out_shape": (8, 8, 1), "kernel": 3})
    assert text.startswith("A convolutional layer takes an $8 \\times 8 \\times 4$ input volume to an $8")


def test_markdown_cells_and_answer_boxes_read_in_every_viewer():
    """No MyST role or directive in a markdown cell, no HTML around the Answer (JupyterLab, Colab, VS Code and
    GitHub leave the math inside raw HTML untypeset)."""
    for name in ("problem1_separable", "problem2_padding", "answer_key"):
        nb = nbformat.read(BOOK / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                assert not re.search(r"\{(math|eq|ref|numref|doc)\}", cell.source), (name, cell.source[:80])
            for out in cell.get("outputs", []):
                markdown = out.get("data", {}).get("text/markdown", "")
                assert "<div" not in markdown and "admonition" not in markdown, name
        answers = [out["data"]["text/markdown"] for cell in nb.cells for out in cell.get("outputs", [])
                   if out.get("data", {}).get("text/markdown", "").startswith("> **Answer**\n>\n")]
        assert len(answers) == (0 if name == "answer_key" else 1), name
