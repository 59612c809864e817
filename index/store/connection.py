"""Opening the SQLite database, and saying why a write to it failed."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import aiosqlite

from .schema import read_only_uri


async def connect(path: Path, *, read_only: bool = False) -> aiosqlite.Connection:
    """A connection in WAL mode, or a read-only one; never a leaked worker thread."""
    if read_only:
        conn = await aiosqlite.connect(read_only_uri(path), timeout=30, uri=True)
    else:
        # When the open itself fails (a directory, no permission), aiosqlite stops its worker
        # thread without waiting for it, and the thread prints a traceback once the event loop
        # is closed. A plain open first reports such errors cleanly.
        await asyncio.to_thread(lambda: sqlite3.connect(path).close())
        conn = await aiosqlite.connect(path, timeout=30)
    try:
        if not read_only:
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        await conn.close()  # an open file would keep its folder busy (and leak a thread)
        raise
    return conn


def why_failed(exc: BaseException, path: Path) -> str:
    """The failure in words an admin can act on."""
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_FULL":
        return f"the disk holding {path} is full ({exc})"
    if name.startswith("SQLITE_READONLY"):
        return f"the database {path} cannot be written ({exc})"
    return str(exc)


def db_files(path: Path) -> list[Path]:
    """The database file and its write-ahead log, where they exist."""
    return [p for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
