"""Convolution arithmetic: output sizes, padding/stride solutions, costs, a reference conv2d.

Notation follows Dumoulin & Visin, *A guide to convolution arithmetic*:
input size i (here ``n``), kernel size k, stride s, padding p, dilation d,
output size o.  Shapes are (H, W, C), as the homework writes them.

Cost conventions (used by every ``*_cost`` function):

* ``weights`` counts learnable parameters; biases only when ``bias=True``.
* ``macs`` counts the multiply-accumulates of the dense computation: every
  kernel tap at every output position, padded zeros included, bias additions
  not.  One MAC is two FLOPs (a multiply and an add).

Used in the book chapters ``book/problem1_separable.ipynb`` and
``book/problem2_padding.ipynb``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from hwlib._checks import check_bool, check_int, check_shape3

__all__ = [
    "Cost",
    "SeparableCost",
    "output_size",
    "solve_padding_stride",
    "padding_stride_ranges",
    "common_padding_stride_ranges",
    "first_padding_stride",
    "conv2d_cost",
    "depthwise_conv2d_cost",
    "pointwise_conv2d_cost",
    "depthwise_separable_cost",
    "conv2d",
]


@dataclass(frozen=True)
class Cost:
    """Size and work of one convolution layer.

    weights:   learnable parameters (biases included when the layer has them)
    macs:      multiply-accumulates of the dense computation (padded zeros counted)
    out_shape: (H_out, W_out, C_out)
    """

    weights: int
    macs: int
    out_shape: tuple[int, int, int]

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", check_int("weights", self.weights, minimum=0))
        object.__setattr__(self, "macs", check_int("macs", self.macs, minimum=0))
        object.__setattr__(self, "out_shape", check_shape3("out_shape", self.out_shape))

    @property
    def flops(self) -> int:
        """Floating-point operations, counting one MAC as two FLOPs."""
        return 2 * self.macs


@dataclass(frozen=True)
class SeparableCost:
    """A depthwise step followed by a pointwise (1x1) step, and their totals."""

    depthwise: Cost
    pointwise: Cost
    weights: int = field(init=False)
    macs: int = field(init=False)
    out_shape: tuple[int, int, int] = field(init=False)

    def __post_init__(self) -> None:
        for name in ("depthwise", "pointwise"):
            if not isinstance(getattr(self, name), Cost):
                raise TypeError(f"{name} must be a Cost, got {getattr(self, name)!r}")
        object.__setattr__(self, "weights", self.depthwise.weights + self.pointwise.weights)
        object.__setattr__(self, "macs", self.depthwise.macs + self.pointwise.macs)
        object.__setattr__(self, "out_shape", self.pointwise.out_shape)

    @property
    def flops(self) -> int:
        """Floating-point operations, counting one MAC as two FLOPs."""
        return 2 * self.macs


def output_size(n: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output size of a convolution along one axis.

    o = floor((n + 2p - d(k - 1) - 1) / s) + 1

    with explicit, symmetric zero padding p on each side, as in PyTorch's
    ``Conv2d`` and ``tf.pad`` followed by a 'VALID' convolution.
    """
    n = check_int("n", n, minimum=1)
    kernel = check_int("kernel", kernel, minimum=1)
    stride = check_int("stride", stride, minimum=1)
    padding = check_int("padding", padding, minimum=0)
    dilation = check_int("dilation", dilation, minimum=1)
    span = dilation * (kernel - 1) + 1
    if n + 2 * padding < span:
        raise ValueError(
            f"kernel must fit the padded input: dilation*(kernel-1)+1 = {span} "
            f"must be <= n + 2*padding = {n + 2 * padding} "
            f"(n={n}, kernel={kernel}, padding={padding}, dilation={dilation})"
        )
    return (n + 2 * padding - span) // stride + 1


#: the longest list solve_padding_stride builds, and the most paddings the range solvers walk through
MAX_PAIRS = 1_000_000
MAX_PADDINGS = 1_000_000


def _checked_axis(n_in: int, n_out: int, kernel: int, dilation: int) -> tuple[int, int, int, int, int]:
    n_in = check_int("n_in", n_in, minimum=1)
    n_out = check_int("n_out", n_out, minimum=1)
    kernel = check_int("kernel", kernel, minimum=1)
    dilation = check_int("dilation", dilation, minimum=1)
    reach = dilation * (kernel - 1)
    if reach + 1 > MAX_PADDINGS:
        raise ValueError(
            f"dilation*(kernel-1)+1 = {reach + 1:,} paddings to try is more than the limit of {MAX_PADDINGS:,} "
            f"(kernel={kernel:,}, dilation={dilation:,})"
        )
    return n_in, n_out, kernel, dilation, reach


def padding_stride_ranges(n_in: int, n_out: int, kernel: int, dilation: int = 1) -> list[tuple[int, int, int | None]]:
    """Every (padding, stride) for which ``output_size(n_in, kernel, stride, padding, dilation) == n_out``, as ranges.

    One ``(padding, smallest stride, largest stride)`` per padding 0 <= p <= d(k-1) that has a solution; every
    stride between the two works.  With m = n_in + 2p - d(k-1) window starts, floor((m-1)/s) = o-1 holds exactly
    for floor((m-1)/o) + 1 <= s <= floor((m-1)/(o-1)).  For one output (o = 1) every stride s >= m works: the
    largest stride is ``None``.  Linear in the kernel, whatever the sizes: ``padding_stride_ranges(10**12, 2, 1)``
    is ``[(0, 500000000000, 999999999999)]``.
    """
    n_in, n_out, kernel, dilation, reach = _checked_axis(n_in, n_out, kernel, dilation)
    ranges: list[tuple[int, int, int | None]] = []
    for padding in range(reach + 1):
        starts = n_in + 2 * padding - reach  # window positions at stride 1
        if starts < n_out:
            continue
        if n_out == 1:
            ranges.append((padding, starts, None))
            continue
        low = (starts - 1) // n_out + 1
        high = (starts - 1) // (n_out - 1)
        if low <= high:
            ranges.append((padding, low, high))
    return ranges


def common_padding_stride_ranges(
    first: list[tuple[int, int, int | None]], second: list[tuple[int, int, int | None]]
) -> list[tuple[int, int, int | None]]:
    """The (padding, smallest stride, largest stride or None) ranges that two axes share: per padding, the overlap
    of the two stride ranges (None stands for no upper end).  Linear in the number of ranges."""
    by_padding = {padding: (low, high) for padding, low, high in second}
    common: list[tuple[int, int, int | None]] = []
    for padding, low, high in first:
        if padding not in by_padding:
            continue
        other_low, other_high = by_padding[padding]
        both_low = max(low, other_low)
        ends = [end for end in (high, other_high) if end is not None]
        both_high = min(ends) if ends else None
        if both_high is None or both_low <= both_high:
            common.append((padding, both_low, both_high))
    return common


def first_padding_stride(ranges: list[tuple[int, int, int | None]]) -> tuple[int, int] | None:
    """The (padding, stride) with the smallest stride, then the least padding, of ``ranges``; None when empty."""
    if not ranges:
        return None
    padding, low, _ = min(ranges, key=lambda r: (r[1], r[0]))
    return padding, low


def solve_padding_stride(n_in: int, n_out: int, kernel: int, dilation: int = 1) -> list[tuple[int, int]]:
    """Every (padding, stride) for which ``output_size(n_in, kernel, stride, padding, dilation) == n_out``.

    Searched over 0 <= p <= d(k-1) (more padding only adds windows that see
    nothing but zeros) and 1 <= s <= n_in + 2p - d(k-1) (a larger stride gives
    the same single output).  Solved in closed form: with m = n_in + 2p - d(k-1)
    window starts, floor((m-1)/s) = o-1 holds exactly for
    floor((m-1)/o) + 1 <= s <= floor((m-1)/(o-1)).

    Returns the pairs sorted by (stride, padding); [] when there is none.  The
    list is refused (ValueError with its length) when it would hold more than
    ``MAX_PAIRS`` (10^6) pairs: :func:`padding_stride_ranges` describes any
    number of them in one range per padding.
    """
    ranges = padding_stride_ranges(n_in, n_out, kernel, dilation)
    count = sum((low if high is None else high) - low + 1 for _, low, high in ranges)
    if count > MAX_PAIRS:
        raise ValueError(
            f"solve_padding_stride would list {count:,} (padding, stride) pairs, more than the limit of "
            f"{MAX_PAIRS:,} (n_in={n_in:,}, n_out={n_out:,}, kernel={kernel:,}); padding_stride_ranges gives them "
            "as one range of strides per padding"
        )
    pairs = [(padding, stride) for padding, low, high in ranges
             for stride in range(low, (low if high is None else high) + 1)]
    return sorted(pairs, key=lambda pair: (pair[1], pair[0]))


def _spatial_out(in_shape: tuple[int, int, int], kernel: int, stride: int, padding: int) -> tuple[int, int]:
    height, width, _ = in_shape
    return (
        output_size(height, kernel, stride, padding),
        output_size(width, kernel, stride, padding),
    )


def conv2d_cost(
    in_shape: tuple[int, int, int],
    out_channels: int,
    kernel: int,
    stride: int = 1,
    padding: int = 0,
    bias: bool = False,
) -> Cost:
    """Cost of a standard k x k convolution from (H, W, C_in) to C_out channels.

    weights = k^2 C_in C_out (+ C_out with bias)
    macs    = H_out W_out C_out k^2 C_in
    """
    in_shape = check_shape3("in_shape", in_shape)
    out_channels = check_int("out_channels", out_channels, minimum=1)
    kernel = check_int("kernel", kernel, minimum=1)
    bias = check_bool("bias", bias)
    h_out, w_out = _spatial_out(in_shape, kernel, stride, padding)
    c_in = in_shape[2]
    weights = kernel * kernel * c_in * out_channels + (out_channels if bias else 0)
    macs = h_out * w_out * out_channels * kernel * kernel * c_in
    return Cost(weights=weights, macs=macs, out_shape=(h_out, w_out, out_channels))


def depthwise_conv2d_cost(
    in_shape: tuple[int, int, int],
    kernel: int,
    stride: int = 1,
    padding: int = 0,
    bias: bool = False,
) -> Cost:
    """Cost of a depthwise k x k convolution: one filter per input channel.

    weights = k^2 C_in (+ C_in with bias)
    macs    = H_out W_out C_in k^2
    """
    in_shape = check_shape3("in_shape", in_shape)
    kernel = check_int("kernel", kernel, minimum=1)
    bias = check_bool("bias", bias)
    h_out, w_out = _spatial_out(in_shape, kernel, stride, padding)
    c_in = in_shape[2]
    weights = kernel * kernel * c_in + (c_in if bias else 0)
    macs = h_out * w_out * c_in * kernel * kernel
    return Cost(weights=weights, macs=macs, out_shape=(h_out, w_out, c_in))


def pointwise_conv2d_cost(
    in_shape: tuple[int, int, int],
    out_channels: int,
    bias: bool = False,
) -> Cost:
    """Cost of a pointwise (1 x 1) convolution from (H, W, C_in) to C_out channels.

    weights = C_in C_out (+ C_out with bias)
    macs    = H W C_in C_out
    """
    return conv2d_cost(in_shape, out_channels, kernel=1, stride=1, padding=0, bias=bias)


def depthwise_separable_cost(
    in_shape: tuple[int, int, int],
    out_channels: int,
    kernel: int,
    stride: int = 1,
    padding: int = 0,
    bias: bool = False,
) -> SeparableCost:
    """Cost of a depthwise separable convolution (MobileNet's block without batch norm).

    The depthwise k x k step carries the stride and padding; the pointwise
    1 x 1 step maps C_in to C_out channels.  ``bias=True`` gives both steps a bias.

    weights = k^2 C_in + C_in C_out,   macs = H_out W_out C_in (k^2 + C_out)
    """
    depthwise = depthwise_conv2d_cost(in_shape, kernel, stride, padding, bias)
    pointwise = pointwise_conv2d_cost(depthwise.out_shape, out_channels, bias)
    return SeparableCost(depthwise=depthwise, pointwise=pointwise)


#: conv2d's limits: a reference implementation for the book's layers (the homework's is 1.6 million MACs)
MAX_CONV2D_MACS = 10**11
MAX_CONV2D_BYTES = 2 * 2**30


def _check_numeric_array(name: str, value: object, ndim: int) -> np.ndarray:
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array, got {value!r}")
    array = np.asarray(value)
    if array.dtype.kind == "b":
        raise TypeError(
            f"{name} must be a numeric array, got dtype bool: convert it deliberately, "
            f"e.g. {name}.astype(int) to count True as 1"
        )
    if array.dtype.kind not in "iufc":
        raise TypeError(f"{name} must be a numeric array, got dtype {array.dtype}")
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {array.shape}")
    return array


def _largest(array: np.ndarray) -> int:
    """max |entry| of an integer array, as a Python int (no overflow, even for int64's minimum)."""
    return max(abs(int(array.min())), abs(int(array.max()))) if array.size else 0


def _accumulation_dtype(x: np.ndarray, w: np.ndarray, bias: np.ndarray | None, taps: int) -> np.dtype:
    """The dtype conv2d computes in: exact int64 for integers, float64 (or wider) for floats, complex128 for complex.

    Integer inputs accumulate in int64, which holds every sum exactly when
    max|x| max|w| taps + max|bias| < 2^63 (checked; otherwise ValueError).
    Narrow floats (float16, float32) are computed in float64 so that long sums
    keep their digits.
    """
    arrays = [a for a in (x, w, bias) if a is not None]
    if all(a.dtype.kind in "iu" for a in arrays):
        bound = _largest(x) * _largest(w) * taps + (_largest(bias) if bias is not None else 0)
        if bound > np.iinfo(np.int64).max:
            raise ValueError(
                f"integer inputs too large to convolve exactly: a sum can reach {bound:,} "
                f"(max|x| {_largest(x):,} x max|w| {_largest(w):,} x {taps} taps), beyond int64's "
                f"{np.iinfo(np.int64).max:,}; pass float arrays to accept rounding"
            )
        return np.dtype(np.int64)
    return np.result_type(*arrays, np.float64)


def conv2d(
    x: np.ndarray,
    w: np.ndarray,
    stride: int = 1,
    padding: int = 0,
    groups: int = 1,
    bias: np.ndarray | None = None,
) -> np.ndarray:
    """Reference 2-D convolution (cross-correlation, as deep-learning frameworks compute it).

    out[i, j, o] = bias[o] + sum_{u, v, c} x_pad[s i + u, s j + v, g(o) C_g + c] w[u, v, c, o]

    x is (H, W, C_in); w is (k, k, C_in / groups, C_out); bias is (C_out,) or None.
    Returns (H_out, W_out, C_out) with H_out = output_size(H, k, s, p).

    dtypes: integer inputs give an exact int64 result (sums are accumulated in
    int64, never in the inputs' narrower type; ValueError if even int64 could
    overflow); float inputs give float64 (float16 and float32 are widened, so
    long sums keep their digits); complex gives complex128; bool arrays are
    refused (convert them deliberately, e.g. ``x.astype(int)``), and so are NaN and infinity in x, w or
    bias, and a float result that overflows (ValueError, never a silent inf or nan).
    Work is bounded: more than ``MAX_CONV2D_MACS`` (10^11) multiply-accumulates or ``MAX_CONV2D_BYTES``
    (2 GiB) of gathered windows is refused before any is done.
    Vectorised: the input windows are a strided view and every group is one
    tensor contraction (a matrix multiply), with no Python loop over pixels.
    """
    x = _check_numeric_array("x", x, 3)
    w = _check_numeric_array("w", w, 4)
    stride = check_int("stride", stride, minimum=1)
    padding = check_int("padding", padding, minimum=0)
    groups = check_int("groups", groups, minimum=1)
    height, width, c_in = x.shape
    kernel, kernel_w, c_group, c_out = w.shape
    if kernel != kernel_w:
        raise ValueError(f"w must have a square kernel (k, k, C_in/groups, C_out), got shape {w.shape}")
    if kernel < 1 or c_group < 1 or c_out < 1 or height < 1 or width < 1 or c_in < 1:
        raise ValueError(f"x and w must have no empty axis, got x {x.shape} and w {w.shape}")
    if c_in % groups:
        raise ValueError(f"input channels must be divisible by groups: C_in = {c_in}, groups = {groups}")
    if c_out % groups:
        raise ValueError(f"output channels must be divisible by groups: C_out = {c_out}, groups = {groups}")
    if c_group != c_in // groups:
        raise ValueError(
            f"w.shape[2] must equal C_in / groups = {c_in} / {groups} = {c_in // groups}, got {c_group}"
        )
    if bias is not None:
        bias = _check_numeric_array("bias", bias, 1)
        if bias.shape != (c_out,):
            raise ValueError(f"bias must have shape (C_out,) = ({c_out},), got {bias.shape}")

    h_out, w_out = (output_size(size, kernel, stride, padding) for size in (height, width))
    macs = h_out * w_out * c_out * kernel * kernel * c_group
    copied = h_out * w_out * c_in * kernel * kernel * 16  # the windows, gathered for the matrix multiply
    if macs > MAX_CONV2D_MACS or copied > MAX_CONV2D_BYTES:
        raise ValueError(
            f"conv2d would do {macs:,} multiply-accumulates and gather {copied / 2**30:,.2f} GiB of windows; the "
            f"limits are {MAX_CONV2D_MACS:,} MACs (about 10 s) and {MAX_CONV2D_BYTES / 2**30:g} GiB: it is a "
            "reference implementation, meant for layers of a few hundred pixels a side"
        )
    for name, array in (("x", x), ("w", w), ("bias", bias)):
        if array is not None and array.dtype.kind in "fc" and not np.all(np.isfinite(array)):
            raise ValueError(f"{name} must contain only finite numbers (no NaN or infinity), got "
                             f"{int(np.size(array) - np.count_nonzero(np.isfinite(array)))} that are not")
    dtype = _accumulation_dtype(x, w, bias, kernel * kernel * c_group)
    x, w = x.astype(dtype, copy=False), w.astype(dtype, copy=False)
    x_pad = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
    # windows[i, j, c, u, v] = x_pad[s i + u, s j + v, c]: a view, nothing copied yet.
    # the stride-s slice of the n + 2p - k + 1 window starts leaves exactly H_out x W_out
    windows = sliding_window_view(x_pad, (kernel, kernel), axis=(0, 1))[::stride, ::stride]
    out_group = c_out // groups
    outputs = []
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, once
        for g in range(groups):  # one matrix multiply per group, never per pixel
            patch = windows[:, :, g * c_group : (g + 1) * c_group]  # (Ho, Wo, Cg, k, k)
            filters = w[:, :, :, g * out_group : (g + 1) * out_group]  # (k, k, Cg, Og)
            outputs.append(np.tensordot(patch, filters, axes=([3, 4, 2], [0, 1, 2])))
        out = outputs[0] if groups == 1 else np.concatenate(outputs, axis=2)
        if bias is not None:
            out = out + bias.astype(dtype, copy=False)
    if out.dtype.kind in "fc" and not np.all(np.isfinite(out)):
        raise ValueError(
            f"the result overflows float64 (past about 1.8e308): sums of {kernel * kernel * c_group:,} products of "
            f"x (max |x| {float(np.abs(x).max()):.3g}) and w (max |w| {float(np.abs(w).max()):.3g}); scale x or w down"
        )
    return out


# ---------------------------------------------------------------- bytes moved
# The memory traffic of one layer under a stated model, and its arithmetic intensity (MACs per byte).


def _grouped_layer(
    in_shape: tuple[int, int, int],
    out_channels: int,
    kernel: int,
    stride: int,
    padding: int,
    groups: int,
    batch: int,
) -> tuple[tuple[int, int, int], int, int, int, int, int, int]:
    """Checked arguments of a grouped layer: (in_shape, C_out, k, groups, batch) with H_out, W_out."""
    in_shape = check_shape3("in_shape", in_shape)
    out_channels = check_int("out_channels", out_channels, minimum=1)
    kernel = check_int("kernel", kernel, minimum=1)
    groups = check_int("groups", groups, minimum=1)
    batch = check_int("batch", batch, minimum=1)
    c_in = in_shape[2]
    if c_in % groups:
        raise ValueError(f"groups must divide the input channels: C_in = {c_in}, groups = {groups}")
    if out_channels % groups:
        raise ValueError(f"groups must divide out_channels: out_channels = {out_channels}, groups = {groups}")
    h_out, w_out = _spatial_out(in_shape, kernel, stride, padding)
    return in_shape, out_channels, kernel, groups, batch, h_out, w_out


def grouped_conv2d_macs(
    in_shape: tuple[int, int, int],
    out_channels: int,
    kernel: int,
    stride: int = 1,
    padding: int = 0,
    groups: int = 1,
    batch: int = 1,
) -> int:
    """Multiply-accumulates of a grouped k x k convolution over a batch of N inputs.

    macs = N H_out W_out C_out k^2 C_in / groups

    groups=1 is the standard convolution, groups=C_in with C_out=C_in the
    depthwise step, kernel=1 the pointwise step (padded zeros counted, as in
    every ``*_cost`` function).
    """
    in_shape, out_channels, kernel, groups, batch, h_out, w_out = _grouped_layer(
        in_shape, out_channels, kernel, stride, padding, groups, batch
    )
    return batch * h_out * w_out * out_channels * kernel * kernel * (in_shape[2] // groups)


def conv2d_bytes(
    in_shape: tuple[int, int, int],
    out_channels: int,
    kernel: int,
    stride: int = 1,
    padding: int = 0,
    groups: int = 1,
    bytes_per_element: int = 4,
    batch: int = 1,
) -> int:
    """Bytes moved by one grouped convolution under the "each element once" model.

    bytes = b (N H W C_in  +  k^2 (C_in / groups) C_out  +  N H_out W_out C_out)

    Model: every input element and every weight is read once and every output
    element written once; b = ``bytes_per_element`` (4 for float32, 2 for
    bfloat16, 8 for float64).  Padded zeros are not stored, so they move no
    bytes; biases are left out, as in the MAC count.  This is the least traffic
    a layer can have: real kernels re-read data that does not fit in cache.
    groups=C_in with out_channels=C_in gives the depthwise step, kernel=1 the
    pointwise step.
    """
    in_shape, out_channels, kernel, groups, batch, h_out, w_out = _grouped_layer(
        in_shape, out_channels, kernel, stride, padding, groups, batch
    )
    bytes_per_element = check_int("bytes_per_element", bytes_per_element, minimum=1)
    height, width, c_in = in_shape
    elements = (
        batch * height * width * c_in
        + kernel * kernel * (c_in // groups) * out_channels
        + batch * h_out * w_out * out_channels
    )
    return bytes_per_element * elements


def arithmetic_intensity(
    in_shape: tuple[int, int, int],
    out_channels: int,
    kernel: int,
    stride: int = 1,
    padding: int = 0,
    groups: int = 1,
    bytes_per_element: int = 4,
    batch: int = 1,
) -> float:
    """Arithmetic intensity of one grouped convolution, in MACs per byte moved.

    intensity = grouped_conv2d_macs(...) / conv2d_bytes(...)

    A layer whose intensity is below a machine's balance point (its peak MAC/s
    divided by its memory bandwidth in bytes/s) cannot keep the arithmetic
    units busy: memory traffic, not the MAC count, bounds its time.
    """
    macs = grouped_conv2d_macs(in_shape, out_channels, kernel, stride, padding, groups, batch)
    moved = conv2d_bytes(in_shape, out_channels, kernel, stride, padding, groups, bytes_per_element, batch)
    return macs / moved


# ---------------------------------------------------------------- whole networks
# A network described as data (a list of layers) and costed layer by layer with
# the counting rules above: no biases unless asked, padded positions counted.

#: What a layer can be.  ``standard``: k x k convolution over all input channels;
#: ``depthwise``: one k x k filter per channel; ``pointwise``: 1 x 1 convolution at
#: stride 1; ``fully_connected``: every input value to every output; ``avg_pool``
#: and ``softmax``: no weights and no MACs counted.
LAYER_KINDS = ("standard", "depthwise", "pointwise", "fully_connected", "avg_pool", "softmax")
_WEIGHTED_KINDS = ("standard", "depthwise", "pointwise", "fully_connected")


@dataclass(frozen=True)
class Layer:
    """One layer of a network, as data.

    kind:         one of :data:`LAYER_KINDS`
    in_channels:  channels the layer takes (inputs for ``fully_connected``: H W C of the
                  incoming volume, flattened); required for the kinds with weights, checked
                  against what the previous layer gives; None for ``avg_pool`` and ``softmax``
    out_channels: channels it gives (outputs for ``fully_connected``); for ``depthwise``
                  None or equal to ``in_channels``; None for ``avg_pool`` and ``softmax``
    kernel, stride, padding: as in :func:`output_size` (padding on each side);
                  ``pointwise``, ``fully_connected`` and ``softmax`` take kernel 1, stride 1,
                  padding 0; ``avg_pool`` takes padding 0
    name:         how errors and tables name the layer, e.g. ``"Conv dw / s2, 3x3x64 dw"``

    Impossible values raise ValueError (TypeError for a wrong type) naming the layer:
    stride < 1, padding < 0, padding > kernel - 1 (outputs that see only padded zeros).
    """

    kind: str
    in_channels: int | None = None
    out_channels: int | None = None
    kernel: int = 1
    stride: int = 1
    padding: int = 0
    name: str = ""

    @property
    def label(self) -> str:
        """``name`` if the layer has one, else its kind."""
        return self.name or self.kind

    def __post_init__(self) -> None:
        try:
            self._check()
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{self.label}: {exc}") from None

    def _check(self) -> None:
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str, got {self.name!r}")
        if self.kind not in LAYER_KINDS:
            raise ValueError(f"kind must be one of {', '.join(LAYER_KINDS)}, got {self.kind!r}")
        kernel = check_int("kernel", self.kernel, minimum=1)
        stride = check_int("stride", self.stride, minimum=1)
        padding = check_int("padding", self.padding, minimum=0)
        if padding > kernel - 1:
            raise ValueError(f"padding must be <= kernel - 1 = {kernel - 1}, got {padding} "
                             "(more padding only adds outputs that see nothing but zeros)")
        if self.kind in ("pointwise", "fully_connected", "softmax") and (kernel, stride, padding) != (1, 1, 0):
            raise ValueError(f"a {self.kind} layer takes kernel 1, stride 1, padding 0, "
                             f"got kernel {kernel}, stride {stride}, padding {padding}")
        if self.kind == "avg_pool" and padding:
            raise ValueError(f"an avg_pool layer takes padding 0, got {padding}")
        channels = {}
        for field_name in ("in_channels", "out_channels"):
            value = getattr(self, field_name)
            channels[field_name] = None if value is None else check_int(field_name, value, minimum=1)
        if self.kind in _WEIGHTED_KINDS and channels["in_channels"] is None:
            raise ValueError(f"a {self.kind} layer needs in_channels")
        if self.kind in ("standard", "pointwise", "fully_connected") and channels["out_channels"] is None:
            raise ValueError(f"a {self.kind} layer needs out_channels")
        if self.kind == "depthwise" and channels["out_channels"] not in (None, channels["in_channels"]):
            raise ValueError(f"a depthwise layer keeps its channels: out_channels must be None or "
                             f"in_channels = {channels['in_channels']}, got {channels['out_channels']}")
        if self.kind in ("avg_pool", "softmax") and (channels["in_channels"], channels["out_channels"]) != (None, None):
            raise ValueError(f"a {self.kind} layer keeps its channels: in_channels and out_channels must be None")
        for field_name, value in (("kernel", kernel), ("stride", stride), ("padding", padding), *channels.items()):
            object.__setattr__(self, field_name, value)


@dataclass(frozen=True)
class LayerCost:
    """One layer of a costed network: its place (1-based), shapes, weights and MACs."""

    index: int
    layer: Layer
    in_shape: tuple[int, int, int]
    out_shape: tuple[int, int, int]
    weights: int
    macs: int

    @property
    def label(self) -> str:
        """``layer 3 (Conv / s1, 1x1x32x64)``: how errors and tables name it."""
        return f"layer {self.index} ({self.layer.label})"


@dataclass(frozen=True)
class NetworkCost:
    """Size and work of a whole network, layer by layer and in total.

    weights = sum of the layers' weights,  macs = sum of the layers' MACs;
    ``weights_by_kind`` / ``macs_by_kind``: the same sums for each kind present,
    in the order of :data:`LAYER_KINDS`.
    """

    layers: tuple[LayerCost, ...]
    in_shape: tuple[int, int, int]
    bias: bool

    @property
    def out_shape(self) -> tuple[int, int, int]:
        return self.layers[-1].out_shape if self.layers else self.in_shape

    @property
    def weights(self) -> int:
        return sum(cost.weights for cost in self.layers)

    @property
    def macs(self) -> int:
        return sum(cost.macs for cost in self.layers)

    @property
    def flops(self) -> int:
        """Floating-point operations, counting one MAC as two FLOPs."""
        return 2 * self.macs

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of layer present, in the order of :data:`LAYER_KINDS`."""
        present = {cost.layer.kind for cost in self.layers}
        return tuple(kind for kind in LAYER_KINDS if kind in present)

    @property
    def weights_by_kind(self) -> dict[str, int]:
        return {kind: sum(c.weights for c in self.layers if c.layer.kind == kind) for kind in self.kinds}

    @property
    def macs_by_kind(self) -> dict[str, int]:
        return {kind: sum(c.macs for c in self.layers if c.layer.kind == kind) for kind in self.kinds}

    def share(self, kind: str, of: str = "macs") -> Fraction:
        """The exact fraction of the network's ``macs`` (or ``weights``) that layers of ``kind`` hold."""
        if of not in ("macs", "weights"):
            raise ValueError(f"of must be 'macs' or 'weights', got {of!r}")
        if kind not in LAYER_KINDS:
            raise ValueError(f"kind must be one of {', '.join(LAYER_KINDS)}, got {kind!r}")
        total = getattr(self, of)
        if total == 0:
            raise ValueError(f"the network has no {of}: no share to take")
        return Fraction(getattr(self, f"{of}_by_kind").get(kind, 0), total)


def layer_cost(
    layer: Layer, in_shape: tuple[int, int, int], bias: bool = False
) -> tuple[tuple[int, int, int], int, int]:
    """(out_shape, weights, macs) of ``layer`` on an (H, W, C) input; the formulas of the ``*_cost`` functions:

    standard        weights = k^2 C_in C_out,  macs = H_out W_out C_out k^2 C_in
    depthwise       weights = k^2 C,           macs = H_out W_out C k^2
    pointwise       weights = C_in C_out,      macs = H W C_in C_out
    fully_connected weights = F_in F_out,      macs = F_in F_out   (F_in = H W C, output 1 x 1 x F_out)
    avg_pool        no weights, no MACs counted; output H_out x W_out x C
    softmax         no weights, no MACs counted; output = input

    ``bias=True`` adds one bias per output channel (per channel for depthwise).
    Raises ValueError when the input does not suit the layer (channels, kernel larger than the padded input).
    """
    if not isinstance(layer, Layer):
        raise TypeError(f"layer must be a Layer, got {layer!r}")
    in_shape = check_shape3("in_shape", in_shape)
    bias = check_bool("bias", bias)
    height, width, channels = in_shape
    kind = layer.kind
    if kind == "fully_connected":
        if layer.in_channels != height * width * channels:
            raise ValueError(f"input values do not chain: the layer takes {layer.in_channels:,}, but the incoming "
                             f"{height} x {width} x {channels} volume holds {height * width * channels:,}")
        out = layer.out_channels
        return (1, 1, out), layer.in_channels * out + (out if bias else 0), layer.in_channels * out
    if layer.in_channels is not None and layer.in_channels != channels:
        raise ValueError(f"channels do not chain: the layer takes C_in = {layer.in_channels}, "
                         f"but its input has {channels}")
    if kind == "softmax":
        return in_shape, 0, 0
    h_out, w_out = _spatial_out(in_shape, layer.kernel, layer.stride, layer.padding)
    if kind == "avg_pool":
        return (h_out, w_out, channels), 0, 0
    if kind == "depthwise":
        cost = depthwise_conv2d_cost(in_shape, layer.kernel, layer.stride, layer.padding, bias)
    else:  # standard, or pointwise (kernel 1, stride 1, padding 0, checked by Layer)
        cost = conv2d_cost(in_shape, layer.out_channels, layer.kernel, layer.stride, layer.padding, bias)
    return cost.out_shape, cost.weights, cost.macs


def network_cost(layers: Sequence[Layer], in_shape: tuple[int, int, int], bias: bool = False) -> NetworkCost:
    """Cost a network layer by layer: each layer's input is the previous layer's output.

    Counting conventions as in this module's ``*_cost`` functions: weights without
    biases (unless ``bias=True``), MACs of the dense computation with padded
    positions counted; pooling and softmax count neither weights nor MACs.

    A layer list that does not chain (channels, or a kernel larger than its padded
    input) raises one ValueError that names the layer: ``layer 3 (Conv / s1): ...``.
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError(f"layers must be a sequence of Layer, got {layers!r}")
    in_shape = check_shape3("in_shape", in_shape)
    bias = check_bool("bias", bias)
    costs: list[LayerCost] = []
    shape = in_shape
    for index, layer in enumerate(layers, start=1):
        if not isinstance(layer, Layer):
            raise TypeError(f"layer {index}: must be a Layer, got {layer!r}")
        try:
            out_shape, weights, macs = layer_cost(layer, shape, bias)
        except ValueError as exc:
            raise ValueError(
                f"layer {index} ({layer.label}), input {shape[0]} x {shape[1]} x {shape[2]}: {exc}"
            ) from None
        costs.append(
            LayerCost(index=index, layer=layer, in_shape=shape, out_shape=out_shape, weights=weights, macs=macs)
        )
        shape = out_shape
    return NetworkCost(layers=tuple(costs), in_shape=in_shape, bias=bias)


__all__ += ["LAYER_KINDS", "Layer", "LayerCost", "NetworkCost", "layer_cost", "network_cost"]
