"""Benchmark: mark a synthetic class of 10,000 students (a script that measures and reports, not a test).

    python benchmarks/mark_class.py [--students 10000] [--runs 3]

Measures, median of ``--runs`` runs each:

* ``hwlib.class_marking.mark_class`` in-process (every verdict of every student, catalogue included);
* the whole command ``python -m hwlib.mark ANSWERS.csv --out DIR`` in a fresh interpreter: imports,
  reading and checking the CSV, marking, writing marks.csv, mistakes.csv, the report and its chart.

Prints a Markdown table and writes it to ``benchmarks/mark_class.md``.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from run import median_time  # benchmarks/run.py: one timing helper for every benchmark

from hwlib.class_marking import mark_class, quantities, synthetic_class
from hwlib.transcription import load_given

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    givens = {p: load_given(p) for p in (1, 2, 3)}
    students = synthetic_class(args.students, seed=2026, givens=givens)
    columns = list(quantities(givens))
    cpu_start = time.process_time()
    in_process = median_time(lambda: mark_class(students, givens), args.runs)
    in_process_cpu = (time.process_time() - cpu_start) / args.runs
    with tempfile.TemporaryDirectory() as tmp:
        answers = Path(tmp) / "answers.csv"
        with open(answers, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["student", *columns])
            for name, values in students.items():
                writer.writerow([name, *("" if values[q] is None else f"{values[q]:g}" for q in columns)])
        command = [sys.executable, "-m", "hwlib.mark", str(answers), "--out", str(Path(tmp) / "out")]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        whole = median_time(lambda: subprocess.run(command, check=True, capture_output=True), args.runs)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        whole_cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / args.runs
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import hwlib.mark, hwlib.class_marking, matplotlib.pyplot"], check=True)
        imports = time.perf_counter() - start
    n, values = args.students, args.students * len(columns)
    table = "\n".join([
        f"Measured on {date.today().isoformat()}: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"Python {platform.python_version()}. Median of {args.runs} runs; a synthetic class (seed 2026) of "
        f"{n:,} students x {len(columns)} quantities = {values:,} values.",
        "",
        "| marking a class | seconds (wall) | seconds (CPU, mean) | values per wall second |",
        "|---|--:|--:|--:|",
        f"| `mark_class`, in-process | {in_process:.2f} | {in_process_cpu:.2f} | {values / in_process:,.0f} |",
        f"| `python -m hwlib.mark` (fresh interpreter, CSV in, marks, report and chart out) | {whole:.2f} | "
        f"{whole_cpu:.2f} | {values / whole:,.0f} |",
        f"| of which: starting Python and importing hwlib, sympy, matplotlib | {imports:.2f} | | |",
    ])
    print(table)
    (ROOT / "benchmarks" / "mark_class.md").write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
