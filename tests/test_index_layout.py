"""index/ and devtools/ keep their shape: one folder per concern, imports one way (no cycles),
small modules and functions; bot/ sees only index's public API, and nothing shipped imports
the dev tools."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import assert_acyclic

ROOT = Path(__file__).resolve().parents[1]
#: Who may import whom inside index/: each part imports only the parts listed (all below it).
LOWER: dict[str, set[str]] = {
    "types": set(),
    "errors": set(),
    "text": set(),
    "rank": {"types"},
    "config": {"rank"},
    "query": {"errors", "rank", "text", "types"},
    "store": {"config", "errors", "rank", "text", "types"},
    "build": {"config", "errors", "rank", "store", "text", "types"},
    "retrieve": {"query", "rank", "store", "types"},
    "search": {"query", "rank", "retrieve", "store", "types"},
    "speeches": {"query", "store", "text", "types"},
    "semantic": {"build", "rank", "store", "text", "types"},
    "service": {
        "build",
        "config",
        "errors",
        "query",
        "rank",
        "search",
        "semantic",
        "speeches",
        "store",
        "text",
        "types",
    },
}
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60


def _modules(package: str) -> dict[str, tuple[Path, ast.Module]]:
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        found[name] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return found


def _imports(name: str, path: Path, tree: ast.Module, names: bool = True) -> set[str]:
    """The modules ``name`` imports, relative imports resolved; ``from x import y`` is x, and
    x.y too with ``names`` (y may be a module)."""
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            found.add(module)
            if names:
                found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def _graph(package: str) -> dict[str, set[str]]:
    modules = _modules(package)
    return {
        name: {m for m in _imports(name, *modules[name]) if m in modules and m != name}
        for name in modules
    }


@pytest.mark.parametrize("package", ["index", "devtools"])
def test_no_import_cycles(package: str) -> None:
    assert_acyclic(_graph(package))


def test_each_part_of_index_imports_only_the_parts_below_it() -> None:
    graph = _graph("index")
    parts = {name.split(".")[1] for name in graph if name != "index"}
    assert parts == set(LOWER), "a new part of index/ needs its place in LOWER"
    for name, targets in graph.items():
        if name == "index":
            continue  # the public API gathers them all
        part = name.split(".")[1]
        used = {t.split(".")[1] for t in targets if t != "index"} - {part}
        assert used <= LOWER[part], f"{name} imports {sorted(used - LOWER[part])}"
        assert "index" not in targets, f"{name} imports the package itself"


def test_modules_and_functions_stay_small() -> None:
    for package in ("index", "devtools"):
        for name, (path, tree) in _modules(package).items():
            lines = len(path.read_text(encoding="utf-8").splitlines())
            assert lines <= MAX_MODULE_LINES, f"{name}: {lines} lines"
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    size = (node.end_lineno or node.lineno) - node.lineno + 1
                    assert size <= MAX_FUNCTION_LINES, f"{name}.{node.name}: {size} lines"


def test_bot_uses_only_the_public_api_and_nothing_shipped_imports_the_dev_tools() -> None:
    for package in ("bot", "index", "corpus"):
        for name, (path, tree) in _modules(package).items():
            imported = _imports(name, path, tree, names=False)
            if package == "bot":
                private = sorted(m for m in imported if m.startswith("index."))
                assert not private, f"{name} imports {private}: use index's public API"
            dev = sorted(m for m in imported if m.split(".")[0] == "devtools")
            # ``speechbot eval`` runs the evaluation from a source checkout, on demand.
            assert not dev or (name == "bot.cli" and dev == ["devtools.evaluate.__main__"]), name
