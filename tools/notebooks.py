"""Execute the chapters from a fresh kernel and keep their MyST Markdown twins in sync.

    python tools/notebooks.py run [CHAPTER ...]    execute book/CHAPTER.ipynb top to bottom in a fresh kernel,
                                                   strip volatile metadata, save, and rewrite its twin
    python tools/notebooks.py from-twins [CHAPTER ...]
                                                   take the cells of myst/CHAPTER.md (after an edit there),
                                                   then run as above
    python tools/notebooks.py twins                rewrite every twin from its notebook (no execution)

CHAPTER is a name such as ``problem1_separable``; no name means every chapter in ``CHAPTERS``.
The twins (``myst/*.md``, jupytext's MyST format) hold the cells without outputs: they are what a reviewer
reads in a diff.  ``tests/test_notebook_sources.py`` checks that each twin matches its notebook and that
re-running an unchanged notebook changes nothing.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
TWINS = ROOT / "myst"
CHAPTERS = ("problem1_separable", "problem2_padding", "problem3_backprop")
VOLATILE_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled", "papermill")
VOLATILE_NOTEBOOK_METADATA = ("papermill", "widgets", "toc-autonumbering")


def normalize(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` without execution timestamps or other metadata that changes from run to run or machine to machine."""
    nb = copy.deepcopy(nb)
    for key in VOLATILE_NOTEBOOK_METADATA:
        nb.metadata.pop(key, None)
    nb.metadata.get("language_info", {}).pop("version", None)
    nb.metadata.pop("jupytext", None)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:02d}"  # stable ids: a new cell from a twin does not renumber at random
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    return nb


def execute(nb: nbformat.NotebookNode, timeout: int = 600) -> nbformat.NotebookNode:
    """Run every cell of ``nb`` in a fresh python3 kernel, in the book's folder, as the build does."""
    nb = copy.deepcopy(nb)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(BOOK)}}).execute()
    return normalize(nb)


def twin_text(nb: nbformat.NotebookNode) -> str:
    """The MyST Markdown twin of ``nb`` (cells and tags, no outputs)."""
    return jupytext.writes(nb, fmt="md:myst")


def cells_of(nb: nbformat.NotebookNode) -> list[tuple[str, str, dict]]:
    """(type, source, metadata) of every cell, the part of a notebook that its twin holds."""
    return [(c.cell_type, c.source.strip(), {k: v for k, v in c.metadata.items() if k not in VOLATILE_CELL_METADATA})
            for c in nb.cells]


def write(name: str, nb: nbformat.NotebookNode) -> None:
    nbformat.write(nb, BOOK / f"{name}.ipynb")
    TWINS.mkdir(exist_ok=True)
    (TWINS / f"{name}.md").write_text(twin_text(nb), encoding="utf-8")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "from-twins", "twins"):
        print(__doc__)
        return 2
    command, names = argv[0], argv[1:] or list(CHAPTERS)
    for name in names:
        path = BOOK / f"{name}.ipynb"
        if command == "from-twins":
            source = jupytext.read(TWINS / f"{name}.md")
            nb = nbformat.read(path, as_version=4) if path.exists() else nbformat.v4.new_notebook()
            nb.cells = source.cells
            nb.metadata["kernelspec"] = source.metadata.get("kernelspec", nb.metadata.get("kernelspec"))
        else:
            nb = nbformat.read(path, as_version=4)
        if command in ("run", "from-twins"):
            print(f"executing {path.relative_to(ROOT)}", flush=True)
            nb = execute(nb)
        write(name, normalize(nb))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
