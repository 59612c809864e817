"""The five bundled speeches parse exactly as read by a person."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from corpus import (
    PATH_SEPARATOR,
    BoilerplateRules,
    SectionKind,
    Speech,
    bundled_corpus_dir,
    read_speech,
)

ADVERTS = (
    "本文系作者原创投稿",
    "仅供学习",
    "请勿照搬照抄",
    "禁止外传",
    "酷乐文行",
    "自建平台",
    "实时分享",
    "根据实际需求和形式任务不断迭代",
    "订阅",
    "倒卖",
    "会员",
    "QQ群",
)


@dataclass(frozen=True)
class Expected:
    """What a person reads in one speech file."""

    file: str
    title: str
    headings: tuple[str, ...]
    paragraphs: int
    closing: tuple[str, ...]
    year: int | None
    conclusion: bool


EXPECTED = (
    Expected(
        "01-party-building-group-work-meeting.txt",
        "在县委党的建设领导小组工作会议讲话",
        (
            "一、坚决用习近平总书记重要指示精神统一思想和行动",
            "二、要充分发挥各级党组织在“统筹”中的坚强政治保证作用",
            "三、要充分发挥党员领导干部在“统筹”中的表率作用",
            "四、要充分发挥广大党员在“统筹”中的先锋模范作用",
            "五、要强化党建领导小组各成员单位的责任",
        ),
        7,
        (),
        None,
        True,
    ),
    Expected(
        "02-party-building-group-meeting.txt",
        "在县委党的建设工作领导小组会议上的讲话",
        (
            "一、深入贯彻习近平总书记重要指示精神，进一步增强党对疫情防控和经济社会发展工作的领导",
            "二、全面贯彻新时代党的建设总要求，建设坚强战斗堡垒",
            "三、压实管党治党主体责任，推动全面从严治党各项举措见实见效",
        ),
        16,
        ("我就讲这些，谢谢！",),
        2020,
        False,
    ),
    Expected(
        "03-2020-party-building-group-meeting-chair.txt",
        "在2020年党的建设工作领导小组会议上的主持讲话",
        (
            "一要把党的政治建设摆在首位",
            "二要把加强思想武装贯彻始终",
            "三要把加强组织建设落到实处",
            "四要把严守纪律规矩挺在前面",
            "五要把党建主体责任传到末梢",
        ),
        12,
        ("谢谢大家！",),
        2020,
        True,
    ),
    Expected(
        "04-party-building-organisation-propaganda-united-front.txt",
        "在全县党的建设暨组织宣传统战工作会议上的讲话",
        (
            "一、统一思想、提高认识，切实增强抓好党建工作的政治自觉和行动自觉",
            "二、立足实际、突出重点，努力推动党建各项工作再上新台阶",
            "三、加强领导，形成合力，确保全县党建工作落到实处",
        ),
        15,
        (),
        None,
        True,
    ),
    Expected(
        "05-2023-county-party-committee-work-meeting.txt",
        "在2023年县委工作会议上的讲话",
        (
            "一、提高政治站位，切实把党的领导贯穿党委工作始终",
            "二、把握着力重点，扎实推进党委各项工作落实见效",
            "三、强化责任担当，切实提升做好党委工作的能力水平",
        ),
        20,
        (),
        2023,
        True,
    ),
)
IDS = [e.file[:2] for e in EXPECTED]


def _speech(name: str) -> Speech:
    return read_speech(bundled_corpus_dir() / name, rules=BoilerplateRules.load())


@pytest.fixture(params=EXPECTED, ids=IDS)
def case(request: pytest.FixtureRequest) -> tuple[Expected, Speech]:
    expected: Expected = request.param
    return expected, _speech(expected.file)


def test_title_is_the_first_real_line_joined_over_short_lines(
    case: tuple[Expected, Speech],
) -> None:
    expected, speech = case
    assert speech.title == expected.title


def test_top_level_headings_are_exact(case: tuple[Expected, Speech]) -> None:
    expected, speech = case
    assert speech.headings == expected.headings


def test_paragraph_count_matches_a_reading(case: tuple[Expected, Speech]) -> None:
    expected, speech = case
    assert len(speech.paragraphs) == expected.paragraphs


def test_salutation_closing_and_year(case: tuple[Expected, Speech]) -> None:
    expected, speech = case
    assert speech.salutation == "同志们："
    assert speech.closing == expected.closing
    assert speech.year == expected.year


def test_salutation_and_closing_are_not_paragraphs(case: tuple[Expected, Speech]) -> None:
    _, speech = case
    texts = [p.text for p in speech.paragraphs]
    assert "同志们：" not in texts
    assert not any(text.startswith("谢谢") or text.endswith("谢谢！") for text in texts)


def test_no_advert_survives_anywhere(case: tuple[Expected, Speech]) -> None:
    _, speech = case
    visible = [
        speech.title,
        *(s.title for s in speech.walk()),
        *(p.text for p in speech.paragraphs),
    ]
    for advert in ADVERTS:
        assert not any(advert in text for text in visible), advert


def test_ordinals_run_from_zero_in_speech_order(case: tuple[Expected, Speech]) -> None:
    _, speech = case
    assert [p.ordinal for p in speech.paragraphs] == list(range(len(speech.paragraphs)))


def test_preamble_first_and_conclusion_last(case: tuple[Expected, Speech]) -> None:
    expected, speech = case
    first, last = speech.sections[0], speech.sections[-1]
    assert (first.kind, first.title, first.level, first.number) == (
        SectionKind.PREAMBLE,
        "引言",
        1,
        None,
    )
    if expected.conclusion:
        assert (last.kind, last.title) == (SectionKind.CONCLUSION, "结语")
        assert len(last.paragraphs) == 1
        assert last.paragraphs[0].text.startswith("同志们，")
        assert last.paragraphs[0].section_path == ("结语",)
    else:
        assert last.kind is SectionKind.NUMBERED


def test_section_paths_match_the_section_holding_each_paragraph(
    case: tuple[Expected, Speech],
) -> None:
    _, speech = case
    for section in speech.sections:
        stack = [(section, (section.title,))]
        while stack:
            node, path = stack.pop()
            assert node.level == len(path)
            assert all(p.section_path == path for p in node.paragraphs)
            stack.extend((child, (*path, child.title)) for child in node.children)


def test_nested_point_path_in_speech_02() -> None:
    speech = _speech(EXPECTED[1].file)
    path = ("二、全面贯彻新时代党的建设总要求，建设坚强战斗堡垒", "四要从严从实抓好基层组织建设")
    [paragraph] = [p for p in speech.paragraphs if p.section_path == path]
    assert paragraph.text.startswith("四要从严从实抓好基层组织建设。坚持把")
    assert paragraph.section_label == PATH_SEPARATOR.join(path)
    second = speech.sections[2]
    assert [c.title for c in second.children][3] == "四要从严从实抓好基层组织建设"
    assert (second.children[3].level, second.children[3].marker_level) == (2, 3)
    assert second.children[3].number == 4


def test_own_line_headings_are_not_paragraphs() -> None:
    for expected in EXPECTED[1:]:
        speech = _speech(expected.file)
        texts = {p.text for p in speech.paragraphs}
        for section in speech.walk():
            if section.kind is SectionKind.NUMBERED and section.marker_level == 1:
                assert section.title not in texts


def test_first_sentence_headings_keep_their_paragraph_in_full() -> None:
    speech = _speech(EXPECTED[0].file)
    first = speech.sections[1]
    assert first.title == "一、坚决用习近平总书记重要指示精神统一思想和行动"
    assert first.paragraphs[0].text.startswith(first.title + "。一个多月来，")
    speech04 = _speech(EXPECTED[3].file)
    point = speech04.sections[3].children[2]
    assert point.title == "（三）注重考评，强化问责"
    assert point.marker_level == 2
    assert point.paragraphs[0].text.startswith("（三）注重考评，强化问责。各党委")
    assert point.paragraphs[0].text.endswith("抓到位。")


def test_points_without_a_numbered_part_are_top_level_in_speech_03() -> None:
    speech = _speech(EXPECTED[2].file)
    numbered = [s for s in speech.sections if s.kind is SectionKind.NUMBERED]
    assert [(s.level, s.marker_level, s.number) for s in numbered] == [
        (1, 3, n) for n in range(1, 6)
    ]
    assert all(not s.children for s in numbered)


def test_mid_paragraph_enumerations_are_not_headings() -> None:
    speech = _speech(EXPECTED[1].file)
    titles = [s.title for s in speech.walk()]
    assert not any(t.startswith(("一是", "二是")) for t in titles)
    assert speech.paragraphs[1].text.startswith("2019年")
    assert speech.paragraphs[1].section_path == ("引言",)


def test_boilerplate_lines_are_kept_as_dropped_lines() -> None:
    speech = _speech(EXPECTED[3].file)
    assert "酷乐文行" in speech.dropped_lines
    assert "根据实际需求和形式任务不断迭代" in speech.dropped_lines
    assert "现在订阅立享前3年的所有权益和资料" in speech.dropped_lines
    assert _speech(EXPECTED[0].file).dropped_lines == (
        "本文系作者原创投稿，仅供学习参考，请勿照搬照抄！",
    )
