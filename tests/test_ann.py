"""The semantic part at scale: faiss's IVF index against brute force, the fallback without
faiss, and a plan that streams the generation's paragraphs and keeps no text."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from index import IndexConfig, SearchIndex
from index.build import embed
from index.rank import ann
from index.rank.dense import DIM, MODEL_ID, DenseIndex, Vectors, sentence_texts, text_key
from index.store.queries import fetch_paragraphs
from index.store.vectors import bundled_vectors

faiss = pytest.importorskip("faiss")


def _planted(rng: np.random.Generator, n: int, queries: int) -> tuple[Vectors, Vectors]:
    """Random unit vectors, and queries each with ten planted neighbours at similarities
    0.9, 0.85, … 0.45 (well apart from one another and from the random rest)."""
    vectors = rng.standard_normal((n, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    qs = rng.standard_normal((queries, DIM)).astype(np.float32)
    qs /= np.linalg.norm(qs, axis=1, keepdims=True)
    for q in qs:
        for rank, at in enumerate(rng.choice(n, 10, replace=False)):
            other = vectors[at] - (vectors[at] @ q) * q
            other /= np.linalg.norm(other)
            sim = 0.9 - 0.05 * rank
            vectors[at] = sim * q + np.sqrt(1 - sim * sim) * other
    return vectors, qs


def test_ivf_probing_every_list_returns_brute_forces_top_rows() -> None:
    rng = np.random.default_rng(7)
    vectors, queries = _planted(rng, 4000, 5)
    owner = np.sort(rng.integers(0, 1500, len(vectors))).astype(np.int64)
    exact = DenseIndex(vectors, owner, 1500)
    builder = ann.IvfBuilder(faiss, vectors[::3], nlist=16)
    builder.train()
    for lo in range(0, len(vectors), 700):
        builder.add(vectors[lo : lo + 700])
    ivf = builder.finish(owner, 1500, 0, nprobe=16)
    for q in queries:
        want, got = exact.similarities(q), ivf.similarities(q)
        assert [s.row for s in ivf.top(got, 10)] == [s.row for s in exact.top(want, 10)]
        assert ivf.evidence(got) == pytest.approx(exact.evidence(want), abs=0.01)
        window = (300, 900)
        assert [s.row for s in ivf.top(got, 5, window)] == [
            s.row for s in exact.top(want, 5, window)
        ]
        assert ivf.evidence(got, window) == pytest.approx(exact.evidence(want, window), abs=0.01)


class Shipped:
    """Questions put as one of the bundled corpus's shipped sentence vectors (no model)."""

    model_id = MODEL_ID

    def __init__(self) -> None:
        self.vector = next(iter(bundled_vectors(MODEL_ID).values()))

    def passages(self, texts: object) -> Vectors:
        raise AssertionError("the bundled corpus's vectors ship with the package")

    def query(self, text: str) -> Vectors:
        return self.vector


async def _backend(tmp_path: Path, corpus_dir: Path) -> tuple[str, int]:
    config = IndexConfig(db_path=tmp_path / "index.db", corpus_dir=corpus_dir, dense=True)
    index = SearchIndex(config, embedder=Shipped())
    await index.initialize()
    try:
        result = await index.search("党员先锋模范作用", k=3)
        return type(getattr(index, "_live").dense).__name__, len(result.hits)  # noqa: B009
    finally:
        await index.shutdown()


async def test_above_the_threshold_the_vectors_are_searched_by_faiss(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ann, "ANN_MIN", 1)
    assert await _backend(tmp_path, corpus_dir) == ("IvfDense", 3)


async def test_without_faiss_the_semantic_part_answers_by_brute_force(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ann, "ANN_MIN", 1)
    monkeypatch.setitem(sys.modules, "faiss", None)  # import faiss raises ImportError
    assert ann.faiss_module() is None
    assert await _backend(tmp_path, corpus_dir) == ("DenseIndex", 3)


async def test_the_plan_streams_paragraphs_and_keeps_only_keys_and_rows(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = IndexConfig(db_path=tmp_path / "index.db", corpus_dir=corpus_dir)
    index = SearchIndex(config)
    await index.initialize()
    try:
        read, snapshot = getattr(index, "_read"), getattr(index, "_snapshot")  # noqa: B009
        whole = await embed.plan(read, snapshot, MODEL_ID)
        monkeypatch.setattr(embed, "_FETCH", 7)  # blocks of 7 paragraphs: the same plan
        blocked = await embed.plan(read, snapshot, MODEL_ID)
        ids = [int(i) for i in snapshot.paragraph_ids]
        views = await fetch_paragraphs(read, ids)
        keys = [
            text_key(MODEL_ID, t)
            for pid in ids
            for t in sentence_texts(
                views[pid].speech_title, views[pid].section_path, views[pid].text
            )
        ]
        for plan_ in (whole, blocked):
            assert not hasattr(plan_, "texts")
            assert isinstance(plan_.keys, np.ndarray) and plan_.keys.tolist() == keys
            assert np.all(np.diff(plan_.owner) >= 0)
        some = np.array([0, 5, len(keys) - 1], dtype=np.int64)
        texts = await embed.texts_of(read, blocked, some)
        assert list(texts) == [keys[i] for i in some]
        assert all(text_key(MODEL_ID, t) == k for k, t in texts.items())
    finally:
        await index.shutdown()
