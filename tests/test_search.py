"""The async search API: what a hit carries, filters, k, empty queries, and common terms."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi, BM25Plus

from index import (
    BM25,
    BM25Params,
    BuildOptions,
    IndexConfig,
    SearchIndex,
    Variant,
    highlight_spans,
    normalize,
)
from index import search as search_module
from index.query.expand import OWN_WEIGHT

EXAMPLE = "如何发挥基层党组织战斗堡垒作用"


def _documents(bm25: BM25) -> list[list[str]]:
    """The token lists the index scores, rebuilt from its postings (for rank-bm25)."""
    p = bm25.postings
    docs: list[list[str]] = [[] for _ in range(bm25.n_docs)]
    for i, term in enumerate(p.terms):
        lo, hi = int(p.indptr[i]), int(p.indptr[i + 1])
        for row, tf in zip(p.rows[lo:hi], p.tf_range(lo, hi), strict=True):
            docs[int(row)] += [term] * int(tf)
    return docs


def _common_terms(bm25: BM25) -> list[str]:
    """Terms found in half of the paragraphs or more."""
    return [t for t, i in bm25.vocab.items() if 2 * int(bm25.df[i]) >= bm25.n_docs]


async def test_a_hit_carries_score_speech_section_text_neighbours_and_terms(
    index: SearchIndex, db_path: Path
) -> None:
    result = await index.search(EXAMPLE, k=3)
    assert result.relevant and len(result.hits) == 3
    titles = {s.number: s.title for s in await index.speeches()}
    with sqlite3.connect(db_path) as db:
        for hit in result.hits:
            assert hit.score > 0
            assert hit.speech_title == titles[hit.speech_id]
            text, path = db.execute(
                "SELECT p.text, sec.path FROM paragraphs p JOIN sections sec ON sec.id = p.section_id"
                " WHERE p.id = ?",
                (hit.paragraph_id,),
            ).fetchone()
            assert hit.text == text  # the whole paragraph, as written
            assert " › ".join(hit.section_path) == hit.section and hit.section_path
            assert list(hit.section_path) == json.loads(path)
            for neighbour, step in ((hit.prev_id, -1), (hit.next_id, 1)):
                assert neighbour is not None  # none of these is first or last in its speech
                view = await index.paragraph(neighbour)
                assert view is not None and view.speech_id == hit.speech_id
                assert view.ordinal == hit.ordinal + step
            assert hit.matched_terms and set(hit.matched_terms) <= set(result.terms)
            for term in hit.matched_terms:
                assert term in normalize(hit.text)
            assert highlight_spans(hit.text, hit.matched_terms)


async def test_first_and_last_paragraphs_have_no_neighbour_on_that_side(
    index: SearchIndex,
) -> None:
    outline = await index.outline(1)
    assert outline is not None
    first = (await index.section_paragraphs(outline.sections[0].section_id))[0]
    last = (await index.section_paragraphs(outline.sections[-1].section_id))[-1]
    assert first.prev_id is None and first.next_id is not None
    assert last.next_id is None and last.prev_id is not None


async def test_the_issue_question_returns_passages_naming_speech_and_section(
    index: SearchIndex,
) -> None:
    result = await index.search(EXAMPLE, k=3)
    assert result.relevant
    assert {"基层", "党组织", "战斗堡垒", "作用"} <= set(result.terms)
    assert not {"如何"} & set(result.terms)
    for hit in result.hits:
        assert hit.speech_title.startswith("在") and hit.section
        assert "战斗堡垒" in hit.text or "基层党组织" in hit.text
    # The issue's own example of a section path is among the best three.
    assert any(
        h.section_path[-1] == "四要从严从实抓好基层组织建设"
        and h.section_path[0].startswith("二、")
        for h in result.hits
    )
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert [h.rank for h in result.hits] == [1, 2, 3]


async def test_speech_filter_keeps_to_that_speech(index: SearchIndex) -> None:
    unfiltered = await index.search(EXAMPLE, k=10)
    assert len({h.speech_id for h in unfiltered.hits}) > 1
    for info in await index.speeches():
        result = await index.search(EXAMPLE, k=5, speech=info.number)
        assert all(h.speech_id == info.number for h in result.hits)
        assert result.speech == info.number
    some = await index.search(EXAMPLE, k=5, speech=2)
    assert some.hits


async def test_an_unknown_speech_number_finds_nothing(index: SearchIndex) -> None:
    result = await index.search(EXAMPLE, k=3, speech=99)
    assert not result.relevant and result.hits == () and result.reason


async def test_k_bounds_the_number_of_hits(index: SearchIndex) -> None:
    for k in (0, 1, 2, 5, 10):
        result = await index.search("党建工作", k=k)
        assert result.total > 10
        assert len(result.hits) == k
        assert [h.rank for h in result.hits] == list(range(1, k + 1))


async def test_pages_follow_each_other(index: SearchIndex) -> None:
    whole = await index.search("党建工作", k=6)
    second = await index.search("党建工作", k=3, offset=3)
    assert [h.paragraph_id for h in second.hits] == [h.paragraph_id for h in whole.hits[3:]]
    assert [h.rank for h in second.hits] == [4, 5, 6]


async def test_a_query_without_search_terms_is_answered_plainly(index: SearchIndex) -> None:
    for query in ("", "   ", "\t\n\u3000", "？！。，、", "的是什么", "如何怎么"):
        result = await index.search(query, k=3)
        assert result.hits == () and result.terms == (), query
        assert not result.relevant and result.reason == "no search terms"


async def test_terms_in_half_the_paragraphs_or_more_still_score(plain_index: SearchIndex) -> None:
    # rank-bm25 issue #39: BM25Okapi gives such terms an idf of zero (exactly half) or a floor.
    index = plain_index
    bm25 = index.snapshot.bm25
    assert bm25.params.variant is Variant.PLUS  # the default, because of this issue
    common = _common_terms(bm25)
    assert "工作" in common
    assert any(2 * int(bm25.df[bm25.vocab[t]]) == bm25.n_docs for t in common)  # exactly half
    ref = BM25Plus(_documents(bm25))
    row_of = {int(pid): row for row, pid in enumerate(index.snapshot.paragraph_ids)}
    for term in common:
        assert bm25.idf_of(term) == pytest.approx(ref.idf[term]) and ref.idf[term] > 0
        result = await index.search(term, k=3)
        assert result.relevant and len(result.hits) == 3, term
        scores = ref.get_scores([term] * OWN_WEIGHT)
        for hit in result.hits:
            assert term in hit.matched_terms and hit.score > 0
            assert hit.score == pytest.approx(scores[row_of[hit.paragraph_id]])
        # Common or not, a term still tells paragraphs apart: the best outscores the worst.
        assert result.hits[0].score > float(np.min(scores))


async def test_okapi_zeroes_exactly_half_terms_as_rank_bm25_does(
    corpus_dir: Path, tmp_path: Path
) -> None:
    # With SPEECHBOT_BM25=okapi the index reproduces rank-bm25's BM25Okapi faithfully, including
    # issue #39: a term in exactly half the paragraphs scores 0 and one in more than half gets
    # the same small floor as every other common term, so they can no longer be told apart.
    options = BuildOptions(params=BM25Params(variant=Variant.OKAPI))
    index = SearchIndex(IndexConfig(tmp_path / "okapi.db", corpus_dir, options=options))
    await index.initialize()
    try:
        bm25 = index.snapshot.bm25
        ref = BM25Okapi(_documents(bm25))
        half = [t for t in _common_terms(bm25) if 2 * int(bm25.df[bm25.vocab[t]]) == bm25.n_docs]
        more = [t for t in _common_terms(bm25) if t not in half]
        assert half and more
        for term in half:
            assert bm25.idf_of(term) == ref.idf[term] == 0.0
            result = await index.search(term, k=3)
            assert result.hits and all(h.score == 0.0 for h in result.hits)
        floors = {round(ref.idf[t], 12) for t in more}
        assert len(floors) == 1 and floors.pop() == pytest.approx(ref.average_idf * 0.25)
        for term in more:
            assert bm25.idf_of(term) == pytest.approx(ref.idf[term])
    finally:
        await index.shutdown()


@pytest.mark.parametrize(("inline_rows", "on_loop"), [(200_000, True), (0, False)])
async def test_a_small_index_is_ranked_on_the_event_loop_and_a_large_one_in_a_thread(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch, inline_rows: int, on_loop: bool
) -> None:
    ranked_in: list[int] = []
    real_rank = search_module.rank

    def recording_rank(*args: object) -> object:
        ranked_in.append(threading.get_ident())
        return real_rank(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(search_module, "INLINE_ROWS", inline_rows)
    monkeypatch.setattr(search_module, "rank", recording_rank)
    result = await index.search("如何发挥基层党组织战斗堡垒作用", k=3)
    assert result.relevant and len(result.hits) == 3
    assert (ranked_in == [threading.get_ident()]) is on_loop and len(ranked_in) == 1
