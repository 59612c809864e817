"""rjieba (jieba-rs) cuts exactly as Python jieba does, user dictionary included."""

from __future__ import annotations

import itertools

import pytest

from corpus import bundled_corpus_dir, load_corpus
from devtools.synth import paragraph_texts, source, token_documents
from index import Tokenizer, corpus_terms, normalize
from index.build.parallel import signed_tokens, tokenize_all
from index.text.rjieba import RustCut, available

pytestmark = pytest.mark.skipif(not available(), reason="rjieba not installed")


def _corpus_texts() -> tuple[list[str], list[str]]:
    load = load_corpus(bundled_corpus_dir())
    texts: list[str] = []
    whole: list[str] = []
    for item in load.speeches:
        speech = item.speech
        texts += [speech.title, *(s.title for s in speech.walk())]
        texts += [p.text for p in speech.paragraphs]
        whole.append("\n".join([speech.title, *(p.text for p in speech.paragraphs)]))
    return texts, whole


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    """The tokenizer the bundled corpus is indexed with (its quoted terms as user words)."""
    _, whole = _corpus_texts()
    made = Tokenizer(corpus_terms(whole))
    made.initialize()
    return made


def test_rjieba_tokens_equal_jieba_on_the_whole_corpus(tokenizer: Tokenizer) -> None:
    texts, _ = _corpus_texts()
    assert tokenizer.engine == "rjieba"
    for text in texts:
        norm = normalize(text)
        assert tokenizer.cut(norm) == tokenizer.python_cut(norm), text[:40]


def test_rjieba_tokens_equal_jieba_on_synthetic_text(tokenizer: Tokenizer) -> None:
    for text in paragraph_texts(source(), 1500, seed=5):
        norm = normalize(text)
        assert tokenizer.cut(norm) == tokenizer.python_cut(norm), text[:40]


def test_user_words_stay_whole_in_both_engines(tokenizer: Tokenizer) -> None:
    user = [w for w in tokenizer.user_words if len(w) >= 4][:20]
    assert user
    for word in user:
        text = f"我们要坚持{word}，推动工作落实"
        assert tokenizer.cut(text) == tokenizer.python_cut(text)
        assert word in tokenizer.cut(text) or word not in tokenizer.python_cut(text)


@pytest.mark.parametrize(
    "text",
    [
        "2019-2020年完成了3-5个项目",  # jieba-rs's HMM reads "3-5" as one token: jieba decides
        "covid-19疫情防控",
        "㐀㐁中华人民共和国成立",  # CJK extension A: separators for jieba, letters for jieba-rs
        "鿕鿖鿿党建𠀀工作",
        "a&1 b_2 c+3 d#4 e%5 2.5% 3.14",
    ],
)
def test_texts_where_the_engines_differ_still_cut_like_jieba(
    tokenizer: Tokenizer, text: str
) -> None:
    norm = normalize(text)
    assert tokenizer.cut(norm) == tokenizer.python_cut(norm)


def test_user_words_leave_the_dictionary_total_as_jieba_keeps_it() -> None:
    # Tokenizer keeps jieba's total fixed when adding user words; jieba-rs must too, or every
    # path's probability (and so some cuts of text without the new words) would shift.
    plain = RustCut([])
    heavy = RustCut([("甲乙丙丁戊", 10_000_000, 0), ("是我们", 5_000, 1310)])
    for segment in ("我们的", "发展的", "工作会议"):
        assert heavy.suggest_freq(segment) == plain.suggest_freq(segment)
    assert heavy.cut("甲乙丙丁戊是我们的") == ["甲乙丙丁戊", "是我们", "的"]


def test_stored_frequencies_start_rjieba_without_loading_jieba(tokenizer: Tokenizer) -> None:
    texts, _ = _corpus_texts()
    quick = Tokenizer(tokenizer.user_words, engine_words=tokenizer.engine_words)
    quick.initialize()
    assert quick.engine == "rjieba" and not quick.python_loaded
    assert [quick.tokens(t) for t in texts] == [tokenizer.tokens(t) for t in texts]
    assert not quick.python_loaded


def test_worker_pool_gives_the_same_signatures_and_tokens(tokenizer: Tokenizer) -> None:
    load = load_corpus(bundled_corpus_dir())
    jobs = [
        (
            item.speech.title,
            [s.title for s in item.speech.walk()],
            [p.text for p in item.speech.paragraphs],
        )
        for item in load.speeches
    ]
    pooled = list(tokenize_all(tokenizer, jobs, 2))
    assert [(sig, tokens) for sig, tokens, _ in pooled] == [
        signed_tokens(tokenizer, job) for job in jobs
    ]
    terms: dict[int, list[str]] = {}  # each worker's vocabulary, as it sent it
    for _, (_, paragraphs), (key, base, new, ids, lengths) in pooled:
        known = terms.setdefault(key, [])
        assert len(known) == base
        known += new
        words = [known[i] for i in ids]
        ends = list(itertools.accumulate(lengths.tolist()))
        decoded = [" ".join(words[e - n : e]) for e, n in zip(ends, lengths.tolist(), strict=True)]
        assert decoded == paragraphs
    for (sig, _, _), item in zip(pooled, load.speeches, strict=True):
        texts = [item.speech.title, *(s.title for s in item.speech.walk())]
        texts += [p.text for p in item.speech.paragraphs]
        assert sig == tokenizer.signature_for("\n".join(texts))


def test_recombined_sentence_tokens_equal_tokenising_the_recombined_text(
    tokenizer: Tokenizer,
) -> None:
    # The bench's token corpora rely on this: jieba cuts at sentence-final punctuation.
    src = source()
    texts = list(paragraph_texts(src, 400, seed=9))
    assert token_documents(src, 400, tokenizer, seed=9) == [tokenizer.tokens(t) for t in texts]
