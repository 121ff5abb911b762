"""Drawings of a small fully connected network, generated from its layer sizes and labels.

Used in ``book/problem3_backprop.ipynb`` to draw the network three times:
with its weights, with its forward values, and with its gradients.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from hwlib.figures import book_styled
from hwlib.naming import plain_label


def _node_positions(layer_sizes: Sequence[int]) -> list[list[tuple[float, float]]]:
    """Layer l at x = l; its units centred on y = 0, one unit apart, first unit on top."""
    return [[(float(layer), (size - 1) / 2 - unit) for unit in range(size)] for layer, size in enumerate(layer_sizes)]


@book_styled
def plot_network(
    layer_sizes: Sequence[int],
    node_labels: Sequence[Sequence[str]],
    edge_labels: Sequence[Sequence[Sequence[str]]],
    title: str,
    layer_titles: Sequence[str] | None = None,
    edge_label_position: float = 0.3,
) -> Figure:
    """Draw layers left to right; ``edge_labels[l][i][j]`` labels the edge from unit i of layer l to unit j of
    layer l+1.

    ``node_labels[l][i]`` is written inside unit i of layer l.  Labels may use
    matplotlib's mathtext ($...$).
    """
    positions = _node_positions(layer_sizes)
    tallest = max(layer_sizes)
    fig, ax = plt.subplots(figsize=(2.9 * len(layer_sizes), 1.7 * tallest + 1.4))
    for layer in range(len(layer_sizes) - 1):
        for i, (x0, y0) in enumerate(positions[layer]):
            for j, (x1, y1) in enumerate(positions[layer + 1]):
                ax.plot([x0, x1], [y0, y1], color="0.55", linewidth=1.2, zorder=1)
                f = edge_label_position
                ax.text(
                    x0 + f * (x1 - x0), y0 + f * (y1 - y0), edge_labels[layer][i][j],
                    ha="center", va="center", fontsize=12, zorder=3,
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "0.8"},
                )
    for layer, column in enumerate(positions):
        for unit, (x, y) in enumerate(column):
            ax.add_patch(plt.Circle((x, y), 0.3, facecolor="#dbe9f6", edgecolor="#3070b0", linewidth=1.5, zorder=2))
            ax.text(x, y, node_labels[layer][unit], ha="center", va="center", fontsize=12, zorder=4)
        if layer_titles:
            ax.text(column[0][0], (tallest - 1) / 2 + 0.75, layer_titles[layer], ha="center", va="bottom", fontsize=13)
    ax.set_xlim(-0.6, len(layer_sizes) - 0.4)
    ax.set_ylim(-(tallest - 1) / 2 - 0.6, (tallest - 1) / 2 + 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def describe_network(
    layer_sizes: Sequence[int],
    node_labels: Sequence[Sequence[str]],
    edge_labels: Sequence[Sequence[Sequence[str]]],
    title: str,
    layer_titles: Sequence[str] | None = None,
) -> str:
    """Alt text for :func:`plot_network` with the same labels: every unit and every edge, in words.

    A node label's first line is the unit's name, its other lines its value
    (``"$x_1$\\n1"`` reads "x₁ = 1"); mathtext is written as plain Unicode.
    """
    if len(node_labels) != len(layer_sizes) or len(edge_labels) != len(layer_sizes) - 1:
        raise ValueError(f"node_labels and edge_labels must match layer_sizes {list(layer_sizes)}")

    def name(layer: int, unit: int) -> str:
        return plain_label(node_labels[layer][unit].split("\n")[0])

    def node(layer: int, unit: int) -> str:
        first, *rest = node_labels[layer][unit].split("\n")
        value = plain_label("\n".join(rest))
        return f"{plain_label(first)} = {value}" if value else plain_label(first)

    titles = list(layer_titles) if layer_titles else [f"layer {layer}" for layer in range(len(layer_sizes))]
    layers = "; ".join(
        f"{titles[layer]}: " + ", ".join(node(layer, unit) for unit in range(size))
        for layer, size in enumerate(layer_sizes)
    )
    edges = "; ".join(
        f"{name(layer, i)} → {name(layer + 1, j)}: {plain_label(edge_labels[layer][i][j])}"
        for layer in range(len(layer_sizes) - 1)
        for i in range(layer_sizes[layer])
        for j in range(layer_sizes[layer + 1])
    )
    arrow = " → ".join(f"{size} unit{'s' if size != 1 else ''}" for size in layer_sizes)
    return f"{plain_label(title)}. A network drawn left to right, {arrow}. Units, {layers}. Edges, {edges}."
