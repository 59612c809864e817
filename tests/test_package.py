"""A plain (non-editable) build ships the code, the speeches and the data files, and no dev tools."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "index", "corpus")
DATA_DIRS = ("corpus/speeches", "corpus/data", "index/text/data", "index/query/data")


_LEFT_BEHIND = shutil.ignore_patterns(
    ".venv", ".git", "*.egg-info", "__pycache__", "*_cache", "*.db"
)


def _not_in_a_fresh_clone(folder: str, names: list[str]) -> set[str]:
    """What a build or a test run leaves in the tree; build/ and dist/ only at the top, as in
    .gitignore (index/build/ is a package)."""
    left = set(_LEFT_BEHIND(folder, names))
    if Path(folder) == ROOT:
        left |= {"build", "dist"} & set(names)
    return left


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel ``pip wheel`` builds from a clean copy of the checkout."""
    tmp_path = tmp_path_factory.mktemp("wheel")
    # Build from a clean copy, as from a fresh clone (no build/ or egg-info left in the tree).
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=_not_in_a_fresh_clone)
    out = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(source), "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (path,) = out.glob("speechbot-*.whl")
    return zipfile.ZipFile(path)


def test_the_wheel_holds_the_code_the_corpus_the_data_files_and_the_console_script(
    wheel: zipfile.ZipFile,
) -> None:
    names = set(wheel.namelist())
    for folder in DATA_DIRS:
        files = [p.relative_to(ROOT).as_posix() for p in (ROOT / folder).iterdir() if p.is_file()]
        assert files, folder
        missing = sorted(set(files) - names)
        assert not missing, missing
    modules = [
        p.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for p in (ROOT / package).rglob("*.py")
    ]
    assert modules and not sorted(set(modules) - names)  # every subpackage (index/rank/, …)
    assert {"bot/cli.py", "index/service.py", "corpus/_parser.py"} <= names
    assert not any(name.startswith("tests/") for name in names)
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    config = configparser.ConfigParser()
    config.read_string(wheel.read(entry_points).decode())
    assert config["console_scripts"]["speechbot"] == "bot.cli:main"


def test_the_wheel_holds_no_dev_tools_and_no_question_sets(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    assert not [n for n in names if n.startswith(("devtools/", "benchmarks/"))]
    # The evaluation, the benchmark and its synthetic corpora, wherever they might end up.
    tools = re.compile(r"(^|/)_?(evaluate|bench\w*|synth)(\.py|/)")
    assert not [n for n in names if tools.search(n)]
    # The question sets (dev, held-out, blind), and the benchmark's recorded runs.
    assert not [
        n for n in names if n.endswith(".jsonl") or n.rsplit("/", 1)[-1].startswith("bench")
    ]
    questions = {p.name for p in (ROOT / "devtools" / "questions").glob("*.jsonl")}
    assert {"devset.jsonl", "heldout.jsonl", "blind.jsonl"} <= questions
    assert not [n for n in names if n.rsplit("/", 1)[-1] in questions]
