"""Two builds of the same folder at once: the second waits for the first (_ext/book_build.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXT = Path(__file__).resolve().parent.parent / "_ext"
TAKE_LOCK = """
import sys, types
sys.path.insert(0, {ext!r})
import book_build
book_build.logger = types.SimpleNamespace(info=lambda message, **kwargs: print(message, flush=True))
book_build._one_build_at_a_time(types.SimpleNamespace(outdir={outdir!r}), None)
print("locked", flush=True)
sys.stdin.read()  # hold the lock until the test closes stdin
"""


def _build(outdir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", TAKE_LOCK.format(ext=str(EXT), outdir=str(outdir))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def test_a_second_build_says_it_waits_for_the_first_then_runs(tmp_path):
    outdir = tmp_path / "_build" / "html"
    first = _build(outdir)
    assert first.stdout.readline().strip() == "locked"
    lock = tmp_path / "_build" / ".build.lock"
    assert lock.read_text() == str(first.pid)
    second = _build(outdir)
    try:
        message = second.stdout.readline()
        assert f"another build of this book is running (process {first.pid}); waiting" in message
        first.stdin.close()  # the first build ends
        assert first.wait(timeout=60) == 0
        assert second.stdout.readline().strip() == "locked"
        assert lock.read_text() == str(second.pid)
    finally:
        second.stdin.close()
        second.wait(timeout=60)
        first.kill()
