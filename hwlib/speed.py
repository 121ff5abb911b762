"""What the MAC count does not tell: measured times of standard and separable layers.

Reads the CSV written by ``benchmarks/separable_speed.py`` (one row per
measurement, with its provenance) and turns it into the ratios, prose, figure
and tables of Problem 1's section "What the count does not tell".  It never
measures anything: the book only reads the committed file, so its pages are
deterministic.

* :func:`default_csv` -- the committed measurements (package data of hwlib);
* :func:`load_measurements` -- read and validate a CSV (clear errors naming the
  file, line and column);
* :func:`layer_ratios` -- per machine, dtype, layer and batch: the time ratio
  separable / standard, the MAC ratio, the depthwise step's share of time and
  of MACs;
* :func:`balance_points` -- per machine and dtype: achieved MAC/s of a large
  matrix product, bytes/s of a large copy, and their quotient (MACs per byte);
* :func:`speed_markdown` -- prose generated from the data;
* :func:`plot_time_ratios` and :func:`time_ratios_alt_text` -- the figure;
* :func:`measurements_table` and :func:`balance_table` -- Markdown tables.

Conventions: MACs are hwlib's dense counts (:mod:`hwlib.conv`); bytes follow
:func:`hwlib.conv.conv2d_bytes` (each input, weight and output element moved
once).  A time is the median over the benchmark's rounds of the time per call.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from hwlib import conv, fmt

__all__ = [
    "REQUIRED_COLUMNS",
    "Measurement",
    "LayerRatio",
    "BalancePoint",
    "default_csv",
    "load_measurements",
    "layer_ratios",
    "balance_points",
    "speed_markdown",
    "plot_time_ratios",
    "time_ratios_alt_text",
    "measurements_table",
    "balance_table",
]

CSV_NAME = "separable_speed.csv"

_TEXT_COLUMNS = ("kind", "layer", "op", "device", "device_name", "dtype", "date_utc", "torch_version")
_INT_COLUMNS = ("bytes_per_element", "batch", "in_h", "in_w", "in_c", "out_c", "kernel", "stride",
                "padding", "size", "macs", "bytes", "repeats", "calls_per_repeat", "threads")
_FLOAT_COLUMNS = ("median_s", "q1_s", "q3_s", "min_s", "max_s", "load_avg_1min")
REQUIRED_COLUMNS = _TEXT_COLUMNS + _INT_COLUMNS + _FLOAT_COLUMNS
_KINDS = {"conv": ("standard", "separable", "depthwise", "pointwise"), "matmul": ("matmul",), "copy": ("copy",)}
_CONV_STEPS = ("standard", "separable", "depthwise", "pointwise")
# a time ratio this close to 1 is reported as "about as fast", not as slower or faster
_SAME_SPEED = 0.05


@dataclass(frozen=True)
class Measurement:
    """One row of the CSV: a timed operation with its provenance."""

    kind: str            # "conv", "matmul" or "copy"
    layer: str           # layer name for conv rows, "" otherwise
    op: str              # standard, separable, depthwise, pointwise, matmul, copy
    device: str          # "cpu" or "cuda"
    device_name: str     # CPU model or GPU name
    dtype: str
    bytes_per_element: int
    batch: int
    in_h: int
    in_w: int
    in_c: int
    out_c: int
    kernel: int
    stride: int
    padding: int
    size: int            # n of an n x n matmul, elements of a copy
    macs: int
    bytes: int
    repeats: int
    calls_per_repeat: int
    threads: int
    median_s: float
    q1_s: float
    q3_s: float
    min_s: float
    max_s: float
    load_avg_1min: float
    date_utc: str
    torch_version: str

    @property
    def machine(self) -> str:
        """The machine as the page names it: device name, and the CPU threads used."""
        if self.device == "cpu":
            return f"{self.device_name}, {self.threads} thread{'s' if self.threads != 1 else ''}"
        return self.device_name

    @property
    def in_shape(self) -> tuple[int, int, int]:
        return (self.in_h, self.in_w, self.in_c)


@dataclass(frozen=True)
class LayerRatio:
    """Separable against standard for one machine, dtype, layer and batch."""

    machine: str
    dtype: str
    layer: str
    batch: int
    standard_s: float
    separable_s: float
    depthwise_s: float
    pointwise_s: float
    time_ratio: float          # separable_s / standard_s
    mac_ratio: float           # separable MACs / standard MACs (hwlib.conv)
    depthwise_time_share: float  # depthwise_s / (depthwise_s + pointwise_s)
    depthwise_mac_share: float   # depthwise MACs / separable MACs
    date_utc: str                # when the standard layer was measured
    load_avg_1min: float         # the highest 1-minute load average of the four measurements


@dataclass(frozen=True)
class BalancePoint:
    """A machine's measured balance point in one dtype: MAC/s divided by bytes/s."""

    machine: str
    dtype: str
    macs_per_s: float   # large matrix product
    bytes_per_s: float  # large copy, read + write
    matmul_n: int
    copy_elements: int

    @property
    def macs_per_byte(self) -> float:
        return self.macs_per_s / self.bytes_per_s


def default_csv() -> Path:
    """The committed measurements: ``hwlib/data/separable_speed.csv``, shipped as package data."""
    return Path(str(resources.files("hwlib") / "data" / CSV_NAME))


def _field(path: Path, line: int, column: str, text: str, kind: type) -> object:
    if kind is str:
        return text
    try:
        value = kind(text)
    except ValueError:
        name = "an integer" if kind is int else "a number"
        raise ValueError(f"{path}, line {line}, column {column!r}: expected {name}, got {text!r}") from None
    if kind is float and not math.isfinite(value):
        raise ValueError(f"{path}, line {line}, column {column!r}: expected a finite number, got {text!r}")
    return value


def _check_row(path: Path, line: int, row: Measurement) -> None:
    def fail(column: str, message: str) -> None:
        raise ValueError(f"{path}, line {line}, column {column!r}: {message}")

    if row.kind not in _KINDS:
        fail("kind", f"must be one of {sorted(_KINDS)}, got {row.kind!r}")
    if row.op not in _KINDS[row.kind]:
        fail("op", f"must be one of {list(_KINDS[row.kind])} for kind {row.kind!r}, got {row.op!r}")
    if row.device not in ("cpu", "cuda"):
        fail("device", f"must be 'cpu' or 'cuda', got {row.device!r}")
    for column in ("median_s", "q1_s", "q3_s", "min_s", "max_s"):
        if getattr(row, column) <= 0:
            fail(column, f"a time must be > 0, got {getattr(row, column)}")
    if not row.min_s <= row.q1_s <= row.median_s <= row.q3_s <= row.max_s:
        fail("median_s", "times must satisfy min_s <= q1_s <= median_s <= q3_s <= max_s")
    for column in ("bytes_per_element", "repeats", "calls_per_repeat", "threads"):
        if getattr(row, column) < 1:
            fail(column, f"must be >= 1, got {getattr(row, column)}")
    if row.kind == "conv":
        if row.batch < 1:
            fail("batch", f"must be >= 1, got {row.batch}")
        expected = _conv_macs(row)
        if row.macs != expected:
            fail("macs", f"hwlib.conv counts {expected:,} MACs for this {row.op} step, the file says {row.macs:,}")
    elif row.size < 1:
        fail("size", f"must be >= 1 for a {row.kind} row, got {row.size}")
    elif row.bytes < 1:
        fail("bytes", f"must be >= 1 for a {row.kind} row, got {row.bytes}")
    elif row.kind == "matmul" and row.macs != row.size ** 3:
        fail("macs", f"an n x n matrix product has n^3 = {row.size ** 3:,} MACs, the file says {row.macs:,}")


def _steps(row: Measurement) -> list[tuple]:
    """The (in_shape, out_channels, kernel, stride, padding, groups) of each step of a conv row."""
    c_in = row.in_c
    depthwise = (row.in_shape, c_in, row.kernel, row.stride, row.padding, c_in)
    h_mid = conv.output_size(row.in_h, row.kernel, row.stride, row.padding)
    w_mid = conv.output_size(row.in_w, row.kernel, row.stride, row.padding)
    pointwise = ((h_mid, w_mid, c_in), row.out_c, 1, 1, 0, 1)
    return {
        "standard": [(row.in_shape, row.out_c, row.kernel, row.stride, row.padding, 1)],
        "depthwise": [depthwise],
        "pointwise": [pointwise],
        "separable": [depthwise, pointwise],
    }[row.op]


def _conv_macs(row: Measurement) -> int:
    return sum(conv.grouped_conv2d_macs(*step, batch=row.batch) for step in _steps(row))


def load_measurements(path: str | Path | None = None) -> list[Measurement]:
    """Read and validate the benchmark's CSV (default: :func:`default_csv`).

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` naming
    the file (and the line and column) for a missing column, a value that is
    not a number, an unknown kind or step, or a MAC count that disagrees with
    :mod:`hwlib.conv`.  Extra columns are allowed and ignored.
    """
    if path is None:
        path = default_csv()
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or Path, got {path!r} of type {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no measurements file at {path}")
    try:
        text = path.read_text(encoding="utf-8-sig")  # a spreadsheet's byte-order mark is not part of 'kind'
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})") from exc
    with io.StringIO(text, newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if missing:
            raise ValueError(f"{path}: column {missing[0]!r} is missing (all missing: {', '.join(missing)})")
        rows = []
        for row in reader:
            line = reader.line_num
            values = {column: _field(path, line, column, (row[column] or "").strip(), kind)
                      for columns, kind in ((_TEXT_COLUMNS, str), (_INT_COLUMNS, int), (_FLOAT_COLUMNS, float))
                      for column in columns}
            measurement = Measurement(**values)
            _check_row(path, line, measurement)
            rows.append(measurement)
    if not rows:
        raise ValueError(f"{path}: no measurements (a header and no rows)")
    return rows


def _check_measurements(measurements: object) -> list[Measurement]:
    if isinstance(measurements, (str, Path)):
        raise TypeError("measurements must be a list of Measurement (use load_measurements(path) first), "
                        f"got {measurements!r}")
    measurements = list(measurements)
    if not measurements or not all(isinstance(m, Measurement) for m in measurements):
        raise TypeError("measurements must be a non-empty list of Measurement")
    return measurements


def layer_ratios(measurements: list[Measurement]) -> list[LayerRatio]:
    """Separable / standard per (machine, dtype, layer, batch), where all four steps were timed.

    time_ratio = t_separable / t_standard;  mac_ratio = MACs_separable / MACs_standard;
    depthwise_time_share = t_depthwise / (t_depthwise + t_pointwise);
    depthwise_mac_share = MACs_depthwise / MACs_separable.
    """
    groups: dict[tuple, dict[str, Measurement]] = defaultdict(dict)
    for m in _check_measurements(measurements):
        if m.kind == "conv":
            groups[(m.machine, m.dtype, m.layer, m.batch)][m.op] = m
    ratios = []
    for (machine, dtype, layer, batch), steps in groups.items():
        if set(steps) != set(_CONV_STEPS):
            continue
        s, p, d, q = (steps[name] for name in _CONV_STEPS)
        ratios.append(LayerRatio(
            machine=machine, dtype=dtype, layer=layer, batch=batch,
            standard_s=s.median_s, separable_s=p.median_s, depthwise_s=d.median_s, pointwise_s=q.median_s,
            time_ratio=p.median_s / s.median_s, mac_ratio=p.macs / s.macs,
            depthwise_time_share=d.median_s / (d.median_s + q.median_s),
            depthwise_mac_share=d.macs / p.macs,
            date_utc=s.date_utc, load_avg_1min=max(m.load_avg_1min for m in steps.values()),
        ))
    return sorted(ratios, key=lambda r: (r.machine, r.dtype, r.layer, r.batch))


def balance_points(measurements: list[Measurement]) -> list[BalancePoint]:
    """Per (machine, dtype) with both a matmul and a copy row: MAC/s, bytes/s and MACs per byte."""
    found: dict[tuple[str, str], dict[str, Measurement]] = defaultdict(dict)
    for m in _check_measurements(measurements):
        if m.kind in ("matmul", "copy"):
            found[(m.machine, m.dtype)][m.kind] = m
    points = []
    for (machine, dtype), rows in sorted(found.items()):
        if set(rows) == {"matmul", "copy"}:
            points.append(BalancePoint(
                machine=machine, dtype=dtype,
                macs_per_s=rows["matmul"].macs / rows["matmul"].median_s,
                bytes_per_s=rows["copy"].bytes / rows["copy"].median_s,
                matmul_n=rows["matmul"].size, copy_elements=rows["copy"].size,
            ))
    return points


# ---------------------------------------------------------------- prose


def _n(value: float, digits: int = 3) -> str:
    return fmt.number(value, digits)


def _pct(share: float) -> str:
    return f"{fmt.number(100 * share, 2)}\u00a0%"  # no line break between number and sign


def _duration(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{_n(seconds * 1e6)} µs"
    if seconds < 1:
        return f"{_n(seconds * 1e3)} ms"
    return f"{_n(seconds)} s"


def _speed_words(ratio: float) -> str:
    if ratio > 1 + _SAME_SPEED:
        return f"**slower** than the standard one (it takes {_n(ratio, 2)} times as long)"
    if ratio < 1 - _SAME_SPEED:
        return f"faster than the standard one, taking {_n(ratio, 2)} of its time"
    return f"about as fast as the standard one (time ratio {_n(ratio, 2)})"


def _provenance(measurements: list[Measurement]) -> list[str]:
    by_machine: dict[str, list[Measurement]] = defaultdict(list)
    for m in measurements:
        by_machine[m.machine].append(m)
    lines = []
    for machine, rows in sorted(by_machine.items()):
        dates = sorted({m.date_utc[:10] for m in rows})
        loads = [m.load_avg_1min for m in rows]
        versions = sorted({m.torch_version for m in rows})
        dtypes = sorted({m.dtype for m in rows})
        load = (f"a 1-minute load average of {_n(min(loads), 2)}" if min(loads) == max(loads)
                else f"1-minute load averages from {_n(min(loads), 2)} to {_n(max(loads), 2)}")
        when = " to ".join(dict.fromkeys([dates[0], dates[-1]]))
        lines.append(f"* **{machine}** ({rows[0].device}): measured on {when} "
                     f"(UTC) with PyTorch {', '.join(versions)}, in {', '.join(dtypes)}; {load} while it ran.")
    return lines


def _overhead_sentence(small: LayerRatio, large: LayerRatio) -> str:
    """Time per sample at the smallest batch over that at the largest, for each layer, in words: a fixed cost per
    call dominates where that factor exceeds 2; where it is below 1 the small batch is the cheaper one per sample."""
    factors = {"standard": (small.standard_s / small.batch) / (large.standard_s / large.batch),
               "separable": (small.separable_s / small.batch) / (large.separable_s / large.batch)}
    text = (f"Per sample, a call at batch {small.batch} costs {_n(factors['standard'], 2)} times (standard) and "
            f"{_n(factors['separable'], 2)} times (separable) what it costs at batch {large.batch}.")
    dominated = [name for name, factor in factors.items() if factor > 2]
    if dominated:
        who = " and ".join(f"the {name}" for name in dominated)
        text += (f" For {who} layer{'s' if len(dominated) > 1 else ''}, a fixed cost per call (dispatch, "
                 f"kernel launch, starting threads, choosing an algorithm), which does not shrink with the "
                 f"MACs, dominates the small batch")
        text += ("; the separable layer pays it twice, once per step." if "separable" in dominated else ".")
    elif all(factor >= 0.5 for factor in factors.values()):
        text += (" The time per sample changes by less than a factor of 2 with the batch: "
                 "no large fixed cost per call shows here.")
    else:  # some layer's small batch costs less than half as much per sample, and none more than twice
        cheaper = [name for name, factor in factors.items() if factor < 1]
        who = "For both layers" if len(cheaper) == len(factors) else f"For the {cheaper[0]} layer only"
        text += (f" {who}, the small batch is the cheaper one per sample: no fixed cost per call shows, and the "
                 f"larger batch pays more per sample (its data no longer fit in cache, or the machine was busier).")
    return text


def _intensity(layer: LayerRatio, rows: list[Measurement], step: str) -> float:
    row = next(m for m in rows if m.machine == layer.machine and m.dtype == layer.dtype and m.layer == layer.layer
               and m.batch == layer.batch and m.op == step)
    return _conv_macs(row) / sum(
        conv.conv2d_bytes(*s, bytes_per_element=row.bytes_per_element, batch=row.batch) for s in _steps(row))


def speed_markdown(measurements: list[Measurement]) -> str:
    """Markdown prose generated from the measurements, true for whatever they say.

    For each machine, dtype and layer it compares the time ratio at the
    smallest and the largest batch with the MAC ratio; explains the fixed
    per-call overhead from the time per sample; compares each step's
    arithmetic intensity (MACs per byte, :func:`hwlib.conv.arithmetic_intensity`)
    with the measured balance point; and sets the depthwise step's share of
    the time against its share of the MACs.
    """
    measurements = _check_measurements(measurements)
    ratios = layer_ratios(measurements)
    if not ratios:
        raise ValueError("measurements hold no layer with all four steps (standard, separable, depthwise, pointwise)")
    balance = {(b.machine, b.dtype): b for b in balance_points(measurements)}
    out = ["The measurements on this page:", "", *_provenance(measurements), ""]

    series: dict[tuple[str, str, str], list[LayerRatio]] = defaultdict(list)
    for r in ratios:
        series[(r.machine, r.dtype, r.layer)].append(r)
    for (machine, dtype, layer), rs in sorted(series.items()):
        small, large = rs[0], rs[-1]
        row = next(m for m in measurements if m.layer == layer and m.kind == "conv")
        text = (f"**{machine}, {dtype}, the {layer} layer ({_layer_shape(row)}).** "
                f"The separable layer needs {_n(small.mac_ratio)} of the standard layer's MACs. "
                f"At batch {small.batch} it is {_speed_words(small.time_ratio)}")
        if large.batch != small.batch:
            text += f"; at batch {large.batch} it is {_speed_words(large.time_ratio)}"
        text += "."
        out += [text, ""]
        # fixed per-call overhead: time per sample at the smallest batch against the largest
        if large.batch != small.batch:
            out += [_overhead_sentence(small, large), ""]
        # arithmetic intensity against the measured balance point
        point = balance.get((machine, dtype))
        intensities = {step: _intensity(large, measurements, step) for step in ("standard", "depthwise", "pointwise")}
        words = ", ".join(f"{step} {_n(value)}" for step, value in intensities.items())
        sentence = f"At batch {large.batch}, the arithmetic intensity (MACs per byte moved) is {words}"
        if point is not None:
            below = [step for step, value in intensities.items() if value < point.macs_per_byte]
            sentence += (f"; this machine's measured balance point in {dtype} is {_n(point.macs_per_byte)} MACs "
                         f"per byte ({_n(point.macs_per_s / 1e9)} GMAC/s in a matrix product over "
                         f"{_n(point.bytes_per_s / 1e9)} GB/s in a copy). ")
            if below:
                sentence += (f"Below it ({', '.join(below)}), a step cannot keep the arithmetic units busy even "
                             f"when every byte moves only once: memory traffic bounds its time, not its MACs.")
            else:
                sentence += "Every step is above it: by this model, none is bound by memory traffic."
        else:
            sentence += " (no matrix-product and copy measurement in this dtype gives a balance point)."
        out += [sentence, ""]
        # depthwise share of time against its share of MACs
        share_words = "more than" if large.depthwise_time_share > large.depthwise_mac_share else "no more than"
        out.append(
            f"The depthwise step holds {_pct(large.depthwise_mac_share)} of the separable layer's MACs and takes "
            f"{_pct(large.depthwise_time_share)} of the two steps' time at batch {large.batch}: "
            f"{share_words} its share of the work.")
        out.append("")
    out.append(
        "What a practitioner measures instead of counting: the time of the layer (or the whole network) on "
        "the device it will run on, at the batch size it will run with, after warm-up calls and as the median "
        "of many repetitions, as here; and, to see why, the time of each step and its bytes moved against the "
        "machine's measured compute rate and memory bandwidth (a roofline).")
    return "\n".join(out).rstrip() + "\n"


def _layer_shape(row: Measurement) -> str:
    """The layer as the homework writes it: i x i x C_in -> o x o x C_out, k, s, p."""
    h = conv.output_size(row.in_h, row.kernel, row.stride, row.padding)
    w = conv.output_size(row.in_w, row.kernel, row.stride, row.padding)
    return (f"{row.in_h}×{row.in_w}×{row.in_c} → {h}×{w}×{row.out_c}, "
            f"k = {row.kernel}, s = {row.stride}, p = {row.padding}")


# ---------------------------------------------------------------- figure


def plot_time_ratios(measurements: list[Measurement], dtype: str = "float32") -> Figure:
    """Measured time ratio separable / standard against batch size, one line per machine and layer.

    Dashed horizontal lines mark each layer's MAC ratio (what the count
    predicts); the dotted line at 1 marks equal time.  Only ``dtype`` rows.
    """
    if not isinstance(dtype, str):
        raise TypeError(f"dtype must be a str such as 'float32', got {dtype!r}")
    ratios = [r for r in layer_ratios(measurements) if r.dtype == dtype]
    if not ratios:
        raise ValueError(f"dtype must be one measured for all four steps, got {dtype!r}")
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    layers = sorted({r.layer for r in ratios})
    machines = sorted({r.machine for r in ratios})
    colours = dict(zip(layers, ("tab:blue", "tab:orange", "tab:green", "tab:purple")))
    markers = dict(zip(machines, ("o", "s", "^", "D", "v")))
    styles = dict(zip(machines, ("-", "-.", ":", "--", "-")))
    for machine in machines:
        for layer in layers:
            rs = [r for r in ratios if r.machine == machine and r.layer == layer]
            if rs:
                ax.plot([r.batch for r in rs], [r.time_ratio for r in rs], marker=markers[machine],
                        linestyle=styles[machine], color=colours[layer], label=f"{layer} layer, {machine}")
    for layer in layers:
        mac = next(r.mac_ratio for r in ratios if r.layer == layer)
        ax.axhline(mac, color=colours[layer], linestyle="--", linewidth=1,
                   label=f"MAC ratio, {layer} layer ({_n(mac)})")
    ax.axhline(1, color="0.3", linestyle=":", linewidth=1, label="equal time")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    values = [r.time_ratio for r in ratios] + [r.mac_ratio for r in ratios] + [1.0]
    ax.set_ylim(0.8 * min(values), 1.25 * max(values))
    ticks = [t for t in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20) if 0.8 * min(values) <= t <= 1.25 * max(values)]
    ax.set_yticks(ticks, [fmt.number(t) for t in ticks])
    ax.yaxis.set_minor_formatter(NullFormatter())
    batches = sorted({r.batch for r in ratios})
    ax.set_xticks(batches, [str(b) for b in batches])
    ax.set_xlabel("batch size")
    ax.set_ylabel("time separable / time standard")
    ax.set_title(f"Measured time ratio against the MAC ratio ({dtype})")
    ax.legend(fontsize="small", loc="best")
    fig.tight_layout()
    return fig


def time_ratios_alt_text(measurements: list[Measurement], dtype: str = "float32") -> str:
    """The figure of :func:`plot_time_ratios` in words, from the same numbers."""
    ratios = [r for r in layer_ratios(measurements) if r.dtype == dtype]
    if not ratios:
        raise ValueError(f"dtype must be one measured for all four steps, got {dtype!r}")
    parts = [f"Line chart of the measured time ratio, separable over standard, against batch size ({dtype}), "
             "on log scales."]
    for layer in sorted({r.layer for r in ratios}):
        mac = next(r.mac_ratio for r in ratios if r.layer == layer)
        parts.append(f"The {layer} layer's MAC ratio is {_n(mac)}.")
        for machine in sorted({r.machine for r in ratios}):
            rs = [r for r in ratios if r.machine == machine and r.layer == layer]
            if rs:
                values = "; ".join(f"batch {r.batch}: {_n(r.time_ratio, 2)}" for r in rs)
                parts.append(f"{layer} layer on {machine}: {values}.")
    return " ".join(parts)


# ---------------------------------------------------------------- tables


def measurements_table(measurements: list[Measurement]) -> str:
    """Markdown table: per machine, dtype, layer and batch, the median time of each step, the ratios,
    when it was measured and the machine's 1-minute load average then."""
    ratios = layer_ratios(measurements)
    lines = ["| machine | dtype | layer | batch | standard | separable | depthwise | pointwise "
             "| time ratio | MAC ratio | measured (UTC) | load |",
             "|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|--:|"]
    for r in ratios:
        lines.append(f"| {r.machine} | {r.dtype} | {r.layer} | {fmt.number(r.batch)} | {_duration(r.standard_s)} "
                     f"| {_duration(r.separable_s)} | {_duration(r.depthwise_s)} | {_duration(r.pointwise_s)} "
                     f"| {_n(r.time_ratio)} | {_n(r.mac_ratio)} | {r.date_utc[:16].replace('T', ' ')} "
                     f"| {_n(r.load_avg_1min, 2)} |")
    return "\n".join(lines) + "\n"


def balance_table(measurements: list[Measurement]) -> str:
    """Markdown table of the balance points: matrix-product MAC/s, copy bytes/s, MACs per byte."""
    lines = ["| machine | dtype | matrix product (n) | GMAC/s | copy (elements) | GB/s "
             "| balance point, MACs per byte |",
             "|---|---|--:|--:|--:|--:|--:|"]
    for b in balance_points(measurements):
        lines.append(f"| {b.machine} | {b.dtype} | {fmt.number(b.matmul_n)} | {_n(b.macs_per_s / 1e9)} "
                     f"| {fmt.number(b.copy_elements)} | {_n(b.bytes_per_s / 1e9)} | {_n(b.macs_per_byte)} |")
    return "\n".join(lines) + "\n"
