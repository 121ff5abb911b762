"""An output folder written completely or not at all, never through a symbolic link.

:class:`OutputFolder` writes every file into a fresh temporary folder beside ``DIR``
(``.DIR.tmp-XXXXXXXX``, made by :func:`tempfile.mkdtemp`), each opened with ``O_CREAT | O_EXCL |
O_NOFOLLOW`` so that nothing outside it can be reached.  :meth:`OutputFolder.commit` then swaps the
whole set into place: an earlier ``DIR`` is renamed aside, the new folder renamed to ``DIR``, the
earlier one removed.  A run that fails or is killed before the swap leaves ``DIR`` as it was (and at
most a hidden temporary folder, removed on any error the process survives; one left by SIGKILL is named by
its machine and process, ``.DIR.tmp-<machine>-<pid>-*``, and the next run to ``DIR`` removes it).

``DIR`` itself must not be a symbolic link, and an existing ``DIR`` is replaced only when it holds
an earlier run's outputs (its ``run.json``) or nothing: a folder of other files is never removed.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import shutil
import socket
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO

__all__ = ["OutputError", "OutputFolder"]

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _exchange(a: Path, b: Path) -> bool:
    """Swap the names of two folders atomically (Linux renameat2 RENAME_EXCHANGE); False where unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


#: this machine, in the names of the temporary folders (a folder shared by several machines holds theirs too)
_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _tmp_prefix(name: str) -> str:
    return f".{name[:40]}.tmp-"


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine (True where that cannot be told)."""
    try:
        os.kill(pid, 0)  # signal 0: only asks
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def _remove_abandoned(parent: Path, name: str) -> None:
    """Remove the temporary folders beside ``DIR`` that a run on this machine left when it was killed with SIGKILL
    (which no handler can catch): ``.DIR.tmp-<machine>-<pid>-*`` whose process no longer runs.  A folder of
    another machine, of a process still running (another run, or a process that took the same number), or of
    any other name is left alone; so is ``.DIR.old-*``, which may hold an earlier run's outputs.  POSIX only
    (elsewhere a process cannot be asked whether it runs without signalling it)."""
    if os.name != "posix":
        return
    pattern = re.compile(re.escape(_tmp_prefix(name)) + re.escape(_HOST) + r"-(\d{1,10})-[^/]*\Z")
    try:
        entries = os.listdir(parent)
    except OSError:
        return
    for entry in entries:
        match = pattern.match(entry)
        if not match or _alive(int(match.group(1))):
            continue
        path = parent / entry
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)


class OutputError(Exception):
    """The output folder cannot be used: one line saying why."""


class OutputFolder:
    """A temporary folder beside ``out`` that :meth:`commit` moves into place as a whole."""

    def __init__(self, out: Path, marker: str = "run.json", outputs: frozenset[str] | None = None) -> None:
        """``outputs``: the names a run writes into ``DIR``; an earlier ``DIR`` holding anything else (a file
        put there by hand, another run's folder) is never replaced."""
        self.out = Path(os.path.abspath(out))
        self.marker = marker
        try:
            info = os.lstat(self.out)
        except FileNotFoundError:
            info = None
        except OSError as exc:
            raise OutputError(f"{out}: cannot be written: {exc.strerror or exc}") from exc
        if info is not None:
            if stat.S_ISLNK(info.st_mode):
                raise OutputError(f"{out}: is a symbolic link; give a real folder")
            if not stat.S_ISDIR(info.st_mode):
                raise OutputError(f"{out}: exists and is not a folder")
            try:
                entries = os.listdir(self.out)
            except OSError as exc:
                raise OutputError(f"{out}: cannot be read: {exc.strerror or exc}") from exc
            if entries and marker not in entries:
                raise OutputError(
                    f"{out}: holds files that are not an earlier run's outputs (no {marker}); "
                    "give a new or empty folder"
                )
            others = sorted(set(entries) - outputs) if outputs is not None else []
            if others:
                shown = ", ".join(repr(name) for name in others[:3]) + (
                    f" and {len(others) - 3} more" if len(others) > 3 else ""
                )
                raise OutputError(
                    f"{out}: holds an earlier run's outputs and also {shown}, which replacing the folder would "
                    "delete; move them out or give another folder"
                )
        parent = self.out.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            _remove_abandoned(parent, self.out.name)
            self.tmp = Path(tempfile.mkdtemp(dir=parent, prefix=_tmp_prefix(self.out.name) + f"{_HOST}-{os.getpid()}-"))
        except OSError as exc:
            raise OutputError(f"{out}: cannot be written: {exc.strerror or exc}") from exc
        self.done = False

    def contains(self, path: Path) -> bool:
        """Whether ``path`` is, or lies inside, the output folder (after resolving links)."""
        target = Path(os.path.realpath(path))
        root = Path(os.path.realpath(self.out))
        return target == root or root in target.parents

    def path(self, relative: str) -> Path:
        return self.tmp / relative

    def mkdir(self, relative: str) -> Path:
        folder = self.tmp / relative
        folder.mkdir()
        return folder

    def open(self, relative: str, mode: str = "w") -> IO:
        """A new file in the folder (text with newline="" and UTF-8 for ``"w"``, bytes for ``"wb"``)."""
        fd = os.open(self.tmp / relative, _FLAGS, 0o644)
        if mode == "wb":
            return os.fdopen(fd, "wb")
        return os.fdopen(fd, "w", encoding="utf-8", newline="")

    def commit(self) -> None:
        """Move the finished folder into place, replacing an earlier one as a whole.

        Where the system can (Linux ``renameat2`` with ``RENAME_EXCHANGE``) the two folders swap names in one
        step, so that even SIGKILL leaves ``DIR`` either the earlier run or the new one; elsewhere the earlier
        ``DIR`` is renamed aside first (a kill between the two renames leaves it in ``.DIR.old-*``)."""
        if os.path.isdir(self.out) and not os.path.islink(self.out) and _exchange(self.tmp, self.out):
            self.done = True
            shutil.rmtree(self.tmp, ignore_errors=True)  # now the earlier run's outputs
            return
        aside = None
        if os.path.lexists(self.out):
            aside = Path(tempfile.mkdtemp(dir=self.out.parent, prefix=f".{self.out.name[:40]}.old-"))
            os.rename(self.out, aside / "old")
        try:
            os.rename(self.tmp, self.out)
        except OSError:
            if aside is not None:
                os.rename(aside / "old", self.out)
                os.rmdir(aside)
            raise
        self.done = True
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)

    def discard(self) -> None:
        """Remove the temporary folder (after a failure)."""
        if not self.done:
            shutil.rmtree(self.tmp, ignore_errors=True)
