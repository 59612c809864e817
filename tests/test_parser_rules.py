"""Parsing rules on small texts: advert words inside real paragraphs, what is not a heading,
the year, a title over two lines, and texts that hold no speech."""

from __future__ import annotations

import pytest

from corpus import CorpusFileError, parse_text


def test_long_paragraph_mentioning_an_advert_word_is_kept() -> None:
    long_line = "我们要订阅党报党刊，" + "认真学习领会精神实质，" * 10 + "切实抓好落实。"
    speech = parse_text(f"标题的讲话\n同志们：\n{long_line}\n", "x.txt")
    assert [p.text for p in speech.paragraphs] == [long_line]


def test_one_ge_duo_yue_and_di_yi_are_not_headings() -> None:
    text = "讲话\n同志们：\n一个多月来，我们做了工作。\n第一，要学习。\n首先，要落实。\n"
    speech = parse_text(text, "x.txt")
    assert speech.headings == ()
    assert len(speech.sections) == 1
    assert len(speech.paragraphs) == 3


def test_year_is_the_most_mentioned_year_later_on_ties() -> None:
    text = "讲话\n同志们：\n2019年成绩好。2021年更好。\n2021年和2019年都要记住。\n"
    assert parse_text(text, "x.txt").year == 2021


def test_title_without_salutation_takes_a_continuation_line() -> None:
    text = "在2020年党的建设工作领导小组会议上的\n主持讲话\n\n今天召开这次会议，很重要。\n"
    speech = parse_text(text, "x.txt")
    assert speech.title == "在2020年党的建设工作领导小组会议上的主持讲话"
    assert speech.salutation is None
    assert [p.text for p in speech.paragraphs] == ["今天召开这次会议，很重要。"]


def test_text_of_only_boilerplate_has_no_speech() -> None:
    with pytest.raises(CorpusFileError, match="no speech text found"):
        parse_text("本文系作者原创投稿，仅供学习参考，请勿照搬照抄！\n\n谢谢大家！\n", "x.txt")


def test_title_only_text_has_no_speech() -> None:
    with pytest.raises(CorpusFileError, match="no speech text found"):
        parse_text("在会议上的讲话\n同志们：\n", "x.txt")
