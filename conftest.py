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


# Hypothesis: the same examples on every run (derandomize), so the suite passes
# every time or fails every time, and no deadline (a slow example on a loaded
# machine is not a failure).  HYPOTHESIS_PROFILE=explore searches afresh, longer.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("default", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
