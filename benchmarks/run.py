"""Benchmarks: measure, report the median of several runs, and write a Markdown table.

    python benchmarks/run.py [--runs 3] [--quick]

Writes ``benchmarks/results.md`` and copies its table into README.md between
the ``<!-- benchmarks:start -->`` and ``<!-- benchmarks:end -->`` markers.
This is a script that measures, not a test: it asserts nothing about times.

What it measures:

* the book's build: cold (empty execution cache, so every notebook runs), warm
  rebuild with nothing changed, rebuild after a prose-only edit, rebuild after
  an ``hwlib`` change; all in a temporary copy of the repository, with a copy of
  hwlib first on PYTHONPATH so the repository itself is never touched;
* ``pytest --nbval`` (the README's test command) and its floor: as many
  notebooks that only import numpy, sympy, matplotlib and hwlib, run the same
  way (``benchmarks/suite_speed.py``), alternated in the same run;
* the practice pages' share of the cold build: cold builds with and without
  them, alternated;
* ``hwlib.conv.conv2d`` in multiply-accumulates per second, against numpy's
  matrix multiply doing the same number of MACs;
* ``hwlib.symbolic_network.symbolic_gradients`` (with ``evaluate()``) on
  networks of depth 2-9 and width 2-10, for every activation: one table per
  activation, one run per cell by default (``--symbolic-runs``);
* each page of the built book: ready with its formulas typeset, against the
  same page with the math script blocked (``benchmarks/math_ready.py``).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.md"
MARK_CLASS = ROOT / "benchmarks" / "mark_class.md"
BIN = Path(sys.executable).parent


def median_time(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(command: list[str], cwd: Path, env: dict | None = None) -> None:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        names = re.findall(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = names[0].strip() if names else cpu
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, numpy {np.__version__}, "
            f"{platform.system()} {platform.machine()}")


# ------------------------------------------------------------------ builds
def bench_builds(runs: int) -> list[tuple[str, float]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(
            ROOT, book, ignore=shutil.ignore_patterns("_build", ".venv", "venv", ".git", "__pycache__", "*.egg-info")
        )
        lib = Path(tmp) / "lib"
        shutil.copytree(ROOT / "hwlib", lib / "hwlib", ignore=shutil.ignore_patterns("__pycache__"))
        env = dict(os.environ, PYTHONPATH=str(lib))
        build = [str(BIN / "jupyter-book"), "build", str(book)]
        notebook = book / "book" / "problem1_separable.ipynb"
        conv = lib / "hwlib" / "conv.py"

        def cold():
            shutil.rmtree(book / "_build", ignore_errors=True)
            run(build, book, env)

        rows.append(("cold build (empty cache: every notebook executes)", median_time(cold, runs)))
        rows.append(("rebuild, nothing changed", median_time(lambda: run(build, book, env), runs)))
        counter = iter(range(10**6))

        def prose_edit():
            text = notebook.read_text(encoding="utf-8")
            edited = text.replace("Change these numbers", f"Change these numbers{' ' * (next(counter) % 2)}", 1)
            notebook.write_text(edited, encoding="utf-8")
            run(build, book, env)

        rows.append(("rebuild after a prose-only edit", median_time(prose_edit, runs)))

        def hwlib_edit():
            conv.write_text(conv.read_text(encoding="utf-8") + f"# benchmark edit {next(counter)}\n", encoding="utf-8")
            run(build, book, env)

        rows.append(("rebuild after an hwlib change (every notebook executes)", median_time(hwlib_edit, runs)))
    return rows


# ------------------------------------------------------------------ practice pages' cost
def bench_practice_cost(runs: int) -> list[tuple[str, float]]:
    """Cold builds with and without the practice pages (their lines taken out of _toc.yml), alternated."""
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(
            ROOT, book, ignore=shutil.ignore_patterns("_build", ".venv", "venv", ".git", "__pycache__", "*.egg-info")
        )
        lib = Path(tmp) / "lib"
        shutil.copytree(ROOT / "hwlib", lib / "hwlib", ignore=shutil.ignore_patterns("__pycache__"))
        env = dict(os.environ, PYTHONPATH=str(lib))
        toc = book / "_toc.yml"
        full = toc.read_text(encoding="utf-8")
        without = "".join(line for line in full.splitlines(keepends=True) if "book/practice_" not in line)

        def cold(text: str) -> float:
            toc.write_text(text, encoding="utf-8")
            shutil.rmtree(book / "_build", ignore_errors=True)
            start = time.perf_counter()
            run([str(BIN / "jupyter-book"), "build", str(book)], book, env)
            return time.perf_counter() - start

        times: dict[str, list[float]] = {"with": [], "without": []}
        for _ in range(runs):  # alternated, so that a change in the machine's load falls on both
            times["without"].append(cold(without))
            times["with"].append(cold(full))
    with_pages, without_pages = statistics.median(times["with"]), statistics.median(times["without"])
    return [
        ("cold build without the practice pages, seconds", without_pages),
        ("cold build with the practice pages, seconds", with_pages),
        ("the practice pages' share: with / without - 1, per cent", 100 * (with_pages / without_pages - 1)),
    ]


# ------------------------------------------------------------------ tests and their floor
def bench_tests(runs: int) -> list[tuple[str, float]]:
    """The README's test command and its nbval floor, alternated (``benchmarks/suite_speed.py``)."""
    from suite_speed import FLOOR_CELL, test_command, write_floor

    notebooks = sorted((ROOT / "book").glob("*.ipynb"))
    whole, floor = [], []
    with tempfile.TemporaryDirectory(prefix="hwbook-floor-") as folder:
        write_floor(Path(folder), len(notebooks))
        floor_command = [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT),
                         "--nbval", folder]
        for _ in range(runs):
            whole.append(median_time(lambda: run(test_command(), ROOT), 1))
            floor.append(median_time(lambda: run(floor_command, ROOT), 1))
    whole_s, floor_s = statistics.median(whole), statistics.median(floor)
    return [
        ("`pytest --nbval`, whole suite (unit, property, browser tests, notebooks)", whole_s),
        (f"floor: {len(notebooks)} notebooks of `{FLOOR_CELL}` under `pytest --nbval`, same options", floor_s),
        ("ratio: whole suite / floor", whole_s / floor_s),
    ]


# ------------------------------------------------------------------ conv2d
def bench_conv2d(runs: int) -> list[tuple[str, float, float, float]]:
    from hwlib.conv import conv2d, conv2d_cost

    rng = np.random.default_rng(0)
    rows = []
    for name, shape, c_out, k, s, p in [
        ("homework layer 30x30x20 -> 15x15x40, k=3, s=2", (30, 30, 20), 40, 3, 2, 1),
        ("larger layer 64x64x64 -> 64x64x64, k=3, s=1", (64, 64, 64), 64, 3, 1, 1),
    ]:
        x = rng.standard_normal(shape)
        w = rng.standard_normal((k, k, shape[2], c_out))
        cost = conv2d_cost(shape, c_out, k, s, p)
        conv_time = median_time(lambda x=x, w=w, s=s, p=p: conv2d(x, w, s, p), max(runs, 7))
        a = rng.standard_normal((cost.out_shape[0] * cost.out_shape[1], k * k * shape[2]))
        b = rng.standard_normal((k * k * shape[2], c_out))
        matmul_time = median_time(lambda a=a, b=b: a @ b, max(runs, 7))
        rows.append((name, cost.macs / conv_time, cost.macs / matmul_time, matmul_time / conv_time))
    return rows


# ------------------------------------------------------------------ symbolic gradients
SYMBOLIC_DEPTHS, SYMBOLIC_WIDTHS = range(2, 10), range(2, 11)


def bench_symbolic(runs: int, quick: bool) -> tuple[dict[str, dict[tuple[int, int], float]], float]:
    """Seconds for ``symbolic_gradients(net, x, t).evaluate()`` on depth x width networks, per activation.

    Every layer is width x width with standard normal weights (seed 0); returns
    {activation: {(depth, width): seconds}} and the total time the table took.
    """
    from hwlib.network import ACTIVATIONS, Network
    from hwlib.symbolic_network import symbolic_gradients

    depths = (2, 5, 9) if quick else SYMBOLIC_DEPTHS
    widths = (2, 6, 10) if quick else SYMBOLIC_WIDTHS
    start = time.perf_counter()
    table: dict[str, dict[tuple[int, int], float]] = {}
    for activation in sorted(ACTIVATIONS):
        table[activation] = {}
        for depth in depths:
            for width in widths:
                rng = np.random.default_rng(0)
                net = Network([rng.standard_normal((width, width)) for _ in range(depth)], activation)
                x = rng.standard_normal(width)
                table[activation][depth, width] = median_time(
                    lambda net=net, x=x: symbolic_gradients(net, x, 0.5).evaluate(), runs
                )
    return table, time.perf_counter() - start


def symbolic_tables(table: dict[str, dict[tuple[int, int], float]], total: float, runs: int) -> list[str]:
    lines = [
        f"`symbolic_gradients(net, x, t).evaluate()` in seconds, every layer width x width "
        f"(median of {runs} run{'s' if runs > 1 else ''} each; the whole table took {total:.0f} s):",
    ]
    for activation, cells in table.items():
        depths = sorted({d for d, _ in cells})
        widths = sorted({w for _, w in cells})
        lines += ["", f"| {activation}: depth ↓, width → | " + " | ".join(str(w) for w in widths) + " |",
                  "|---|" + "--:|" * len(widths)]
        lines += [f"| {d} | " + " | ".join(f"{cells[d, w]:.2f}" for w in widths) + " |" for d in depths]
    return lines


# ------------------------------------------------------------------ math-ready ratios (benchmarks/math_ready.py)
def bench_math_ready(runs: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import math_ready

    html = ROOT / "_build" / "html"
    if not (html / "book").is_dir() or math_ready.find_chromium() is None:
        return ["Math-ready ratios: not measured (needs a built book and Chromium)."]
    return math_ready.table(math_ready.measure(html, max(runs, 5)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (the median is reported)")
    parser.add_argument("--quick", action="store_true",
                        help="skip the builds and the test suite; a smaller symbolic table")
    parser.add_argument("--symbolic-runs", type=int, default=1,
                        help="runs per cell of the symbolic-gradient table (288 cells)")
    args = parser.parse_args()

    lines = [f"Measured on {time.strftime('%Y-%m-%d')}: {machine()}. Median of {args.runs} runs each.", ""]
    if not args.quick:
        lines += ["| build | seconds |", "|---|--:|"]
        lines += [f"| {name} | {seconds:.1f} |" for name, seconds in bench_builds(args.runs)]
        lines += ["", "| practice pages (cold builds, alternated) | value |", "|---|--:|"]
        lines += [f"| {name} | {value:.1f} |" for name, value in bench_practice_cost(args.runs)]
        lines += ["", "| tests | seconds |", "|---|--:|"]
        for name, value in bench_tests(args.runs):
            lines.append(f"| {name} | {value:.2f}{'x' if name.startswith('ratio') else ''} |")
        lines.append("")
    lines += ["| `hwlib.conv.conv2d` | GMAC/s | numpy matmul, same MACs, GMAC/s | fraction of matmul rate |",
              "|---|--:|--:|--:|"]
    lines += [f"| {name} | {rate / 1e9:.2f} | {mm / 1e9:.2f} | {frac:.2f} |"
              for name, rate, mm, frac in bench_conv2d(args.runs)]
    lines += [""] + symbolic_tables(*bench_symbolic(args.symbolic_runs, args.quick), args.symbolic_runs)
    lines += ["", *bench_math_ready(args.runs)]
    if MARK_CLASS.exists():  # the million-student class is measured on its own: benchmarks/mark_class.py
        lines += ["", *MARK_CLASS.read_text(encoding="utf-8").strip().splitlines()]
    table = "\n".join(lines) + "\n"
    RESULTS.write_text("# Benchmark results\n\nWritten by `python benchmarks/run.py`.\n\n" + table, encoding="utf-8")
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        readme.write_text(f"{head}{start}\n{table}{end}{tail}", encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
