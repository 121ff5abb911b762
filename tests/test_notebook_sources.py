"""The pages' sources: one MyST source per page, its notebook generated from it, no volatile metadata.

* every notebook page of ``_toc.yml`` has a source ``myst/NAME.md`` and ``tools/notebooks.py`` knows it;
* each notebook holds exactly its source's cells, tags and metadata, after a first cell saying it is generated
  (``tools/notebooks.py check``); a changed tag, text or notebook metadata is found;
* committed notebooks carry no execution timestamps or other run-to-run metadata;
* the Given cell (tagged ``parameters``) holds the homework's Given of ``hwlib/data/handwritten.toml``.

That executing a source reproduces the committed outputs is nbval's job (the test command re-runs every
notebook and compares its outputs).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from hwlib.transcription import load_given

import notebooks

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
CHAPTERS = {"problem1_separable": 1, "problem2_padding": 2, "problem3_backprop": 3}


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(BOOK / f"{name}.ipynb", as_version=4)


def parameters_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell is tagged 'parameters'"
    return cells[0]


def test_every_notebook_page_has_one_source():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [entry["file"] for entry in toc["chapters"]]
    notebook_pages = {Path(f).name for f in files if (ROOT / f"{f}.ipynb").is_file()}
    assert notebook_pages == set(notebooks.PAGES)
    assert {p.stem for p in (ROOT / "myst").glob("*.md")} == set(notebooks.PAGES)
    assert {p.stem for p in BOOK.glob("*.ipynb")} == set(notebooks.PAGES)


@pytest.mark.parametrize("name", notebooks.PAGES)
def test_notebook_holds_its_sources_cells_and_metadata(name):
    assert notebooks.differences(name) == [], (
        f"book/{name}.ipynb and myst/{name}.md differ: run `python tools/notebooks.py build {name}` after editing "
        f"myst/{name}.md (the notebook is generated; edit the source)")


@pytest.mark.parametrize("name", notebooks.PAGES)
def test_first_cell_says_the_notebook_is_generated(name):
    first = read(name).cells[0]
    assert first.cell_type == "markdown" and f"myst/{name}.md" in first.source and "tools/notebooks.py" in first.source
    assert "remove-cell" in first.metadata["tags"]  # not a paragraph of the book's page


@pytest.mark.parametrize("name", ["practice_problem1", "answer_key"])
def test_a_changed_tag_text_or_metadata_is_found(name, tmp_path, monkeypatch):
    good = read(name)
    code = next(i for i, c in enumerate(good.cells) if c.cell_type == "code")
    edits = {
        "tag": lambda nb: nb.cells[code].metadata.setdefault("tags", []).append("hide-input"),
        "text": lambda nb: setattr(nb.cells[-1], "source", nb.cells[-1].source + "\nmore"),
        "metadata": lambda nb: nb.metadata.update(mystnb={"execution_mode": "force"}),
        "cell": lambda nb: nb.cells.pop(),
    }
    monkeypatch.setattr(notebooks, "BOOK", tmp_path)
    for what, edit in edits.items():
        changed = copy.deepcopy(good)
        edit(changed)
        nbformat.write(changed, tmp_path / f"{name}.ipynb")
        assert notebooks.differences(name), what


def test_the_practice_pages_metadata_lives_in_their_source():
    for name in ("practice_problem1", "practice_problem2", "practice_problem3"):
        assert notebooks.from_source(name).metadata["mystnb"] == {"execution_mode": "off"}
        assert read(name).metadata["mystnb"] == {"execution_mode": "off"}


@pytest.mark.parametrize("argument", ["../../x", "book/problem1_separable.ipynb", "intro", "/etc/passwd"])
def test_only_page_names_are_accepted(argument, capsys):
    assert notebooks.main(["build", argument]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and error[0].startswith(f"error: unknown page {argument!r}")
    assert all(name in error[0] for name in notebooks.PAGES)


def test_sources_keeps_outputs_and_refuses_new_code_with_outputs(tmp_path, monkeypatch):
    name = "answer_key"
    monkeypatch.setattr(notebooks, "BOOK", tmp_path)
    monkeypatch.setattr(notebooks, "SOURCES", tmp_path / "myst")
    (tmp_path / "myst").mkdir()
    shutil.copy(ROOT / "book" / f"{name}.ipynb", tmp_path)
    source = (ROOT / "myst" / f"{name}.md").read_text(encoding="utf-8")
    (tmp_path / "myst" / f"{name}.md").write_text(source, encoding="utf-8")
    assert notebooks.refresh_sources(name) is False  # in sync: nothing written
    # a comment in the install cell (no outputs) is carried over; the outputs stay
    commented = source.replace("import importlib.util", "# hi\nimport importlib.util", 1)
    (tmp_path / "myst" / f"{name}.md").write_text(commented, encoding="utf-8")
    assert notebooks.refresh_sources(name) is True
    assert notebooks.differences(name) == []
    refreshed = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
    assert [c.get("outputs") for c in read(name).cells] == [c.get("outputs") for c in refreshed.cells]
    # new code in a cell with outputs needs an execution
    code = next(c for c in read(name).cells if c.cell_type == "code" and c.outputs).source.strip().splitlines()[-1]
    (tmp_path / "myst" / f"{name}.md").write_text(source.replace(code, code + "  # changed", 1))
    with pytest.raises(notebooks.PageError, match="has outputs and new code"):
        notebooks.refresh_sources(name)


@pytest.mark.parametrize("name", notebooks.PAGES)
def test_no_volatile_metadata(name):
    raw = json.loads((BOOK / f"{name}.ipynb").read_text(encoding="utf-8"))
    for cell in raw["cells"]:
        for key in notebooks.VOLATILE_CELL_METADATA:
            assert key not in cell.get("metadata", {}), (name, key)
    assert "version" not in raw["metadata"].get("language_info", {})
    assert raw["metadata"]["kernelspec"]["name"] == "python3"
    assert raw == json.loads(json.dumps(notebooks.normalize(nbformat.from_dict(raw))))


@pytest.mark.parametrize("name", CHAPTERS)
def test_given_defaults_are_the_homeworks(name):
    namespace: dict = {}
    exec(parameters_cell(read(name)).source, namespace)  # the Given cell is plain assignments
    homework = load_given(CHAPTERS[name])
    for key, value in homework.items():
        assert json.loads(json.dumps(namespace[key])) == value, (name, key)


def assert_no_match_in_markdown_outputs(path: Path, pattern: re.Pattern[str]) -> None:
    """No Markdown output of the notebook at ``path`` holds ``pattern``; a match is shown with its context."""
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown", "")
            found = pattern.search(text)
            assert not found, f"{path.name} cell {index}: {text[max(found.start() - 40, 0):found.end() + 40]!r}"


MYST_ROLE = re.compile(r"\{(ref|glue|glue:text|glue:md|eq|doc|numref|eval)\}`|:::\{|```\{")


@pytest.mark.parametrize("path", sorted(BOOK.glob("*.ipynb")), ids=lambda p: p.stem)
def test_generated_markdown_holds_no_myst_role(path):
    """Generated text shows in every viewer: JupyterLab, Colab and GitHub render no MyST roles or directives."""
    assert_no_match_in_markdown_outputs(path, MYST_ROLE)


# HTML that a notebook viewer cannot show as the book does: a <template>'s content is inert (never shown), and a
# viewer that strips the element shows its content as raw TeX; a form, its inputs and buttons cannot run without
# the page's script (a Check button would submit the viewer's own page), nor can a script.  The book's build adds
# the practice pages' <template>s and forms.
HIDING_HTML = re.compile(r"<(template|form|input|button|script)\b", flags=re.IGNORECASE)


@pytest.mark.parametrize("path", sorted(BOOK.glob("*.ipynb")), ids=lambda p: p.stem)
def test_generated_markdown_hides_nothing_from_a_notebook_viewer(path):
    """A practice variant's worked solution is plain Markdown in the notebook (the build puts it behind its
    toggle), and its answer form only a placeholder comment (the build puts the form there): no Markdown output
    holds a ``<template>``, a form or its controls, or a script."""
    assert_no_match_in_markdown_outputs(path, HIDING_HTML)


MYST_TARGET = re.compile(r"^\([A-Za-z0-9_-]+\)=\s*$", flags=re.MULTILINE)
# a display equation's MyST label, ``$$ (eq-label)`` after its closing $$ (numbered equations use \tag{n})
MYST_EQUATION_LABEL = re.compile(r"^\$\$\s*\([A-Za-z0-9_:-]+\)\s*$", flags=re.MULTILINE)


@pytest.mark.parametrize("path", sorted(BOOK.glob("*.ipynb")), ids=lambda p: p.stem)
def test_markdown_cells_hold_no_myst_only_syntax(path):
    """A notebook's own Markdown cells read the same in Colab, GitHub and JupyterLab as in the book: no MyST roles,
    no ``{directive}`` fences, no ``(label)=`` targets, no ``$$ (label)`` equation labels (shown there as raw
    text; a numbered equation carries ``\tag{n}``, which MathJax shows everywhere)."""
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        found = (MYST_ROLE.search(cell.source) or MYST_TARGET.search(cell.source)
                 or MYST_EQUATION_LABEL.search(cell.source))
        assert not found, f"{path.name} cell {index}: {cell.source[max(found.start() - 40, 0):found.end() + 40]!r}"
