"""Why the index cannot do what was asked."""

from __future__ import annotations

import datetime as dt


class IndexUnavailable(RuntimeError):
    """The index cannot serve: no database, no corpus, or a broken file."""


class DatabaseDamaged(IndexUnavailable):
    """SQLite found the database file corrupt (or not a database at all)."""

    def __init__(self, path: object) -> None:
        super().__init__(
            f"the database {path} is damaged: run `speechbot check`, restore a backup "
            "or move it away and reindex"
        )


class ForeignDatabase(IndexUnavailable):
    """The file is another program's SQLite database; nothing was written to it."""


class ReindexBusy(RuntimeError):
    """A reindex is already running: in this process, or in another one (``pid``, ``since``)."""

    def __init__(self, pid: int | None = None, since: float | None = None) -> None:
        self.pid = pid
        self.since = since
        if pid is None:
            super().__init__("a reindex is already running")
        else:
            super().__init__(f"a reindex is running (pid {pid}, since {format_since(since)})")


def format_since(since: float | None) -> str:
    """A lock holder's start time as UTC wall-clock time (``?`` when it could not be read)."""
    if since is None:
        return "?"
    return dt.datetime.fromtimestamp(since, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


class BuildError(RuntimeError):
    """A reindex failed; the live index is untouched."""
