"""Nearest-neighbour search of a large generation's sentence vectors (faiss IVF, 8-bit codes).

Below ``ANN_MIN`` sentences numpy's brute force (``dense.DenseIndex``) is exact and fast enough;
above, :class:`IvfDense` keeps each vector as 384 bytes (faiss's 8-bit scalar quantizer) in
inverted lists around ``nlist`` k-means centroids and scans the ``nprobe`` lists nearest the
question. The whole set's mean and spread of similarities, which the evidence needs, come exactly
from the vectors' first and second moments (``q·μ`` and ``qᵀ G q - (q·μ)²``, G = Σ v vᵀ / n),
summed while adding.
A range of rows (a speech, a section) is scored exactly on its decoded codes. Where faiss cannot
import, :func:`faiss_module` says so and the caller keeps brute force (or BM25 alone).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from .bm25 import Scored
from .dense import DIM, Z_WEIGHT, Probe, Vectors

log = logging.getLogger(__name__)

#: Sentences from which the nearest-neighbour index replaces brute force.
ANN_MIN = 100_000
#: Nearest sentences fetched per question for the whole corpus's top rows (a paragraph's
#: several sentences share it).
CANDIDATES = 400
#: Largest row range scored exactly on its decoded vectors (a speech is a few thousand).
WINDOW_MAX = 200_000


def faiss_module() -> ModuleType | None:
    """faiss, or None where it cannot import (another architecture, a broken wheel)."""
    try:
        import faiss
    except Exception as exc:  # ImportError, OSError from its shared library
        log.warning(
            "faiss cannot import (%s: %s): vectors searched by brute force", type(exc).__name__, exc
        )
        return None
    return faiss


#: Most inverted lists: filling costs n × nlist dot products (5.4 million sentences into 1,024
#: lists take minutes of one core); a question scans nprobe × n / nlist codes.
LISTS_MAX = 1024


def lists_for(n: int) -> int:
    """Inverted lists for ``n`` vectors: about √n, at most ``LISTS_MAX``."""
    return min(LISTS_MAX, max(16, int(math.sqrt(n))))


def probes_for(nlist: int) -> int:
    """Lists scanned per question: recall ≥ 0.95 of the exact top 50 on the stand-in vectors
    (``python -m devtools.bench.dense``)."""
    return max(8, nlist // 64)


@dataclass(frozen=True, slots=True, eq=False)
class IvfDense:
    """A generation's sentence vectors in a faiss IVF-SQ8 index; id i is sentence i."""

    index: Any  # faiss.IndexIVFScalarQuantizer with a direct map
    owner: npt.NDArray[np.int64]  # ascending row of each sentence
    mean_vector: npt.NDArray[np.float64]  # μ of the vectors
    second: npt.NDArray[np.float64]  # G = Σ v vᵀ / n
    n_rows: int
    missing_rows: int = 0

    @property
    def complete(self) -> bool:
        """Every row has its vectors."""
        return self.missing_rows == 0

    def similarities(self, query: Vectors) -> Probe:
        """The ``CANDIDATES`` nearest sentences, and every sentence's mean and spread."""
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, DIM)
        k = min(CANDIDATES, len(self.owner))
        sims, ids = self.index.search(q, k) if k else (np.zeros((1, 0)), np.zeros((1, 0)))
        keep = ids[0] >= 0
        q64 = q[0].astype(np.float64)
        mean = float(q64 @ self.mean_vector)
        spread = math.sqrt(max(float(q64 @ self.second @ q64) - mean * mean, 0.0)) or 1.0
        found = ids[0][keep].astype(np.int64)
        return Probe(q[0], sims[0][keep].astype(np.float32), found, mean, spread)

    def _window(
        self, probe: Probe, row_range: tuple[int, int]
    ) -> tuple[Vectors, npt.NDArray[np.int64]]:
        """Exact similarities of the sentences of ``row_range`` (their decoded codes), and ids."""
        lo, hi = (int(i) for i in np.searchsorted(self.owner, row_range, side="left"))
        if hi - lo > WINDOW_MAX:  # wider than a speech: the nearest sentences inside it
            return self._search_range(probe, lo, hi)
        if hi <= lo:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        ids = np.arange(lo, hi, dtype=np.int64)
        decoded = self.index.reconstruct_batch(ids)
        return (decoded @ probe.query).astype(np.float32), ids

    def _search_range(
        self, probe: Probe, lo: int, hi: int
    ) -> tuple[Vectors, npt.NDArray[np.int64]]:
        import faiss

        params = faiss.SearchParametersIVF()
        params.sel = faiss.IDSelectorRange(lo, hi)
        params.nprobe = self.index.nprobe
        sims, ids = self.index.search(probe.query.reshape(1, DIM), CANDIDATES, params=params)
        keep = ids[0] >= 0
        return sims[0][keep].astype(np.float32), ids[0][keep].astype(np.int64)

    def evidence(self, probe: Probe, row_range: tuple[int, int] | None = None) -> float:
        """The best sentence's similarity plus ``Z_WEIGHT`` per standard deviation above the
        mean (as ``DenseIndex.evidence``; the best from the codes)."""
        sims = probe.sims if row_range is None else self._window(probe, row_range)[0]
        if not len(sims):
            return 0.0
        best = float(sims.max())
        return best + Z_WEIGHT * (best - probe.mean) / probe.spread

    def top(self, probe: Probe, n: int, row_range: tuple[int, int] | None = None) -> list[Scored]:
        """The ``n`` rows with the most similar sentences, best first, optionally in a range."""
        if row_range is None:
            sims, ids = probe.sims, probe.ids if probe.ids is not None else np.zeros(0, np.int64)
        else:
            sims, ids = self._window(probe, row_range)
        best: dict[int, float] = {}
        for row, sim in zip(self.owner[ids].tolist(), sims.tolist(), strict=True):
            if sim > best.get(row, -2.0):
                best[row] = sim
        order = sorted(best.items(), key=lambda item: (-item[1], item[0]))[: max(n, 0)]
        return [Scored(row, float(sim)) for row, sim in order]


class IvfBuilder:
    """Trains an IVF-SQ8 index on a sample, then takes vectors a block at a time (ids in order)."""

    def __init__(self, faiss: Any, sample: Vectors, nlist: int, threads: int = 1) -> None:
        faiss.omp_set_num_threads(max(1, threads))  # leave the bot its other core
        quantizer = faiss.IndexFlatIP(DIM)
        self.index = faiss.IndexIVFScalarQuantizer(
            quantizer, DIM, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        )
        self.index.cp.niter = 10
        self.index.cp.min_points_per_centroid = 1
        self.sample = np.ascontiguousarray(sample, dtype=np.float32)
        self.total = np.zeros(DIM, dtype=np.float64)
        self.second = np.zeros((DIM, DIM), dtype=np.float64)

    def train(self) -> None:
        """k-means on the sample (releases the GIL: run it in a thread)."""
        self.index.train(self.sample)

    def add(self, vectors: Vectors) -> None:
        """Encode ``vectors`` as the next ids (releases the GIL: run it in a thread)."""
        if len(vectors):
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
            self.total += vectors.sum(axis=0, dtype=np.float64)
            self.second += (vectors.T @ vectors).astype(np.float64)  # BLAS, float32 per block

    def finish(
        self, owner: npt.NDArray[np.int64], n_rows: int, missing_rows: int, nprobe: int = 0
    ) -> IvfDense:
        """The searchable index (``nprobe`` 0: ``probes_for`` its lists)."""
        index = self.index
        index.make_direct_map()
        index.nprobe = nprobe or probes_for(index.nlist)
        count = max(index.ntotal, 1)
        return IvfDense(index, owner, self.total / count, self.second / count, n_rows, missing_rows)
