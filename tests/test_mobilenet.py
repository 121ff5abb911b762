"""hwlib.mobilenet (the paper's tables as data) and hwlib.worked.problem1_network (the section's facts and words)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from hwlib import conv, mobilenet
from hwlib.plot_network_cost import describe_cost_by_layer, plot_cost_by_layer
from hwlib.worked import problem1_network

from golden import check_golden

HEADER = "type,stride,filter_shape,input_size,repeat,padding"


def parse(*lines: str) -> mobilenet.Table:
    return mobilenet.parse_table("\n".join(["# a comment", HEADER, *lines]), source="t.csv")


@pytest.mark.parametrize("line, message", [
    ("Conv,2,3x3x3,8x8x3,1,1", r"^t.csv, line 3: filter_shape of a Conv row must read k x k x C_in x C_out"),
    ("Conv,2,3x5x3x8,8x8x3,1,1", r"^t.csv, line 3: filter_shape of a Conv row .*square kernel"),
    ("Conv,0,3x3x3x8,8x8x3,1,1", r"^t.csv, line 3: stride must be >= 1, got 0$"),
    ("Conv,two,3x3x3x8,8x8x3,1,1", r"^t.csv, line 3: stride must be a whole number, got 'two'$"),
    ("Conv,1,3x3x3x8,8x8,1,1", r"^t.csv, line 3: input_size must read H x W x C"),
    ("Pool,1,Pool 2x2,8x8x3,1,0", r"^t.csv, line 3: type must be one of Conv, Conv dw"),
    ("Conv,1,3x3x3x8,8x8x3,1,5", r"^t.csv, line 3: Conv / s1, 3x3x3x8: padding must be <= kernel - 1 = 2, got 5"),
    ("Conv,1,3x3x3x8,8x8x3,1", r"^t.csv, line 3: expected 6 cells, got 5"),
])
def test_bad_rows_are_refused_naming_file_line_and_column(line, message):
    with pytest.raises(ValueError, match=message):
        parse(line)


def test_bad_header_and_empty_tables():
    with pytest.raises(ValueError, match=r"^t.csv, line 1: the header must be type,stride"):
        mobilenet.parse_table("type,stride\n", source="t.csv")
    with pytest.raises(ValueError, match=r"^t.csv: the table has no rows$"):
        mobilenet.parse_table(HEADER + "\n", source="t.csv")
    with pytest.raises(ValueError, match=r"^name must be one of mobilenet_v1, conv_mobilenet_v1, got 'vgg16'$"):
        mobilenet.load_table("vgg16")


def test_repeated_blocks_expand_as_a_whole():
    table = parse("Conv,1,3x3x3x8,8x8x3,1,1", "Conv dw,1,3x3x8 dw,8x8x8,3,1", "Conv,1,1x1x8x8,8x8x8,3,0",
                  "Conv,1,1x1x8x4,8x8x8,1,0")
    assert [r.type for r in table.expanded()] == ["Conv"] + ["Conv dw", "Conv"] * 3 + ["Conv"]
    assert [layer.kind for layer in table.layers()] == ["standard"] + ["depthwise", "pointwise"] * 3 + ["pointwise"]


def test_reconcile_replaces_only_a_stride_that_contradicts_the_listed_sizes():
    table = parse("Conv,2,3x3x3x8,8x8x3,1,1", "Conv,1,1x1x8x4,8x8x8,1,0")
    fixed = mobilenet.reconcile(table)
    assert fixed.strides == {1: 1}
    assert conv.network_cost(fixed.layers, table.in_shape).layers[1].in_shape == (8, 8, 8)
    assert mobilenet.reconcile(parse("Conv,2,3x3x3x8,8x8x3,1,1", "Conv,1,1x1x8x4,4x4x8,1,0")).strides == {}


@pytest.mark.parametrize("second, message", [
    ("Conv,1,1x1x8x4,9x9x8,1,0", r"gives \(4, 4, 8\), but the next row lists \(9, 9, 8\), and no stride gives that"),
    ("Conv,1,1x1x8x4,2x2x8,1,0", r"and more than one stride gives that"),
    ("Conv,1,1x1x8x4,1x1x8,1,0", r"and more than one stride gives that"),
    ("Conv,1,1x1x6x4,4x4x6,1,0", r"but the next row lists \(4, 4, 6\)"),
])
def test_reconcile_refuses_what_no_single_stride_explains(second, message):
    with pytest.raises(ValueError, match=r"^t.csv, line 3 \(layer 1, Conv / s2, 3x3x3x8\): .*" + message):
        mobilenet.reconcile(parse("Conv,2,3x3x3x8,8x8x3,1,1", second))


def test_rounded_like_keeps_the_printed_digits():
    assert mobilenet.rounded_like(Fraction(568740352, 10**6), Decimal(569)) == Decimal(569)
    assert mobilenet.rounded_like(Fraction(4209088, 10**6), Decimal("4.2")) == Decimal("4.2")
    assert mobilenet.rounded_like(Fraction(1, 8), Decimal("0.00")) == Decimal("0.12")  # half to even
    with pytest.raises(TypeError, match="value must be an int or a Fraction"):
        mobilenet.rounded_like(0.5, Decimal(1))


def test_published_figures_are_read_as_printed():
    paper = mobilenet.published()
    assert paper.totals["mobilenet_v1"][1:] == (Decimal(569), Decimal("4.2"))
    assert str(paper.shares["standard"][1]) == "1.19"
    assert set(paper.shares) == set(problem1_network.KINDS)


# ---------------------------------------------------------------- the section


def test_fold_shows_a_repeated_group_once():
    separable = [conv.Layer("depthwise", 8, kernel=3, padding=1), conv.Layer("pointwise", 8, 8)]
    layers = [conv.Layer("standard", 3, 8, 3, 1, 1)] + separable * 4 + [conv.Layer("pointwise", 8, 2)]
    cost = conv.network_cost(layers, (6, 6, 3))
    blocks = problem1_network.fold(cost.layers)
    assert [(b.first, b.last, len(b.layers), b.times) for b in blocks] == [(1, 1, 1, 1), (2, 9, 2, 4), (10, 10, 1, 1)]


def test_facts_agree_with_the_tables_and_the_figure():
    f = problem1_network.facts()
    table = problem1_network.layer_table(f)
    assert f"**{f.cost.macs:,}**" in table and f"**{f.cost.weights:,}**" in table
    assert "5 × (Conv dw / s1, Conv / s1)" in table and "(printed s2)" in table
    assert {c.what for c in f.disagreements} == {"Conv MobileNet, million mult-adds", "Conv 3×3, % of mult-adds"}
    assert f.weighted_layers == f.paper.layers_with_weights
    # the blocks follow the one-layer formula 1/C_out + 1/k^2 exactly
    assert all(ratio == Fraction(1, c_out) + Fraction(1, 9) for c_out, ratio in f.block_ratios())
    alt = describe_cost_by_layer(f.cost, "MobileNet v1")
    assert f"{f.cost.macs:,}" in alt and "94.86% of all MACs" in alt
    plot_cost_by_layer(f.cost)


@pytest.mark.parametrize("section", ["stride", "differences", "lesson"])
def test_golden_words(section):
    check_golden(f"problem1/network_{section}.md", getattr(problem1_network, f"{section}_text")())


def test_golden_tables():
    check_golden("problem1/network_tables.md", "\n\n".join(
        [problem1_network.layer_table(), problem1_network.totals_table(), problem1_network.shares_table()]))


def test_the_papers_eight_to_nine_times_claim_per_block():
    """Counted from the CSV's 1x1 rows: a block saves 1 / (1/C_out + 1/9) times, within [8, 9] when C_out >= 72."""
    f = problem1_network.facts()
    outs = [int(row.filter_shape.split("x")[3]) for row in f.table.expanded()
            if row.type == "Conv" and row.filter_shape.startswith("1x1")]
    within = sum(1 for c in outs if 8 <= 1 / (Fraction(1, c) + Fraction(1, 9)) <= 9)
    assert f"holds for {within} of the {len(outs)}" in problem1_network.lesson_text(f)
    assert within == len(outs) - sum(1 for c in outs if c < 72)
