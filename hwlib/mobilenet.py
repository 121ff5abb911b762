"""MobileNet v1 as its paper prints it: Table 1 as data, the "Conv MobileNet" of Table 4, the published figures.

Howard et al. 2017, "MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications",
arXiv:1704.04861.  The tables ship with hwlib as data files:

* ``data/mobilenet_v1.csv`` -- Table 1 ("MobileNet Body Architecture"), one line per printed row;
* ``data/conv_mobilenet_v1.csv`` -- the same network with every depthwise separable block replaced by one
  standard 3 x 3 convolution (the paper's "Conv MobileNet", Table 4);
* ``data/mobilenet_v1_paper.toml`` -- the figures the paper publishes (Tables 2, 3, 4), as printed.

:func:`load_table` reads a table; :meth:`Table.layers` turns it into :class:`hwlib.conv.Layer` objects for
:func:`hwlib.conv.network_cost`; :func:`reconcile` checks every layer's output against the Input Size the
table lists for the next row, and replaces a stride that contradicts it by the one stride that agrees.
Used in the section "From one layer to a network" of ``book/problem1_separable.ipynb``.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from importlib import resources

from hwlib import conv

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "COLUMNS",
    "NETWORKS",
    "Correction",
    "Published",
    "Reconciled",
    "Row",
    "Table",
    "load_table",
    "parse_table",
    "published",
    "reconcile",
    "rounded_like",
]

#: The networks shipped as data files (``data/<name>.csv``).
NETWORKS = ("mobilenet_v1", "conv_mobilenet_v1")
COLUMNS = ("type", "stride", "filter_shape", "input_size", "repeat", "padding")
PAPER_FILE = "mobilenet_v1_paper.toml"

_SIZE = re.compile(r"^(\d+)x(\d+)x(\d+)$")
# the filter shapes each printed type takes, and how they read
_SHAPES = {
    "Conv": (re.compile(r"^(\d+)x(\d+)x(\d+)x(\d+)$"), "k x k x C_in x C_out, e.g. 3x3x3x32"),
    "Conv dw": (re.compile(r"^(\d+)x(\d+)x(\d+) dw$"), "k x k x C dw, e.g. 3x3x32 dw"),
    "Avg Pool": (re.compile(r"^Pool (\d+)x(\d+)$"), "Pool k x k, e.g. Pool 7x7"),
    "FC": (re.compile(r"^(\d+)x(\d+)$"), "inputs x outputs, e.g. 1024x1000"),
    "Softmax": (re.compile(r"^Classifier$"), "Classifier"),
}


@dataclass(frozen=True)
class Row:
    """One printed row of a table (``line``: its line in the file)."""

    line: int
    type: str
    stride: int
    filter_shape: str
    input_size: tuple[int, int, int]
    repeat: int
    padding: int

    def layer(self, stride: int | None = None) -> conv.Layer:
        """The row as a :class:`hwlib.conv.Layer` (with ``stride`` in place of the printed one, if given)."""
        stride = self.stride if stride is None else stride
        numbers = [int(v) for v in _SHAPES[self.type][0].match(self.filter_shape).groups()]
        name = f"{self.type} / s{stride}, {self.filter_shape}"
        if self.type == "Conv":
            kernel, _, c_in, c_out = numbers
            kind = "pointwise" if (kernel, stride, self.padding) == (1, 1, 0) else "standard"
            return conv.Layer(kind, c_in, c_out, kernel, stride, self.padding, name)
        if self.type == "Conv dw":
            kernel, _, channels = numbers
            return conv.Layer("depthwise", channels, channels, kernel, stride, self.padding, name)
        if self.type == "Avg Pool":
            return conv.Layer("avg_pool", kernel=numbers[0], stride=stride, padding=self.padding, name=name)
        if self.type == "FC":
            return conv.Layer("fully_connected", numbers[0], numbers[1], name=name)
        return conv.Layer("softmax", name=name)


@dataclass(frozen=True)
class Table:
    """A network as its table prints it: ``rows`` in order, ``source`` the file it was read from."""

    name: str
    source: str
    rows: tuple[Row, ...]

    @property
    def in_shape(self) -> tuple[int, int, int]:
        """The network's input: the Input Size of the first row."""
        return self.rows[0].input_size

    def expanded(self) -> tuple[Row, ...]:
        """The rows with every repeated block written out (consecutive rows with the same repeat > 1 form a block)."""
        out: list[Row] = []
        i = 0
        while i < len(self.rows):
            j = i + 1
            if self.rows[i].repeat > 1:
                while j < len(self.rows) and self.rows[j].repeat == self.rows[i].repeat:
                    j += 1
            out.extend(self.rows[i:j] * self.rows[i].repeat)
            i = j
        return tuple(out)

    def layers(self, strides: Mapping[int, int] | None = None) -> tuple[conv.Layer, ...]:
        """One :class:`hwlib.conv.Layer` per expanded row; ``strides`` maps a layer number (1-based) to a stride
        that replaces the printed one."""
        strides = dict(strides or {})
        return tuple(row.layer(strides.get(index)) for index, row in enumerate(self.expanded(), start=1))

    def listed_inputs(self) -> tuple[tuple[int, int, int], ...]:
        """The Input Size the table lists for each layer (expanded)."""
        return tuple(row.input_size for row in self.expanded())


def _int(path: str, line: int, column: str, text: str, minimum: int) -> int:
    if not re.fullmatch(r"\d+", text.strip()):
        raise ValueError(f"{path}, line {line}: {column} must be a whole number, got {text!r}")
    value = int(text)
    if value < minimum:
        raise ValueError(f"{path}, line {line}: {column} must be >= {minimum}, got {value}")
    return value


def parse_table(text: str, name: str = "table", source: str = "<text>") -> Table:
    """Read a table in the format of ``data/mobilenet_v1.csv``: ``#`` comment lines, a header with
    :data:`COLUMNS`, then one line per row.  Errors name the source, the line and the column."""
    lines = text.splitlines()
    body = [(number, line) for number, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]
    if not body:
        raise ValueError(f"{source}: no header line, expected {','.join(COLUMNS)}")
    header_line, header = body[0]
    if tuple(h.strip() for h in header.split(",")) != COLUMNS:
        raise ValueError(f"{source}, line {header_line}: the header must be {','.join(COLUMNS)}, got {header!r}")
    rows = []
    for number, line in body[1:]:
        cells = next(csv.reader(io.StringIO(line), strict=True))
        if len(cells) != len(COLUMNS):
            raise ValueError(f"{source}, line {number}: expected {len(COLUMNS)} cells, got {len(cells)}: {line!r}")
        values = dict(zip(COLUMNS, (c.strip() for c in cells)))
        kind = values["type"]
        if kind not in _SHAPES:
            raise ValueError(f"{source}, line {number}: type must be one of {', '.join(_SHAPES)}, got {kind!r}")
        pattern, form = _SHAPES[kind]
        match = pattern.match(values["filter_shape"])
        if not match or (kind in ("Conv", "Conv dw", "Avg Pool") and match.group(1) != match.group(2)):
            raise ValueError(f"{source}, line {number}: filter_shape of a {kind} row must read {form} "
                             f"(a square kernel), got {values['filter_shape']!r}")
        size = _SIZE.match(values["input_size"])
        if not size:
            raise ValueError(f"{source}, line {number}: input_size must read H x W x C, e.g. 224x224x3, "
                             f"got {values['input_size']!r}")
        row = Row(line=number, type=kind, stride=_int(source, number, "stride", values["stride"], 1),
                  filter_shape=values["filter_shape"], input_size=tuple(int(v) for v in size.groups()),
                  repeat=_int(source, number, "repeat", values["repeat"], 1),
                  padding=_int(source, number, "padding", values["padding"], 0))
        try:
            row.layer()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{source}, line {number}: {exc}") from None
        rows.append(row)
    if not rows:
        raise ValueError(f"{source}: the table has no rows")
    return Table(name=name, source=source, rows=tuple(rows))


def load_table(name: str = "mobilenet_v1") -> Table:
    """The table ``name`` (one of :data:`NETWORKS`), read from hwlib's data files."""
    if name not in NETWORKS:
        raise ValueError(f"name must be one of {', '.join(NETWORKS)}, got {name!r}")
    path = f"hwlib/data/{name}.csv"
    text = resources.files("hwlib").joinpath("data", f"{name}.csv").read_text(encoding="utf-8")
    return parse_table(text, name=name, source=path)


@dataclass(frozen=True)
class Correction:
    """A printed stride that contradicts the table's own Input Size column, and the stride that agrees with it."""

    index: int                          # the layer's number (1-based, repeats expanded)
    row: Row
    in_shape: tuple[int, int, int]
    printed_out_shape: tuple[int, int, int]   # what the printed stride gives
    listed_out_shape: tuple[int, int, int]    # the next row's Input Size
    stride: int                         # the one stride that gives it


@dataclass(frozen=True)
class Reconciled:
    """A table's layers with every contradicted stride replaced (``corrections`` says which)."""

    table: Table
    layers: tuple[conv.Layer, ...]
    corrections: tuple[Correction, ...]

    @property
    def strides(self) -> dict[int, int]:
        return {c.index: c.stride for c in self.corrections}


def reconcile(table: Table) -> Reconciled:
    """Walk the table layer by layer; where a layer's output differs from the Input Size the next row lists,
    replace its stride by the one stride s >= 1 with ``output_size(i, k, s, p)`` equal to the listed size
    (p: the row's padding).  Raises ValueError naming the row when no stride, or more than one, agrees, or
    when the listed size differs in channels."""
    listed = table.listed_inputs()
    rows = table.expanded()
    layers = list(table.layers())
    corrections = []
    shape = table.in_shape
    for index, (row, layer) in enumerate(zip(rows, layers), start=1):
        where = f"{table.source}, line {row.line} (layer {index}, {layer.label})"
        if shape != listed[index - 1]:
            raise ValueError(f"{where}: its listed Input Size {listed[index - 1]} differs from {shape}, "
                             "what the layers before it give")
        try:
            out_shape, _, _ = conv.layer_cost(layer, shape)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        want = listed[index] if index < len(listed) else out_shape
        if out_shape != want:
            # window starts at stride 1; a stride beyond them gives what stride `starts` gives, so searching one
            # past them finds a second stride whenever a larger stride would do as well
            starts = shape[0] + 2 * layer.padding - layer.kernel + 1
            fits = [s for s in range(1, max(starts, 1) + 2) if want[:2] == (
                conv.output_size(shape[0], layer.kernel, s, layer.padding),
                conv.output_size(shape[1], layer.kernel, s, layer.padding))]
            if want[2] != out_shape[2] or len(fits) != 1:
                raise ValueError(f"{where}: gives {out_shape}, but the next row lists {want}, and "
                                 f"{'no stride' if not fits else 'more than one stride'} gives that")
            layers[index - 1] = row.layer(fits[0])
            corrections.append(Correction(index=index, row=row, in_shape=shape, printed_out_shape=out_shape,
                                          listed_out_shape=want, stride=fits[0]))
            out_shape = want
        shape = out_shape
    return Reconciled(table=table, layers=tuple(layers), corrections=tuple(corrections))


# ---------------------------------------------------------------- the published figures


@dataclass(frozen=True)
class Published:
    """The paper's figures, as printed (Decimals keep their printed digits).

    totals:   network name -> (model, million mult-adds, million parameters)     (Table 4)
    shares:   layer kind -> (the paper's type, % of mult-adds, % of parameters)   (Table 2)
    layer:    Table 3's layer: in_shape, kernel, out_channels, and for 'standard' and 'separable'
              (row name, million mult-adds, million parameters)
    claim:    Section 3.1's "between 8 to 9 times less computation" for k x k separable layers: (k, 8, 9)
    """

    source: str
    layers_with_weights: int
    totals: dict[str, tuple[str, Decimal, Decimal]]
    shares: dict[str, tuple[str, Decimal, Decimal]]
    layer_shape: tuple[int, int, int]
    layer_kernel: int
    layer_out_channels: int
    layer: dict[str, tuple[str, Decimal, Decimal]]
    claim: tuple[int, Decimal, Decimal]   # Section 3.1: kernel k, and "between low and high times less computation"


def published() -> Published:
    """The figures of ``data/mobilenet_v1_paper.toml``."""
    data = tomllib.loads(resources.files("hwlib").joinpath("data", PAPER_FILE).read_text(encoding="utf-8"))
    totals = {name: (v["model"], Decimal(v["million_mult_adds"]), Decimal(v["million_parameters"]))
              for name, v in data["totals"].items()}
    shares = {kind: (v["type"], Decimal(v["mult_adds"]), Decimal(v["parameters"]))
              for kind, v in data["shares"].items()}
    unknown = set(shares) - set(conv.LAYER_KINDS)
    if unknown:
        raise ValueError(f"{PAPER_FILE}: shares names layer kinds that hwlib.conv does not know: {sorted(unknown)}")
    layer = data["layer"]
    return Published(
        source=data["source"], layers_with_weights=int(data["layers_with_weights"]), totals=totals, shares=shares,
        layer_shape=tuple(layer["in_shape"]), layer_kernel=layer["kernel"], layer_out_channels=layer["out_channels"],
        layer={step: (layer[step]["row"], Decimal(layer[step]["million_mult_adds"]),
                      Decimal(layer[step]["million_parameters"])) for step in ("standard", "separable")},
        claim=(data["claim"]["kernel"], Decimal(data["claim"]["fewer_times_low"]),
               Decimal(data["claim"]["fewer_times_high"])),
    )


def rounded_like(value: int | Fraction, printed: Decimal) -> Decimal:
    """``value`` rounded to as many decimal places as ``printed`` shows (half to even): 568.74 like 569 is 569."""
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
        raise TypeError(f"value must be an int or a Fraction (exact), got {value!r}")
    if not isinstance(printed, Decimal):
        raise TypeError(f"printed must be a Decimal, got {printed!r}")
    value = Fraction(value)
    exact = Decimal(value.numerator) / Decimal(value.denominator)  # 28 significant digits: ample for these sizes
    return exact.quantize(Decimal(1).scaleb(printed.as_tuple().exponent), rounding=ROUND_HALF_EVEN)

