"""The repository URL is set in one place (_config.yml) and every notebook's Colab install cell agrees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_install_cells_use_the_configured_repository():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "sync_repository_url.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
