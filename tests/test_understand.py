"""Query understanding: which speech a question names (by year, meeting or description), which
part it points at, follow-ups, English questions."""

from __future__ import annotations

import pytest

from index import Focus
from index.query.parts import LAST, PartRef, read_part
from index.query.speeches import SpeechFinder, SpeechKey
from index.query.understand import translate_english, understand
from index.text.normalize import normalize
from index.text.numbers import chinese_number

FINDER = SpeechFinder(
    [
        SpeechKey(1, "在县委党的建设领导小组工作会议讲话", None, "统筹推进疫情防控和经济社会发展"),
        SpeechKey(2, "在县委党的建设工作领导小组会议上的讲话", 2020, "总结去年党建工作。2019年"),
        SpeechKey(3, "在2020年党的建设工作领导小组会议上的主持讲话", 2020, "聚焦今年怎么干"),
        SpeechKey(4, "在全县党的建设暨组织宣传统战工作会议上的讲话", None, "安排部署党建各领域"),
        SpeechKey(5, "在2023年县委工作会议上的讲话", 2023, "回顾总结2022年宣传组织统战工作"),
    ]
)


@pytest.mark.parametrize(
    ("question", "speech"),
    [
        ("2023年县委工作会议上怎么要求宣传工作", 5),
        ("2023年縣委工作會議對政法工作有什麼部署", 5),  # traditional characters
        ("组织宣传统战工作会议上对统战工作提了什么要求", 4),
        ("在主持讲话中对纪律建设怎么说", 3),
        ("党的建设领导小组工作会议上对县委宣传部提了什么要求", 1),
        ("县委党的建设工作领导小组会议对年轻干部培养有什么安排", 2),
        ("总结2019年党建那篇讲话里理论学习有什么安排", 2),  # by what its opening says
        ("如何发挥基层党组织战斗堡垒作用", None),
        ("党的建设工作怎么抓", None),  # words shared by several titles name none of them
        ("统战工作怎么做", None),  # a topic that is also in a title is a topic
        ("组织宣传工作怎么抓", None),
        ("党建暨组宣统会议讲话第二部分讲什么", 4),  # its title abbreviated
        ("县委党建领导小组会上对年轻干部有啥要求", None),  # abbreviates two titles alike
        ("加强党的建设宣传统战", None),  # scattered title characters are no abbreviation
    ],
)
def test_a_speech_is_named_by_year_meeting_or_description(
    question: str, speech: int | None
) -> None:
    assert FINDER.match(normalize(question)).speech == speech


def test_topic_words_stay_search_terms_unless_the_meeting_is_named() -> None:
    assert understand("统战工作怎么做", FINDER).text == "统战工作怎么做"
    understood = understand("组织宣传统战工作会议上对统战工作提了什么要求", FINDER)
    assert understood.speech == 4 and understood.how == "named"
    assert "统战工作" in understood.text and "会议" not in understood.text


def test_a_vague_reference_gives_candidates_not_a_filter() -> None:
    found = FINDER.match(normalize("县委那篇讲话怎么说干部"))
    assert found.speech is None and found.referenced and set(found.candidates) >= {1, 2, 5}
    understood = understand("县委那篇讲话怎么说干部", FINDER)
    assert understood.speech is None and understood.candidates


def test_a_part_without_a_speech_asks_which_speech() -> None:
    understood = understand("第三部分讲了什么", FINDER)
    assert understood.speech is None and understood.part == PartRef(part=3)
    assert understood.candidates == (1, 2, 3, 4, 5)


def test_a_follow_up_leans_on_the_previous_answer() -> None:
    focus = Focus(5, 42)
    assert understand("第三部分呢", FINDER, focus=focus).speech == 5
    leaning = understand("那考核结果怎么用？", FINDER, focus=focus)
    assert leaning.speech is None and leaning.prefer == focus and leaning.how == "followup"
    assert "那" not in leaning.text
    alone = understand("如何发挥基层党组织战斗堡垒作用，提升组织力", FINDER, focus=focus)
    assert alone.prefer is None  # a question of its own


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("讲话的第二部分讲了什么", PartRef(part=2)),
        ("第三部分第二点讲了什么", PartRef(part=3, point=2)),
        ("最后一部分第三点讲什么", PartRef(part=LAST, point=3)),
        ("最后一部分的最后一条说的啥", PartRef(part=LAST, point=LAST)),
        ("主持讲话里的第四要是什么", PartRef(point=4)),
        ("第五点要求是什么", PartRef(point=5)),
        ("第4要讲了什么", PartRef(point=4)),
        ("第二部分第（四）条讲什么", PartRef(part=2, point=4)),
        ("第二部分的“四要”是什么", PartRef(part=2, point=4)),
        ("第一部分的第3个认识", PartRef(part=1, point=3)),
        ("第二个方面", PartRef(part=2)),
        ("第3个要求", PartRef(point=3)),
        ("第二条意见", PartRef(point=2)),
        ("第三条措施", PartRef(point=3)),
        ("第2项", PartRef(point=2)),
        ("最后一点要求是什么", PartRef(point=LAST)),
        ("开头说了什么", PartRef(place="opening")),
        ("开篇", PartRef(place="opening")),
        ("引言部分", PartRef(place="opening")),
        ("结尾讲了什么", PartRef(place="closing")),
        ("结语", PartRef(place="closing")),
        ("讲话最后说了什么", PartRef(place="closing")),
        ("关于政法工作的那部分", PartRef(about="政法工作")),
        ("第二部分（三）讲了什么", PartRef(part=2, point=3)),
        ("第二部分的第三个小点", PartRef(part=2, point=3)),
        ("开头第二段说了什么", PartRef(place="opening", paragraph=2)),
        ("第三部分第一段", PartRef(part=3, paragraph=1)),
        ("讲话最后总结了什么", PartRef(place="closing")),
        ("怎么加强干部队伍建设", None),
        ("最后一要讲了什么", PartRef(point=LAST)),
        ("管党治党最后要做到什么效果", None),  # "must in the end", not "the last 要"
    ],
)
def test_every_way_of_pointing_at_a_part_is_read(text: str, ref: PartRef | None) -> None:
    assert read_part(normalize(text))[0] == ref


def test_full_width_digits_and_traditional_characters_point_at_parts() -> None:
    assert read_part(normalize("第３部分講了什麼"))[0] == PartRef(part=3)


@pytest.mark.parametrize(
    ("text", "value"), [("一", 1), ("十", 10), ("十二", 12), ("二十三", 23), ("4", 4)]
)
def test_chinese_numbers(text: str, value: int) -> None:
    assert chinese_number(text) == value


def test_english_words_become_the_speeches_terms() -> None:
    text = translate_english("how should grassroots party organisations act as strong fortresses?")
    assert "基层党组织" in text and "战斗堡垒" in text
    assert translate_english("党建工作") == "党建工作"


async def test_a_part_question_is_answered_with_that_part_in_order(index) -> None:  # type: ignore[no-untyped-def]
    result = await index.search("2023年县委工作会议讲话的第二部分讲了什么", k=3)
    assert result.relevant and result.speech == 5
    assert result.section == "二、把握着力重点，扎实推进党委各项工作落实见效"
    assert result.hits[0].text.startswith("宣传、组织、统战")  # the part's first paragraph
    assert [h.section_path[0] for h in result.hits] == [result.section] * 3
    assert [h.ordinal for h in result.hits] == sorted(h.ordinal for h in result.hits)
    assert result.scope is not None and result.scope.section == result.section


async def test_a_named_speech_filters_the_passages_and_says_so(index) -> None:  # type: ignore[no-untyped-def]
    result = await index.search("组织宣传统战工作会议上怎么讲干部队伍建设", k=3)
    assert result.speech == 4 and all(h.speech_id == 4 for h in result.hits)
    assert result.scope is not None and result.scope.speech == 4 and not result.scope.given


async def test_a_part_that_does_not_exist_says_how_many_there_are(index) -> None:  # type: ignore[no-untyped-def]
    result = await index.search("2023年县委工作会议讲话第五部分讲了什么")
    assert not result.hits and result.available == 3 and result.scope is not None


@pytest.mark.parametrize(
    ("question", "starts"),
    [
        ("2023年县委工作会议上最后一条要求是什么", "四要严格督查考核"),
        ("2020年领导小组会议主持讲话里的最后一点意见是什么", "五要把党建主体责任传到末梢"),
        ("2023年县委工作会议讲话里关于政法工作的那部分", "（四）政法工作要在维护稳定"),
        ("组织宣传统战会议那篇讲话的结尾", None),
        ("2020年那篇主持讲话开头说了什么", "今天召开这次党的建设领导小组会议"),
    ],
)
async def test_parts_are_found_at_the_right_level(index, question: str, starts: str | None) -> None:  # type: ignore[no-untyped-def]
    result = await index.search(question, k=3)
    assert result.relevant and result.hits
    if starts is not None:
        assert result.hits[0].text.startswith(starts)
    else:
        assert result.hits[0].section_path == ("结语",)


async def test_everywhere_ignores_what_the_question_names(index) -> None:  # type: ignore[no-untyped-def]
    result = await index.search("2023年县委工作会议上怎么要求宣传工作", everywhere=True)
    assert result.scope is None and result.speech is None


async def test_next_and_previous_point_beside_the_previous_answer(index) -> None:  # type: ignore[no-untyped-def]
    first = await index.search("县委工作会议讲话第三部分第二要是什么")
    assert first.section == "二要强化协作配合，凝聚工作合力"
    after = await index.search("下一条呢？", focus=first.focus)
    assert after.section == "三要转变工作作风，提升工作效能" and after.scope.followed
    before = await index.search("上一条呢", focus=first.focus)
    assert before.section == "一要加强组织领导，靠实工作责任"


async def test_a_lone_point_after_a_part_is_a_point_of_that_part(index) -> None:  # type: ignore[no-untyped-def]
    first = await index.search("2023年县委工作会议讲话第一部分有哪几要")
    then = await index.search("第二要呢", focus=first.focus)
    assert then.section == "二要着力强化政治担当"


async def test_a_speech_is_named_by_its_number_in_the_list(index) -> None:  # type: ignore[no-untyped-def]
    result = await index.search("第三篇讲话的第二要")
    assert result.speech == 3 and result.section == "二要把加强思想武装贯彻始终"


async def test_a_vague_name_answers_from_the_closest_and_offers_the_others(index) -> None:  # type: ignore[no-untyped-def]
    result = await index.search("讲统筹抗疫和发展的那篇领导小组讲话第5点讲了啥")
    assert result.relevant and [s.number for s in result.candidates][:1] == [1]
    assert result.scope is not None and result.scope.speech == 1
    assert result.hits[0].text.startswith("五、要强化党建领导小组各成员单位的责任")


async def test_a_part_of_no_speech_with_a_question_answers_from_that_part_of_each(index) -> None:  # type: ignore[no-untyped-def]
    # "最后" in no speech in particular: the closing part of every speech comes first, and the
    # speeches are offered beside the passages.
    result = await index.search("最后说党建跟发展是啥关系")
    assert result.relevant and len(result.candidates) == 5
    assert any("以一流党建促一流发展" in h.text for h in result.hits)
    alone = await index.search("第三部分讲了什么")
    assert not alone.relevant and not alone.hits and len(alone.candidates) == 5


async def test_a_paragraph_of_a_part_is_that_paragraph(index) -> None:  # type: ignore[no-untyped-def]
    result = await index.search("2020年那篇主持讲话开头第二段说了什么")
    assert [h.text[:6] for h in result.hits] == ["首先，请区纪"]
