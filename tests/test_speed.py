"""Tests of the bytes-moved helpers of hwlib.conv and of hwlib.speed (measured times).

The bytes and MACs are checked against a second route: the array sizes and the
all-ones sums of a real ``hwlib.conv.conv2d`` call.  hwlib.speed is checked on
small CSV files written here, so that every generated sentence is tested both
ways, and on the committed file.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

from hwlib import speed
from hwlib.conv import arithmetic_intensity, conv2d, conv2d_bytes, grouped_conv2d_macs

ROOT = Path(__file__).resolve().parent.parent
DTYPE_OF_BYTES = {2: np.float16, 4: np.float32, 8: np.float64}

# ---------------------------------------------------------------- bytes moved: fixed cases


def test_homework_standard_layer_bytes_by_hand():
    # input 30*30*20 = 18,000, weights 3*3*20*40 = 7,200, output 15*15*40 = 9,000 elements
    assert conv2d_bytes((30, 30, 20), 40, 3, stride=2, padding=1) == 4 * (18_000 + 7_200 + 9_000)
    assert conv2d_bytes((30, 30, 20), 40, 3, stride=2, padding=1, bytes_per_element=2) == 2 * 34_200


def test_homework_depthwise_and_pointwise_by_hand():
    # depthwise: 18,000 in, 3*3*20 = 180 weights, 15*15*20 = 4,500 out; 15*15*20*9 = 40,500 MACs
    assert conv2d_bytes((30, 30, 20), 20, 3, 2, 1, groups=20) == 4 * (18_000 + 180 + 4_500)
    assert grouped_conv2d_macs((30, 30, 20), 20, 3, 2, 1, groups=20) == 40_500
    assert arithmetic_intensity((30, 30, 20), 20, 3, 2, 1, groups=20) == pytest.approx(40_500 / 90_720)
    # pointwise: 4,500 in, 20*40 = 800 weights, 9,000 out; 15*15*20*40 = 180,000 MACs
    assert conv2d_bytes((15, 15, 20), 40, 1) == 4 * (4_500 + 800 + 9_000)
    assert arithmetic_intensity((15, 15, 20), 40, 1, bytes_per_element=8) == pytest.approx(180_000 / (8 * 14_300))


def test_batch_scales_activations_but_not_weights():
    one = conv2d_bytes((30, 30, 20), 40, 3, 2, 1)
    four = conv2d_bytes((30, 30, 20), 40, 3, 2, 1, batch=4)
    assert four - one == 3 * 4 * (18_000 + 9_000)  # the 7,200 weights move once per call
    assert grouped_conv2d_macs((30, 30, 20), 40, 3, 2, 1, batch=4) == 4 * 1_620_000
    # more samples per weight: the standard layer's intensity grows with the batch
    assert arithmetic_intensity((30, 30, 20), 40, 3, 2, 1, batch=64) > arithmetic_intensity((30, 30, 20), 40, 3, 2, 1)


# ---------------------------------------------------------------- bytes moved: a second route


@st.composite
def grouped_layers(draw):
    groups = draw(st.integers(1, 3))
    c_in = groups * draw(st.integers(1, 3))
    out_channels = groups * draw(st.integers(1, 3))
    kernel = draw(st.integers(1, 3))
    padding = draw(st.integers(0, kernel - 1))
    height = draw(st.integers(max(1, kernel - 2 * padding), 7))
    width = draw(st.integers(max(1, kernel - 2 * padding), 7))
    stride = draw(st.integers(1, 3))
    batch = draw(st.integers(1, 3))
    bytes_per_element = draw(st.sampled_from(sorted(DTYPE_OF_BYTES)))
    return (height, width, c_in), out_channels, kernel, stride, padding, groups, batch, bytes_per_element


@given(grouped_layers())
def test_bytes_and_macs_agree_with_a_real_conv2d_call(layer):
    in_shape, out_channels, kernel, stride, padding, groups, batch, bytes_per_element = layer
    dtype = DTYPE_OF_BYTES[bytes_per_element]
    x = np.ones((batch, *in_shape), dtype=dtype)
    w = np.ones((kernel, kernel, in_shape[2] // groups, out_channels), dtype=dtype)
    # padded by hand with ones, so that each output's all-ones sum counts every tap (padded zeros too)
    outputs = [conv2d(np.pad(sample, ((padding, padding), (padding, padding), (0, 0)), constant_values=1),
                      w, stride=stride, groups=groups) for sample in x]
    elements = x.size + w.size + sum(out.size for out in outputs)
    macs = int(sum(out.astype(np.float64).sum() for out in outputs))
    assert conv2d_bytes(in_shape, out_channels, kernel, stride, padding, groups, bytes_per_element, batch) \
        == elements * x.itemsize
    assert grouped_conv2d_macs(in_shape, out_channels, kernel, stride, padding, groups, batch) == macs
    assert arithmetic_intensity(in_shape, out_channels, kernel, stride, padding, groups, bytes_per_element, batch) \
        == pytest.approx(macs / (elements * x.itemsize))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"padding": -1}, ValueError, "padding must be >= 0, got -1"),
        ({"groups": 3}, ValueError, "groups must divide the input channels: C_in = 20, groups = 3"),
        ({"groups": 0}, ValueError, "groups must be >= 1, got 0"),
        ({"bytes_per_element": 0}, ValueError, "bytes_per_element must be >= 1, got 0"),
        ({"bytes_per_element": 4.0}, TypeError, "bytes_per_element must be an integer"),
        ({"batch": 0}, ValueError, "batch must be >= 1, got 0"),
        ({"in_shape": (30, 30)}, ValueError, "in_shape must have 3 entries"),
        ({"out_channels": 30, "groups": 20}, ValueError, "groups must divide out_channels"),
    ],
)
def test_bytes_argument_errors_name_the_parameter(kwargs, error, message):
    args = {"in_shape": (30, 30, 20), "out_channels": 40, "kernel": 3, **kwargs}
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        conv2d_bytes(**args)
    with pytest.raises(error):
        arithmetic_intensity(**args)


# ---------------------------------------------------------------- synthetic measurement files

HEADER = list(speed.REQUIRED_COLUMNS) + ["numpy_version", "python_version", "platform", "settings"]


def conv_rows(batch, times, layer="homework", dtype="float32", device_name="Test CPU", threads=1, load=0.5):
    """Rows of the four steps of the homework layer, MACs written out by the formulas (not by hwlib)."""
    h, c_in, c_out, k, s, p = (30, 20, 40, 3, 2, 1) if layer == "homework" else (8, 4, 8, 3, 1, 1)
    o = (h + 2 * p - k) // s + 1
    macs = {"standard": batch * o * o * c_out * k * k * c_in, "depthwise": batch * o * o * c_in * k * k,
            "pointwise": batch * o * o * c_in * c_out}
    macs["separable"] = macs["depthwise"] + macs["pointwise"]
    rows = []
    for op, t in times.items():
        rows.append({
            "kind": "conv", "layer": layer, "op": op, "device": "cpu", "device_name": device_name, "dtype": dtype,
            "bytes_per_element": 4, "batch": batch, "in_h": h, "in_w": h, "in_c": c_in, "out_c": c_out,
            "kernel": k, "stride": s, "padding": p, "size": 0, "macs": macs[op], "bytes": 1, "repeats": 5,
            "calls_per_repeat": 10, "threads": threads, "median_s": t, "q1_s": t * 0.9, "q3_s": t * 1.1,
            "min_s": t * 0.8, "max_s": t * 1.2, "load_avg_1min": load, "date_utc": "2026-01-02T03:04:05+00:00",
            "torch_version": "9.9.9", "numpy_version": "2", "python_version": "3", "platform": "x", "settings": "",
        })
    return rows


def balance_rows(macs_per_s, bytes_per_s, device_name="Test CPU", threads=1):
    base = {key: 0 for key in ("batch", "in_h", "in_w", "in_c", "out_c", "kernel", "stride", "padding")}
    common = dict(base, layer="", device="cpu", device_name=device_name, dtype="float32", bytes_per_element=4,
                  repeats=5, calls_per_repeat=1, threads=threads, load_avg_1min=0.5,
                  date_utc="2026-01-02T03:04:05+00:00", torch_version="9.9.9", numpy_version="2",
                  python_version="3", platform="x", settings="")
    n, elements = 100, 1_000_000
    t_matmul = n ** 3 / macs_per_s
    t_copy = 8 * elements / bytes_per_s
    return [
        dict(common, kind="matmul", op="matmul", size=n, macs=n ** 3, bytes=12 * n * n, median_s=t_matmul,
             q1_s=t_matmul, q3_s=t_matmul, min_s=t_matmul, max_s=t_matmul),
        dict(common, kind="copy", op="copy", size=elements, macs=0, bytes=8 * elements, median_s=t_copy,
             q1_s=t_copy, q3_s=t_copy, min_s=t_copy, max_s=t_copy),
    ]


def write_csv(path: Path, rows, header=HEADER) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def steps(standard, separable, depthwise, pointwise):
    return {"standard": standard, "separable": separable, "depthwise": depthwise, "pointwise": pointwise}


@pytest.fixture
def separable_slower_at_batch_1(tmp_path):
    rows = (conv_rows(1, steps(1e-4, 2e-4, 1.5e-4, 0.5e-4))        # ratio 2 at batch 1
            + conv_rows(16, steps(1.6e-3, 0.4e-3, 0.3e-3, 0.1e-3))  # ratio 0.25 at batch 16
            + balance_rows(macs_per_s=1e11, bytes_per_s=1e10))     # balance point 10 MACs per byte
    return speed.load_measurements(write_csv(tmp_path / "slower.csv", rows))


@pytest.fixture
def separable_faster_at_batch_1(tmp_path):
    rows = (conv_rows(1, steps(1e-4, 0.5e-4, 0.1e-4, 0.4e-4))       # ratio 0.5 at batch 1
            + conv_rows(16, steps(1.6e-3, 0.8e-3, 0.12e-3, 0.68e-3))  # same time per sample: no overhead
            + balance_rows(macs_per_s=1e9, bytes_per_s=1e10))        # balance point 0.1 MACs per byte
    return speed.load_measurements(write_csv(tmp_path / "faster.csv", rows))


def test_ratios_from_a_synthetic_file(separable_slower_at_batch_1):
    ratios = speed.layer_ratios(separable_slower_at_batch_1)
    assert [(r.batch, r.time_ratio) for r in ratios] == [(1, pytest.approx(2.0)), (16, pytest.approx(0.25))]
    assert ratios[0].mac_ratio == pytest.approx(1 / 40 + 1 / 9)  # 1/C_out + 1/k^2
    assert ratios[0].depthwise_time_share == pytest.approx(0.75)
    assert ratios[0].depthwise_mac_share == pytest.approx(9 / (9 + 40))  # k^2 / (k^2 + C_out)
    (point,) = speed.balance_points(separable_slower_at_batch_1)
    assert point.macs_per_s == pytest.approx(1e11)
    assert point.bytes_per_s == pytest.approx(1e10)
    assert point.macs_per_byte == pytest.approx(10)


def test_prose_when_separable_is_slower_at_batch_1(separable_slower_at_batch_1):
    text = speed.speed_markdown(separable_slower_at_batch_1)
    assert "At batch 1 it is **slower** than the standard one (it takes 2 times as long)" in text
    assert "at batch 16 it is faster than the standard one, taking 0.25 of its time" in text
    assert "needs 0.136 of the standard layer's MACs" in text
    # per sample: standard 1e-4 vs 1e-4 (no overhead), separable 2e-4 vs 2.5e-5 (8 times)
    assert "costs 1 times (standard) and 8 times (separable)" in text
    assert "For the separable layer, a fixed cost per call" in text
    # balance point 10 MACs per byte: every step of the homework layer at batch 16 is below it
    assert "measured balance point in float32 is 10 MACs per byte (100 GMAC/s" in text
    assert "standard 14.8, depthwise 0.45, pointwise 3.32" in text  # above, below, below 10
    assert "Below it (depthwise, pointwise)" in text
    assert "takes 75\u00a0% of the two steps' time at batch 16: more than its share" in text
    assert "**Test CPU, 1 thread** (cpu): measured on 2026-01-02 (UTC) with PyTorch 9.9.9" in text


def test_prose_when_separable_is_faster_at_batch_1(separable_faster_at_batch_1):
    text = speed.speed_markdown(separable_faster_at_batch_1)
    assert "At batch 1 it is faster than the standard one, taking 0.5 of its time" in text
    assert "slower" not in text
    assert "changes by less than a factor of 2 with the batch" in text and "fixed cost per call (dispatch" not in text
    assert "Every step is above it" in text and "Below it" not in text
    assert "takes 15\u00a0% of the two steps' time at batch 16: no more than its share" in text


@pytest.mark.parametrize(("standard", "separable", "who"), [
    ((1e-4, 2e-3), (0.5e-4, 2e-3), "For both layers"),                  # per sample 0.8 and 0.4 of batch 16
    ((1e-4, 1.6e-3), (0.5e-4, 2e-3), "For the separable layer only"),   # 1 and 0.4
    ((1e-4, 0.8e-3), (0.5e-4, 2e-3), "For the separable layer only"),   # 2 and 0.4
    ((0.5e-4, 2e-3), (1e-4, 1.6e-3), "For the standard layer only"),    # 0.4 and 1
])
def test_the_small_batch_cheaper_per_sample_names_every_layer_it_holds_for(tmp_path, standard, separable, who):
    rows = (conv_rows(1, steps(standard[0], separable[0], separable[0] / 2, separable[0] / 2))
            + conv_rows(16, steps(standard[1], separable[1], separable[1] / 2, separable[1] / 2)))
    text = speed.speed_markdown(speed.load_measurements(write_csv(tmp_path / "cheaper.csv", rows)))
    factors = {name: (t[0] / 1) / (t[1] / 16) for name, t in (("standard", standard), ("separable", separable))}
    cheaper = [name for name, factor in factors.items() if factor < 1]
    assert min(factors.values()) < 0.5 and max(factors.values()) <= 2  # the branch that words it
    assert f"{who}, the small batch is the cheaper one per sample" in text
    assert who == ("For both layers" if len(cheaper) == 2 else f"For the {cheaper[0]} layer only")


def test_about_as_fast_within_five_percent(tmp_path):
    rows = conv_rows(1, steps(1e-4, 1.03e-4, 0.5e-4, 0.5e-4))
    text = speed.speed_markdown(speed.load_measurements(write_csv(tmp_path / "same.csv", rows)))
    assert "At batch 1 it is about as fast as the standard one (time ratio 1)" in text
    assert "no matrix-product and copy measurement" in text


def test_machines_are_kept_apart(tmp_path):
    rows = (conv_rows(1, steps(1e-4, 2e-4, 1e-4, 1e-4), device_name="A", threads=2)
            + conv_rows(1, steps(1e-4, 0.5e-4, 0.2e-4, 0.3e-4), device_name="B", threads=1))
    ratios = speed.layer_ratios(speed.load_measurements(write_csv(tmp_path / "two.csv", rows)))
    assert [(r.machine, r.time_ratio) for r in ratios] == [("A, 2 threads", pytest.approx(2.0)),
                                                            ("B, 1 thread", pytest.approx(0.5))]


def test_figure_and_alt_text_from_the_same_numbers(separable_slower_at_batch_1):
    figure = speed.plot_time_ratios(separable_slower_at_batch_1)
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    assert ax.get_title() and ax.get_xlabel() == "batch size" and "separable" in ax.get_ylabel()
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "homework layer, Test CPU, 1 thread" in labels and "MAC ratio, homework layer (0.136)" in labels
    line = next(line for line in ax.get_lines() if line.get_label() == "homework layer, Test CPU, 1 thread")
    assert list(line.get_xdata()) == [1, 16] and list(line.get_ydata()) == pytest.approx([2.0, 0.25])
    alt = speed.time_ratios_alt_text(separable_slower_at_batch_1)
    assert "batch 1: 2; batch 16: 0.25" in alt and "MAC ratio is 0.136" in alt
    with pytest.raises(ValueError, match="dtype must be one measured"):
        speed.plot_time_ratios(separable_slower_at_batch_1, dtype="bfloat16")


def test_tables(separable_slower_at_batch_1):
    table = speed.measurements_table(separable_slower_at_batch_1)
    assert table.count("\n") == 2 + 2  # header, rule, two batches
    assert ("| Test CPU, 1 thread | float32 | homework | 1 | 100 µs | 200 µs | 150 µs | 50 µs | 2 | 0.136 "
            "| 2026-01-02 03:04 | 0.5 |") in table
    balance = speed.balance_table(separable_slower_at_batch_1)
    assert "| Test CPU, 1 thread | float32 | 100 | 100 | 1,000,000 | 10 | 10 |" in balance


# ---------------------------------------------------------------- validation


def test_missing_column_names_the_file_and_column(tmp_path):
    header = [c for c in HEADER if c != "median_s"]
    path = write_csv(tmp_path / "bad.csv", conv_rows(1, steps(1, 1, 1, 1)), header=header)
    with pytest.raises(ValueError, match=r"bad\.csv: column 'median_s' is missing"):
        speed.load_measurements(path)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("batch", "one", r"line 2, column 'batch': expected an integer, got 'one'"),
        ("median_s", "fast", r"line 2, column 'median_s': expected a number, got 'fast'"),
        ("median_s", "nan", r"line 2, column 'median_s': expected a finite number"),
        ("op", "tripled", r"line 2, column 'op': must be one of"),
        ("kind", "gemm", r"line 2, column 'kind': must be one of"),
        ("macs", "123",
         r"line 2, column 'macs': hwlib.conv counts 1,620,000 MACs for this standard step, the file says 123"),
        ("max_s", "1e-9", r"line 2, column 'median_s': times must satisfy"),
    ],
)
def test_bad_values_name_the_file_line_and_column(tmp_path, column, value, message):
    rows = conv_rows(1, steps(1e-4, 1e-4, 1e-4, 1e-4))
    rows[0][column] = value
    with pytest.raises(ValueError, match=r"bad\.csv, " + message):
        speed.load_measurements(write_csv(tmp_path / "bad.csv", rows))


def test_missing_or_empty_file_and_wrong_types(tmp_path):
    with pytest.raises(FileNotFoundError, match="no measurements file"):
        speed.load_measurements(tmp_path / "absent.csv")
    with pytest.raises(ValueError, match="no measurements"):
        speed.load_measurements(write_csv(tmp_path / "empty.csv", []))
    with pytest.raises(TypeError, match="path must be a str or Path"):
        speed.load_measurements(42)
    with pytest.raises(TypeError, match="use load_measurements"):
        speed.speed_markdown("hwlib/data/separable_speed.csv")


# ---------------------------------------------------------------- the committed file


def test_committed_file_loads_and_is_package_data():
    path = speed.default_csv()
    assert path.is_file() and path.parent == ROOT / "hwlib" / "data"
    assert '"data/*.csv"' in (ROOT / "pyproject.toml").read_text()  # shipped in the wheel (Colab)
    measurements = speed.load_measurements()
    layers = {m.layer for m in measurements if m.kind == "conv"}
    assert {"homework", "mobilenet"} <= layers
    ratios = speed.layer_ratios(measurements)
    homework = [r for r in ratios if r.layer == "homework"]
    assert homework and all(r.mac_ratio == pytest.approx(1 / 40 + 1 / 9) for r in homework)
    text = speed.speed_markdown(measurements)
    assert all(m.device_name in text for m in measurements)
    assert speed.balance_points(measurements), "the committed file should measure a balance point"


def test_hwlib_speed_never_needs_pytorch():
    code = "import sys, hwlib.speed; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_problem_1s_speed_section_reads_only_the_committed_file():
    """Problem 1's section "What the count does not tell" (its source, myst/problem1_separable.md) reads
    the committed measurements; code that only formats or plots hides its input, the rest stays visible."""
    import jupytext

    cells = jupytext.read(ROOT / "myst" / "problem1_separable.md").cells
    start = next(i for i, c in enumerate(cells) if c.cell_type == "markdown"
                 and c.source.startswith("## What the count does not tell"))
    end = next(i for i, c in enumerate(cells) if i > start and c.cell_type == "markdown" and "\n## " in "\n" + c.source)
    code = [c for c in cells[start:end] if c.cell_type == "code"]
    assert any("speed.load_measurements()" in c.source for c in code)
    assert not any("torch" in c.source or "separable_speed.py" in c.source for c in code)
    for cell in code:
        if "Markdown(" in cell.source or "plot_" in cell.source:
            assert {"remove-input", "hide-input"} & set(cell.metadata.get("tags", [])), cell.source
    markdown = "\n".join(c.source for c in cells[start:end] if c.cell_type == "markdown")
    assert "{glue" not in markdown and "{eval" not in markdown
