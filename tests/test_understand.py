"""Query understanding: speeches named by year or meeting, parts and points, English questions."""

from __future__ import annotations

import pytest

from index.query.understand import (
    SpeechTitle,
    chinese_number,
    find_section,
    translate_english,
    understand,
)

SPEECHES = [
    SpeechTitle(1, "在县委党的建设领导小组工作会议讲话", None),
    SpeechTitle(2, "在县委党的建设工作领导小组会议上的讲话", 2020),
    SpeechTitle(3, "在2020年党的建设工作领导小组会议上的主持讲话", 2020),
    SpeechTitle(4, "在全县党的建设暨组织宣传统战工作会议上的讲话", None),
    SpeechTitle(5, "在2023年县委工作会议上的讲话", 2023),
]


@pytest.mark.parametrize(
    ("question", "speech"),
    [
        ("2023年县委工作会议上怎么要求宣传工作", 5),
        ("组织宣传统战工作会议上对统战工作提了什么要求", 4),
        ("在主持讲话中对纪律建设怎么说", 3),
        ("党的建设领导小组工作会议上对县委宣传部提了什么要求", 1),
        ("县委党的建设工作领导小组会议对年轻干部培养有什么安排", 2),
        ("如何发挥基层党组织战斗堡垒作用", None),
        ("党的建设工作怎么抓", None),  # words shared by several titles name none of them
    ],
)
def test_a_speech_is_named_by_year_or_meeting(question: str, speech: int | None) -> None:
    assert understand(question, SPEECHES).speech == speech


def test_naming_words_leave_the_search_text_but_topics_stay() -> None:
    understood = understand("组织宣传统战工作会议上对统战工作提了什么要求", SPEECHES)
    assert "统战工作" in understood.text and "会议" not in understood.text


@pytest.mark.parametrize(
    ("text", "part", "point"),
    [
        ("讲话的第二部分讲了什么", 2, None),
        ("第三部分第二点讲了什么", 3, 2),
        ("最后一部分第三点讲什么", -1, 3),
        ("主持讲话里的第四要是什么", None, 4),
        ("第五点要求是什么", None, 5),
        ("第4要讲了什么", None, 4),
        ("怎么加强干部队伍建设", None, None),
    ],
)
def test_parts_and_points_are_read(text: str, part: int | None, point: int | None) -> None:
    found_part, found_point, _ = find_section(text)
    assert (found_part, found_point) == (part, point)


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
    assert [h.section_path[0] for h in result.hits] == [result.section] * 3
    assert [h.ordinal for h in result.hits] == sorted(h.ordinal for h in result.hits)


async def test_a_named_speech_filters_the_passages(index) -> None:  # type: ignore[no-untyped-def]
    result = await index.search("组织宣传统战工作会议上怎么讲干部队伍建设", k=3)
    assert result.speech == 4 and all(h.speech_id == 4 for h in result.hits)
