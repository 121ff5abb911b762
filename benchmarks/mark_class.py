"""Benchmark: mark a synthetic class with ``python -m hwlib.mark`` (a script that measures and reports, not a test).

    python benchmarks/mark_class.py [--students 1000000] [--feedback]

Writes a class of ``--students`` students x 42 quantities (rows drawn, with unique names, from a
seeded synthetic class of 2,000: catalogue mistakes carried downstream, blanks, slips), then runs the
whole command once in a fresh interpreter, ``python -m hwlib.mark ANSWERS.csv --out DIR
--export canvas`` (``--no-feedback`` unless ``--feedback``), and measures its wall time, CPU time and
peak resident memory (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` of that one child).

Prints a Markdown table and writes it to ``benchmarks/mark_class.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from hwlib.class_marking import quantities, synthetic_class
from hwlib.transcription import load_given

ROOT = Path(__file__).resolve().parent.parent


def write_class(path: Path, students: int, seed: int = 2026) -> int:
    """A CSV of ``students`` rows (a pool of 2,000 synthetic students, repeated under unique names); its columns."""
    givens = {p: load_given(p) for p in (1, 2, 3)}
    pool = synthetic_class(2000, seed=seed, givens=givens)
    columns = list(quantities(givens))

    def cell(v: float | None) -> str:
        if v is None:
            return ""
        return str(int(v)) if float(v).is_integer() else repr(float(v))

    rows = [",".join(cell(values[q]) for q in columns) for values in pool.values()]
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write("student,id," + ",".join(columns) + "\n")
        block = []
        for n in range(students):
            block.append(f"student {n + 1:07d},{n + 1},{rows[n % len(rows)]}\n")
            if len(block) == 50_000:
                f.write("".join(block))
                block = []
        f.write("".join(block))
    return len(columns)


def measure(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak resident MB) of one child process."""
    probe = ("import resource, subprocess, sys, time\n"
             "start = time.perf_counter()\n"
             "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
             "wall = time.perf_counter() - start\n"
             "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
             "print(wall, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024)\n")
    out = subprocess.run([sys.executable, "-c", probe, *command], check=True, capture_output=True, text=True).stdout
    wall, cpu, peak = (float(x) for x in out.split())
    return wall, cpu, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--feedback", action="store_true", help="also write one feedback file per student")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("HWLIB_BENCH_TMP")) as tmp:
        answers = Path(tmp) / "answers.csv"
        columns = write_class(answers, args.students)
        size = answers.stat().st_size
        out = str(Path(tmp) / "out")
        command = [sys.executable, "-m", "hwlib.mark", str(answers), "--out", out, "--export", "canvas"]
        if not args.feedback:
            command.append("--no-feedback")
        load = os.getloadavg()[0]
        wall, cpu, peak = measure(command)
    n = args.students
    what = "marks.csv, mistakes.csv, canvas.csv, report, chart, run.json"
    what += ", feedback files" if args.feedback else ""
    table = "\n".join([
        f"Measured on {date.today().isoformat()}: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores "
        f"(shared; load average {load:.1f} at the start); Python {platform.python_version()}. "
        "One run; a synthetic class "
        f"(seed 2026) of {n:,} students x {columns} quantities = {n * columns:,} values, {size / 1e6:,.0f} MB of CSV.",
        "",
        "| marking a class, `python -m hwlib.mark` | students | seconds (wall) | seconds (CPU) | peak memory, MB |",
        "|---|--:|--:|--:|--:|",
        f"| {what} | {n:,} | {wall:.1f} | {cpu:.1f} | {peak:,.0f} |",
    ])
    print(table)
    (ROOT / "benchmarks" / "mark_class.md").write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    started = time.time()
    main()
