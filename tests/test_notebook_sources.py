"""The chapters' sources: no volatile metadata, twins in sync, a stable re-run, Given defaults from the data file.

* committed notebooks carry no execution timestamps or other run-to-run metadata;
* each chapter's MyST Markdown twin (``myst/*.md``) holds exactly the notebook's cells;
* executing an unchanged chapter from a fresh kernel reproduces the committed file byte for byte
  (after ``tools/notebooks.py``'s normalisation, which the committed files have already had);
* the Given cell (tagged ``parameters``) holds the homework's Given of ``hwlib/data/handwritten.toml``.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

from hwlib.transcription import load_given

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
spec = importlib.util.spec_from_file_location("notebooks_tool", ROOT / "tools" / "notebooks.py")
notebooks = importlib.util.module_from_spec(spec)
sys.modules["notebooks_tool"] = notebooks
spec.loader.exec_module(notebooks)

CHAPTERS = {"problem1_separable": 1, "problem2_padding": 2, "problem3_backprop": 3}


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "book" / f"{name}.ipynb", as_version=4)


def parameters_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell is tagged 'parameters'"
    return cells[0]


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_volatile_metadata(name):
    raw = json.loads((ROOT / "book" / f"{name}.ipynb").read_text(encoding="utf-8"))
    for cell in raw["cells"]:
        for key in notebooks.VOLATILE_CELL_METADATA:
            assert key not in cell.get("metadata", {}), (name, key)
    assert "version" not in raw["metadata"].get("language_info", {})
    assert raw["metadata"]["kernelspec"]["name"] == "python3"
    assert raw == json.loads(json.dumps(notebooks.normalize(nbformat.from_dict(raw))))


@pytest.mark.parametrize("name", CHAPTERS)
def test_twin_holds_the_notebooks_cells(name):
    twin = jupytext.read(ROOT / "myst" / f"{name}.md")
    assert notebooks.cells_of(twin) == notebooks.cells_of(read(name)), (
        f"myst/{name}.md and book/{name}.ipynb differ: run `python tools/notebooks.py from-twins {name}` after "
        f"editing the twin, or `python tools/notebooks.py twins` after editing the notebook")


@pytest.mark.parametrize("name", CHAPTERS)
def test_given_defaults_are_the_homeworks(name):
    namespace: dict = {}
    exec(parameters_cell(read(name)).source, namespace)  # the Given cell is plain assignments
    homework = load_given(CHAPTERS[name])
    for key, value in homework.items():
        assert json.loads(json.dumps(namespace[key])) == value, (name, key)


@pytest.mark.parametrize("name", CHAPTERS)
def test_rerunning_an_unchanged_chapter_leaves_no_diff(name):
    committed = (ROOT / "book" / f"{name}.ipynb").read_text(encoding="utf-8")
    rerun = notebooks.execute(read(name))
    assert nbformat.writes(rerun) + "\n" == committed or nbformat.writes(rerun) == committed


MYST_ROLE = re.compile(r"\{(ref|glue|glue:text|glue:md|eq|doc|numref|eval)\}`|:::\{|```\{")


@pytest.mark.parametrize("path", sorted(BOOK.glob("*.ipynb")), ids=lambda p: p.stem)
def test_generated_markdown_holds_no_myst_role(path):
    """Generated text shows in every viewer: JupyterLab, Colab and GitHub render no MyST roles or directives."""
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown", "")
            found = MYST_ROLE.search(text)
            assert not found, f"{path.name} cell {index}: {text[max(found.start() - 40, 0):found.end() + 40]!r}"
