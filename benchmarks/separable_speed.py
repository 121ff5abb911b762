"""Measured time of a standard versus a depthwise separable convolution (PyTorch).

    .venv/bin/pip install -r benchmarks/requirements.txt && .venv/bin/python benchmarks/separable_speed.py

Options: ``--quick`` (fewer batches and repeats, a smoke run), ``--device cpu``
or ``--device cuda`` (default: the CPU, and CUDA too when it is present),
``--out PATH`` (default ``hwlib/data/separable_speed.csv``: package data, which
the book reads through ``hwlib.speed.default_csv()``), ``--append``
(add rows to an existing file, e.g. a GPU run beside committed CPU rows),
``--threads N`` (CPU threads; default: PyTorch's own choice).

Problem 1 of the book counts multiply-accumulates (MACs); this script measures
what they cost in time.  For two layers, the homework's (30x30x20 -> 15x15x40,
k = 3, s = 2, p = 1) and a MobileNet-like one (56x56x128 -> 56x56x128, k = 3,
s = 1, p = 1), it times with ``torch.nn.functional.conv2d``:

* ``standard``:  one k x k convolution, C_in -> C_out;
* ``depthwise``: the k x k step with ``groups=C_in`` (stride and padding here);
* ``pointwise``: the 1 x 1 step, C_in -> C_out, on the depthwise output;
* ``separable``: depthwise then pointwise, as one call of the layer;

for several batch sizes and dtypes, under ``torch.inference_mode()``.  Each
time is per call: warm-up calls first, then ``repeats`` rounds; in each round
every operation of the configuration is timed once over ``calls_per_repeat``
back-to-back calls (the operations take turns, so a burst of load from another
process hits all of them alike).  The CSV keeps the median over the rounds and
the spread (quartiles, minimum, maximum).

Two more measurements per device and dtype give the machine's balance point:
``matmul`` (a large n x n matrix product: achieved MACs per second) and
``copy`` (a large tensor copy: bytes per second, counting the read and the
write).  ``hwlib.speed`` divides the one by the other (MACs per byte) and
compares it with each step's arithmetic intensity (``hwlib.conv``).

On CUDA, ``torch.cuda.synchronize()`` runs right before the clock starts and
right before it stops (the timer passed to ``torch.utils.benchmark.Timer``), so
a time covers the kernels a call launched, not only the launch.  The calls of a
round run back to back, as the layers of a network's forward pass do: on a GPU
a small call then costs the larger of its launch time and its kernel time.  PyTorch's
defaults are kept (cuDNN may use TF32 for float32 convolutions; float32 matrix
products do not) and are recorded.

Every row carries its provenance: device name, PyTorch/numpy/Python versions,
the date (UTC), the number of CPU threads and the 1-minute load average when it
was measured.  The book only reads the committed CSV; it never runs this script.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

try:
    import torch
    import torch.nn.functional as F
    from torch.utils.benchmark import Timer
except ImportError:  # PyTorch is an optional extra, never a dependency of the book
    sys.exit("PyTorch is not installed: .venv/bin/pip install -r benchmarks/requirements.txt")

from hwlib import conv

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "hwlib" / "data" / "separable_speed.csv"  # package data: the book reads it (hwlib.speed)

COLUMNS = [
    "kind", "layer", "op", "device", "device_name", "dtype", "bytes_per_element", "batch",
    "in_h", "in_w", "in_c", "out_c", "kernel", "stride", "padding", "size",
    "macs", "bytes", "repeats", "calls_per_repeat",
    "median_s", "q1_s", "q3_s", "min_s", "max_s",
    "threads", "load_avg_1min", "date_utc", "torch_version", "numpy_version", "python_version",
    "platform", "settings",
]


@dataclass(frozen=True)
class Layer:
    name: str
    in_shape: tuple[int, int, int]  # (H, W, C_in), the homework's order
    out_channels: int
    kernel: int
    stride: int
    padding: int


LAYERS = (
    Layer("homework", (30, 30, 20), 40, kernel=3, stride=2, padding=1),
    Layer("mobilenet", (56, 56, 128), 128, kernel=3, stride=1, padding=1),
)
DTYPES = {"float32": torch.float32, "float64": torch.float64, "bfloat16": torch.bfloat16,
          "float16": torch.float16}


def cpu_name() -> str:
    """The CPU model from /proc/cpuinfo (or platform), with the number of logical CPUs."""
    name = platform.processor() or platform.machine() or "unknown CPU"
    try:
        found = re.findall(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        name = found[0].strip() if found else name
    except OSError:
        pass
    return f"{name} ({os.cpu_count()} logical CPUs)"


def cpu_has_bf16() -> bool:
    """Whether the CPU has native bfloat16 arithmetic (AVX-512 BF16 or AMX); else bf16 is emulated."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return bool(re.search(r"\b(avx512_bf16|amx_bf16)\b", flags))


def device_name(device: torch.device) -> str:
    return torch.cuda.get_device_name(device) if device.type == "cuda" else cpu_name()


def make_clock(device: torch.device):
    """The timer for ``torch.utils.benchmark.Timer``: on CUDA it waits for the GPU first."""
    if device.type == "cuda":
        def clock() -> float:
            torch.cuda.synchronize(device)
            return time.perf_counter()
        return clock
    return time.perf_counter


def settings_note(device: torch.device) -> str:
    if device.type == "cuda":
        return (f"cudnn {torch.backends.cudnn.version()}; cudnn.allow_tf32={torch.backends.cudnn.allow_tf32}; "
                f"matmul.allow_tf32={torch.backends.cuda.matmul.allow_tf32}; "
                f"cudnn.benchmark={torch.backends.cudnn.benchmark}")
    return f"mkldnn={torch.backends.mkldnn.is_available()}"


def measure(statements: dict[str, str], env: dict, device: torch.device, *, warmup: int,
            repeats: int, target_s: float, threads: int) -> dict[str, tuple[list[float], int]]:
    """Per-call times of each statement: ``repeats`` rounds, the statements taking turns.

    Returns {name: ([seconds per call in each round], calls per round)}.
    """
    clock = make_clock(device)
    timers = {name: Timer(stmt, globals=env, timer=clock, num_threads=threads)
              for name, stmt in statements.items()}
    calls = {}
    for name, timer in timers.items():
        # warm-up (allocator, kernel selection, caches): `warmup` calls, fewer for a slow call
        first = timer.timeit(1).median
        extra = min(warmup - 1, math.ceil(0.2 / max(first, 1e-9)))
        if extra > 0:
            timer.timeit(extra)
        single = timer.timeit(1).median
        calls[name] = max(1, math.ceil(target_s / max(single, 1e-9)))
    rounds: dict[str, list[float]] = {name: [] for name in timers}
    names = list(timers)
    for r in range(repeats):
        for name in names[r % len(names):] + names[: r % len(names)]:
            rounds[name].append(timers[name].timeit(calls[name]).median)
    return {name: (rounds[name], calls[name]) for name in names}


def spread(times: list[float]) -> dict[str, float]:
    q1, _, q3 = statistics.quantiles(times, n=4, method="inclusive") if len(times) > 1 else (times[0],) * 3
    return {"median_s": statistics.median(times), "q1_s": q1, "q3_s": q3,
            "min_s": min(times), "max_s": max(times)}


def provenance(device: torch.device, name: str, threads: int) -> dict:
    return {
        "device": device.type, "device_name": name, "threads": threads,
        "load_avg_1min": f"{os.getloadavg()[0]:.2f}",
        "date_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "torch_version": torch.__version__, "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}", "settings": settings_note(device),
    }


def layer_rows(layer: Layer, batch: int, dtype_name: str, device: torch.device, name: str,
               args) -> list[dict]:
    dtype = DTYPES[dtype_name]
    b = torch.tensor([], dtype=dtype).element_size()
    height, width, c_in = layer.in_shape
    c_out, k, s, p = layer.out_channels, layer.kernel, layer.stride, layer.padding
    gen = torch.Generator().manual_seed(0)

    def rand(*shape):
        return torch.randn(*shape, generator=gen).to(device=device, dtype=dtype)

    x = rand(batch, c_in, height, width)  # PyTorch's (N, C, H, W)
    w_standard = rand(c_out, c_in, k, k)
    w_depthwise = rand(c_in, 1, k, k)
    w_pointwise = rand(c_out, c_in, 1, 1)
    with torch.inference_mode():
        y_depthwise = F.conv2d(x, w_depthwise, stride=s, padding=p, groups=c_in)
    env = dict(F=F, x=x, y=y_depthwise, ws=w_standard, wd=w_depthwise, wp=w_pointwise,
               s=s, p=p, c=c_in)
    statements = {
        "standard": "F.conv2d(x, ws, stride=s, padding=p)",
        "depthwise": "F.conv2d(x, wd, stride=s, padding=p, groups=c)",
        "pointwise": "F.conv2d(y, wp)",
        "separable": "F.conv2d(F.conv2d(x, wd, stride=s, padding=p, groups=c), wp)",
    }
    h_mid, w_mid = y_depthwise.shape[2], y_depthwise.shape[3]
    counts = {
        "standard": [(layer.in_shape, c_out, k, s, p, 1)],
        "depthwise": [(layer.in_shape, c_in, k, s, p, c_in)],
        "pointwise": [((h_mid, w_mid, c_in), c_out, 1, 1, 0, 1)],
    }
    counts["separable"] = counts["depthwise"] + counts["pointwise"]
    with torch.inference_mode():
        times = measure(statements, env, device, warmup=args.warmup, repeats=args.repeats,
                        target_s=args.target_s, threads=args.threads)
    rows = []
    for op, (op_times, calls) in times.items():
        macs = sum(conv.grouped_conv2d_macs(*c, batch=batch) for c in counts[op])
        moved = sum(conv.conv2d_bytes(*c, bytes_per_element=b, batch=batch) for c in counts[op])
        rows.append({
            "kind": "conv", "layer": layer.name, "op": op, "dtype": dtype_name, "bytes_per_element": b,
            "batch": batch, "in_h": height, "in_w": width, "in_c": c_in, "out_c": c_out, "kernel": k,
            "stride": s, "padding": p, "size": 0, "macs": macs, "bytes": moved,
            "repeats": len(op_times), "calls_per_repeat": calls, **spread(op_times),
            **provenance(device, name, args.threads),
        })
    return rows


def balance_rows(dtype_name: str, device: torch.device, name: str, args) -> list[dict]:
    """A large matrix product (MAC/s) and a large copy (bytes/s) in this dtype."""
    dtype = DTYPES[dtype_name]
    b = torch.tensor([], dtype=dtype).element_size()
    n = args.matmul_n
    elements = args.copy_elements
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=gen).to(device=device, dtype=dtype)
    bm = torch.randn(n, n, generator=gen).to(device=device, dtype=dtype)
    src = torch.randn(elements, generator=gen).to(device=device, dtype=dtype)
    dst = torch.empty_like(src)
    env = dict(torch=torch, a=a, b=bm, out=torch.empty_like(a), src=src, dst=dst)
    statements = {"matmul": "torch.matmul(a, b, out=out)", "copy": "dst.copy_(src)"}
    with torch.inference_mode():
        times = measure(statements, env, device, warmup=2, repeats=args.repeats,
                        target_s=args.target_s, threads=args.threads)
    work = {"matmul": (n, n ** 3, 3 * n * n * b), "copy": (elements, 0, 2 * elements * b)}
    rows = []
    for op, (op_times, calls) in times.items():
        size, macs, moved = work[op]
        rows.append({
            "kind": op, "layer": "", "op": op, "dtype": dtype_name, "bytes_per_element": b, "batch": 0,
            "in_h": 0, "in_w": 0, "in_c": 0, "out_c": 0, "kernel": 0, "stride": 0, "padding": 0,
            "size": size, "macs": macs, "bytes": moved, "repeats": len(op_times),
            "calls_per_repeat": calls, **spread(op_times), **provenance(device, name, args.threads),
        })
    return rows


def default_dtypes(device: torch.device) -> list[str]:
    if device.type == "cuda":
        return ["float32", "bfloat16"]
    # float64 runs natively on every CPU; bfloat16 only where the CPU has it (else it is emulated)
    return ["float32", "float64"] + (["bfloat16"] if cpu_has_bf16() else [])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="batches 1 and 16, fewer repeats (a smoke run)")
    parser.add_argument("--device", choices=["cpu", "cuda"], action="append",
                        help="device to measure (repeatable); default: cpu, and cuda when present")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="CSV to write")
    parser.add_argument("--append", action="store_true", help="add rows to an existing CSV")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: PyTorch's)")
    parser.add_argument("--batches", type=int, nargs="+", default=None)
    parser.add_argument("--dtypes", nargs="+", choices=sorted(DTYPES), default=None)
    args = parser.parse_args(argv)

    if args.threads is not None:
        if args.threads < 1:
            parser.error(f"--threads must be >= 1, got {args.threads}")
        torch.set_num_threads(args.threads)
    args.threads = torch.get_num_threads()
    devices = args.device or (["cpu"] + (["cuda"] if torch.cuda.is_available() else []))
    if "cuda" in devices and not torch.cuda.is_available():
        parser.error("--device cuda: no CUDA device is available")
    batches = args.batches or ([1, 16] if args.quick else [1, 4, 16, 64])
    args.repeats = 3 if args.quick else 7
    args.warmup = 2 if args.quick else 5

    args.out.parent.mkdir(parents=True, exist_ok=True)
    append = args.append and args.out.exists()
    if append:
        with args.out.open(newline="") as handle:
            header = next(csv.reader(handle), None)
        if header != COLUMNS:
            sys.exit(f"{args.out}: its columns differ from this script's; write a new file with --out")
    written = 0
    # rows are written as they are measured, so an interrupted run keeps what it measured
    with args.out.open("a" if append else "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        if not append:
            writer.writeheader()

        def write(rows: list[dict]) -> None:
            nonlocal written
            for row in rows:
                writer.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in row.items()})
            handle.flush()
            written += len(rows)

        for device_type in devices:
            device = torch.device(device_type)
            name = device_name(device)
            gpu = device.type == "cuda"
            args.target_s = (0.005 if args.quick else 0.05) if gpu else (0.002 if args.quick else 0.02)
            args.matmul_n = (4096 if args.quick else 8192) if gpu else (512 if args.quick else 2048)
            args.copy_elements = (1 << 26 if args.quick else 1 << 28) if gpu else (1 << 22 if args.quick else 1 << 25)
            for dtype_name in args.dtypes or default_dtypes(device):
                print(f"{name}, {dtype_name}: matmul and copy", flush=True)
                write(balance_rows(dtype_name, device, name, args))
                for layer in LAYERS:
                    for batch in batches:
                        new = layer_rows(layer, batch, dtype_name, device, name, args)
                        write(new)
                        t = {r["op"]: r["median_s"] for r in new}
                        print(f"  {layer.name:9} batch {batch:3}: standard {t['standard'] * 1e3:9.3f} ms, "
                              f"separable {t['separable'] * 1e3:9.3f} ms, "
                              f"ratio {t['separable'] / t['standard']:.2f}  (load {new[-1]['load_avg_1min']})",
                              flush=True)
                if gpu:
                    torch.cuda.empty_cache()
    print(f"wrote {written} rows to {args.out}")


if __name__ == "__main__":
    main()
