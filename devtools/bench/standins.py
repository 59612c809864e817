"""Stand-in sentence vectors written into a real built database, with the exact answers.

A million real sentences cannot be embedded here (e5-small does ~30 a second per core), so
every sentence of the database's live generation gets a seeded unit vector clustered as e5's
are (``vectors.stand_ins``' topics and sub-topics, with more noise: a harder case for IVF), stored as the
real ones are (float16 under the sentence's key). The exact top ``TOP`` of stand-in queries
over the float16 vectors is kept for recall.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index import IndexConfig, SearchIndex
from index.build import embed
from index.rank.dense import DIM, MODEL_ID
from index.store.connection import connect

F32 = npt.NDArray[np.float32]
TOP = 50
QUERIES = 300
_BLOCK = 1 << 16


class Topics:
    """Seeded sub-topic centres; sentences and queries are drawn around them."""

    def __init__(self, seed: int = 1, topics: int = 300, noise: float = 0.9) -> None:
        self.noise = noise
        self.rng = np.random.default_rng(seed)
        centres = self.rng.standard_normal((topics, DIM)).astype(np.float32)
        pick = self.rng.integers(0, topics, topics * 20)
        around = self.rng.standard_normal((topics * 20, DIM)).astype(np.float32)
        self.subs = centres[pick] + 0.7 * around

    def draw(self, n: int) -> F32:
        """``n`` unit vectors around random sub-topics."""
        noise = self.rng.standard_normal((n, DIM)).astype(np.float32)
        out = self.subs[self.rng.integers(0, len(self.subs), n)] + self.noise * noise
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        unit: F32 = out.astype(np.float32)
        return unit


async def _plan(db: Path, corpus: Path) -> embed.Plan:
    index = SearchIndex(IndexConfig(db_path=db, corpus_dir=corpus, auto_build=False))
    await index.initialize()
    try:
        read, snapshot = getattr(index, "_read"), getattr(index, "_snapshot")  # noqa: B009
        return await embed.plan(read, snapshot, MODEL_ID)
    finally:
        await index.shutdown()


def _merge_top(best: tuple[F32, npt.NDArray[np.int64]], sims: F32, offset: int) -> Any:
    scores = np.concatenate([best[0], sims], axis=1)
    ids = np.concatenate(
        [best[1], np.arange(offset, offset + sims.shape[1])[None, :].repeat(len(sims), 0)], axis=1
    )
    keep = np.argpartition(-scores, TOP - 1, axis=1)[:, :TOP]
    return np.take_along_axis(scores, keep, 1), np.take_along_axis(ids, keep, 1)


async def write(db: Path, corpus: Path, out: Path) -> dict[str, Any]:
    """Give every sentence of ``db``'s generation a stand-in vector; save queries and truth
    (the exact top ``TOP`` keys of each query) under ``out``. Returns the timings."""
    started = time.perf_counter()
    plan_ = await _plan(db, corpus)
    planned = time.perf_counter() - started
    pairs = np.frombuffer(plan_.keys.tobytes(), dtype=">u8").reshape(-1, 2)
    unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
    topics = Topics()
    queries = topics.draw(QUERIES)
    best = (np.full((QUERIES, TOP), -2.0, np.float32), np.zeros((QUERIES, TOP), np.int64))
    write_ = await connect(db)
    try:
        for lo in range(0, len(unique), _BLOCK):
            keys = unique[lo : lo + _BLOCK].astype(">u8").tobytes()
            vectors = topics.draw(min(_BLOCK, len(unique) - lo)).astype("<f2")
            rows = [
                (MODEL_ID, keys[i * 16 : i * 16 + 16], v.tobytes()) for i, v in enumerate(vectors)
            ]
            await write_.executemany(
                "INSERT OR REPLACE INTO sentence_vectors VALUES (?, ?, ?)", rows
            )
            await write_.commit()
            best = _merge_top(best, queries @ vectors.astype(np.float32).T, lo)
    finally:
        await write_.close()
    np.save(out / "queries.npy", queries)
    np.save(out / "truth.npy", best[1])
    np.save(out / "inverse.npy", inverse.reshape(-1).astype(np.int64))
    return {
        "sentences": len(plan_.keys),
        "distinct": len(unique),
        "plan_s": planned,
        "write_s": time.perf_counter() - started - planned,
    }


def recall(
    found: npt.NDArray[np.int64], truth: npt.NDArray[np.int64], inverse: npt.NDArray[np.int64]
) -> float:
    """Share of the exact top ``TOP`` distinct vectors among the ``TOP`` distinct ones found
    (``found``: sentence ids per query, best first, -1 for none)."""
    hits = 0
    for row, exact in zip(found, truth, strict=True):
        keys = list(dict.fromkeys(int(inverse[i]) for i in row if i >= 0))[:TOP]
        hits += len(set(keys) & set(exact.tolist()))
    return hits / (TOP * len(truth))
