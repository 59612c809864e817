"""Sentence vectors in SQLite, keyed by model and text: computed once, kept across generations.

A vector is stored as float16 bytes (no pickle) under ``text_key(model, text)``; a generation's
vectors are exactly the rows for its sentences, so an unchanged speech is never re-embedded and
an interrupted fill resumes where it stopped. The bundled corpus's vectors ship with the package
(``index/rank/data/vectors.npz``) so that a fresh install answers at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib import resources

import aiosqlite
import numpy as np
import numpy.typing as npt

_DTYPE = "<f2"
#: Bound parameters per statement, well below SQLite's limit.
_CHUNK = 900

Vector = npt.NDArray[np.float32]


async def read_vectors(
    db: aiosqlite.Connection, model: str, keys: Sequence[bytes]
) -> dict[bytes, Vector]:
    """The stored vectors among ``keys``."""
    blobs = await read_blobs(db, model, keys)
    return {
        key: np.frombuffer(blob, dtype=_DTYPE).astype(np.float32) for key, blob in blobs.items()
    }


async def read_blobs(
    db: aiosqlite.Connection, model: str, keys: Sequence[bytes]
) -> dict[bytes, bytes]:
    """The stored vectors among ``keys`` as their float16 bytes (joined into one array by the
    caller: no array per vector when a generation's millions are loaded)."""
    found: dict[bytes, bytes] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        cursor = await db.execute(
            f"SELECT key, vector FROM sentence_vectors WHERE model = ? AND key IN ({marks})",
            [model, *chunk],
        )
        for key, blob in await cursor.fetchall():
            found[bytes(key)] = bytes(blob)
    return found


async def write_vectors(
    db: aiosqlite.Connection, model: str, items: Iterable[tuple[bytes, Vector]]
) -> None:
    """Store vectors and commit."""
    await db.executemany(
        "INSERT OR REPLACE INTO sentence_vectors (model, key, vector) VALUES (?, ?, ?)",
        [(model, key, np.asarray(v, dtype=_DTYPE).tobytes()) for key, v in items],
    )
    await db.commit()


def bundled_vectors(model: str) -> dict[bytes, Vector]:
    """The vectors shipped for the bundled corpus (empty if none match ``model``)."""
    path = resources.files("index.rank") / "data" / "vectors.npz"
    if not path.is_file():
        return {}
    with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
        if str(data["model"]) != model:
            return {}
        keys = data["keys"]
        vectors = data["vectors"].astype(np.float32)
    return {bytes(k): v for k, v in zip(keys, vectors, strict=True)}


async def any_vectors(db: aiosqlite.Connection, model_id: str) -> bool:
    """Whether the database holds a vector of ``model_id`` (one index probe)."""
    cursor = await db.execute("SELECT 1 FROM sentence_vectors WHERE model = ? LIMIT 1", (model_id,))
    return await cursor.fetchone() is not None
