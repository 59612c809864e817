"""Query expansion: the synonym file, the character n-gram fallback, and the relevance gate."""

from __future__ import annotations

from index.query.expand import OWN_WEIGHT, Unit, parse_synonyms, query_tokens, synonym_rules


def test_synonym_lines_read_directions_and_groups() -> None:
    rules = parse_synonyms("当官的 = 干部 领导干部  # one way\n反腐 ~ 反腐败斗争 ~ 党风廉政建设\n")
    assert [len(p) for p, _ in rules] == sorted((len(p) for p, _ in rules), reverse=True)
    found = dict(rules)
    assert found["当官的"] == ("干部", "领导干部")
    assert "反腐败斗争" in found["反腐"] and "反腐" in found["党风廉政建设"]
    assert "干部" not in found  # "=" expands one way only


def test_the_bundled_synonym_list_holds_no_entries_tuned_to_a_question_set() -> None:
    # The old list encoded the first dev set's answers (see the file's header): it is empty
    # until general vocabulary is added and measured.
    assert synonym_rules() == ()


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
