"""A full build makes its postings while tokenising: exactly those read back from the rows."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import numpy as np
import pytest

from corpus import load_corpus
from index import IndexConfig, SearchIndex, Tokenizer
from index.build import compose, parallel, rows
from index.config import BuildOptions


@pytest.mark.parametrize(("workers", "weight"), [(1, 1), (2, 2)])
async def test_postings_made_while_tokenising_equal_those_read_back(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch, workers: int, weight: int
) -> None:
    monkeypatch.setattr(rows, "POOL_MIN_PARAGRAPHS", 0)  # the pool even for a small corpus
    options = BuildOptions(build_workers=workers, heading_weight=weight)
    config = IndexConfig(db_path=tmp_path / "index.db", corpus_dir=corpus_dir, options=options)
    built = SearchIndex(config)
    await built.initialize()
    try:
        snapshot = built.snapshot
        streamed = snapshot.bm25.postings
        async with aiosqlite.connect(config.db_path) as db:
            live = "SELECT id FROM speeches WHERE gen_to IS NULL ORDER BY number"
            speech_ids = [int(r[0]) for r in await (await db.execute(live)).fetchall()]
            read, paragraph_ids, _ = await compose._read_back(db, speech_ids, options)
    finally:
        await built.shutdown()
    assert streamed.terms == read.terms
    for name in ("indptr", "rows", "tfs", "doc_len", "big_at", "big_tf"):
        assert np.array_equal(getattr(streamed, name), getattr(read, name)), name
    assert np.array_equal(snapshot.paragraph_ids, paragraph_ids)
    assert int(streamed.doc_len.sum()) > 1000


def test_a_workers_tokens_and_ids_equal_the_tokenizers_own(corpus_dir: Path) -> None:
    tokenizer = Tokenizer()
    tokenizer.initialize()
    parallel._init(tokenizer.user_words, tokenizer.stopwords, tokenizer.engine_words)
    here = parallel.LocalVocab(0)
    odd = (
        "标题",
        ["一、总体要求"],
        ["", "。。。", "我们的 AI 与 iPhone 15，的了。", "全面从严治党"],
    )
    jobs = [rows._texts(item.speech) for item in load_corpus(corpus_dir).speeches] + [odd]
    for texts in jobs:
        sig, tokens, (_, base, new, ids, lengths) = parallel._task(texts)
        want_sig, want_tokens, (_, want_base, want_new, want_ids, want_lengths) = (
            parallel.encode_result(here, parallel.signed_tokens(tokenizer, texts))
        )
        assert (sig, tokens, base, new) == (want_sig, want_tokens, want_base, want_new)
        assert np.array_equal(ids, want_ids) and np.array_equal(lengths, want_lengths)
    assert lengths.tolist()[:3] == [0, 0, len(tokens[1][2].split())] and base > 0
