# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% tags=["remove-cell"]
# The cells of Problem 1's section "What the count does not tell", to paste into
# book/problem1_separable.ipynb after the answer box (before "Compared with the
# handwritten solution").  THIS cell only serves to run the section alone
# (from book/: jupytext --execute); in the chapter, the Given and Step 1 define
# these names, so leave this cell out.  Nothing here runs the benchmark.
from hwlib import conv
from hwlib.transcription import load_given

_given = load_given(1)
in_shape, out_shape, kernel = tuple(_given["in_shape"]), tuple(_given["out_shape"]), _given["kernel"]
c_out = out_shape[2]
padding, stride = conv.solve_padding_stride(in_shape[0], out_shape[0], kernel)[0]

# %% [markdown]
# (p1-speed)=
# ## What the count does not tell: measured time
#
# The count says how much arithmetic each layer does, not how long it takes.
# A processor also spends time moving data between memory and its arithmetic
# units, and a fixed time on every call (dispatching the operation, launching a
# kernel, starting threads) however few MACs the call holds. Ma et al. make the
# point for whole networks in *ShuffleNet V2* (2018): FLOPs are an indirect
# measure of speed, and two layers with the same count can run at very
# different speeds. Fewer MACs therefore need not mean proportionally less
# time, and the only way to know is to measure.
#
# Two quantities explain most of the gap:
#
# * the **arithmetic intensity** of a step, the MACs it performs per byte it
#   moves. Under the simplest model, every input element and weight is read
#   once and every output element written once, so with $b$ bytes per element
#   and a batch of $N$ inputs
#   $\text{bytes} = b\,(N H W C_\text{in} + k^2 C_\text{in} C_\text{out}/g + N H_\text{out} W_\text{out} C_\text{out})$,
#   where $g$ is the number of groups ($g = C_\text{in}$ for the depthwise
#   step). The depthwise step performs only $k^2$ MACs per output element, so
#   its intensity stays low whatever the layer's width;
# * the machine's **balance point**, its peak rate of MACs per second divided
#   by its memory bandwidth in bytes per second. A step whose intensity lies
#   below it cannot keep the arithmetic units busy: memory traffic, not the MAC
#   count, sets its time.
#
# For the layer of this problem, in 32-bit floats and one input at a time,
# `hwlib.conv` gives:

# %%
h_mid, w_mid, _ = conv.depthwise_conv2d_cost(
    in_shape, kernel, stride, padding).out_shape
c_in = in_shape[2]
steps = {  # in_shape, out_channels, kernel, stride, padding, groups
    "standard": (in_shape, c_out, kernel, stride, padding, 1),
    "depthwise": (in_shape, c_in, kernel, stride, padding, c_in),
    "pointwise": ((h_mid, w_mid, c_in), c_out, 1, 1, 0, 1),
}
step_macs = {name: conv.grouped_conv2d_macs(*args)
             for name, args in steps.items()}
step_bytes = {name: conv.conv2d_bytes(*args, bytes_per_element=4)
              for name, args in steps.items()}
intensity = {name: step_macs[name] / step_bytes[name] for name in steps}
assert all(intensity[name] == conv.arithmetic_intensity(*args)
           for name, args in steps.items())

# %% tags=["remove-input"]
from IPython.display import Markdown

from hwlib import fmt

Markdown(
    "| step | MACs | bytes moved (float32, batch 1) | MACs per byte |\n|---|--:|--:|--:|\n"
    + "\n".join(f"| {name} | {fmt.number(step_macs[name])} | {fmt.number(step_bytes[name])} "
                f"| {fmt.number(intensity[name], 3)} |" for name in steps)
)

# %% [markdown]
# ### Measured
#
# The script `benchmarks/separable_speed.py` times, with PyTorch, the standard
# layer, the separable layer and each of its two steps, for several batch sizes,
# on the homework's layer and on a larger layer shaped like those of MobileNet.
# It records with every measurement the machine, the library versions, the date
# and the machine's load, and it measures the machine's balance point with a
# large matrix product (MACs per second) and a large copy (bytes per second).
# This page only reads the committed file (`hwlib/data/separable_speed.csv`):
# building the book never runs the benchmark, so the numbers change only when
# someone measures again. Everything below is generated from that file.

# %%
from hwlib import speed

# the committed CSV, shipped with hwlib: speed.default_csv()
measurements = speed.load_measurements()

# %% tags=["remove-input"]
Markdown(speed.speed_markdown(measurements))

# %% tags=["hide-input"] mystnb={"figure": {"caption": "Measured time of the separable layer divided by that of the standard layer, against the batch size, for each measured machine and layer. The dashed lines are the MAC ratios, the time ratio that counting alone would predict; the dotted line marks equal time.", "name": "fig-separable-speed"}}
import matplotlib.pyplot as plt

speed.plot_time_ratios(measurements)
plt.show()

# %% tags=["remove-input"]
Markdown("*The figure in words:* " + speed.time_ratios_alt_text(measurements))

# %% [markdown]
# The measurements, as medians over repeated rounds (the CSV also keeps their
# spread), and the balance points:

# %% tags=["remove-input"]
Markdown(speed.measurements_table(measurements) + "\n" + speed.balance_table(measurements))
