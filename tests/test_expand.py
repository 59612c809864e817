"""Query expansion: the synonym file, the character n-gram fallback, and the relevance gate."""

from __future__ import annotations

import pytest

from index import SYNONYMS_FILE, IndexConfig, SearchIndex
from index.query.expand import OWN_WEIGHT, Unit, load_synonyms, parse_synonyms, query_tokens
from index.query.relevance import SEMANTIC_SURE, Verdict, asks_for_fact, judge
from index.rank.bm25 import Scored
from index.rank.hits import without_near_duplicates
from index.text.normalize import normalize
from index.text.tokenize import Tokenizer
from index.types import ParagraphView


def test_synonym_lines_read_directions_and_groups() -> None:
    rules = parse_synonyms("当官的 = 干部 领导干部  # one way\n反腐 ~ 反腐败斗争 ~ 党风廉政建设\n")
    assert [len(p) for p, _ in rules] == sorted((len(p) for p, _ in rules), reverse=True)
    found = dict(rules)
    assert found["当官的"] == ("干部", "领导干部")
    assert "反腐败斗争" in found["反腐"] and "反腐" in found["党风廉政建设"]
    assert "干部" not in found  # "=" expands one way only


def test_the_bundled_synonym_list_maps_everyday_words_to_official_terms() -> None:
    rules = dict(load_synonyms(SYNONYMS_FILE))
    assert len(rules) >= 200
    assert "领导干部" in rules["当官的"] and "形式主义" in rules["走过场"]
    assert all(words and phrase not in words for phrase, words in rules.items())


def test_no_synonym_file_means_no_rules() -> None:
    assert load_synonyms(None) == ()


async def test_an_everyday_word_finds_the_speeches_official_term(corpus_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # "当官的摆架子" occurs in no speech; the list expands it to 领导干部 and 官僚主义, which do.
    results = {}
    for name, synonyms in (("with", SYNONYMS_FILE), ("without", None)):
        config = IndexConfig(tmp_path / f"{name}.db", corpus_dir, synonyms=synonyms)
        index = SearchIndex(config)
        await index.initialize()
        try:
            results[name] = await index.search("当官的摆架子", k=3)
        finally:
            await index.shutdown()
    assert not results["without"].relevant
    assert results["with"].relevant and "官僚主义" in results["with"].terms
    assert "官僚主义" in results["with"].hits[0].text


async def test_an_unreadable_synonyms_file_is_one_clear_error(corpus_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from index import IndexUnavailable

    missing = tmp_path / "nowhere.txt"
    index = SearchIndex(IndexConfig(tmp_path / "x.db", corpus_dir, synonyms=missing))
    with pytest.raises(IndexUnavailable, match="synonyms file"):
        await index.initialize()


def _asks_for_fact(question: str, tokenizer: Tokenizer) -> bool:
    text = normalize(question)
    return asks_for_fact(text, tokenizer.cut(text))


@pytest.mark.parametrize(
    "question",
    [
        "党员每个月党费交多少",
        "入党要走哪些流程",
        "二十大是什么时候开的",
        "低保去哪申请",
        "入党申请书有没有模板",
        "酒席最多能摆几桌",
        "党费按工资的几个百分点交",
    ],
)
def test_questions_asking_for_a_fact_are_recognised(question: str, tokenizer: Tokenizer) -> None:
    assert _asks_for_fact(question, tokenizer)


@pytest.mark.parametrize(
    "question",
    [
        "如何发挥基层党组织战斗堡垒作用",
        "意识形态工作需要注意哪些问题",
        "第二部分讲了几个要求",
        "任何时候都要坚持什么",  # 何时 inside 任何时候
        "许多长期存在的问题怎么解决",  # 多长 inside 许多长期
    ],
)
def test_questions_about_what_speeches_say_are_not_fact_questions(
    question: str, tokenizer: Tokenizer
) -> None:
    assert not _asks_for_fact(question, tokenizer)


def test_meaning_alone_never_answers_a_fact_question() -> None:
    # A passage on the same topic is not the fee, the date or the procedure that was asked for.
    assert judge(0.1, 0.4, SEMANTIC_SURE + 0.05) is Verdict.ANSWER
    assert judge(0.1, 0.4, SEMANTIC_SURE + 0.05, fact=True) is Verdict.NONE
    assert judge(0.9, 0.4, None, fact=True) is Verdict.ANSWER


def test_own_terms_outweigh_expansions() -> None:
    tokens = query_tokens(
        [Unit("党建", "党建", ("党的建设",)), Unit("当官", None, ("干部", "领导干部"))]
    )
    assert tokens.count("党建") == OWN_WEIGHT
    assert tokens.count("党的建设") == 1
    assert tokens.count("干部") == 2  # the stand-in for a word the corpus lacks counts in full


async def test_a_word_jieba_cuts_differently_still_finds_its_paragraph(index) -> None:  # type: ignore[no-untyped-def]
    # "知" alone is not a corpus token; the fallback finds words containing it (知道, 通知, …).
    result = await index.search("知", k=3)
    assert result.hits and all("知" in h.text for h in result.hits)


async def test_questions_about_other_topics_get_nothing_relevant(index) -> None:  # type: ignore[no-untyped-def]
    for question in ("个人所得税怎么申报", "明天天气怎么样", "如何学好英语", "火锅底料配方"):
        result = await index.search(question, k=3)
        assert not result.relevant, question


async def test_no_near_duplicate_passages_in_one_answer(corpus_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from index import IndexConfig, SearchIndex

    source = corpus_dir / "05-2023-county-party-committee-work-meeting.txt"
    (corpus_dir / "06-copy.txt").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    index = SearchIndex(IndexConfig(db_path=tmp_path / "dup.db", corpus_dir=corpus_dir))
    await index.initialize()
    try:
        result = await index.search("政法工作要在维护稳定、促进和谐上下功夫", k=3)
        texts = [h.text for h in result.hits]
        assert len(texts) == len(set(texts))
    finally:
        await index.shutdown()


def _views(texts: list[str]) -> list[tuple[Scored, ParagraphView]]:
    return [
        (Scored(i, 1.0 / (i + 1)), ParagraphView(i, 1, "t", 1, ("s",), i, text, None, None))
        for i, text in enumerate(texts)
    ]


def test_near_duplicates_stop_at_the_limit_and_keep_what_the_full_pass_keeps() -> None:
    base = "坚持党要管党、全面从严治党，把严的主基调长期坚持下去"
    texts = [
        base,
        base + "。",
        "加强基层党组织建设，发挥战斗堡垒作用",
        "意识形态工作责任制",
        "另一段",
    ]
    full = without_near_duplicates(_views(texts))
    assert [s.row for s, _ in full] == [0, 2, 3, 4]  # the copy with a full stop is dropped
    for limit in range(5):
        assert without_near_duplicates(_views(texts), limit) == full[:limit]
