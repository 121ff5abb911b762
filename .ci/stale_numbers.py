"""End-to-end check, run by .ci/run after its build: a change to hwlib's data re-executes the notebooks at the
next build; a prose-only edit does not.

Builds a one-page book in a temporary folder with this repository's ``_config.yml`` and ``_ext/``, against a
temporary copy of ``hwlib`` put first on PYTHONPATH (so the kernel and the build both import the copy).  The
page glues the number of rows of ``hwlib/data/separable_speed.csv`` and a nonce that changes each time the
notebook really runs.  Three builds of one page (about 10 s each); the unit tests of the key itself are
``tests/test_cache_key.py``.  Prints one line and exits 0, or exits 1 with the reason.

    python .ci/stale_numbers.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = (
    "import uuid\n"
    "from myst_nb import glue\n"
    "from hwlib import speed\n"
    "glue('value', len(speed.load_measurements()), display=False)\n"
    "glue('nonce', uuid.uuid4().hex, display=False)"
)


def notebook(prose: str) -> dict:
    return {
        "cells": [
            {"cell_type": "markdown", "metadata": {},
             "source": f"# Cache check\n\n{prose} VALUE={{glue:text}}`value` NONCE={{glue:text}}`nonce`"},
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": CODE},
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def build(book: Path, env: dict) -> tuple[str, str]:
    script = Path(sys.executable).with_name("jupyter-book")
    command = [str(script) if script.exists() else "jupyter-book", "build", str(book), "-W", "-n", "--keep-going"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0:
        raise SystemExit(f"stale numbers: the one-page build failed\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    html = (book / "_build" / "html" / "page.html").read_text(encoding="utf-8")
    value = re.search(r"VALUE=\s*<span[^>]*>([^<]*)</span>", html).group(1)
    nonce = re.search(r"NONCE=\s*<span[^>]*>([^<]*)</span>", html).group(1)
    return value, nonce


def check(folder: Path) -> str:
    book, lib = folder / "book", folder / "lib"
    book.mkdir()
    shutil.copytree(ROOT / "hwlib", lib / "hwlib", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copytree(ROOT / "_ext", book / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    config = config.replace("favicon: book/favicon.svg", 'favicon: ""')
    config = config.replace("html_extra_path: [book/_extra]", "html_extra_path: []")
    (book / "_config.yml").write_text(config, encoding="utf-8")
    (book / "_toc.yml").write_text("format: jb-book\nroot: page\n", encoding="utf-8")
    page = book / "page.ipynb"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(lib), os.environ.get("PYTHONPATH")])))
    csv = lib / "hwlib" / "data" / "separable_speed.csv"
    rows = csv.read_text(encoding="utf-8").splitlines(keepends=True)

    page.write_text(json.dumps(notebook("First words.")), encoding="utf-8")
    value, nonce = build(book, env)
    if value != str(len(rows) - 1):
        return f"the page shows {value} measurements, the file holds {len(rows) - 1}"

    page.write_text(json.dumps(notebook("Other words.")), encoding="utf-8")  # prose only: no new execution
    after_prose = build(book, env)
    if "Other words." not in (book / "_build" / "html" / "page.html").read_text(encoding="utf-8"):
        return "a prose-only edit did not reach the page"
    if after_prose != (value, nonce):
        return f"a prose-only edit re-executed the notebook: {after_prose} after {(value, nonce)}"

    csv.write_text("".join(rows + rows[-1:]), encoding="utf-8")  # one more measured row, no code changed
    value_after, nonce_after = build(book, env)
    if value_after != str(len(rows)) or nonce_after == nonce:
        return f"after a new row of hwlib's data the page shows {value_after} measurements (want {len(rows)})"
    caches = sorted(p.name for p in (book / "_build" / ".jupyter_cache").iterdir())
    if len(caches) != 1 or not caches[0].startswith("hwlib-"):
        return f"the cache of the old hwlib was not removed: {caches}"
    return ""


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="hwbook-stale-") as folder:
        problem = check(Path(folder))
    if problem:
        print(f"stale numbers: {problem}", file=sys.stderr)
        return 1
    print("stale numbers: a new row of hwlib's data re-executes the page; a prose edit reuses the cache")
    return 0


if __name__ == "__main__":
    sys.exit(main())
