"""Problem 1 at network scale: MobileNet v1 costed layer by layer and checked against its paper.

A fixed network, the same for every Given: :func:`facts` costs MobileNet v1 and its "Conv MobileNet"
(:mod:`hwlib.mobilenet`, :func:`hwlib.conv.network_cost`) and sets every recomputed figure beside the one the
paper prints; the other functions word the facts (templates ``hwlib/templates/problem1/network_*.md``) and
build the tables of the section "From one layer to a network" of ``book/problem1_separable.ipynb``.

Conventions: those of :mod:`hwlib.conv` (no biases, padded positions counted, pooling and softmax count no
MACs).  A recomputed figure *agrees* with the paper when, rounded to the digits the paper prints, it is the
printed value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache

from hwlib import conv, fmt, mobilenet, words
from hwlib.worked.markdown import dims, table

__all__ = [
    "KINDS",
    "Block",
    "Comparison",
    "Facts",
    "differences_text",
    "facts",
    "fold",
    "layer_table",
    "lesson_text",
    "shares_table",
    "stride_text",
    "totals_table",
]

#: The layer types of the paper's Table 2, in its order.
KINDS = ("pointwise", "depthwise", "standard", "fully_connected")
MILLION = 10**6


@dataclass(frozen=True)
class Comparison:
    """One figure: recomputed (exact, in the paper's unit) beside the paper's printed value."""

    what: str
    where: str
    exact: Fraction
    printed: Decimal

    @property
    def rounded(self) -> Decimal:
        return mobilenet.rounded_like(self.exact, self.printed)

    @property
    def agrees(self) -> bool:
        return self.rounded == self.printed


@dataclass(frozen=True)
class Block:
    """Consecutive layers shown as one row of the layer table: ``layers`` repeated ``times`` times."""

    layers: tuple[conv.LayerCost, ...]
    times: int

    @property
    def first(self) -> int:
        return self.layers[0].index

    @property
    def last(self) -> int:
        return self.first + len(self.layers) * self.times - 1


@dataclass(frozen=True)
class Facts:
    """Everything the section states, computed."""

    table: mobilenet.Table
    conv_table: mobilenet.Table
    reconciled: mobilenet.Reconciled
    conv_reconciled: mobilenet.Reconciled
    cost: conv.NetworkCost              # MobileNet v1, strides reconciled
    conv_cost: conv.NetworkCost         # Conv MobileNet, strides reconciled
    printed_error: str                  # what costing Table 1 exactly as printed raises
    printed_macs: int                   # MACs with the printed stride (the pool averaging what it gets)
    paper: mobilenet.Published
    layer_standard: conv.Cost           # the internal layer of the paper's Table 3
    layer_separable: conv.SeparableCost

    @property
    def correction(self) -> mobilenet.Correction:
        """The one stride of Table 1 that its own Input Size column contradicts."""
        return self.reconciled.corrections[0]

    @property
    def weighted_layers(self) -> int:
        return sum(1 for c in self.cost.layers if c.layer.kind in KINDS)

    def totals(self) -> tuple[Comparison, ...]:
        rows = []
        for name, cost in (("mobilenet_v1", self.cost), ("conv_mobilenet_v1", self.conv_cost)):
            model, macs, weights = self.paper.totals[name]
            rows.append(Comparison(f"{model}, million mult-adds", "Table 4", Fraction(cost.macs, MILLION), macs))
            rows.append(Comparison(f"{model}, million parameters", "Table 4", Fraction(cost.weights, MILLION), weights))
        rows.append(Comparison("MobileNet, layers with weights", "Section 3.2", Fraction(self.weighted_layers),
                               Decimal(self.paper.layers_with_weights)))
        for step, cost in (("standard", self.layer_standard), ("separable", self.layer_separable)):
            row, macs, weights = self.paper.layer[step]
            label = f"one {dims(self.paper.layer_shape)} layer, {row.lower()}"
            rows.append(Comparison(f"{label}, million mult-adds", "Table 3", Fraction(cost.macs, MILLION), macs))
            rows.append(Comparison(f"{label}, million parameters", "Table 3", Fraction(cost.weights, MILLION), weights))
        return tuple(rows)

    def shares(self, of: str) -> dict[str, Comparison]:
        """Table 2, recomputed: kind -> the share of ``of`` ('macs' or 'weights') in percent."""
        column = 1 if of == "macs" else 2
        return {kind: Comparison(f"{self.paper.shares[kind][0]}, % of {'mult-adds' if of == 'macs' else 'parameters'}",
                                 "Table 2", 100 * self.cost.share(kind, of), self.paper.shares[kind][column])
                for kind in KINDS}

    def paper_column_sum(self, of: str) -> Decimal:
        return sum((c.printed for c in self.shares(of).values()), Decimal(0))

    @property
    def disagreements(self) -> tuple[Comparison, ...]:
        return tuple(c for c in (*self.totals(), *self.shares("macs").values(), *self.shares("weights").values())
                     if not c.agrees)

    def block_ratios(self) -> list[tuple[int, Fraction]]:
        """(C_out, MACs of the separable block / MACs of the standard 3x3 layer that replaces it), per block."""
        convs = [c for c in self.conv_cost.layers if c.layer.kind == "standard"][1:]
        separable = [c for c in self.cost.layers if c.layer.kind in ("depthwise", "pointwise")]
        pairs = list(zip(separable[::2], separable[1::2]))
        if len(pairs) != len(convs):
            raise ValueError("the two networks must have one standard layer per separable block")
        return [(pw.out_shape[2], Fraction(dw.macs + pw.macs, full.macs)) for (dw, pw), full in zip(pairs, convs)]


@cache
def facts() -> Facts:
    """Cost both networks and gather the paper's figures (computed once: the network is fixed)."""
    table, conv_table = mobilenet.load_table("mobilenet_v1"), mobilenet.load_table("conv_mobilenet_v1")
    try:
        conv.network_cost(table.layers(), table.in_shape)
    except ValueError as exc:
        printed_error = str(exc)
    else:
        raise ValueError("Table 1 as printed was expected not to chain")
    reconciled, conv_reconciled = mobilenet.reconcile(table), mobilenet.reconcile(conv_table)
    if len(reconciled.corrections) != 1:
        raise ValueError(f"expected one contradicted stride in Table 1, found {len(reconciled.corrections)}")
    cost = conv.network_cost(reconciled.layers, table.in_shape)
    conv_cost = conv.network_cost(conv_reconciled.layers, conv_table.in_shape)
    # the printed stride: every layer as printed, except that a pool averages all it gets
    shape, printed_macs = table.in_shape, 0
    for layer in table.layers():
        if layer.kind == "avg_pool" and shape[0] == shape[1] < layer.kernel:
            layer = conv.Layer("avg_pool", kernel=shape[0], name=layer.name)
        shape, _, macs = conv.layer_cost(layer, shape)
        printed_macs += macs
    paper = mobilenet.published()
    padding = (paper.layer_kernel - 1) // 2
    return Facts(
        table=table, conv_table=conv_table, reconciled=reconciled, conv_reconciled=conv_reconciled, cost=cost,
        conv_cost=conv_cost, printed_error=printed_error, printed_macs=printed_macs, paper=paper,
        layer_standard=conv.conv2d_cost(paper.layer_shape, paper.layer_out_channels, paper.layer_kernel, 1, padding),
        layer_separable=conv.depthwise_separable_cost(paper.layer_shape, paper.layer_out_channels,
                                                      paper.layer_kernel, 1, padding),
    )


# ---------------------------------------------------------------- tables


def _same(a: conv.LayerCost, b: conv.LayerCost) -> bool:
    return (a.layer, a.in_shape) == (b.layer, b.in_shape)


def fold(costs: tuple[conv.LayerCost, ...], longest: int = 4) -> list[Block]:
    """The layers in blocks: each maximal run of a group of up to ``longest`` layers repeated back to back
    becomes one block (the group, times the repeats); every other layer is a block of itself, once."""
    blocks: list[Block] = []
    i = 0
    while i < len(costs):
        best = (1, 1)  # (period, times)
        for period in range(1, longest + 1):
            times = 1
            while i + period * (times + 1) <= len(costs) and all(
                    _same(costs[i + j], costs[i + period * times + j]) for j in range(period)):
                times += 1
            if times > 1 and period * times > best[0] * best[1]:
                best = (period, times)
        period, times = best
        blocks.append(Block(layers=tuple(costs[i:i + period]), times=times))
        i += period * times
    return blocks


def _shape(shape: tuple[int, ...]) -> str:
    return dims(shape)


def _filter(text: str) -> str:
    """A filter shape as printed ("3x3x1024 dw"), written as the book writes numbers: 3 × 3 × 1,024 dw."""
    return re.sub(r"\d+", lambda m: fmt.number(int(m.group(0))), text).replace("x", " × ")


def layer_table(f: Facts | None = None) -> str:
    """MobileNet v1 layer by layer (a run of identical layers shown once, with how many times it repeats)."""
    f = f or facts()
    rows_of = dict(zip(range(1, len(f.cost.layers) + 1), f.table.expanded()))
    corrected = {c.index: c for c in f.reconciled.corrections}
    lines = []
    for block in fold(f.cost.layers):
        types, filters = [], []
        for cost in block.layers:
            row = rows_of[cost.index]
            kind = f"{row.type} / s{cost.layer.stride}"
            if cost.index in corrected:
                kind += f" (printed s{corrected[cost.index].row.stride})"
            types.append(kind)
            filters.append(_filter(row.filter_shape))
        weights = sum(c.weights for c in block.layers)
        macs = sum(c.macs for c in block.layers)
        if block.times == 1:
            where = fmt.number(block.first)
            kind, shapes = " + ".join(types), " + ".join(filters)
            weight_text, mac_text = fmt.number(weights), fmt.number(macs)
        else:
            where = f"{fmt.number(block.first)}–{fmt.number(block.last)}"
            kind = f"{fmt.number(block.times)} × ({', '.join(types)})"
            shapes = "; ".join(filters)
            weight_text = f"{fmt.number(block.times)} × {fmt.number(weights)} = {fmt.number(block.times * weights)}"
            mac_text = f"{fmt.number(block.times)} × {fmt.number(macs)} = {fmt.number(block.times * macs)}"
        lines.append((where, kind, shapes, _shape(block.layers[0].in_shape), _shape(block.layers[-1].out_shape),
                      weight_text, mac_text))
    lines.append(("", "**total**", "", _shape(f.cost.in_shape), _shape(f.cost.out_shape),
                  f"**{fmt.number(f.cost.weights)}**", f"**{fmt.number(f.cost.macs)}**"))
    return table(("layer", "type / stride", "filter shape", "input", "output", "weights", "MACs"), lines,
                 align="lllllrr")


def _verdict(c: Comparison) -> str:
    return "agrees" if c.agrees else "**differs**"


def _decimal(value: Decimal) -> str:
    text = format(value, "f")
    whole, _, decimals = text.partition(".")
    return fmt.number(int(whole)) + (f".{decimals}" if decimals else "")


def totals_table(f: Facts | None = None) -> str:
    """Totals (Table 4), the layer count (Section 3.2) and Table 3's layer, recomputed beside the paper."""
    f = f or facts()
    rows = [(c.what, c.where, fmt.number(float(c.exact), 10), _decimal(c.rounded), _decimal(c.printed), _verdict(c))
            for c in f.totals()]
    return table(("figure", "in the paper", "recomputed", "rounded as printed", "paper", ""), rows, align="llrrrl")


def _percent(value: Decimal) -> str:
    return f"{_decimal(value)}%"


def shares_table(f: Facts | None = None) -> str:
    """The paper's Table 2 recomputed: each layer type's mult-adds and parameters, count and share."""
    f = f or facts()
    macs, weights = f.shares("macs"), f.shares("weights")
    rows = []
    for kind in KINDS:
        m, w = macs[kind], weights[kind]
        rows.append((f.paper.shares[kind][0], fmt.number(f.cost.macs_by_kind[kind]),
                     _percent(m.rounded), _percent(m.printed) if m.agrees else f"**{_percent(m.printed)}**",
                     fmt.number(f.cost.weights_by_kind[kind]),
                     _percent(w.rounded), _percent(w.printed) if w.agrees else f"**{_percent(w.printed)}**"))
    rows.append(("all four", fmt.number(sum(f.cost.macs_by_kind[k] for k in KINDS)), "100%",
                 _percent(f.paper_column_sum("macs")), fmt.number(sum(f.cost.weights_by_kind[k] for k in KINDS)),
                 "100%", _percent(f.paper_column_sum("weights"))))
    return table(("type (Table 2)", "mult-adds", "share", "paper", "parameters", "share", "paper"), rows,
                 align="lrrrrrr")


# ---------------------------------------------------------------- words


def stride_text(f: Facts | None = None) -> str:
    """Why Table 1 as printed does not chain, which stride is right, and the arithmetic."""
    f = f or facts()
    c = f.correction
    k, p = c.row.layer().kernel, c.row.padding
    return words.render(
        "problem1/network_stride.md", error=f.printed_error, index=c.index, row=c.row, kernel=k, padding=p,
        n=c.in_shape[0], printed_out=c.printed_out_shape[0], listed_out=c.listed_out_shape, stride=c.stride,
        in_shape=c.in_shape, filter=_filter(c.row.filter_shape),
        printed_macs=f.printed_macs, macs=f.cost.macs,
        printed_millions=mobilenet.rounded_like(Fraction(f.printed_macs, MILLION), f.paper.totals["mobilenet_v1"][1]),
        paper_millions=f.paper.totals["mobilenet_v1"][1],
        total_confirms=(mobilenet.rounded_like(Fraction(f.cost.macs, MILLION), f.paper.totals["mobilenet_v1"][1])
                        == f.paper.totals["mobilenet_v1"][1] != mobilenet.rounded_like(
                            Fraction(f.printed_macs, MILLION), f.paper.totals["mobilenet_v1"][1])),
        pool=next(x.layer for x in f.cost.layers if x.layer.kind == "avg_pool"),
        conv_corrections=[(x.index, x.row.type, x.row.stride, x.stride, _filter(x.row.filter_shape))
                          for x in f.conv_reconciled.corrections],
    )


def differences_text(f: Facts | None = None) -> str:
    """Every figure of the paper that the recount contradicts, which is right, with the arithmetic."""
    f = f or facts()
    shares = []
    for of in ("macs", "weights"):
        column = f.shares(of)
        for kind, c in column.items():
            if c.agrees:
                continue
            others = sum((o.printed for k, o in column.items() if k != kind), Decimal(0))
            implied = Decimal(100) - others
            shares.append(dict(
                comparison=c, kind=kind, type=f.paper.shares[kind][0], of="mult-adds" if of == "macs" else "parameters",
                count=getattr(f.cost, f"{of}_by_kind")[kind], total=getattr(f.cost, of),
                column_sum=f.paper_column_sum(of), others=others, implied=implied,
                implied_agrees=abs(implied - c.rounded) <= Decimal("0.02"),
                four_hold_all=sum(getattr(f.cost, f"{of}_by_kind")[k] for k in KINDS) == getattr(f.cost, of),
                swapped=sorted(str(c.printed)) == sorted(str(c.rounded)) and c.printed != c.rounded))
    totals = []
    for c in f.totals():
        if c.agrees:
            continue
        name = "conv_mobilenet_v1" if c.what.startswith(f.paper.totals["conv_mobilenet_v1"][0]) else "mobilenet_v1"
        cost = f.conv_cost if name == "conv_mobilenet_v1" else f.cost
        other_name = "mobilenet_v1" if name == "conv_mobilenet_v1" else "conv_mobilenet_v1"
        other_cost = f.cost if name == "conv_mobilenet_v1" else f.conv_cost
        if not c.what.endswith("mult-adds"):
            totals.append(dict(comparison=c, explained=None))
            continue
        explained = None
        for kind in KINDS:
            part = cost.macs_by_kind.get(kind, 0)
            without = cost.macs - part
            if part and mobilenet.rounded_like(Fraction(without, MILLION), c.printed) == c.printed:
                other_without = other_cost.macs - other_cost.macs_by_kind.get(kind, 0)
                other_printed = f.paper.totals[other_name][1]
                explained = dict(kind=kind, type=f.paper.shares[kind][0], part=part, without=without,
                                 other_model=f.paper.totals[other_name][0], other_printed=other_printed,
                                 other_without=other_without,
                                 other_without_rounded=mobilenet.rounded_like(Fraction(other_without, MILLION),
                                                                              other_printed))
                break
        totals.append(dict(comparison=c, count=cost.macs, gap=cost.macs - int(Fraction(c.printed) * MILLION),
                           gap_share=float((c.exact - Fraction(c.printed)) / c.exact), explained=explained,
                           model=f.paper.totals[name][0]))
    return words.render("problem1/network_differences.md", shares=shares, totals=totals,
                        agreeing=sum(1 for c in (*f.totals(), *f.shares("macs").values(), *f.shares("weights").values())
                                     if c.agrees),
                        compared=len(f.totals()) + 2 * len(KINDS), percent=_percent, decimal=_decimal)


def lesson_text(f: Facts | None = None) -> str:
    """Where MobileNet's work and weights are, and what that means for the one-layer saving 1/C_out + 1/k²."""
    f = f or facts()
    macs, weights = f.shares("macs"), f.shares("weights")
    ratios = f.block_ratios()
    kernel = next(c.layer.kernel for c in f.cost.layers if c.layer.kind == "depthwise")
    replaced = sum(c.macs for c in f.conv_cost.layers if c.layer.kind == "standard") - f.cost.macs_by_kind["standard"]
    separable = f.cost.macs_by_kind["depthwise"] + f.cost.macs_by_kind["pointwise"]
    widest = max(ratios, key=lambda r: r[0])
    narrowest = min(ratios, key=lambda r: r[0])
    claim_kernel, low, high = f.paper.claim
    if claim_kernel != kernel:
        raise ValueError(f"the paper's claim is about {claim_kernel} x {claim_kernel} layers, "
                         f"MobileNet's are {kernel} x {kernel}")
    # 1/C + 1/k^2 <= 1/low  <=>  C >= 1 / (1/low - 1/k^2)
    bound = 1 / (1 / Fraction(low) - Fraction(1, kernel**2))
    reaches_low = bound.numerator // bound.denominator + (1 if bound.denominator > 1 else 0)
    within = sum(1 for _, r in ratios if Fraction(1, Fraction(high)) <= r <= Fraction(1, Fraction(low)))
    return words.render(
        "problem1/network_lesson.md", kernel=kernel, k2=kernel**2, low=low, high=high, reaches_low=reaches_low,
        within=within, below=[c for c, r in ratios if r > Fraction(1, Fraction(low))],
        pointwise=macs["pointwise"].rounded, pointwise_weights=weights["pointwise"].rounded,
        depthwise=macs["depthwise"].rounded, depthwise_weights=weights["depthwise"].rounded,
        fc=macs["fully_connected"].rounded, fc_weights=weights["fully_connected"].rounded,
        fc_count=f.cost.weights_by_kind["fully_connected"],
        blocks=len(ratios), narrowest=narrowest[0], narrowest_saving=float(1 / narrowest[1]),
        widest=widest[0], widest_saving=float(1 / widest[1]),
        blocks_follow_formula=all(r == Fraction(1, c) + Fraction(1, kernel**2) for c, r in ratios),
        replaced=replaced, separable=separable, separable_ratio=float(Fraction(separable, replaced)),
        pointwise_ratio=Fraction(f.cost.macs_by_kind["pointwise"], replaced),
        depthwise_ratio=float(Fraction(f.cost.macs_by_kind["depthwise"], replaced)),
        network_saving=float(Fraction(f.conv_cost.macs, f.cost.macs)),
        weight_saving=float(Fraction(f.conv_cost.weights, f.cost.weights)),
        percent=_percent,
    )
