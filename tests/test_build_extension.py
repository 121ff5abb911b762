"""The build extension's own rules (_ext/hwlib_book): one package, registered once, no sys.path edits, no state
kept on the Sphinx application object."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

PACKAGE = Path(__file__).resolve().parent.parent / "_ext" / "hwlib_book"


def modules() -> list[Path]:
    return sorted(PACKAGE.glob("*.py"))


def test_registered_as_one_extension():
    config = yaml.safe_load((PACKAGE.parent.parent / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["local_extensions"] == {"hwlib_book": "_ext"}
    assert sorted(p.name for p in PACKAGE.parent.iterdir() if p.name != "__pycache__") == ["hwlib_book"]


def test_no_sys_path_edits_and_no_state_on_the_app():
    found = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "path" and getattr(node.value, "id", "") == "sys":
                found.append(f"{path.name}:{node.lineno}: sys.path")
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, (ast.AnnAssign, ast.AugAssign)) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and getattr(target.value, "id", "") == "app":
                    found.append(f"{path.name}:{node.lineno}: app.{target.attr} = ...")
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "setattr" and node.args \
                    and getattr(node.args[0], "id", "") == "app":
                found.append(f"{path.name}:{node.lineno}: setattr(app, ...)")
    assert not found, found


def test_modules_import_their_siblings_relatively():
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                assert not node.module.startswith("hwlib_book"), f"{path.name}: from {node.module} import ..."
            if isinstance(node, ast.Import):
                assert not any(alias.name.startswith("hwlib_book") for alias in node.names), path.name
