"""Tests of the figure modules: drawn from parameters, with titles and labels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # tests only: no window; the notebooks keep the inline backend

import pytest
from matplotlib.patches import Circle

from hwlib.plot_conv import plot_padded_grid
from hwlib.plot_network import plot_network


@pytest.mark.parametrize(("n", "k", "s", "p"), [(20, 3, 1, 1), (5, 3, 2, 1), (4, 1, 1, 0), (7, 4, 3, 2)])
def test_padded_grid_draws_every_cell_and_the_corner_windows(n, k, s, p):
    fig = plot_padded_grid(n, k, s, p)
    ax_in, ax_out = fig.axes
    o = (n + 2 * p - k) // s + 1
    corners = len({(0, 0), (0, o - 1), (o - 1, 0), (o - 1, o - 1)})
    input_cells = sum(len(c.get_paths()) for c in ax_in.collections)
    assert input_cells == (n + 2 * p) ** 2  # every input and padding cell
    assert len(ax_in.collections) == (2 if p else 1)  # padding drawn apart from the input
    assert len(ax_in.patches) == corners  # one outlined window per corner output
    assert sum(len(c.get_paths()) for c in ax_out.collections) == o * o
    assert len(ax_out.patches) == corners
    assert f"k = {k}" in ax_in.get_title() and f"o = {o}" in ax_out.get_title()
    assert fig._suptitle is not None and ax_in.get_xlabel() == "column"
    matplotlib.pyplot.close(fig)


def test_padded_grid_rejects_a_kernel_that_does_not_fit():
    with pytest.raises(ValueError, match="kernel must fit"):
        plot_padded_grid(2, 5, 1, 0)


def test_network_drawing_has_a_node_per_unit_and_a_label_per_edge():
    sizes = [2, 3, 1]
    nodes = [[f"n{l}{i}" for i in range(n)] for l, n in enumerate(sizes)]
    edges = [[[f"e{l}{i}{j}" for j in range(sizes[l + 1])] for i in range(sizes[l])] for l in range(2)]
    fig = plot_network(sizes, nodes, edges, "title", layer_titles=["in", "hidden", "out"])
    (ax,) = fig.axes
    assert sum(isinstance(p, Circle) for p in ax.patches) == 6
    texts = {t.get_text() for t in ax.texts}
    assert {"e000", "e012", "e120", "n12", "n20", "hidden"} <= texts
    assert len([t for t in texts if t.startswith("e")]) == 2 * 3 + 3 * 1
    assert ax.get_title() == "title"
    matplotlib.pyplot.close(fig)


def test_a_large_grid_draws_every_cell_and_a_larger_one_is_refused_clearly():
    """300 cells a side drew in 27 s as one Rectangle object per cell; now the cells are computed at once."""
    from hwlib.plot_conv import MAX_CELLS_PER_SIDE

    fig = plot_padded_grid(300, 3, 1, 1)
    ax_in, ax_out = fig.axes
    assert sum(len(c.get_paths()) for c in ax_in.collections) == 302**2
    assert sum(len(c.get_paths()) for c in ax_out.collections) == 300**2
    matplotlib.pyplot.close(fig)
    with pytest.raises(ValueError, match=rf"n \+ 2\*padding must be <= {MAX_CELLS_PER_SIDE} cells per side.*got 402"):
        plot_padded_grid(400, 3, 1, 1)


@pytest.mark.parametrize(("n", "k", "s", "p"), [(7, 3, 2, 1), (9, 3, 3, 0), (10, 4, 3, 2)])
def test_padded_grid_windows_sit_where_the_stride_puts_them(n, k, s, p):
    """The window of output (i, j) starts at padded row s*i, column s*j (drawn with y pointing up)."""
    fig = plot_padded_grid(n, k, s, p)
    ax_in, ax_out = fig.axes
    size, o = n + 2 * p, (n + 2 * p - k) // s + 1
    corners = list(dict.fromkeys([(0, 0), (0, o - 1), (o - 1, 0), (o - 1, o - 1)]))
    for window, cell, (i, j) in zip(ax_in.patches, ax_out.patches, corners):
        left, bottom = window.get_xy()
        assert (round(left), round(size - bottom - window.get_height())) == (s * j, s * i)
        assert round(window.get_width() + 0.16) == k
        assert cell.get_xy() == (j, o - 1 - i)
    matplotlib.pyplot.close(fig)


def test_padded_grid_alt_text_states_its_numbers():
    from hwlib.plot_conv import describe_padded_grid

    alt = describe_padded_grid(20, 3, 1, 1)
    assert "20 × 20 input with 1 ring of zero padding (22 × 22 in all)" in alt
    assert "3 × 3 kernel" in alt and "4 positions" in alt and "= 20, with" in alt
    wide = describe_padded_grid(1200, 5, 2, 2)  # o = floor((1200 + 4 - 5)/2) + 1 = 600
    assert "1,200 × 1,200" in wide and "2 rings" in wide and "600 × 600 output" in wide
    assert "the position that produces the only output" in describe_padded_grid(3, 3, 1, 0)


def test_network_alt_text_names_every_unit_and_edge_with_its_value():
    from hwlib.plot_network import describe_network

    sizes = [2, 3, 1]
    nodes = [[f"$x_{{{i + 1}}}$\n{-i}" for i in range(2)], [f"$y_{{{i + 1}}}$" for i in range(3)], ["$z$\n9"]]
    edges = [[[f"$w^{{{l + 1}}}_{{{i + 1}{j + 1}}} = {i + j}$" for j in range(sizes[l + 1])] for i in range(sizes[l])]
             for l in range(2)]
    alt = describe_network(sizes, nodes, edges, "Forward pass: loss 9", ["input", "hidden", "output"])
    assert alt.startswith("Forward pass: loss 9.")
    assert "input: x₁ = 0, x₂ = −1" in alt and "output: z = 9" in alt
    assert alt.split("Edges, ")[1].count("→") == 2 * 3 + 3 * 1  # every edge, once
    assert "x₂ → y₃: w¹₂₃ = 3" in alt and "y₃ → z: w²₃₁ = 2" in alt
    with pytest.raises(ValueError, match="must match layer_sizes"):
        describe_network(sizes, nodes[:2], edges, "t")
