"""A build streams: postings built block by block and spilled beside the database give exactly
the in-memory postings, the spill file is gone afterwards, and the stored arrays load back."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from devtools import synth
from index import IndexConfig, Postings, SearchIndex, Tokenizer


def test_spilled_postings_equal_those_built_in_memory(tmp_path: Path) -> None:
    tokenizer = Tokenizer()
    tokenizer.initialize()
    docs = synth.token_documents(synth.source(), 3000, tokenizer)
    docs[7] = docs[7] + ["党建"] * 300  # a term frequency above one byte
    whole = Postings.from_documents(docs)
    spilled = Postings.from_chunks((docs[i : i + 500] for i in range(0, 3000, 500)), tmp_path)
    assert spilled.terms == whole.terms
    for name in ("indptr", "rows", "tfs", "doc_len", "big_at", "big_tf"):
        assert np.array_equal(getattr(spilled, name), getattr(whole, name)), name
    assert len(whole.big_at) >= 1
    assert list(tmp_path.iterdir()) == []  # the spill file is removed


async def test_a_build_leaves_no_spill_file_and_its_arrays_load_back(
    tmp_path: Path, corpus_dir: Path
) -> None:
    config = IndexConfig(db_path=tmp_path / "db" / "index.db", corpus_dir=corpus_dir, dense=False)
    built = SearchIndex(config)
    await built.initialize()
    try:
        before = built.snapshot.bm25
        result = await built.search("基层党组织战斗堡垒作用")
    finally:
        await built.shutdown()
    names = {p.name for p in (tmp_path / "db").iterdir()}
    assert not any(n.startswith("speechbot-postings-") for n in names)
    loaded = SearchIndex(config)
    await loaded.initialize()
    try:
        after = loaded.snapshot.bm25
        assert after.postings.terms == before.postings.terms
        for name in ("indptr", "rows", "tfs", "doc_len"):
            assert np.array_equal(getattr(after.postings, name), getattr(before.postings, name))
        assert np.array_equal(after.stored_contributions()[0], before.stored_contributions()[0])
        again = await loaded.search("基层党组织战斗堡垒作用")
        assert [h.paragraph_id for h in again.hits] == [h.paragraph_id for h in result.hits]
    finally:
        await loaded.shutdown()
