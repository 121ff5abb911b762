"""Benchmark: the README's test command against its nbval floor, side by side in one run.

    python benchmarks/suite_speed.py [--runs 1] [-- EXTRA PYTEST ARGS]

* **test command**: the run part of the README's second quick-start command (``pytest --nbval``, everything
  after its last ``pip install``), run from the repository root with this interpreter's pytest;
* **floor**: as many notebooks as that command tests (``book/*.ipynb``), each holding one cell that only imports
  numpy, sympy, matplotlib and hwlib, run the same way: ``pytest --nbval`` with the repository's pytest options
  (``pyproject.toml``: the same xdist workers and distribution), in a temporary folder.

The two alternate (test command, floor, test command, ...) so that both see the same load; it prints each time,
the medians and their ratio (the goal: 4x or less).  A script that measures and reports, not a test: it asserts
nothing about times.  A failing test command is reported (the times of a failing run are still printed).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
FLOOR_CELL = "import numpy, sympy, matplotlib.pyplot, hwlib"


def test_command() -> list[str]:
    """The README's test command (after its install part), with ``pytest`` taken from this interpreter."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", readme, flags=re.DOTALL).group(1)
    commands = [line for line in block.splitlines() if line.strip()]
    parts = [part.strip() for part in commands[1].split("&&")]
    last_install = max(i for i, part in enumerate(parts) if "pip install" in part)
    run = shlex.split(" && ".join(parts[last_install + 1:]))
    if "&&" in run or not run[0].endswith("pytest"):
        raise SystemExit(f"cannot read the test command from README.md: {commands[1]!r}")
    return [sys.executable, "-m", "pytest", *run[1:]]


def write_floor(folder: Path, count: int) -> None:
    """``count`` notebooks that only start a kernel and import the book's packages."""
    for index in range(count):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
        nb.cells = [nbformat.v4.new_code_cell(FLOOR_CELL)]
        nbformat.write(nb, folder / f"floor_{index:02d}.ipynb")


def timed(command: list[str]) -> tuple[float, int, str]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=dict(os.environ), check=False)
    tail = (result.stdout.strip().splitlines() or [""])[-1]
    return time.perf_counter() - start, result.returncode, tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs of each (default 1)")
    parser.add_argument("extra", nargs="*", help="more pytest arguments for both (after --)")
    args = parser.parse_args(argv)
    command = test_command() + args.extra
    count = len(list((ROOT / "book").glob("*.ipynb")))
    suite, floor = [], []
    with tempfile.TemporaryDirectory(prefix="hwbook-floor-") as folder:
        write_floor(Path(folder), count)
        floor_command = [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT),
                         "--nbval", *args.extra, folder]
        print(f"test command: {shlex.join(command[2:])}  (from {ROOT})")
        print(f"floor: {count} notebooks of `{FLOOR_CELL}`, pytest --nbval with the same options")
        for run in range(1, args.runs + 1):
            for name, cmd, times in (("test command", command, suite), ("floor", floor_command, floor)):
                seconds, code, tail = timed(cmd)
                times.append(seconds)
                status = "" if code == 0 else f"  (exit status {code}: {tail})"
                print(f"run {run}: {name:12} {seconds:7.1f} s  {tail if code == 0 else ''}{status}", flush=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    ratio = statistics.median(suite) / statistics.median(floor)
    print(f"median: test command {statistics.median(suite):.1f} s, floor {statistics.median(floor):.1f} s, "
          f"ratio {ratio:.2f}x (load average {load:.1f}, {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
