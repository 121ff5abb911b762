"""Copy the repository URL from _config.yml into every notebook's Colab install cell.

    python tools/sync_repository_url.py          # rewrite the notebooks
    python tools/sync_repository_url.py --check  # exit 1 if any notebook disagrees

_config.yml's ``repository: url:`` is the one place to set the URL: the launch,
repository and issue buttons read it there, and this script carries it into the
install cell that lets a notebook opened in Colab ``pip install`` hwlib.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
INSTALL = re.compile(r'"git\+[^"]*"')


def repository_url() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/")


def install_cells(notebook: dict):
    for cell in notebook["cells"]:
        if cell.cell_type == "code" and 'find_spec("hwlib")' in cell.source:
            yield cell, cell.source


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks that disagree")
    args = parser.parse_args()
    wanted = f'"git+{repository_url()}"'
    stale = []
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        cells = list(install_cells(notebook))
        if not cells:
            stale.append(f"{path.name}: no install cell")
            continue
        changed = False
        for cell, source in cells:
            if INSTALL.search(source).group(0) != wanted:
                cell.source = INSTALL.sub(wanted, source)
                changed = True
        if changed:
            stale.append(path.name)
            if not args.check:
                nbformat.write(notebook, path)
    if stale:
        print(("out of date: " if args.check else "updated: ") + ", ".join(stale))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
