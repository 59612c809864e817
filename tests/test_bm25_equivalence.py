"""The BM25 scorer equals rank-bm25's implementation of every variant, scores and order."""

from __future__ import annotations

import random

import numpy as np
import pytest
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

from corpus import bundled_corpus_dir, load_corpus
from devtools import synth
from index import BM25, BM25Params, Postings, Tokenizer, Variant, corpus_terms

REFERENCE = {Variant.OKAPI: BM25Okapi, Variant.PLUS: BM25Plus, Variant.L: BM25L}


def _random_corpus(seed: int, n_docs: int = 2000) -> tuple[list[list[str]], list[str]]:
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(1500)]
    # A Zipf-like mix: some terms in most documents, most terms rare.
    docs = [
        [rng.choice(vocab[: rng.choice([5, 50, 1500])]) for _ in range(rng.randint(0, 60))]
        for _ in range(n_docs)
    ]
    return docs, vocab


def assert_same_top(got: list[tuple[int, float]], scores: np.ndarray) -> None:
    """``got`` is rank-bm25's top list: same scores rank by rank, each row scored as rank-bm25
    scores it; rows whose scores tie within 1e-9 may come in either order."""
    expected = np.sort(scores)[::-1][: len(got)]
    assert [s for _, s in got] == pytest.approx(list(expected), abs=1e-9)
    for row, score in got:
        assert score == pytest.approx(scores[row], abs=1e-9)
    assert len({row for row, _ in got}) == len(got)


@pytest.mark.parametrize("variant", list(Variant))
def test_top_ten_rows_and_scores_equal_rank_bm25(variant: Variant) -> None:
    docs, vocab = _random_corpus(seed=7)
    ours = BM25(Postings.from_documents(docs), BM25Params(variant=variant))
    ref = REFERENCE[variant](docs)
    rng = random.Random(3)
    for _ in range(60):
        query = [rng.choice(vocab[: rng.choice([5, 50, 1500])]) for _ in range(rng.randint(1, 6))]
        got, total = ours.top(query, 10)
        assert_same_top(got, ref.get_scores(query))
        assert total == sum(1 for d in docs if set(d) & set(query))


def test_term_in_half_the_paragraphs_still_ranks_with_plus() -> None:
    # rank-bm25 issue #39: Okapi's idf is zero or floored for a term in >= half of the documents,
    # so "党" would not count at all in a small corpus. BM25Plus keeps it positive.
    docs = [["党", "建设"], ["党", "工作"], ["党"], ["群众"]]
    okapi = BM25(Postings.from_documents(docs), BM25Params(variant=Variant.OKAPI))
    plus = BM25(Postings.from_documents(docs), BM25Params(variant=Variant.PLUS))
    assert okapi.idf_of("党") == pytest.approx(BM25Okapi(docs).idf["党"])
    assert okapi.idf_of("党") <= 0.0 or okapi.idf_of("党") < plus.idf_of("党")  # type: ignore[operator]
    hits, total = plus.top(["党"], 10)
    assert total == 3 and all(score > 0 for _, score in hits)
    assert {row for row, _ in hits} == {0, 1, 2}


def test_okapi_floors_negative_idf_like_rank_bm25() -> None:
    docs = [["党", "a"], ["党", "b"], ["党", "c"], ["d"]]
    ours = BM25(Postings.from_documents(docs), BM25Params(variant=Variant.OKAPI))
    ref = BM25Okapi(docs)
    for term in ("党", "a", "d"):
        assert ours.idf_of(term) == pytest.approx(ref.idf[term])


def test_empty_corpus_matches_nothing_instead_of_dividing_by_zero() -> None:
    bm25 = BM25(Postings.from_documents([]))
    assert bm25.top(["党"], 3) == ([], 0)


def test_row_range_restricts_to_one_speech() -> None:
    docs, vocab = _random_corpus(seed=11, n_docs=500)
    ours = BM25(Postings.from_documents(docs))
    ref = BM25Plus(docs)
    query = vocab[:3]
    got, _ = ours.top(query, 5, row_range=(100, 200))
    assert got and all(100 <= row < 200 for row, _ in got)
    assert_same_top([(row - 100, score) for row, score in got], ref.get_scores(query)[100:200])


def test_repeated_query_terms_count_twice_as_in_rank_bm25() -> None:
    docs = [["a", "b"], ["b", "c"], ["a", "a", "c"]]
    ours = BM25(Postings.from_documents(docs))
    ref = BM25Plus(docs)
    got, _ = ours.top(["a", "a", "c"], 3)
    scores = ref.get_scores(["a", "a", "c"])
    for row, score in got:
        assert score == pytest.approx(scores[row], abs=1e-9)


@pytest.fixture(scope="module")
def real_tokenizer() -> Tokenizer:
    """The tokenizer with the bundled corpus's quoted terms, as the index builds it."""
    load = load_corpus(bundled_corpus_dir())
    made = Tokenizer(corpus_terms(p.text for item in load.speeches for p in item.speech.paragraphs))
    made.initialize()
    return made


def _check_corpus(docs: list[list[str]], queries: list[list[str]], variant: Variant) -> None:
    ours = BM25(Postings.from_documents(docs), BM25Params(variant=variant))
    ref = REFERENCE[variant](docs)
    sets = [frozenset(d) for d in docs]
    checked = 0
    for query in queries:
        got, total = ours.top(query, 10)
        scores = ref.get_scores(query)
        assert_same_top(got, scores)
        terms = set(query)
        assert total == sum(1 for d in sets if not terms.isdisjoint(d))
        checked += bool(got)
    assert checked >= len(queries) // 2


@pytest.mark.parametrize("variant", list(Variant))
def test_top_ten_equal_rank_bm25_on_the_real_corpus(
    variant: Variant, real_tokenizer: Tokenizer
) -> None:
    load = load_corpus(bundled_corpus_dir())
    docs = [real_tokenizer.tokens(p.text) for item in load.speeches for p in item.speech.paragraphs]
    queries = [real_tokenizer.tokens(q) for q in synth.questions(synth.source(), 200)]
    _check_corpus(docs, [q for q in queries if q], variant)


@pytest.mark.parametrize("variant", list(Variant))
def test_top_ten_equal_rank_bm25_on_a_10k_synthetic_corpus(
    variant: Variant, real_tokenizer: Tokenizer
) -> None:
    src = synth.source()
    docs = synth.token_documents(src, 10_000, real_tokenizer)
    queries = [real_tokenizer.tokens(q) for q in synth.questions(src, 120)]
    _check_corpus(docs, [q for q in queries if q], variant)


def test_postings_do_not_depend_on_the_chunk_size() -> None:
    docs, _ = _random_corpus(seed=5, n_docs=300)
    whole = Postings.from_documents(docs)
    chunked = Postings.from_documents(docs, chunk=7)
    assert whole.terms == chunked.terms
    for name in ("indptr", "rows", "tfs", "doc_len"):
        assert np.array_equal(getattr(whole, name), getattr(chunked, name)), name


@pytest.mark.parametrize("variant", list(Variant))
def test_term_frequencies_above_one_byte_score_like_rank_bm25(variant: Variant) -> None:
    # Term frequencies are stored in one byte; larger ones (even above uint16) must stay exact.
    docs, _ = _random_corpus(seed=13, n_docs=400)
    for row, (term, tf) in enumerate([("w1", 254), ("w1", 255), ("w2", 256), ("w1", 70_000)]):
        docs[row * 50] = docs[row * 50] + [term] * tf
    postings = Postings.from_documents(docs, chunk=64)
    assert len(postings.big_at) == sum(d.count(t) >= 255 for d in docs for t in set(d)) >= 3
    ours = BM25(postings, BM25Params(variant=variant))
    ref = REFERENCE[variant](docs)
    for query in (["w1"], ["w2"], ["w1", "w2", "w3"], ["w2", "w2"]):
        got, _ = ours.top(query, 10)
        assert_same_top(got, ref.get_scores(query))
    for i in range(len(postings.terms)):
        lo, hi = int(postings.indptr[i]), int(postings.indptr[i + 1])
        exact = postings.tf_range(lo, hi)
        assert np.array_equal(exact, postings.tf_at(np.arange(lo, hi, dtype=np.int64)))
        rows = postings.rows[lo:hi]
        term = postings.terms[i]
        assert list(exact) == [docs[r].count(term) for r in rows]
