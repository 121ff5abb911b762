"""hwlib: the helper package of the executable worked solutions.

Modules, one job each:

* :mod:`hwlib.conv`    -- convolution arithmetic, costs and a reference conv2d (Problems 1 and 2)
* :mod:`hwlib.network` -- a small fully connected network with hand-written backprop (Problem 3)
"""

__version__ = "0.1.0"
