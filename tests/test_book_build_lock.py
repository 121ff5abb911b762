"""Two builds of the same folder at once: the second waits for the first (_ext/hwlib_book/lock.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hwlib_book import lock

EXT = Path(__file__).resolve().parent.parent / "_ext"
TAKE_LOCK = """
import sys, types
from hwlib_book import lock
lock.logger = types.SimpleNamespace(info=lambda message, **kwargs: print(message, flush=True))
lock.one_build_at_a_time(types.SimpleNamespace(outdir={outdir!r}), None)
print("locked", flush=True)
sys.stdin.read()  # hold the lock until the test closes stdin
"""


def _build(outdir: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(EXT), os.environ.get("PYTHONPATH")])))
    return subprocess.Popen(
        [sys.executable, "-c", TAKE_LOCK.format(outdir=str(outdir))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )


def test_a_second_build_says_it_waits_for_the_first_then_runs(tmp_path):
    outdir = tmp_path / "_build" / "html"
    first = _build(outdir)
    assert first.stdout.readline().strip() == "locked"
    pid = tmp_path / "_build" / lock.PID_NAME
    assert pid.read_text() == str(first.pid)
    second = _build(outdir)
    try:
        message = second.stdout.readline()
        assert f"another build of this book is running (process {first.pid}); waiting" in message
        first.stdin.close()  # the first build ends
        assert first.wait(timeout=60) == 0
        assert second.stdout.readline().strip() == "locked"
        assert pid.read_text() == str(second.pid)
    finally:
        second.stdin.close()
        second.wait(timeout=60)
        first.kill()


def test_the_lock_is_taken_once_per_process_and_refused_to_another_handle(tmp_path):
    assert lock.hold_build_lock(tmp_path) is True
    assert lock.hold_build_lock(tmp_path) is False  # this process holds it already
    with open(tmp_path / lock.LOCK_NAME, "a+b") as other:  # another open file: as another process would
        assert lock.try_lock(other) is False
