"""The bot package keeps its shape: imports one way, small modules and functions, every string
users see in the catalogue (bot/ui/texts), each in both languages with the same fields."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from bot.ui import texts
from bot.ui.texts import Text, admin, chat, corpus, replies, terminal
from conftest import assert_acyclic

BOT = Path(__file__).resolve().parents[1] / "bot"
#: Who may import whom inside bot/: a layer imports only the layers below it.
LOWER = {
    "ui": set(),
    "settings": set(),
    "state": set(),
    "services": {"settings", "state"},
    "check": {"settings"},
    "terminal": {"ui"},  # the same whole-word marks as the bot (ui/marks.py)
    "logs": set(),
    "net": {"check", "services", "settings"},
    "handlers": {"services", "state", "ui"},
    "admin": {"services", "state", "ui"},
    "app": {"admin", "handlers", "net", "services", "settings", "ui"},
    "cli_args": set(),
    "cli": {"app", "check", "cli_args", "logs", "settings", "terminal", "ui"},
    "__main__": {"cli"},
}
IDEOGRAPHS = re.compile(r"[\u4e00-\u9fff]")


def _modules() -> dict[str, ast.Module]:
    return {
        ".".join(("bot", *p.relative_to(BOT).with_suffix("").parts)).removesuffix(
            ".__init__"
        ): ast.parse(p.read_text(encoding="utf-8"))
        for p in sorted(BOT.rglob("*.py"))
    }


def _imports(name: str, tree: ast.Module, is_package: bool) -> set[str]:
    """The modules ``name`` imports (resolved: relative imports, ``from x import module``)."""
    here = name.split(".") if is_package else name.split(".")[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    packages = {p for p in modules if (BOT.parent / p.replace(".", "/") / "__init__.py").exists()}
    return {
        name: {m for m in _imports(name, tree, name in packages) if m in modules and m != name}
        for name, tree in modules.items()
    }


def test_no_import_cycles_inside_bot() -> None:
    assert_acyclic(_graph())


def test_layers_import_one_way() -> None:
    for name, targets in _graph().items():
        layer = name.split(".")[1] if "." in name else "__init__"
        for target in targets:
            other = target.split(".")[1] if "." in target else "__init__"
            if other != layer and other != "__init__":
                assert other in LOWER.get(layer, set()), f"{name} imports {target}"


def test_bot_uses_only_the_public_index_and_corpus_apis() -> None:
    for name, tree in _modules().items():
        for node in tree.body:  # module-level imports (cli's evaluation is imported on demand)
            if isinstance(node, ast.ImportFrom) and not node.level:
                root = (node.module or "").split(".")
                if root[0] in ("index", "corpus"):
                    assert root == [root[0]], f"{name} imports {node.module}"


def test_modules_and_functions_stay_small() -> None:
    for path in BOT.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert source.count("\n") <= 300, f"{path} has {source.count(chr(10))} lines"
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                assert length <= 60, f"{path}:{node.lineno} {node.name} has {length} lines"


def test_chinese_text_is_only_in_the_catalogue() -> None:
    # Docstrings and comments aside; cli*.py keep their English help and usage examples.
    for path in BOT.rglob("*.py"):
        if "texts" in path.parts or path.name in ("cli.py", "cli_args.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = "" if id(node) in docstrings else node.value
                assert not IDEOGRAPHS.search(text), f"{path}:{node.lineno}: {text!r}"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_text_has_both_languages_with_the_same_fields() -> None:
    entries: dict[str, Text] = {}
    for part in (chat, admin, corpus, replies, terminal):
        found = {n: v for n, v in vars(part).items() if n.isupper()}
        assert not entries.keys() & found.keys(), "a name in two parts of the catalogue"
        entries |= found
    for name, value in entries.items():
        assert getattr(texts, name) is value
        items = value.items() if isinstance(value, dict) else [(name, value)]
        for key, text in items:
            if isinstance(text, Text):
                assert text.zh.strip() and text.en.strip(), key
                assert _fields(text.zh) == _fields(text.en), key
