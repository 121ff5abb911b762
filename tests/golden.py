"""Golden files: committed renderings that show every wording change in a diff.

``check_golden(path, text)`` compares ``text`` with ``tests/golden/<path>``; with the environment variable
``HWLIB_REGEN_GOLDEN=1`` it writes the file instead (then read the diff and commit it).
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def check_golden(path: str, text: str) -> None:
    target = GOLDEN / path
    text = text.rstrip("\n") + "\n"
    if os.environ.get("HWLIB_REGEN_GOLDEN") == "1":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return
    assert target.exists(), f"no golden file {target}: run with HWLIB_REGEN_GOLDEN=1 and review it"
    expected = target.read_text(encoding="utf-8")
    assert text == expected, (f"{path} differs from its golden file; if the change is meant, regenerate with "
                              f"HWLIB_REGEN_GOLDEN=1 and review the diff")
