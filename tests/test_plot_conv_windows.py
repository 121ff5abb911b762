"""The padded-grid figure puts each drawn window where the convolution reads it, at any stride."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # tests only: no window

import pytest

from hwlib.conv import output_size
from hwlib.plot_conv import plot_padded_grid


@pytest.mark.parametrize(("n", "k", "s", "p"), [(7, 3, 2, 1), (9, 2, 3, 0), (10, 3, 3, 2), (6, 1, 4, 0)])
def test_windows_start_at_stride_times_output_index(n, k, s, p):
    fig = plot_padded_grid(n, k, s, p)
    ax_in, ax_out = fig.axes
    o = output_size(n, k, s, p)
    size = n + 2 * p
    # output cell (i, j) is drawn at (j, o - 1 - i); its window at column s*j, rows s*i .. s*i + k - 1 from the top
    outputs = {(round(r.get_x()), round(o - 1 - r.get_y())) for r in ax_out.patches}
    windows = {(round(r.get_x() - 0.08), round(size - (r.get_y() - 0.08) - k)) for r in ax_in.patches}
    expected_cells = {(j, i) for i in (0, o - 1) for j in (0, o - 1)}
    assert outputs == expected_cells
    assert windows == {(s * j, s * i) for j, i in expected_cells}
    for r in ax_in.patches:  # every window lies inside the padded input and is k wide
        assert round(r.get_width() + 0.16) == k and 0 <= r.get_x() and r.get_x() + r.get_width() <= size
    matplotlib.pyplot.close(fig)
