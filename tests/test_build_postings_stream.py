"""A full build makes its postings while tokenising: exactly those read back from the rows."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import numpy as np
import pytest

from index import IndexConfig, SearchIndex
from index.build import compose, rows
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
