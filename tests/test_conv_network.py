"""hwlib.conv's network costing: MobileNet v1 and Conv MobileNet against an independent count, and bad layer lists.

The independent count reads the CSV files itself and walks their rows with the floor formula and the
textbook counts (k^2 C_in C_out weights, H_out W_out times that MACs, ...), written out here; it shares no
code with hwlib.conv or hwlib.mobilenet.
"""

from __future__ import annotations

import csv
import io
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from hwlib import conv, mobilenet

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DATA = Path(__file__).resolve().parent.parent / "hwlib" / "data"
PAPER = tomllib.loads((DATA / "mobilenet_v1_paper.toml").read_text(encoding="utf-8"))


def read_rows(name: str) -> list[dict]:
    lines = [line for line in (DATA / f"{name}.csv").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def expand(rows: list[dict]) -> list[dict]:
    out, i = [], 0
    while i < len(rows):
        j = i + 1
        while int(rows[i]["repeat"]) > 1 and j < len(rows) and rows[j]["repeat"] == rows[i]["repeat"]:
            j += 1
        out += rows[i:j] * int(rows[i]["repeat"])
        i = j
    return out


def size(text: str) -> tuple[int, ...]:
    return tuple(int(v) for v in text.split("x"))


def independent_count(name: str) -> dict:
    """Walk the table; where a layer's output contradicts the next row's listed input, use the stride that
    gives the listed size.  Returns totals, per-type sums, per-layer (in, out, weights, macs) and the strides
    replaced."""
    rows = expand(read_rows(name))
    h, w, c = size(rows[0]["input_size"])
    per_type_macs, per_type_weights, layers, replaced = {}, {}, [], {}
    for i, row in enumerate(rows):
        listed = size(rows[i + 1]["input_size"]) if i + 1 < len(rows) else None
        p, kind = int(row["padding"]), row["type"]
        shape = row["filter_shape"].replace(" dw", "").replace("Pool ", "")
        numbers = [int(v) for v in shape.split("x")] if kind != "Softmax" else []
        k = numbers[0] if kind in ("Conv", "Conv dw", "Avg Pool") else 1

        def out(stride, h=h, w=w, p=p, k=k):
            return (h + 2 * p - k) // stride + 1, (w + 2 * p - k) // stride + 1

        s = int(row["stride"])
        if kind in ("Conv", "Conv dw", "Avg Pool") and listed and out(s) != listed[:2]:
            s = next(t for t in range(1, h + 2) if out(t) == listed[:2])
            replaced[i + 1] = s
        ho, wo = out(s)
        if kind == "Conv":
            _, _, c_in, c_out = numbers
            assert c_in == c
            weights, macs, new = k * k * c_in * c_out, ho * wo * c_out * k * k * c_in, (ho, wo, c_out)
            label = "Conv 1x1" if k == 1 else "Conv 3x3"
        elif kind == "Conv dw":
            assert numbers[2] == c
            weights, macs, new, label = k * k * c, ho * wo * c * k * k, (ho, wo, c), "Conv DW 3x3"
        elif kind == "Avg Pool":
            weights, macs, new, label = 0, 0, (ho, wo, c), "pool"
        elif kind == "FC":
            assert numbers[0] == h * w * c
            weights, macs, new, label = numbers[0] * numbers[1], numbers[0] * numbers[1], (1, 1, numbers[1]), "FC"
        else:
            weights, macs, new, label = 0, 0, (h, w, c), "softmax"
        layers.append(((h, w, c), new, weights, macs))
        per_type_macs[label] = per_type_macs.get(label, 0) + macs
        per_type_weights[label] = per_type_weights.get(label, 0) + weights
        h, w, c = new
    return {"macs": sum(m for *_, m in layers), "weights": sum(x[2] for x in layers), "layers": layers,
            "type_macs": per_type_macs, "type_weights": per_type_weights, "replaced": replaced}


KIND_OF = {"pointwise": "Conv 1x1", "depthwise": "Conv DW 3x3", "standard": "Conv 3x3", "fully_connected": "FC"}


@pytest.mark.parametrize("name", mobilenet.NETWORKS)
def test_network_cost_matches_the_independent_count(name):
    expected = independent_count(name)
    table = mobilenet.load_table(name)
    reconciled = mobilenet.reconcile(table)
    cost = conv.network_cost(reconciled.layers, table.in_shape)
    assert (cost.macs, cost.weights) == (expected["macs"], expected["weights"])
    assert [(c.in_shape, c.out_shape, c.weights, c.macs) for c in cost.layers] == expected["layers"]
    assert reconciled.strides == expected["replaced"]
    for kind in cost.kinds:
        if kind in KIND_OF:
            assert cost.macs_by_kind[kind] == expected["type_macs"][KIND_OF[kind]]
            assert cost.weights_by_kind[kind] == expected["type_weights"][KIND_OF[kind]]
            assert cost.share(kind) == Fraction(expected["type_macs"][KIND_OF[kind]], expected["macs"])
            assert cost.share(kind, "weights") == Fraction(expected["type_weights"][KIND_OF[kind]], expected["weights"])
    assert sum(cost.share(kind) for kind in cost.kinds) == 1


def test_table1_has_one_contradicted_stride_and_reconciled_sizes_match_every_listed_input():
    expected = independent_count("mobilenet_v1")
    assert len(expected["replaced"]) == 1
    reconciled = mobilenet.reconcile(mobilenet.load_table("mobilenet_v1"))
    cost = conv.network_cost(reconciled.layers, reconciled.table.in_shape)
    listed = [size(row["input_size"]) for row in expand(read_rows("mobilenet_v1"))]
    assert [c.in_shape for c in cost.layers] == listed
    (index, stride), = expected["replaced"].items()
    row = expand(read_rows("mobilenet_v1"))[index - 1]
    assert (row["type"], int(row["stride"]), stride) == ("Conv dw", 2, 1)


def test_table1_as_printed_stops_at_the_pool_and_names_it():
    table = mobilenet.load_table("mobilenet_v1")
    rows = expand(read_rows("mobilenet_v1"))
    pool = next(i for i, row in enumerate(rows, start=1) if row["type"] == "Avg Pool")
    with pytest.raises(ValueError, match=rf"^layer {pool} \(Avg Pool / s1, Pool 7x7\), input 4 x 4 x 1024: kernel"):
        conv.network_cost(table.layers(), table.in_shape)


def test_paper_totals_and_shares_against_the_independent_count():
    """Which published figures the count confirms, to the printed digits: all but two."""
    def rounds_to(value: Fraction, printed: str) -> bool:
        places = len(printed.split(".")[1]) if "." in printed else 0
        return round(Decimal(value.numerator) / Decimal(value.denominator), places) == Decimal(printed)

    counts = {name: independent_count(name) for name in mobilenet.NETWORKS}
    verdicts = {}
    for name, figures in PAPER["totals"].items():
        verdicts[(name, "macs")] = rounds_to(Fraction(counts[name]["macs"], 10**6), figures["million_mult_adds"])
        verdicts[(name, "weights")] = rounds_to(Fraction(counts[name]["weights"], 10**6), figures["million_parameters"])
    m = counts["mobilenet_v1"]
    for kind, figures in PAPER["shares"].items():
        label = KIND_OF[kind]
        verdicts[(kind, "macs")] = rounds_to(Fraction(100 * m["type_macs"][label], m["macs"]), figures["mult_adds"])
        verdicts[(kind, "weights")] = rounds_to(Fraction(100 * m["type_weights"][label], m["weights"]),
                                                figures["parameters"])
    assert {key for key, ok in verdicts.items() if not ok} == {("conv_mobilenet_v1", "macs"), ("standard", "macs")}
    # the Conv MobileNet figure is what the convolutions alone give, without the fully connected layer
    c = counts["conv_mobilenet_v1"]
    assert rounds_to(Fraction(c["macs"] - c["type_macs"]["FC"], 10**6),
                     PAPER["totals"]["conv_mobilenet_v1"]["million_mult_adds"])
    assert sum(1 for _, _, weights, _ in m["layers"] if weights) == int(PAPER["layers_with_weights"])


def test_conv_mobilenet_file_is_table1_with_each_separable_block_replaced():
    rows = read_rows("mobilenet_v1")
    derived, i = [], 0
    while i < len(rows):
        row = rows[i]
        if row["type"] == "Conv dw":
            pointwise = rows[i + 1]
            c_in, c_out = pointwise["filter_shape"].split("x")[2:]
            k = row["filter_shape"].split("x")[0]
            derived.append({**row, "type": "Conv", "filter_shape": f"{k}x{k}x{c_in}x{c_out}"})
            i += 2
        else:
            derived.append(row)
            i += 1
    assert read_rows("conv_mobilenet_v1") == derived


def test_bias_adds_one_per_output_channel():
    table = mobilenet.load_table("mobilenet_v1")
    layers = mobilenet.reconcile(table).layers
    without, with_bias = conv.network_cost(layers, table.in_shape), conv.network_cost(layers, table.in_shape, bias=True)
    expected = sum(c.out_shape[2] for c in without.layers if c.layer.kind in KIND_OF)
    assert with_bias.weights - without.weights == expected
    assert with_bias.macs == without.macs


# ---------------------------------------------------------------- bad layer lists


def test_channels_that_do_not_chain_name_the_layer():
    layers = [conv.Layer("standard", 3, 32, 3, 2, 1, "first"), conv.Layer("pointwise", 64, 128, name="second")]
    with pytest.raises(ValueError, match=r"^layer 2 \(second\), input 16 x 16 x 32: channels do not chain: "
                                         r"the layer takes C_in = 64, but its input has 32$"):
        conv.network_cost(layers, (32, 32, 3))


def test_a_fully_connected_layer_must_take_every_value_of_its_input():
    layers = [conv.Layer("depthwise", 4, kernel=3, padding=1), conv.Layer("fully_connected", 4, 10)]
    with pytest.raises(ValueError, match=r"^layer 2 \(fully_connected\), input 5 x 5 x 4: input values do not "
                                         r"chain: the layer takes 4, but the incoming 5 x 5 x 4 volume holds 100$"):
        conv.network_cost(layers, (5, 5, 4))
    cost = conv.network_cost([conv.Layer("avg_pool", kernel=5), layers[1]], (5, 5, 4))
    assert (cost.out_shape, cost.weights, cost.macs) == ((1, 1, 10), 40, 40)


def test_a_kernel_larger_than_its_padded_input_names_the_layer():
    layers = [conv.Layer("standard", 3, 8, 3, 2, 0), conv.Layer("standard", 8, 8, 5, 1, 0, "too big")]
    with pytest.raises(ValueError, match=r"^layer 2 \(too big\), input 3 x 3 x 8: kernel must fit the padded input"):
        conv.network_cost(layers, (7, 7, 3))


@pytest.mark.parametrize("kwargs, message", [
    (dict(stride=0), r"^conv3: stride must be >= 1, got 0$"),
    (dict(stride=-2), r"^conv3: stride must be >= 1, got -2$"),
    (dict(padding=-1), r"^conv3: padding must be >= 0, got -1$"),
    (dict(padding=3), r"^conv3: padding must be <= kernel - 1 = 2, got 3"),
    (dict(in_channels=0), r"^conv3: in_channels must be >= 1, got 0$"),
    (dict(kind="dilated"), r"^conv3: kind must be one of standard, depthwise"),
])
def test_impossible_layers_raise_naming_the_layer(kwargs, message):
    args = dict(kind="standard", in_channels=3, out_channels=8, kernel=3, stride=1, padding=1, name="conv3") | kwargs
    with pytest.raises(ValueError, match=message):
        conv.Layer(**args)


@pytest.mark.parametrize("kwargs, message", [
    (dict(kind="pointwise", in_channels=3, out_channels=8, stride=2),
     r"^pointwise: a pointwise layer takes kernel 1, stride 1"),
    (dict(kind="depthwise", in_channels=3, out_channels=6, kernel=3),
     r"^depthwise: a depthwise layer keeps its channels"),
    (dict(kind="standard", in_channels=3, kernel=3), r"^standard: a standard layer needs out_channels$"),
    (dict(kind="fully_connected", out_channels=3), r"^fully_connected: a fully_connected layer needs in_channels$"),
    (dict(kind="avg_pool", kernel=3, padding=1), r"^avg_pool: an avg_pool layer takes padding 0, got 1$"),
])
def test_layers_of_each_kind_check_their_own_rules(kwargs, message):
    with pytest.raises(ValueError, match=message):
        conv.Layer(**kwargs)


def test_types_are_checked():
    with pytest.raises(TypeError, match=r"^conv: stride must be an integer, got 1.5"):
        conv.Layer("standard", 3, 8, 3, 1.5, 1, "conv")
    with pytest.raises(TypeError, match=r"^layer 1: must be a Layer"):
        conv.network_cost([("standard", 3, 8)], (8, 8, 3))
    with pytest.raises(TypeError, match=r"^layers must be a sequence of Layer"):
        conv.network_cost("standard", (8, 8, 3))
    with pytest.raises(ValueError, match=r"^of must be 'macs' or 'weights'"):
        conv.network_cost([conv.Layer("pointwise", 3, 4)], (2, 2, 3)).share("pointwise", of="flops")


def test_one_layer_network_is_the_one_layer_cost():
    """A network of one layer costs what conv2d_cost / depthwise_separable_cost say (the chapter's layer)."""
    standard = conv.network_cost([conv.Layer("standard", 20, 40, 3, 2, 1)], (30, 30, 20))
    assert (standard.weights, standard.macs, standard.out_shape) == (
        3 * 3 * 20 * 40, 15 * 15 * 40 * 3 * 3 * 20, (15, 15, 40)
    )
    separable = conv.network_cost([conv.Layer("depthwise", 20, kernel=3, stride=2, padding=1),
                                   conv.Layer("pointwise", 20, 40)], (30, 30, 20))
    reference = conv.depthwise_separable_cost((30, 30, 20), 40, 3, 2, 1)
    assert (separable.weights, separable.macs, separable.out_shape) == (
        reference.weights, reference.macs, reference.out_shape
    )


def test_printed_stride_total_is_what_the_section_says():
    """With the printed stride 2, layer 26 (3x3 depthwise) and layer 27 (1x1, 1024 -> 1024) see 4 x 4, not 7 x 7."""
    from hwlib.worked import problem1_network

    corrected = independent_count("mobilenet_v1")["macs"]
    printed = corrected - (7 * 7 - 4 * 4) * 1024 * 3 * 3 - (7 * 7 - 4 * 4) * 1024 * 1024
    f = problem1_network.facts()
    assert (f.cost.macs, f.printed_macs) == (corrected, printed)
    paper_millions = int(PAPER["totals"]["mobilenet_v1"]["million_mult_adds"])
    assert round(printed / 10**6) != paper_millions == round(corrected / 10**6)
