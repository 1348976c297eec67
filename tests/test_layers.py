"""Imports run one way: the build's lower layers never import a later stage."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"

#: Layer of each module (by dotted prefix, longest first); a module may import only its own
#: layer or lower ones.
LAYERS = {
    "kg.version": 0, "kg.errors": 0, "kg.namespaces": 0, "kg.dates": 0, "kg.model": 0, "kg.io": 0,
    "kg.codec": 1, "kg.progress": 1, "kg.sources": 1, "kg.identity": 1, "kg.engines": 1,
    "kg.readers": 2,
    "kg.facts": 3, "kg.extract": 3, "kg.inputs": 3, "kg.stories": 3,
    "kg.rdf": 4,
    "kg.pieces": 5, "kg.entries": 5, "kg.storypieces": 6, "kg.incremental": 6, "kg.cache": 6,
    "kg.report": 7, "kg.steps": 7, "kg.graph": 7, "kg.pageview": 7, "kg.views": 7,
    "kg.exporters": 8, "kg.store": 8,
    "kg.builder": 9, "kg.sparql_guard": 1, "kg.query": 9, "kg.query_pool": 10, "kg.serve": 10, "kg.push": 9, "kg.validate": 9,
    "kg.cli": 11, "kg.commands": 11, "kg.__main__": 12, "kg": 12,
}


def layer(module: str) -> int:
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return LAYERS[prefix]
    raise KeyError(f"{module} has no layer in tests/test_layers.py")


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(KG.rglob("*.py")):
        parts = path.relative_to(KG.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out.append((name, path))
    return out


def imports(name: str, path: Path) -> set[str]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("kg"):
                found.update(f"{target}.{a.name}" if target != "kg" or a.name != "__version__" else target
                             for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("kg"))
    return found


@pytest.mark.parametrize("name,path", modules(), ids=[n for n, _p in modules()])
def test_imports_run_one_way(name, path):
    own = layer(name)
    for target in imports(name, path):
        if target.split(".")[0] != "kg":
            continue
        module = target
        while module not in {n for n, _p in modules()} and "." in module:
            module = module.rsplit(".", 1)[0]  # "from kg.x import name" → kg.x
        if module == "kg" and name != "kg":
            pytest.fail(f"{name} imports the package kg itself ({target})")
        assert layer(module) <= own, f"{name} (layer {own}) imports {module} (layer {layer(module)})"
