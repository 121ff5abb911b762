"""A change to hwlib re-executes the notebooks at the next build; a prose-only edit does not.

Builds a one-page book in a temporary folder with this repository's
``_config.yml`` and ``_ext/``, against a temporary copy of ``hwlib`` put first
on PYTHONPATH (so the kernel and the build both import the copy).  The page
glues ``hwlib.conv.output_size(30, 3, 2, 1)`` and a nonce that changes each
time the notebook really runs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
CODE = (
    "import uuid\n"
    "from myst_nb import glue\n"
    "from hwlib.conv import output_size\n"
    "glue('value', output_size(30, 3, 2, 1), display=False)\n"
    "glue('nonce', uuid.uuid4().hex, display=False)"
)


def _notebook(prose: str) -> dict:
    return {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": f"# Cache test\n\n{prose} VALUE={{glue:text}}`value` NONCE={{glue:text}}`nonce`"},
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": CODE},
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _build(book: Path, env: dict) -> tuple[str, str]:
    script = Path(sys.executable).with_name("jupyter-book")
    command = [str(script) if script.exists() else "jupyter-book", "build", str(book), "-W", "-n", "--keep-going"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = (book / "_build" / "html" / "page.html").read_text(encoding="utf-8")
    value = re.search(r"VALUE=\s*<span[^>]*>([^<]*)</span>", html).group(1)
    nonce = re.search(r"NONCE=\s*<span[^>]*>([^<]*)</span>", html).group(1)
    return value, nonce


def test_hwlib_change_reexecutes_and_prose_edit_reuses_the_cache(tmp_path):
    book, lib = tmp_path / "book", tmp_path / "lib"
    book.mkdir()
    shutil.copytree(ROOT / "hwlib", lib / "hwlib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "_ext", book / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    config = config.replace("favicon: book/favicon.svg", 'favicon: ""').replace("html_extra_path: [book/_extra]", "html_extra_path: []")
    (book / "_config.yml").write_text(config, encoding="utf-8")
    (book / "_toc.yml").write_text("format: jb-book\nroot: page\n", encoding="utf-8")
    page = book / "page.ipynb"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(lib), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))

    page.write_text(json.dumps(_notebook("First words.")), encoding="utf-8")
    value, nonce = _build(book, env)
    assert value == "15"

    # a prose-only edit: the page changes, the notebook is not run again
    page.write_text(json.dumps(_notebook("Other words.")), encoding="utf-8")
    value_after_prose, nonce_after_prose = _build(book, env)
    assert "Other words." in (book / "_build" / "html" / "page.html").read_text(encoding="utf-8")
    assert (value_after_prose, nonce_after_prose) == ("15", nonce)

    # change what an hwlib function returns: the next build shows the new number
    conv = lib / "hwlib" / "conv.py"
    source = conv.read_text(encoding="utf-8")
    marker = "    return (n + 2 * padding - span) // stride + 1\n"
    assert marker in source
    conv.write_text(source.replace(marker, "    return (n + 2 * padding - span) // stride + 101\n"), encoding="utf-8")
    value_after_change, nonce_after_change = _build(book, env)
    assert value_after_change == "115"
    assert nonce_after_change != nonce
    caches = sorted(p.name for p in (book / "_build" / ".jupyter_cache").iterdir())
    assert len(caches) == 1 and caches[0].startswith("hwlib-")  # the old cache was pruned
