"""The book's pages: MyST Markdown sources (``myst/NAME.md``) and the notebooks generated from them.

    python tools/notebooks.py build [NAME ...]    myst/NAME.md -> book/NAME.ipynb: executed from a fresh kernel,
                                                  normalised, written with its outputs
    python tools/notebooks.py check [NAME ...]    exit 1 where a notebook does not hold its source's cells,
                                                  tags and metadata (nothing is written)
    python tools/notebooks.py sources [NAME ...]  rewrite the notebook's cells from its source without executing,
                                                  keeping the outputs; refused where a code cell with outputs
                                                  changed (run ``build``)

NAME is a page name such as ``problem1_separable`` (``python tools/notebooks.py build`` lists them); no name means
every page.  ``run`` and ``from-twins`` are older names of ``build``.

The source is the file people edit and review: jupytext's MyST Markdown, whose front matter holds the notebook's
metadata (``kernelspec``; ``mystnb: {execution_mode: "off"}`` on the practice pages) and whose cells hold their
tags.  The notebook is committed with its outputs (nbval, Colab and the book's pages shown from committed outputs
read them); its first cell says it is generated.  ``tests/test_notebook_sources.py`` fails while a source and its
notebook disagree.
"""

from __future__ import annotations

import copy
import os
import sys
import tempfile
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
SOURCES = ROOT / "myst"
PAGES = (
    "problem1_separable", "problem2_padding", "problem3_backprop", "answer_key", "marking_a_class",
    "practice_problem1", "practice_problem2", "practice_problem3",
)
CHAPTERS = PAGES[:3]
VOLATILE_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled", "papermill")
VOLATILE_NOTEBOOK_METADATA = ("papermill", "widgets", "toc-autonumbering", "jupytext")
# metadata the kernel writes when the notebook runs: part of the generated notebook, not of its source
EXECUTION_METADATA = ("language_info",)
GENERATED_TAGS = ["remove-cell"]


class PageError(ValueError):
    """A page name, source or notebook that the command cannot use; its message is one line."""


def generated_note(name: str) -> str:
    """The text of a generated notebook's first cell."""
    return (f"*Generated from `myst/{name}.md` by `tools/notebooks.py`; edit that file, then run "
            f"`python tools/notebooks.py build {name}`.*")


def page_name(name: str) -> str:
    """``name`` if it is one of :data:`PAGES`; a :class:`PageError` naming the known pages otherwise (paths too)."""
    if name not in PAGES:
        raise PageError(f"unknown page {name!r}: the pages are {', '.join(PAGES)}")
    return name


def source_path(name: str) -> Path:
    return SOURCES / f"{page_name(name)}.md"


def notebook_path(name: str) -> Path:
    return BOOK / f"{page_name(name)}.ipynb"


def normalize(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` without execution timestamps or other metadata that changes from run to run or machine to machine."""
    nb = copy.deepcopy(nb)
    for key in VOLATILE_NOTEBOOK_METADATA:
        nb.metadata.pop(key, None)
    nb.metadata.get("language_info", {}).pop("version", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:02d}"  # stable ids: a new cell does not renumber the others at random
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    return nb


def from_source(name: str) -> nbformat.NotebookNode:
    """The notebook that ``myst/NAME.md`` describes, not executed: its note, then the source's cells."""
    path = source_path(name)
    if not path.is_file():
        raise PageError(f"{path.relative_to(ROOT)} does not exist")
    nb = jupytext.read(path, fmt="md:myst")
    note = nbformat.v4.new_markdown_cell(generated_note(name), metadata={"tags": list(GENERATED_TAGS)})
    nb.cells.insert(0, note)
    return normalize(nb)


def read_notebook(name: str) -> nbformat.NotebookNode:
    return nbformat.read(notebook_path(name), as_version=4)


def source_part(nb: nbformat.NotebookNode) -> tuple[dict, list[tuple[str, str, dict]]]:
    """What a source determines: the notebook's metadata (less what execution writes) and each cell's type,
    text and metadata (tags included)."""
    metadata = {k: v for k, v in nb.metadata.items() if k not in EXECUTION_METADATA + VOLATILE_NOTEBOOK_METADATA}
    cells = [(c.cell_type, c.source.strip(), {k: v for k, v in c.metadata.items() if k not in VOLATILE_CELL_METADATA})
             for c in nb.cells]
    return metadata, cells


def differences(name: str) -> list[str]:
    """How ``book/NAME.ipynb`` differs from what ``myst/NAME.md`` generates (empty when they agree)."""
    if not notebook_path(name).is_file():
        return [f"book/{name}.ipynb does not exist"]
    (want_meta, want_cells), (have_meta, have_cells) = source_part(from_source(name)), source_part(read_notebook(name))
    found = []
    if want_meta != have_meta:
        found.append(f"notebook metadata: source {want_meta}, notebook {have_meta}")
    if len(want_cells) != len(have_cells):
        found.append(f"{len(want_cells)} cells in the source (with the note), {len(have_cells)} in the notebook")
    for index, (want, have) in enumerate(zip(want_cells, have_cells)):
        if want != have:  # the first difference (the others often follow from it)
            what = "type" if want[0] != have[0] else "text" if want[1] != have[1] else "metadata"
            found.append(f"cell {index} (the note is cell 0): its {what} differs")
            break
    return found


def execute(nb: nbformat.NotebookNode, timeout: int = 600) -> nbformat.NotebookNode:
    """Run every cell of ``nb`` in a fresh python3 kernel, in the book's folder, as the build does."""
    nb = copy.deepcopy(nb)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(BOOK)}}).execute()
    return normalize(nb)


def write_notebook(name: str, nb: nbformat.NotebookNode) -> None:
    """Write ``book/NAME.ipynb`` completely or not at all (a temporary file renamed over it)."""
    target = notebook_path(name)
    text = nbformat.writes(normalize(nb)) + "\n"
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{name}.", suffix=".ipynb")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build(name: str) -> None:
    """``myst/NAME.md`` -> ``book/NAME.ipynb``, executed from a fresh kernel and normalised."""
    nb = from_source(name)
    print(f"executing {source_path(name).relative_to(ROOT)} -> {notebook_path(name).relative_to(ROOT)}", flush=True)
    write_notebook(name, execute(nb))


def refresh_sources(name: str) -> bool:
    """Rewrite the notebook's cells from the source, keeping its outputs; True if the file changed.

    Only for edits that change no output (the install cell's URL): a code cell that has outputs and whose
    text changed, or a different sequence of cells, raises :class:`PageError` (run ``build``).
    """
    if not notebook_path(name).is_file():
        raise PageError(f"book/{name}.ipynb does not exist: run `python tools/notebooks.py build {name}`")
    new, old = from_source(name), read_notebook(name)
    if [c.cell_type for c in new.cells] != [c.cell_type for c in old.cells]:
        raise PageError(f"myst/{name}.md has other cells than book/{name}.ipynb: "
                        f"run `python tools/notebooks.py build {name}`")
    for index, (cell, before) in enumerate(zip(new.cells, old.cells)):
        if cell.cell_type == "code":
            if before.get("outputs") and cell.source.strip() != before.source.strip():
                raise PageError(f"book/{name}.ipynb cell {index} has outputs and new code: "
                                f"run `python tools/notebooks.py build {name}`")
            cell.outputs, cell.execution_count = before.outputs, before.execution_count
    for key in EXECUTION_METADATA:
        if key in old.metadata:
            new.metadata[key] = old.metadata[key]
    new = normalize(new)
    if nbformat.writes(new) == nbformat.writes(normalize(old)):
        return False
    write_notebook(name, new)
    return True


COMMANDS = {"build": "build", "run": "build", "from-twins": "build", "check": "check", "sources": "sources"}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        print(f"\npages: {', '.join(PAGES)}", file=sys.stderr)
        return 2
    command = COMMANDS[argv[0]]
    try:
        names = [page_name(name) for name in argv[1:]] or list(PAGES)
        stale = []
        for name in names:
            if command == "build":
                build(name)
            elif command == "sources":
                if refresh_sources(name):
                    print(f"updated book/{name}.ipynb")
            elif found := differences(name):
                stale.append(f"book/{name}.ipynb disagrees with myst/{name}.md: {'; '.join(found)}")
    except PageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for line in stale:
        print(line, file=sys.stderr)
    if stale:
        print("run `python tools/notebooks.py build NAME` after editing myst/NAME.md", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
