"""Write the bundled corpus's sentence vectors into the package (``index/rank/data/vectors.npz``).

``python -m devtools.ship_vectors`` indexes the bundled speeches in a scratch database with the
real model, embedding every text the semantic part asks for (the vectors already shipped are
reused: only new texts are embedded), and writes them — model, keys, float16 vectors, ordered by
key — so that a fresh install answers at once. Run it after changing the speeches, the model or
what is embedded (``index/rank/dense.sentence_texts``); ``--check`` only says whether the file
is current (exit 1 when it is not).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
from pathlib import Path

import numpy as np

from corpus import bundled_corpus_dir
from index import IndexConfig, SearchIndex
from index.rank.dense import MODEL_ID
from index.store.vectors import bundled_vectors

TARGET = Path(__file__).resolve().parent.parent / "index" / "rank" / "data" / "vectors.npz"


async def _build(db: Path) -> int:
    """Index the bundled corpus into ``db`` with every vector embedded; paragraphs still lacking."""
    config = IndexConfig(db_path=db, corpus_dir=bundled_corpus_dir(), dense=True, embed_threads=2)
    index = SearchIndex(config)
    await index.initialize()
    try:
        status = index.dense_status()
        return status.rows - status.rows_embedded if status.available else status.rows or 1
    finally:
        await index.shutdown()


def _stored(db: Path) -> tuple[np.ndarray, np.ndarray]:
    """The scratch database's keys (n × 16 bytes) and float16 vectors, ordered by key."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT key, vector FROM sentence_vectors WHERE model = ? ORDER BY key", (MODEL_ID,)
        ).fetchall()
    keys = np.frombuffer(b"".join(bytes(k) for k, _ in rows), dtype=np.uint8).reshape(-1, 16)
    vectors = np.frombuffer(b"".join(bytes(v) for _, v in rows), dtype="<f2").reshape(len(rows), -1)
    return keys, vectors


def _current(keys: np.ndarray) -> bool:
    """Whether the shipped vectors (as the index reads them) are exactly ``keys``'s."""
    return set(bundled_vectors(MODEL_ID)) == {bytes(k) for k in keys}


def main(argv: list[str] | None = None) -> int:
    """Build, then write (or with ``--check`` compare) the shipped vectors."""
    parser = argparse.ArgumentParser(prog="python -m devtools.ship_vectors", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only say whether the file is current")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "ship.db"
        missing = asyncio.run(_build(db))
        if missing:
            print(
                f"{missing} paragraphs still lack vectors: the model cannot load?", file=sys.stderr
            )
            return 1
        keys, vectors = _stored(db)
    if args.check:
        ok = _current(keys)
        print(f"{TARGET.name}: {'current' if ok else 'out of date'} ({len(keys)} vectors)")
        return 0 if ok else 1
    np.savez_compressed(TARGET, model=np.array(MODEL_ID), keys=keys, vectors=vectors)
    print(f"wrote {len(keys)} vectors of {MODEL_ID} to {TARGET} ({TARGET.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
