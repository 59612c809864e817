"""A plain (non-editable) build ships the speeches and data files as package data."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIRS = ("corpus/speeches", "corpus/data", "index/data")


def test_the_wheel_holds_the_corpus_the_data_files_and_the_console_script(
    tmp_path: Path,
) -> None:
    # Build from a clean copy, as from a fresh clone (no build/ or egg-info left in the tree).
    source = tmp_path / "src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", "*_cache", "*.db"
        ),
    )
    out = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(source), "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("speechbot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in DATA_DIRS:
        files = [p.relative_to(ROOT).as_posix() for p in (ROOT / folder).iterdir() if p.is_file()]
        assert files, folder
        missing = sorted(set(files) - names)
        assert not missing, missing
    assert {"bot/cli.py", "index/_service.py", "corpus/_parser.py"} <= names
    assert not any(name.startswith("tests/") for name in names)
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    config = configparser.ConfigParser()
    config.read_string(zipfile.ZipFile(wheel).read(entry_points).decode())
    assert config["console_scripts"]["speechbot"] == "bot.cli:main"
