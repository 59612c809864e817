"""A generation's stored arrays (``index_arrays``), written and read with as few copies as SQLite
allows.

The large arrays (``CHUNKED``: postings and their contributions) are stored in chunks of
``CHUNK_BYTES`` named ``name#0``, ``name#1``, …: SQLite keeps a blob as a chain of pages, and
reading at an offset walks the chain from the blob's start (~0.7 s to the end of a 490 MB one),
so a question that reads its own terms' postings on demand (``store/columns``) walks at most
one chunk per range. Loading a generation whole joins the chunks back. Arrays stored whole by
earlier versions are read as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from typing import Any

import aiosqlite

#: Arrays stored in chunks (name → stored dtype).
CHUNKED = {"rows": "<i4", "tfs8": "|u1", "approx_f16": "<f2", "approx_f32": "<f4"}
#: Bytes per chunk: a multiple of every item size, a few hundred pages to walk at most.
CHUNK_BYTES = 1 << 21
#: Bytes written per blob call: an array is written from its own memory, never copied whole.
_WRITE = 1 << 24


def base_name(name: str) -> tuple[str, int]:
    """The array a stored row belongs to and its chunk number (0 for an array stored whole)."""
    base, _, at = name.partition("#")
    return base, int(at) if at else 0


async def load_blobs(
    db: aiosqlite.Connection, gen: int, skip: Collection[str] = ()
) -> dict[str, bytes]:
    """Every array of ``gen`` but those named in ``skip``, chunks joined."""
    # Incremental blob I/O copies each array once; a SELECT copies it twice (SQLite's buffer,
    # then Python's bytes): ~1 s less at a million paragraphs. It must run on aiosqlite's thread.
    run: Any = getattr(db, "_execute", None)
    if run is None:
        rows = await (
            await db.execute("SELECT name, data FROM index_arrays WHERE gen = ?", (gen,))
        ).fetchall()
        parts: dict[str, list[tuple[int, bytes]]] = {}
        for name, data in rows:
            base, at = base_name(str(name))
            if base not in skip:
                parts.setdefault(base, []).append((at, bytes(data)))
        return {base: b"".join(d for _, d in sorted(p)) for base, p in parts.items()}
    found: dict[str, bytes] = await run(lambda: _read_blobs(db._conn, gen, skip))
    return found


def _read_blobs(conn: sqlite3.Connection, gen: int, skip: Collection[str]) -> dict[str, bytes]:
    """Every array of ``gen`` but ``skip``, read through ``Connection.blobopen``."""
    rows = conn.execute(
        "SELECT rowid, name, length(data) FROM index_arrays WHERE gen = ?", (gen,)
    ).fetchall()
    chunks: dict[str, list[tuple[int, int, int]]] = {}
    for rowid, name, size in rows:
        base, at = base_name(str(name))
        if base not in skip:
            chunks.setdefault(base, []).append((at, int(rowid), int(size or 0)))
    found: dict[str, Any] = {}
    for base, parts in chunks.items():
        if len(parts) == 1:
            with conn.blobopen("index_arrays", "data", parts[0][1], readonly=True) as blob:
                found[base] = blob.read()
            continue
        joined = bytearray(sum(size for _, _, size in parts))
        offset = 0
        for _, rowid, size in sorted(parts):
            with conn.blobopen("index_arrays", "data", rowid, readonly=True) as blob:
                joined[offset : offset + size] = blob.read()
            offset += size
        found[base] = joined
    return found


async def write_blobs(db: aiosqlite.Connection, gen: int, arrays: dict[str, Any]) -> None:
    """Store arrays (buffers: numpy arrays, bytes) as ``gen``'s blobs, each written in place
    through ``Connection.blobopen`` from its own memory (a bound parameter would be copied);
    the ``CHUNKED`` ones in chunks."""
    stored: dict[str, Any] = {}
    for name, array in arrays.items():
        view = memoryview(array).cast("B")
        if name not in CHUNKED:
            stored[name] = view
            continue
        for i, lo in enumerate(range(0, max(len(view), 1), CHUNK_BYTES)):
            stored[f"{name}#{i}"] = view[lo : lo + CHUNK_BYTES]
    run: Any = getattr(db, "_execute", None)
    if run is None:
        await db.executemany(
            "INSERT OR REPLACE INTO index_arrays (gen, name, data) VALUES (?, ?, ?)",
            [(gen, name, bytes(view)) for name, view in stored.items()],
        )
        return
    await run(lambda: _write_blobs(db._conn, gen, stored))


def _write_blobs(conn: sqlite3.Connection, gen: int, arrays: dict[str, memoryview]) -> None:
    for name, view in arrays.items():
        cur = conn.execute(
            "INSERT OR REPLACE INTO index_arrays (gen, name, data) VALUES (?, ?, zeroblob(?))",
            (gen, name, len(view)),
        )
        if not len(view):
            continue
        with conn.blobopen("index_arrays", "data", int(cur.lastrowid or 0)) as blob:
            for lo in range(0, len(view), _WRITE):
                blob.write(view[lo : lo + _WRITE])


async def chunk_whole_arrays(db: aiosqlite.Connection, gen: int) -> list[str]:
    """Store in chunks the ``CHUNKED`` arrays of ``gen`` that an earlier version stored whole
    (once per database, a few seconds at a million paragraphs) and commit; their names."""
    marks = ",".join("?" * len(CHUNKED))
    rows = await (
        await db.execute(
            f"SELECT name FROM index_arrays WHERE gen = ? AND name IN ({marks})", (gen, *CHUNKED)
        )
    ).fetchall()
    names = [str(r[0]) for r in rows]
    for name in names:
        whole = await load_blobs(db, gen, skip=set(CHUNKED) - {name})
        await write_blobs(db, gen, {name: whole[name]})
        await db.execute("DELETE FROM index_arrays WHERE gen = ? AND name = ?", (gen, name))
        del whole
    if names:
        await db.commit()
    return names
