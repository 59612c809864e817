"""Reading a generation's stored arrays (``index_arrays``) with as few copies as SQLite allows."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from typing import Any

import aiosqlite


async def load_blobs(
    db: aiosqlite.Connection, gen: int, skip: Collection[str] = ()
) -> dict[str, bytes]:
    """Every array of ``gen`` but those named in ``skip``."""
    # Incremental blob I/O copies each array once; a SELECT copies it twice (SQLite's buffer,
    # then Python's bytes): ~1 s less at a million paragraphs. It must run on aiosqlite's thread.
    run: Any = getattr(db, "_execute", None)
    if run is None:
        rows = await (
            await db.execute("SELECT name, data FROM index_arrays WHERE gen = ?", (gen,))
        ).fetchall()
        return {str(name): data for name, data in rows if name not in skip}
    found: dict[str, bytes] = await run(lambda: _read_blobs(db._conn, gen, skip))
    return found


def _read_blobs(conn: sqlite3.Connection, gen: int, skip: Collection[str]) -> dict[str, bytes]:
    """Every array of ``gen`` but ``skip``, read through ``Connection.blobopen``."""
    found: dict[str, bytes] = {}
    rows = conn.execute("SELECT rowid, name FROM index_arrays WHERE gen = ?", (gen,)).fetchall()
    for rowid, name in rows:
        if name in skip:
            continue
        with conn.blobopen("index_arrays", "data", rowid, readonly=True) as blob:
            found[str(name)] = blob.read()
    return found


#: Bytes written per blob call: an array is written from its own memory, never copied whole.
_WRITE = 1 << 24


async def write_blobs(db: aiosqlite.Connection, gen: int, arrays: dict[str, Any]) -> None:
    """Store arrays (buffers: numpy arrays, bytes) as ``gen``'s blobs, each written in place
    through ``Connection.blobopen`` from its own memory (a bound parameter would be copied)."""
    run: Any = getattr(db, "_execute", None)
    if run is None:
        await db.executemany(
            "INSERT OR REPLACE INTO index_arrays (gen, name, data) VALUES (?, ?, ?)",
            [(gen, name, bytes(memoryview(a).cast("B"))) for name, a in arrays.items()],
        )
        return
    await run(lambda: _write_blobs(db._conn, gen, arrays))


def _write_blobs(conn: sqlite3.Connection, gen: int, arrays: dict[str, Any]) -> None:
    for name, array in arrays.items():
        view = memoryview(array).cast("B")
        cur = conn.execute(
            "INSERT OR REPLACE INTO index_arrays (gen, name, data) VALUES (?, ?, zeroblob(?))",
            (gen, name, len(view)),
        )
        if not len(view):
            continue
        with conn.blobopen("index_arrays", "data", int(cur.lastrowid or 0)) as blob:
            for lo in range(0, len(view), _WRITE):
                blob.write(view[lo : lo + _WRITE])
