"""A large generation's vector index saved beside the database: the next start reads it back
instead of rebuilding it, and a saved index that does not match is rebuilt, never used."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import HashingModel, change_a_speech
from index import IndexConfig, SearchIndex
from index.build import assemble, saved
from index.rank import ann

faiss = pytest.importorskip("faiss")

ASKED = ("党员先锋模范作用", "基层党组织建设有哪些要求", "如何加强干部队伍建设")


class Loads:
    """Counts the vector indexes built from the stored vectors (``assemble.load``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self._load = assemble.load
        monkeypatch.setattr(assemble, "load", self)

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.count += 1
        return await self._load(*args, **kwargs)


@pytest.fixture
def config(db_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> IndexConfig:
    """Every generation large enough for the IVF index; all vectors embedded at start."""
    monkeypatch.setattr(ann, "ANN_MIN", 1)
    return IndexConfig(db_path=db_path, corpus_dir=corpus_dir, dense=True, embed_now=100_000)


async def _answers(config: IndexConfig) -> tuple[str, list[list[int]]]:
    index = SearchIndex(config, embedder=HashingModel())
    await index.initialize()
    try:
        results = [await index.search(q, k=5) for q in ASKED]
        backend = type(getattr(index, "_live").dense).__name__  # noqa: B009
        return backend, [[h.paragraph_id for h in r.hits] for r in results]
    finally:
        await index.shutdown()


def _saved(config: IndexConfig) -> list[str]:
    where = saved.folder(config.db_path)
    return sorted(p.name for p in where.iterdir()) if where.is_dir() else []


async def test_the_next_start_reads_the_saved_index_and_answers_the_same(
    config: IndexConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = Loads(monkeypatch)
    first = await _answers(config)  # built, the missing vectors embedded, built again, saved
    built = loads.count
    assert first[0] == "IvfDense" and built >= 1 and len(_saved(config)) == 1
    again = await _answers(config)
    assert again == first and loads.count == built  # read back, not built again


async def test_the_bot_reads_a_large_generations_saved_index_in_the_background(
    config: IndexConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await _answers(config)
    loads = Loads(monkeypatch)
    bot = dataclasses.replace(config, embed_in_background=True, load_vectors_max=1)
    index = SearchIndex(bot, embedder=HashingModel())
    await index.initialize()
    try:
        task = getattr(index, "_semantic")._task  # noqa: B009
        assert task is not None
        await task
        status = index.dense_status()
        assert status.rows_embedded == status.rows and loads.count == 0
        results = [await index.search(q, k=5) for q in ASKED]
        assert [[h.paragraph_id for h in r.hits] for r in results] == first[1]
    finally:
        await index.shutdown()


async def test_a_saved_index_whose_sentences_no_longer_match_is_rebuilt(
    config: IndexConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await _answers(config)
    (name,) = _saved(config)
    arrays = saved.folder(config.db_path) / name / "arrays.npz"
    with np.load(arrays) as stored:
        changed = {k: stored[k] for k in stored.files}
    changed["keys"] = np.zeros_like(changed["keys"])  # as if sentences were cut another way
    np.savez(arrays, **changed)
    loads = Loads(monkeypatch)
    assert await _answers(config) == first and loads.count == 1


async def test_a_truncated_saved_index_is_rebuilt_with_one_warning(
    config: IndexConfig, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    first = await _answers(config)
    (name,) = _saved(config)
    index_file = saved.folder(config.db_path) / name / "index.faiss"
    index_file.write_bytes(index_file.read_bytes()[:1000])
    loads = Loads(monkeypatch)
    with caplog.at_level(logging.WARNING):
        assert await _answers(config) == first
    assert loads.count == 1
    assert [r.message for r in caplog.records if "unreadable" in r.message][:1]
    assert _saved(config) == [name]  # saved again, whole


async def test_a_reindex_keeps_only_the_new_generations_saved_index(
    config: IndexConfig, corpus_dir: Path
) -> None:
    await _answers(config)
    (before,) = _saved(config)
    change_a_speech(corpus_dir)
    index = SearchIndex(config, embedder=HashingModel())
    await index.initialize()
    try:
        await index.reindex()  # a new generation, attached with its vectors
    finally:
        await index.shutdown()
    (after,) = _saved(config)
    assert after != before
