"""The execution cache's key (_ext/hwlib_book/cache_key.py): every file of hwlib that is not a cache.

A change to any of hwlib's files (code, data such as ``separable_speed.csv``, templates) gives a new key, so
the next build re-executes the notebooks; a cache file (``__pycache__``, ``*.pyc``) does not.  That the key
really re-executes a book's notebook is checked end to end by ``.ci/run`` after its build
(``.ci/stale_numbers.py``).
"""

from __future__ import annotations

import shutil
import types
from pathlib import Path

import pytest

from hwlib_book import cache_key

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def package(tmp_path) -> Path:
    copy = tmp_path / "hwlib"
    shutil.copytree(ROOT / "hwlib", copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return copy


def test_a_changed_csv_changes_the_key(package):
    before = cache_key.package_digest(package)
    csv = package / "data" / "separable_speed.csv"
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    csv.write_text("".join(lines + lines[-1:]), encoding="utf-8")  # one more measured row
    assert cache_key.package_digest(package) != before


@pytest.mark.parametrize("relative", ["conv.py", "data/handwritten.toml", "py.typed", "templates/README.md",
                                      "data/new_rows.json", "templates/problem9/section.md"])
def test_every_kind_of_file_is_in_the_key(package, relative):
    before = cache_key.package_digest(package)
    path = package / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((path.read_bytes() if path.exists() else b"") + b"\n")
    assert path in cache_key.package_files(package)
    assert cache_key.package_digest(package) != before


def test_a_renamed_file_changes_the_key(package):
    before = cache_key.package_digest(package)
    (package / "data" / "handwritten.toml").rename(package / "data" / "handwritten2.toml")
    assert cache_key.package_digest(package) != before


def test_caches_are_not_in_the_key(package):
    before = cache_key.package_digest(package)
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "conv.cpython-311.pyc").write_bytes(b"\x00compiled")
    (package / "worked" / "stray.pyc").write_bytes(b"\x00")
    (package / ".ipynb_checkpoints").mkdir()
    (package / ".ipynb_checkpoints" / "x.py").write_text("x = 1")
    assert cache_key.package_digest(package) == before
    assert not any(p.suffix == ".pyc" or "__pycache__" in p.parts for p in cache_key.package_files(package))


def test_the_key_is_the_installed_hwlibs_and_names_the_cache_folder(tmp_path):
    digest = cache_key.package_digest(cache_key.package_directory())
    assert digest == cache_key.package_digest(ROOT / "hwlib")  # the tests import this checkout's hwlib
    old = tmp_path / "_build" / ".jupyter_cache" / "hwlib-0000000000000000"
    old.mkdir(parents=True)
    config = types.SimpleNamespace(nb_execution_mode="cache", nb_execution_cache_path="", hwlib_source_hash="")
    cache_key.key_execution_on_hwlib(types.SimpleNamespace(outdir=str(tmp_path / "_build" / "html")), config)
    assert config.hwlib_source_hash == digest
    assert Path(config.nb_execution_cache_path) == tmp_path / "_build" / ".jupyter_cache" / f"hwlib-{digest}"
    assert not old.exists()  # the cache of another hwlib is removed
    cache_key.key_execution_on_hwlib(types.SimpleNamespace(outdir=str(tmp_path / "_build" / "html")), config)
    assert Path(config.nb_execution_cache_path).name == f"hwlib-{digest}"  # keyed once, not twice
