"""The execution cache keyed on hwlib: a change to any file of the package re-executes every notebook.

myst-nb's execution cache keys a notebook on its code cells only, and Sphinx re-reads only the sources that
changed, so after a change to ``hwlib`` (its code, its data files, its templates) a rebuild would show old
numbers.  :func:`package_digest` hashes every file of the package that is not a cache (``__pycache__``,
``*.pyc``), names and contents; the digest is

* part of the execution cache's path (``_build/.jupyter_cache/hwlib-<digest>``), so a new hwlib gets a fresh
  cache and every executed notebook runs again (older caches are removed), and
* the config value ``hwlib_source_hash`` (``rebuild="env"``), so Sphinx re-reads every page.

A prose-only edit leaves the digest alone: the cache is reused and Sphinx re-reads only the edited page.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from pathlib import Path

CACHE_PREFIX = "hwlib-"
CACHE_DIRECTORIES = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis",
                               ".ipynb_checkpoints"})
CACHE_SUFFIXES = frozenset({".pyc", ".pyo"})


def package_directory(name: str = "hwlib") -> Path:
    """The folder of the package ``name`` as the notebooks' kernel will import it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{name} is not importable: pip install -r requirements.txt")
    return Path(next(iter(spec.submodule_search_locations)))


def package_files(package: Path) -> list[Path]:
    """Every file under ``package`` that is not a cache, sorted by its path relative to ``package``."""
    files = []
    for path in package.rglob("*"):
        relative = path.relative_to(package)
        if path.is_file() and not CACHE_DIRECTORIES & set(relative.parts) and path.suffix not in CACHE_SUFFIXES:
            files.append(path)
    return sorted(files, key=lambda p: p.relative_to(package).as_posix())


def package_digest(package: Path) -> str:
    """SHA-256 (first 16 hex digits) over each file's relative path and bytes, in :func:`package_files` order."""
    digest = hashlib.sha256()
    for path in package_files(package):
        name = path.relative_to(package).as_posix().encode()
        content = path.read_bytes()
        for part in (name, content):  # length-prefixed: no two trees give the same byte stream
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()[:16]


def key_execution_on_hwlib(app, config) -> None:
    """``config-inited``: put hwlib's digest into the execution cache's path and into ``hwlib_source_hash``."""
    digest = package_digest(package_directory())
    config.hwlib_source_hash = digest
    if config.nb_execution_mode != "cache":
        return
    base = Path(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    if base.name.startswith(CACHE_PREFIX):  # already keyed (a second config-inited)
        base = base.parent
    config.nb_execution_cache_path = str(base / f"{CACHE_PREFIX}{digest}")
    if base.is_dir():  # keep only the cache of the current hwlib
        for old in base.glob(f"{CACHE_PREFIX}*"):
            if old.name != f"{CACHE_PREFIX}{digest}":
                shutil.rmtree(old, ignore_errors=True)
