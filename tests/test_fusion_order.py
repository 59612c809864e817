"""The fused pool's final order: BM25 share plus weighted similarity (``index/rank/combine``)."""

from __future__ import annotations

from index.rank.bm25 import Scored
from index.rank.combine import POOL, SIMILARITY_WEIGHT, combined
from index.retrieve import fused


def _rows(scored: list[Scored]) -> list[int]:
    return [s.row for s in scored]


def test_a_passage_much_closer_in_meaning_overtakes_a_slightly_better_lexical_match() -> None:
    lexical = [Scored(1, 10.0), Scored(2, 9.0)]
    semantic = [Scored(2, 0.90), Scored(1, 0.85)]
    pool = [Scored(1, 0.03), Scored(2, 0.029)]
    assert _rows(combined(pool, lexical, semantic)) == [2, 1]


def test_a_small_difference_in_meaning_does_not_overturn_a_clear_lexical_lead() -> None:
    lexical = [Scored(1, 10.0), Scored(2, 2.0)]
    gap = 0.5 / SIMILARITY_WEIGHT  # worth half the best BM25 score; the lead is 0.8 of it
    semantic = [Scored(2, 0.85 + gap), Scored(1, 0.85)]
    pool = [Scored(2, 0.03), Scored(1, 0.029)]
    assert _rows(combined(pool, lexical, semantic)) == [1, 2]


def test_rows_beyond_the_pool_keep_the_fused_order() -> None:
    n = POOL + 5
    pool = [Scored(r, 1.0 / (r + 1)) for r in range(n)]
    lexical = [Scored(r, float(r + 1)) for r in range(n)]  # reversed preference
    semantic = [Scored(r, 0.8) for r in range(n)]
    out = _rows(combined(pool, lexical, semantic))
    assert sorted(out[:POOL]) == list(range(POOL))
    assert out[:POOL] == list(range(POOL - 1, -1, -1))
    assert out[POOL:] == list(range(POOL, n))


def test_without_one_of_the_rankings_the_fused_order_stands() -> None:
    pool = [Scored(3, 0.02), Scored(1, 0.01)]
    assert _rows(combined(pool, [], [Scored(1, 0.9)])) == [3, 1]
    assert _rows(combined(pool, [Scored(1, 5.0)], [])) == [3, 1]


def test_fused_rows_keep_their_bm25_score_and_meaning_only_rows_score_zero() -> None:
    lexical = [Scored(1, 7.5), Scored(2, 3.0)]
    semantic = [Scored(9, 0.95), Scored(1, 0.80)]
    out = fused(lexical, semantic, 3)
    assert {s.row: s.score for s in out} == {1: 7.5, 2: 3.0, 9: 0.0}
    assert out[0].row == 9  # far closer in meaning than anything BM25 found


def test_reordered_rows_keep_their_bm25_score_and_meaning_only_rows_score_zero() -> None:
    pool = [Scored(1, 0.03), Scored(2, 0.02), Scored(3, 0.01)]
    lexical = [Scored(1, 8.0), Scored(3, 2.0)]
    semantic = [Scored(2, 0.95), Scored(1, 0.80)]
    scores = {s.row: s.score for s in combined(pool, lexical, semantic)}
    assert scores == {1: 8.0, 2: 0.0, 3: 2.0}
