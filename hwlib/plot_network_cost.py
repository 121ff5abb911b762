"""Where a network's work and weights are: bars per layer, coloured by the kind of layer.

Drawn from a :class:`hwlib.conv.NetworkCost` (never by hand), with an alt text written from the same numbers
(:func:`describe_cost_by_layer`).  Used in the section "From one layer to a network" of
``book/problem1_separable.ipynb``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from hwlib import conv, fmt
from hwlib.figures import book_styled

__all__ = ["KIND_NAMES", "describe_cost_by_layer", "plot_cost_by_layer"]

#: How the figure names each kind of layer.
KIND_NAMES = {
    "standard": "standard convolution",
    "depthwise": "depthwise convolution",
    "pointwise": "1 × 1 (pointwise) convolution",
    "fully_connected": "fully connected",
    "avg_pool": "average pool",
    "softmax": "softmax",
}
_COLOURS = {"standard": "tab:red", "depthwise": "tab:orange", "pointwise": "tab:blue", "fully_connected": "tab:green",
            "avg_pool": "tab:gray", "softmax": "tab:gray"}


def _percent(share: float) -> str:
    return f"{fmt.number(round(100 * share, 2))}%"


@book_styled
def plot_cost_by_layer(cost: conv.NetworkCost, title: str = "") -> Figure:
    """Two bar charts sharing the layer axis: millions of MACs and millions of weights of each layer, each bar
    coloured by its kind; the legend gives each kind's share of all MACs and of all weights."""
    if not isinstance(cost, conv.NetworkCost):
        raise TypeError(f"cost must be a hwlib.conv.NetworkCost, got {cost!r}")
    if not cost.macs or not cost.weights:
        raise ValueError("cost must have MACs and weights to draw their shares")
    index = [c.index for c in cost.layers]
    colours = [_COLOURS[c.layer.kind] for c in cost.layers]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6.4), sharex=True)
    top.bar(index, [c.macs / 1e6 for c in cost.layers], color=colours)
    bottom.bar(index, [c.weights / 1e6 for c in cost.layers], color=colours)
    top.set_ylabel("million MACs")
    bottom.set_ylabel("million weights")
    bottom.set_xlabel("layer")
    if title:
        top.set_title(title)
    kinds = [k for k in cost.kinds if cost.macs_by_kind[k] or cost.weights_by_kind[k]]
    handles = [Patch(color=_COLOURS[k], label=f"{KIND_NAMES[k]}: {_percent(cost.share(k))} of MACs, "
                                              f"{_percent(cost.share(k, 'weights'))} of weights") for k in kinds]
    fig.legend(handles=handles, loc="lower center", ncol=1, bbox_to_anchor=(0.5, -0.01 - 0.045 * len(kinds)),
               frameon=False)
    for ax in (top, bottom):
        ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def describe_cost_by_layer(cost: conv.NetworkCost, name: str = "the network") -> str:
    """The alt text of :func:`plot_cost_by_layer`, from the same numbers."""
    if not isinstance(cost, conv.NetworkCost):
        raise TypeError(f"cost must be a hwlib.conv.NetworkCost, got {cost!r}")
    parts = []
    for kind in cost.kinds:
        layers = [c for c in cost.layers if c.layer.kind == kind]
        if not (cost.macs_by_kind[kind] or cost.weights_by_kind[kind]):
            continue
        macs = sorted({c.macs for c in layers})
        spread = (f"{fmt.number(macs[0] / 1e6, 3)} million MACs" if len(macs) == 1 else
                  f"{fmt.number(macs[0] / 1e6, 3)} to {fmt.number(macs[-1] / 1e6, 3)} million MACs each")
        parts.append(f"{KIND_NAMES[kind]} ({len(layers)} {'bar' if len(layers) == 1 else 'bars'}, {spread}): "
                     f"{_percent(cost.share(kind))} of all MACs and "
                     f"{_percent(cost.share(kind, 'weights'))} of all weights")
    heaviest = sorted(cost.layers, key=lambda c: c.weights, reverse=True)[:2]
    heavy = " and ".join(f"layer {c.index} ({KIND_NAMES[c.layer.kind]}, {fmt.number(c.weights)} weights)"
                         for c in heaviest)
    return (f"Two bar charts of {name}, one bar per layer ({len(cost.layers)} layers), coloured by the kind of "
            f"layer: above, the millions of multiply-accumulates (MACs) of each layer, {fmt.number(cost.macs)} in "
            f"all; below, its millions of weights, {fmt.number(cost.weights)} in all. By kind: {'; '.join(parts)}. "
            f"The largest weight bars are {heavy}.")
