"""The pruned search (per-term bounds stored with the index, MaxScore) returns exactly what adding
up every term's postings returns: the same rows, scores and match count."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from devtools import synth
from index import BM25, BM25Params, Postings, SearchIndex, Tokenizer, Variant
from index.rank.prune import KTHS, Query, term_bounds


@pytest.fixture(scope="module")
def synthetic() -> tuple[BM25, list[list[str]], list[list[str]]]:
    tokenizer = Tokenizer()
    tokenizer.initialize()
    src = synth.source()
    docs = synth.token_documents(src, 20_000, tokenizer)
    queries = [q for q in (tokenizer.tokens(t) for t in synth.questions(src, 150)) if q]
    return BM25(Postings.from_documents(docs)), docs, queries


@pytest.mark.parametrize("k", [1, 3, 10, 50, 300])
def test_pruned_top_equals_the_unpruned_one(
    synthetic: tuple[BM25, list[list[str]], list[list[str]]], k: int
) -> None:
    bm25, _, queries = synthetic
    pruned = 0
    for query in queries:
        assert bm25.top(query, k) == bm25.top(query, k, prune=False), query
        ids = Counter(bm25.term_ids(query))
        pruned += (
            bool(ids) and bm25._pruner.split(Query(list(ids), list(ids.values())), k) is not None
        )
    # Common terms are skipped for most questions (above the largest stored rank, none are).
    assert pruned > len(queries) // 2 if k <= KTHS[-1] else pruned == 0


@pytest.mark.parametrize("variant", list(Variant))
def test_every_variant_prunes_to_the_same_rows(
    synthetic: tuple[BM25, list[list[str]], list[list[str]]], variant: Variant
) -> None:
    _, docs, queries = synthetic
    bm25 = BM25(Postings.from_documents(docs[:5000]), BM25Params(variant=variant))
    for query in queries[:60]:
        assert bm25.top(query, 10) == bm25.top(query, 10, prune=False)


def test_bounds_hold_each_terms_largest_and_kth_contributions(
    synthetic: tuple[BM25, list[list[str]], list[list[str]]],
) -> None:
    bm25, _, _ = synthetic
    approx = bm25.stored_contributions()[0]
    indptr = bm25.postings.indptr
    for term in (0, 1, len(indptr) // 2, len(indptr) - 2):
        values = np.sort(approx[indptr[term] : indptr[term + 1]].astype(np.float32))[::-1]
        assert bm25.bounds.top[term] == values[0]
        for slot, rank in enumerate(KTHS):
            expected = values[rank - 1] if len(values) >= rank else 0.0
            assert bm25.bounds.kth[term, slot] == expected
    # Computed in blocks of any size, the bounds are the same.
    small = term_bounds(approx, indptr, block=1000)
    assert np.array_equal(small.top, bm25.bounds.top) and np.array_equal(small.kth, bm25.bounds.kth)


async def test_a_loaded_index_uses_the_stored_bounds(index: SearchIndex) -> None:
    bm25 = index.snapshot.bm25
    fresh = BM25(bm25.postings, bm25.params)
    assert np.array_equal(bm25.bounds.top, fresh.bounds.top)
    assert np.array_equal(bm25.bounds.kth, fresh.bounds.kth)
    assert not bm25.bounds.top.flags.owndata  # read from the database, not computed again
