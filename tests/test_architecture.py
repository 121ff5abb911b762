"""The package's shape: imports run one way through the layers, with no cycle and no reach for private names.

Every module of :mod:`hwlib` is parsed (not imported), and every ``import`` statement counts, at the top
of a module or inside a function alike.  The layers are declared once, in :data:`hwlib.LAYERS`.

A private name is an attribute or imported name with one leading underscore (``mistakes._key``); a module
whose own name starts with one (``hwlib._checks``) is private to the package, not to a module, and may be
imported by any module of hwlib.  Importing a name from a package counts as importing the module that
holds it (``from hwlib.worked import problem1`` imports ``hwlib.worked.problem1``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import hwlib

ROOT = Path(hwlib.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The hwlib module ``name`` is, or lives in (``hwlib.fmt.number`` -> ``hwlib.fmt``); None outside hwlib."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> tuple[dict[str, set[int]], list[tuple[int, str]]]:
    """(hwlib module imported -> lines, [(line, private name reached in another module)]) of ``module``."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    edges: dict[str, set[int]] = {}
    private: list[tuple[int, str]] = []
    aliases: dict[str, str] = {}  # local name -> hwlib module it is bound to

    def add(target: str | None, line: int) -> None:
        if target is not None and target != module:
            edges.setdefault(target, set()).add(line)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _resolve(alias.name)
                add(target, node.lineno)
                if target is not None:
                    aliases[alias.asname or alias.name.partition(".")[0]] = alias.name if alias.asname else "hwlib"
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            if _resolve(base) is None:
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in MODULES:  # a module imported from its package
                    add(full, node.lineno)
                    aliases[alias.asname or alias.name] = full
                else:
                    add(_resolve(base), node.lineno)
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        private.append((node.lineno, full))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                and node.attr.startswith("_") and not node.attr.startswith("__")
                and f"{aliases[node.value.id]}.{node.attr}" not in MODULES):
            private.append((node.lineno, f"{aliases[node.value.id]}.{node.attr}"))
    return edges, private


GRAPH = {module: _imports(module) for module in MODULES}


def _layer(module: str) -> int:
    for index, (_, members) in enumerate(hwlib.LAYERS):
        if module in members:
            return index
    raise AssertionError(f"{module} is in no layer of hwlib.LAYERS: add it to the layer it belongs to")


def test_every_module_has_a_layer():
    declared = [m for _, members in hwlib.LAYERS for m in members]
    assert len(declared) == len(set(declared)), "a module is declared in two layers"
    missing = set(declared) - set(MODULES)
    assert not missing, f"hwlib.LAYERS names modules that do not exist: {missing}"
    for module in MODULES:
        _layer(module)


def test_imports_follow_the_layers():
    wrong = [f"{module} (layer {hwlib.LAYERS[_layer(module)][0]}) imports {target} "
             f"(layer {hwlib.LAYERS[_layer(target)][0]}) at line {min(lines)}"
             for module, (edges, _) in GRAPH.items() for target, lines in edges.items()
             if _layer(target) > _layer(module)]
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each a cycle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v][0]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in GRAPH:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles():
    assert _cycles() == []


def test_no_private_names_across_modules():
    reached = [f"{module}:{line} uses {name}" for module, (_, private) in GRAPH.items() for line, name in private]
    assert not reached, "private names used from another module:\n" + "\n".join(reached)


@pytest.mark.parametrize("source, expected", [
    ("from hwlib import answers\nanswers._x()", ["hwlib.answers._x"]),
    ("def f():\n    from hwlib.answers import _y\n", ["hwlib.answers._y"]),
    ("import hwlib.answers as a\na._z", ["hwlib.answers._z"]),
    ("from hwlib import answers\nanswers.Truth", []),
])
def test_the_walk_sees_private_names(tmp_path, monkeypatch, source, expected):
    path = tmp_path / "probe.py"
    path.write_text(source, encoding="utf-8")
    monkeypatch.setitem(MODULES, "hwlib.probe", path)
    edges, private = _imports("hwlib.probe")
    assert [name for _, name in private] == expected
    assert "hwlib.answers" in edges


def test_the_walk_sees_a_cycle_inside_a_function(monkeypatch):
    monkeypatch.setitem(GRAPH, "hwlib.answers", ({"hwlib.mistakes": {1}}, []))
    assert any("hwlib.answers" in c and "hwlib.mistakes" in c for c in _cycles())
