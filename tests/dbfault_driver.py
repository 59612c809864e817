"""Runs ``speechbot`` commands against many database files in one process (a real process, real
files), as ``python tests/dbfault_driver.py JOBS.json``: starting one process per command and
file would take minutes. For each job (``db``, ``corpus``, ``args``) it records the exit code and
everything written to stderr; an exception escaping ``main`` is recorded as ``uncaught`` with its
traceback. Prints the results as one JSON array."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import sys
import traceback
from pathlib import Path


def run(job: dict[str, object]) -> dict[str, object]:
    from bot.cli import main

    os.environ["SPEECHBOT_DB"] = str(job["db"])
    os.environ["SPEECHBOT_CORPUS"] = str(job["corpus"])
    os.environ.update(job.get("env") or {})  # type: ignore[arg-type]
    err, out = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    for handler in list(root.handlers):  # so that main's basicConfig logs into ``err``
        root.removeHandler(handler)
    code: object = None
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = main([str(a) for a in job["args"]])  # type: ignore[attr-defined]
        except BaseException:  # recorded: the test fails on it
            code = "uncaught"
            err.write(traceback.format_exc())
    return {**job, "code": code, "stderr": err.getvalue(), "stdout": out.getvalue()}


if __name__ == "__main__":
    jobs = json.loads(Path(sys.argv[1]).read_text("utf-8"))
    print(json.dumps([run(job) for job in jobs], ensure_ascii=False))
