"""The repository URL is set in one place (_config.yml); every page's source and notebook agree with it.

``tools/sync_repository_url.py`` writes the URL into the Colab install cell as a Python string literal
(``repr``), after checking it is a plain http(s) URL; the cell hands pip a list of arguments, no shell.
"""

from __future__ import annotations

import ast

import pytest

import notebooks
import sync_repository_url as sync


def test_every_page_uses_the_configured_repository(capsys):
    assert sync.main(["--check"]) == 0, capsys.readouterr()
    wanted = "git+" + sync.repository_url()
    for name in notebooks.PAGES:
        cells = [c for c in notebooks.read_notebook(name).cells if sync.MARK in c.source]
        assert len(cells) == 1, name
        strings = [n.value for n in ast.walk(ast.parse(cells[0].source)) if isinstance(n, ast.Constant)]
        assert wanted in strings and "os.system" not in cells[0].source and "!pip" not in cells[0].source


CELL = '''import importlib.util, subprocess, sys
if importlib.util.find_spec("hwlib") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "git+https://old.example/x"], check=True)
'''


@pytest.mark.parametrize("url", ["https://github.com/a/b", "http://git.uni.edu:8080/~me/b.git?ref=main#x"])
def test_the_url_is_written_as_a_string_literal(url):
    new = sync.rewrite_install_cell(CELL, sync.check_url(url))
    strings = [n.value for n in ast.walk(ast.parse(new)) if isinstance(n, ast.Constant)]
    assert "git+" + url in strings and new.replace(repr("git+" + url), '"git+https://old.example/x"') == CELL


@pytest.mark.parametrize(("url", "rule"), [
    ("https://github.com/a\\b", "only URL characters"),
    ("https://github.com/a'; import os; os.system('x')#", "only URL characters"),
    ("https://github.com/a b", "only URL characters"),
    ('https://github.com/"b', "only URL characters"),
    ("ftp://github.com/a", "https:// or http://"),
    ("github.com/a", "https:// or http://"),
    ("https:///a", "https:// or http://"),
    ("", "non-empty string"),
    (None, "non-empty string"),
])
def test_a_bad_url_is_refused(url, rule):
    with pytest.raises(sync.URLError, match=rule):
        sync.check_url(url)


def test_a_bad_configured_url_gives_one_error_line(tmp_path, monkeypatch, capsys):
    config = tmp_path / "_config.yml"
    config.write_text("repository:\n  url: 'https://github.com/a\\\\b'\n", encoding="utf-8")
    monkeypatch.setattr(sync, "CONFIG", config)
    assert sync.main([]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: repository url may hold only URL characters")
    assert "Traceback" not in captured.err and captured.out == ""


def test_a_new_url_reaches_the_source_and_the_notebook(tmp_path, monkeypatch):
    name = "practice_problem2"
    (tmp_path / "myst").mkdir()
    (tmp_path / "book").mkdir()
    (tmp_path / "myst" / f"{name}.md").write_bytes(notebooks.source_path(name).read_bytes())
    (tmp_path / "book" / f"{name}.ipynb").write_bytes(notebooks.notebook_path(name).read_bytes())
    monkeypatch.setattr(notebooks, "SOURCES", tmp_path / "myst")
    monkeypatch.setattr(notebooks, "BOOK", tmp_path / "book")
    url = "https://git.uni.example/course/book"
    assert sync.sync_source(notebooks.source_path(name), url, check=False) is True
    assert notebooks.refresh_sources(name) is True
    assert notebooks.differences(name) == []
    assert repr("git+" + url) in notebooks.source_path(name).read_text(encoding="utf-8")
    assert sync.sync_source(notebooks.source_path(name), url, check=True) is False
