"""pytest configuration shared by the unit tests and the notebooks (nbval)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def pytest_configure(config):
    # nbval resolves --nbval-sanitize-with against the current directory; make it
    # work from any directory by resolving it against the repository root.
    sanitize = getattr(config.option, "nbval_sanitize_with", None)
    if sanitize and not os.path.isabs(sanitize):
        config.option.nbval_sanitize_with = str(ROOT / sanitize)
