"""``speechbot … | head -1``: a reader that goes away ends every command quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = [
    ["ask", "--json", "-k", "10", "党风廉政建设"],
    ["ask", "党风廉政建设"],
    ["outline"],
    ["outline", "1"],
    ["reindex"],
    ["check", "--offline", "--json"],
    ["--help"],
    ["ask", "--help"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_a_closed_stdout_ends_the_command_quietly(
    argv: list[str], db_path: Path, corpus_dir: Path
) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte: every write fails with EPIPE
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SPEECHBOT_", "TELEGRAM_"))}
    env = clean | {
        "SPEECHBOT_DB": str(db_path),
        "SPEECHBOT_CORPUS": str(corpus_dir),
        "SPEECHBOT_DENSE": "off",
    }
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", *argv],
            stdout=write,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)
    err = done.stderr.decode()
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    # 141 as for a process SIGPIPE ended; argparse's help ignores the closed pipe itself (0).
    assert done.returncode == (0 if "--help" in argv else 141), err
