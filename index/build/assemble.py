"""A generation's known vectors read block by block into the search backend chosen by size.

Below ``ann.ANN_MIN`` sentences (the bundled corpus, a small archive) the vectors are one
float32 matrix searched exactly (``DenseIndex``); above, an IVF index of 8-bit codes
(``ann.IvfDense``) trained on a strided sample and filled a block at a time, so that no
float32 copy of millions of vectors is ever held. Without faiss, brute force answers up to
``BRUTE_MAX`` sentences and BM25 alone above.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiosqlite
import numpy as np
import numpy.typing as npt

from ..rank import ann
from ..rank.dense import DIM, DenseIndex, DensePart, Vectors
from ..store.vectors import bundled_vectors, read_blobs, write_vectors
from .embed import Plan

log = logging.getLogger(__name__)

#: Sentences read from the database per step.
BLOCK = 32_768
#: Most sentences searched by brute force where faiss cannot import (~0.75 GB of float32).
BRUTE_MAX = 500_000
#: Training vectors per inverted list (faiss wants at least 39), and the fewest known ones to
#: train on (fewer: the vectors are few, brute force is exact and fast).
_PER_LIST = 40
_MIN_PER_LIST = 4


class _Known:
    """Vectors of a plan's sentences by block: the database's, then ``extra``, then shipped ones
    (copied into the database when it is writable)."""

    def __init__(
        self,
        read: aiosqlite.Connection,
        write: aiosqlite.Connection | None,
        plan_: Plan,
        extra: dict[bytes, Vectors],
    ) -> None:
        self.read, self.write, self.plan, self.extra = read, write, plan_, extra
        self._shipped: dict[bytes, Vectors] | None = None

    async def block(self, idx: npt.NDArray[np.int64]) -> tuple[Vectors, npt.NDArray[np.bool_]]:
        """The known vectors of sentences ``idx`` (float32, in order) and which are known."""
        keys = [bytes(k) for k in self.plan.keys[idx]]
        blobs = await read_blobs(self.read, self.plan.model, keys)
        lacking = [k for k in keys if k not in blobs]
        if lacking:
            await self._complete(blobs, lacking)
        have = np.fromiter((k in blobs for k in keys), dtype=np.bool_, count=len(keys))
        joined = b"".join(blobs[k] for k in keys if k in blobs)
        vectors = np.frombuffer(joined, dtype="<f2").reshape(-1, DIM).astype(np.float32)
        return vectors, have

    async def _complete(self, blobs: dict[bytes, bytes], lacking: list[bytes]) -> None:
        new: dict[bytes, Vectors] = {k: self.extra[k] for k in lacking if k in self.extra}
        if self._shipped is None:
            self._shipped = bundled_vectors(self.plan.model)
        shipped = {k: self._shipped[k] for k in lacking if k in self._shipped and k not in new}
        if shipped and self.write is not None:
            await write_vectors(self.write, self.plan.model, shipped.items())
        new.update(shipped)
        for key, vector in new.items():
            blobs[key] = np.asarray(vector, dtype="<f2").tobytes()

    async def blocks(self) -> AsyncIterator[tuple[Vectors, npt.NDArray[np.bool_]]]:
        """Every sentence's known vectors, ``BLOCK`` at a time."""
        for start in range(0, len(self.plan.keys), BLOCK):
            stop = min(start + BLOCK, len(self.plan.keys))
            yield await self.block(np.arange(start, stop, dtype=np.int64))


async def load(
    read: aiosqlite.Connection,
    write: aiosqlite.Connection | None,
    plan_: Plan,
    threads: int = 1,
    extra: dict[bytes, Vectors] | None = None,
) -> tuple[DensePart | None, npt.NDArray[np.int64]]:
    """The generation's search backend over its known vectors, and the sentences missing."""
    known = _Known(read, write, plan_, extra or {})
    n = len(plan_.keys)
    faiss = ann.faiss_module() if n >= ann.ANN_MIN else None
    if n >= ann.ANN_MIN and faiss is None and n > BRUTE_MAX:
        log.warning("%d sentences and no faiss: the semantic part is off (BM25 alone)", n)
        return None, np.zeros(0, dtype=np.int64)
    if faiss is not None:
        nlist = ann.lists_for(n)
        sample_idx = np.unique(np.linspace(0, n - 1, min(n, nlist * _PER_LIST)).astype(np.int64))
        sample, _ = await known.block(sample_idx)
        if len(sample) >= nlist * _MIN_PER_LIST:
            return await _ivf(faiss, known, sample, nlist, threads)
    return await _brute(known)


async def _brute(known: _Known) -> tuple[DensePart, npt.NDArray[np.int64]]:
    matrix = np.empty((len(known.plan.keys), DIM), dtype=np.float32)  # trimmed in place
    masks: list[npt.NDArray[np.bool_]] = []
    filled = 0
    async for vectors, have in known.blocks():
        matrix[filled : filled + len(vectors)] = vectors
        filled += len(vectors)
        masks.append(have)
    vectors_ = matrix[:filled]
    return _finish(
        known.plan,
        masks,
        lambda owner, missing_rows: DenseIndex(vectors_, owner, known.plan.n_rows, missing_rows),
    )


async def _ivf(
    faiss: Any, known: _Known, sample: Vectors, nlist: int, threads: int
) -> tuple[DensePart, npt.NDArray[np.int64]]:
    builder = ann.IvfBuilder(faiss, sample, nlist, threads)
    await asyncio.to_thread(builder.train)
    masks: list[npt.NDArray[np.bool_]] = []
    async for vectors, have in known.blocks():
        await asyncio.to_thread(builder.add, vectors)
        masks.append(have)
    plan_ = known.plan
    return _finish(plan_, masks, lambda owner, gaps: builder.finish(owner, plan_.n_rows, gaps))


def _finish(
    plan_: Plan, masks: list[npt.NDArray[np.bool_]], make: Any
) -> tuple[DensePart, npt.NDArray[np.int64]]:
    have = np.concatenate(masks) if masks else np.zeros(0, dtype=np.bool_)
    missing = np.flatnonzero(~have).astype(np.int64)
    missing_rows = len(np.unique(plan_.owner[missing])) if len(missing) else 0
    return make(plan_.owner[have], missing_rows), missing
