"""Figures for the convolution chapters, drawn from parameters (never by hand).

In the spirit of Dumoulin & Visin's convolution-arithmetic figures: the padded
input grid with a few of the kernel's positions, beside the output grid with
the cells those positions produce.  Used in ``book/problem2_padding.ipynb``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from hwlib.conv import output_size
from hwlib.figures import book_styled
from hwlib.givens import MAX_FIGURE_CELLS

_COLOURS = ("tab:red", "tab:orange", "tab:green", "tab:purple")

#: The most cells per side the figure draws (each cell is drawn; beyond this they are too small to see);
#: hwlib.givens refuses a Problem 2 Given whose figure would need more, at the page's first use of it.
MAX_CELLS_PER_SIDE = MAX_FIGURE_CELLS


def _squares(cells: np.ndarray, size: int) -> np.ndarray:
    """Unit squares, as (N, 4, 2) corner coordinates, for (row, col) cells of a grid of ``size`` rows (row 0 on top)."""
    corners = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
    origin = np.stack([cells[:, 1], size - 1 - cells[:, 0]], axis=1).astype(float)
    return origin[:, None, :] + corners[None, :, :]


def _positions_to_show(o: int) -> list[tuple[int, int]]:
    """Output cells whose windows are drawn: the four corners, without repeats."""
    corners = [(0, 0), (0, o - 1), (o - 1, 0), (o - 1, o - 1)]
    return list(dict.fromkeys(corners))


@book_styled
def plot_padded_grid(n: int, kernel: int, stride: int = 1, padding: int = 0) -> Figure:
    """Draw an n x n input with ``padding`` rings of zeros and the k x k windows at stride s.

    Left: the padded input (input cells blue, padding white with dashed edges),
    with the windows that produce the four corner outputs outlined in colour.
    Right: the o x o output, o = floor((n + 2p - k)/s) + 1, with those cells filled.
    """
    o = output_size(n, kernel, stride, padding)
    size = n + 2 * padding
    if size > MAX_CELLS_PER_SIDE:
        raise ValueError(
            f"n + 2*padding must be <= {MAX_CELLS_PER_SIDE} cells per side to draw every cell, "
            f"got {size} (n={n}, padding={padding})"
        )
    fig, (ax_in, ax_out) = plt.subplots(
        1, 2, figsize=(9, 4.6), gridspec_kw={"width_ratios": [size, max(o, 1)]}
    )
    # one collection per kind of cell, its squares computed at once (no Rectangle per cell);
    # the limits are set below, so the collections need not measure their extent (slow for 10^5 cells)
    rows, cols = np.indices((size, size)).reshape(2, -1)
    inside = (padding <= rows) & (rows < padding + n) & (padding <= cols) & (cols < padding + n)
    grid = np.stack([rows, cols], axis=1)
    ax_in.add_collection(
        PolyCollection(_squares(grid[inside], size), facecolor="#9ecae1", edgecolor="0.35", linewidth=0.6),
        autolim=False,
    )
    if padding:
        ax_in.add_collection(
            PolyCollection(
                _squares(grid[~inside], size), facecolor="white", edgecolor="0.6", linestyle="--", linewidth=0.6
            ),
            autolim=False,
        )
    for colour, (i, j) in zip(_COLOURS, _positions_to_show(o)):
        top, left = stride * i, stride * j
        ax_in.add_patch(
            Rectangle(
                (left + 0.08, size - top - kernel + 0.08), kernel - 0.16, kernel - 0.16,
                fill=False, edgecolor=colour, linewidth=2.2,
            )
        )
        ax_out.add_patch(Rectangle((j, o - 1 - i), 1, 1, facecolor=colour, alpha=0.75))
    out_cells = np.stack(np.indices((o, o)).reshape(2, -1), axis=1)
    ax_out.add_collection(
        PolyCollection(_squares(out_cells, o), facecolor="none", edgecolor="0.35", linewidth=0.6), autolim=False
    )
    ax_in.set_title(f"padded input: i = {n}, p = {padding} (size {size}), k = {kernel}, s = {stride}")
    ax_out.set_title(f"output: o = {o}")
    for ax, extent in ((ax_in, size), (ax_out, o)):
        ax.set_xlim(-0.2, extent + 0.2)
        ax.set_ylim(-0.2, extent + 0.2)
        ax.set_aspect("equal")
        ax.set_xlabel("column")
        ax.set_ylabel("row")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("Kernel positions on the zero-padded input and the outputs they produce")
    fig.tight_layout()
    return fig


def describe_padded_grid(n: int, kernel: int, stride: int = 1, padding: int = 0) -> str:
    """Alt text for :func:`plot_padded_grid` with the same arguments, its numbers written out.

    o = floor((n + 2p - k)/s) + 1, the windows drawn are those of the corner outputs.
    """
    from hwlib.fmt import number

    o = output_size(n, kernel, stride, padding)
    corners = len(_positions_to_show(o))
    size = n + 2 * padding
    ring = "no padding" if padding == 0 else f"{number(padding)} ring{'s' if padding > 1 else ''} of zero padding"
    where = (
        "the position that produces the only output"
        if corners == 1
        else f"the {corners} positions that produce the corner outputs"
    )
    return (
        f"Left: a {number(n)} × {number(n)} input with {ring} ({number(size)} × {number(size)} in all), "
        f"with the {number(kernel)} × {number(kernel)} kernel outlined at {where}, stride {number(stride)}. "
        f"Right: the {number(o)} × {number(o)} output, o = ⌊({number(n)} + 2·{number(padding)} − {number(kernel)})/"
        f"{number(stride)}⌋ + 1 = {number(o)}, with those cells filled in the same colours."
    )
