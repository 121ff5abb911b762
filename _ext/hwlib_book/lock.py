"""One build of a folder at a time, on POSIX and on Windows.

Two cold builds of the same folder raced in the execution cache (``FileExistsError``).  A build holds an
exclusive lock on ``_build/.build.lock`` from its start to the end of its process; a second one says it is
waiting for the first (whose process id is in ``_build/.build.pid``) and then runs, reusing its cache.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import IO

from sphinx.util import logging

logger = logging.getLogger(__name__)
LOCK_NAME = ".build.lock"
PID_NAME = ".build.pid"
_HELD: dict[Path, IO] = {}  # lock file -> its open handle, kept (and locked) until the process exits


def try_lock(handle: IO) -> bool:
    """Take an exclusive lock on the open file ``handle`` without waiting; True if taken.

    ``fcntl.flock`` on POSIX; on Windows ``msvcrt.locking`` of the file's first byte.
    """
    if os.name == "nt":
        import msvcrt

        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def hold_build_lock(build_dir: Path, poll_seconds: float = 0.2) -> bool:
    """Lock ``build_dir/.build.lock`` for the rest of this process, waiting for another holder to finish.

    Returns False if this process already holds it.  Writes this process's id to ``build_dir/.build.pid``.
    """
    build_dir = Path(build_dir).resolve()
    path = build_dir / LOCK_NAME
    if path in _HELD:
        return False
    build_dir.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+b")  # noqa: SIM115 (held open, and locked, until the process exits)
    if not try_lock(handle):
        pid = build_dir / PID_NAME
        holder = pid.read_text(encoding="utf-8").strip() if pid.is_file() else ""
        logger.info(f"another build of this book is running (process {holder or 'unknown'}); waiting for it to finish",
                    color="yellow")
        while not try_lock(handle):
            time.sleep(poll_seconds)
    (build_dir / PID_NAME).write_text(str(os.getpid()), encoding="utf-8")
    _HELD[path] = handle
    return True


def one_build_at_a_time(app, config) -> None:
    """``config-inited``: hold the build folder's lock (``_build``, the parent of the HTML output)."""
    hold_build_lock(Path(app.outdir).parent)
