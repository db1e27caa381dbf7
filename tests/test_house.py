"""The house rules a machine can check: modules talk through public names, and stay a readable size."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "clusterkit"
MAX_LINES = 700
DATA_MODULES = {"examples.py"}  # the example cluster's data, written out row by row


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolve(path: Path, node: ast.ImportFrom) -> str:
    """The absolute module an ``import from`` names."""
    if node.level == 0:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (PACKAGE.parent / relative).with_suffix(".py").is_file() or (PACKAGE.parent / relative).is_dir()


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(path: Path) -> list[str]:
    """Each ``_private`` name this module takes from another clusterkit module, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    own = module_name(path)
    modules_bound: dict[str, str] = {}  # local name -> clusterkit module it is bound to
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = resolve(path, node)
            if source.split(".")[0] != "clusterkit":
                continue
            for alias in node.names:
                if private(alias.name) and source != own:
                    found.append(f"{node.lineno}: from {source} import {alias.name}")
                elif is_module(f"{source}.{alias.name}"):
                    modules_bound[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "clusterkit":
                    modules_bound[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules_bound
            and modules_bound[node.value.id] != own
        ):
            found.append(f"{node.lineno}: {node.value.id}.{node.attr} ({modules_bound[node.value.id]})")
    return found


def test_the_check_sees_both_ways_of_reaching_a_private_name(tmp_path, monkeypatch):
    package = tmp_path / "clusterkit"
    (package / "workbook").mkdir(parents=True)
    (package / "workbook" / "__init__.py").write_text("")
    (package / "workbook" / "cells.py").write_text("def _norm(x):\n    return x\n")
    (package / "exports.py").write_text("def _cell():\n    pass\n")
    user = package / "workbook" / "editor.py"
    user.write_text(
        "from .cells import _norm, normalise\nfrom .. import exports\nfrom . import cells as c\n"
        "exports._cell()\nc._norm(1)\nexports.tab_name\nfrom .. import __version__\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", package)
    assert private_uses(user) == [
        "1: from clusterkit.workbook.cells import _norm",
        "4: exports._cell (clusterkit.exports)",
        "5: c._norm (clusterkit.workbook.cells)",
    ]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_use_only_public_names_of_other_modules(path):
    assert private_uses(path) == []


@pytest.mark.parametrize(
    "path", [p for p in modules() if p.name not in DATA_MODULES], ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_modules_stay_under_the_size_limit(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name}: {lines} lines, more than {MAX_LINES}: split it by what each part does"
