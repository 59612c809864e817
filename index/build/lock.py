"""One reindex at a time across processes: an exclusive lock on a file beside the database.

The lock is ``flock`` on ``<database>.reindex-lock``, held for a build's whole run; the kernel
releases it when its process ends, however it ends, so a lock is never left behind by a build
that was killed. The file holds the holder's pid and start time, for the message a second
reindex gets ("a reindex is running (pid …, since …)").
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from pathlib import Path

from ..errors import ReindexBusy


def lock_path(db_path: Path) -> Path:
    """The lock file of the database at ``db_path``."""
    return db_path.with_name(db_path.name + ".reindex-lock")


class ReindexLock:
    """The reindex lock of one database; ``acquire`` raises ReindexBusy when another holds it."""

    def __init__(self, db_path: Path) -> None:
        self.path = lock_path(db_path)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock now, or raise ReindexBusy naming its holder (blocking: a few µs)."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid, since = _holder(fd)
            os.close(fd)
            raise ReindexBusy(pid, since) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "since": time.time()}).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        """Let the next reindex in (the file stays: removing it would race with a new holder)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing the last descriptor releases the flock


def _holder(fd: int) -> tuple[int | None, float | None]:
    """The pid and start time the holder wrote (None where it cannot be read yet)."""
    try:
        data = json.loads(os.pread(fd, 256, 0) or b"{}")
        pid, since = data.get("pid"), data.get("since")
        return (
            pid if isinstance(pid, int) else None,
            float(since) if isinstance(since, int | float) else None,
        )
    except (OSError, ValueError, AttributeError):
        return None, None
