"""jieba tokenisation: a corpus user dictionary, query stopwords, one explicit Tokenizer."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import jieba
import pytest

from corpus import bundled_corpus_dir
from index import IndexConfig, SearchIndex, Tokenizer, corpus_terms

QUOTED = ("两个维护", "四个意识", "三会一课")
# Quoted in the speeches but in neither jieba's nor the bundled domain dictionary.
CORPUS_ONLY = ("关键少数", "两个责任", "最后一公里")


@pytest.fixture(scope="module")
def plain_jieba() -> jieba.Tokenizer:
    """jieba without any user word, to show what the dictionary changes."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def test_corpus_terms_are_the_quoted_terms() -> None:
    text = (
        "增强“四个意识”、坚定“四个自信”、做到「两个维护」，落实“三会一课”；“长长长长长长长长”不算"
    )
    assert corpus_terms([text]) == sorted(["四个意识", "四个自信", "两个维护", "三会一课"])


def test_corpus_terms_pair_any_opening_mark_with_any_closing_one() -> None:
    text = "『基层党建』，“党建引领」，「两学一做”，『三严三实』"
    assert corpus_terms([text]) == sorted(["基层党建", "党建引领", "两学一做", "三严三实"])


async def test_quoted_corpus_terms_stay_single_tokens(
    plain_index: SearchIndex, plain_jieba: jieba.Tokenizer
) -> None:
    index = plain_index  # the question's own words only: no synonyms
    tokenizer = index.snapshot.tokenizer
    for term in QUOTED + CORPUS_ONLY:
        assert len(plain_jieba.lcut(term)) > 1, term  # jieba alone would cut it
        assert term in tokenizer.user_words
        assert tokenizer.tokens(f"增强“{term}”的自觉") == ["增强", term, "自觉"]
        assert term in index.snapshot.bm25.vocab
        result = await index.search(term, k=3)
        assert result.terms == (term,) and result.hits, term
        assert all(term in h.text for h in result.hits)


async def test_a_new_quoted_term_in_the_corpus_joins_the_dictionary(
    tmp_path: Path, plain_jieba: jieba.Tokenizer
) -> None:
    term = "稳链强链"
    assert len(plain_jieba.lcut(term)) > 1
    folder = tmp_path / "corpus"
    shutil.copytree(bundled_corpus_dir(), folder)
    (folder / "06-new.txt").write_text(
        "在产业工作会议上的讲话\n\n同志们：\n\n今年要全力推进“稳链强链”行动，稳住产业基本盘。\n",
        encoding="utf-8",
    )
    db = tmp_path / "new.db"
    index = SearchIndex(IndexConfig(db_path=db, corpus_dir=folder))
    await index.initialize()
    try:
        assert term in index.snapshot.tokenizer.user_words
        result = await index.search(f"怎么{term[:2]}{term[2:]}", k=1)
        assert result.terms == (term,) and result.hits[0].text.count(term) == 1
    finally:
        await index.shutdown()
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute(
            "SELECT user_words FROM generations WHERE status = 'ready'"
        ).fetchone()
    assert term in json.loads(stored)  # a restart rebuilds the same tokenizer


def test_stopwords_and_punctuation_leave_queries(index_tokenizer: Tokenizer) -> None:
    words = index_tokenizer.words("如何发挥基层党组织战斗堡垒作用的是什么？怎么")
    assert {"如何", "的", "是", "什么", "怎么"} <= set(words)  # jieba does cut them out
    tokens = index_tokenizer.tokens("如何发挥基层党组织战斗堡垒作用的是什么？怎么")
    assert tokens == ["发挥", "基层", "党组织", "战斗堡垒", "作用"]
    assert index_tokenizer.tokens("的是什么如何怎么？！，。、“”《》 ...") == []


def test_corpus_and_query_text_tokenise_alike(
    template_db: Path, index_tokenizer: Tokenizer
) -> None:
    with sqlite3.connect(template_db) as conn:
        rows = conn.execute("SELECT text, tokens FROM paragraphs ORDER BY id").fetchall()
    assert len(rows) > 50
    for text, stored in rows:
        assert index_tokenizer.tokens(text) == stored.split()


def test_the_index_uses_its_own_tokenizer_not_jiebas_global_one() -> None:
    # In a fresh interpreter, so that nothing else in the test session has touched jieba.dt.
    script = """
import jieba
from index import Tokenizer
tok = Tokenizer(["稳链强链"])
print(tok.tokens("推进“稳链强链”“两个维护”"))
print(tok._jieba is jieba.dt, jieba.dt.initialized, "稳链强链" in jieba.dt.FREQ)
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    ).stdout.splitlines()
    assert out == ["['推进', '稳链强链', '两个维护']", "False False False"]


def test_adding_user_words_keeps_the_cut_of_other_text(plain_jieba: jieba.Tokenizer) -> None:
    # add_word would raise jieba's total frequency and could re-cut unrelated text.
    tokenizer = Tokenizer(["稳链强链", "星火燎原计划"])
    text = "坚持把党的政治建设摆在首位，全面提高党的建设质量"
    assert tokenizer.words(text) == [t for t in plain_jieba.lcut(text) if t.strip() and t != "，"]


@pytest.fixture(scope="module")
def index_tokenizer(template_db: Path) -> Tokenizer:
    """A tokenizer with the live index's corpus dictionary, as a restart makes it."""
    with sqlite3.connect(template_db) as conn:
        (words,) = conn.execute(
            "SELECT user_words FROM generations WHERE status = 'ready'"
        ).fetchone()
    tokenizer = Tokenizer(json.loads(words))
    tokenizer.initialize()
    return tokenizer
