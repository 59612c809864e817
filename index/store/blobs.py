"""Reading a generation's stored arrays (``index_arrays``) with as few copies as SQLite allows."""

from __future__ import annotations

import sqlite3
from typing import Any

import aiosqlite


async def load_blobs(db: aiosqlite.Connection, gen: int) -> dict[str, bytes]:
    # Incremental blob I/O copies each array once; a SELECT copies it twice (SQLite's buffer,
    # then Python's bytes): ~1 s less at a million paragraphs. It must run on aiosqlite's thread.
    run: Any = getattr(db, "_execute", None)
    if run is None:
        rows = await (
            await db.execute("SELECT name, data FROM index_arrays WHERE gen = ?", (gen,))
        ).fetchall()
        return {str(name): data for name, data in rows}
    found: dict[str, bytes] = await run(lambda: _read_blobs(db._conn, gen))
    return found


def _read_blobs(conn: sqlite3.Connection, gen: int) -> dict[str, bytes]:
    """Every array of ``gen``, read through ``Connection.blobopen``."""
    found: dict[str, bytes] = {}
    rows = conn.execute("SELECT rowid, name FROM index_arrays WHERE gen = ?", (gen,)).fetchall()
    for rowid, name in rows:
        with conn.blobopen("index_arrays", "data", rowid, readonly=True) as blob:
            found[str(name)] = blob.read()
    return found
