"""Homophone typos: a character typed for another of the same sound is read as the speeches'
word, and the reply says so; real words, numerals and word boundaries are left alone."""

from __future__ import annotations

import pytest

from bot.ui.answer import AnswerView, answer
from bot.ui.marks import Marker
from index import SearchIndex
from index.query.typos import Correction, corrections, homophones

KNOWN = {"党校": 5, "培训": 3, "审议": 2, "换届": 4, "造谣": 1, "传谣": 1, "网上": 6}


def _known(word: str) -> int:
    return KNOWN.get(word, 0)


def _is_word(word: str) -> bool:
    return word in {
        "党校",
        "培训",
        "审议",
        "换届",
        "一遍",
        "老板",
        "明年",
        "人造",
        "网上",
        "造谣",
        "传谣",
    }


def test_homophones_share_a_reading_with_its_tone() -> None:
    assert "培" in homophones("陪")  # péi
    assert "谣" in homophones("遥")  # yáo
    assert "陪" not in homophones("陪")
    assert "是" not in homophones("史")  # shǐ and shì: another tone is another syllable


def test_an_unknown_non_word_sounding_like_a_vocabulary_word_is_corrected() -> None:
    assert corrections("党校陪训", ["党校", "陪训"], _known, _is_word) == [
        Correction("陪训", "培训")
    ]
    assert corrections("明年换界", ["明年", "换界"], _known, _is_word) == [
        Correction("换界", "换届")
    ]


def test_a_span_never_ends_inside_a_word_nor_replaces_a_numeral() -> None:
    # 审一 sounds like 审议, but 一遍 is a word and 一 a numeral.
    assert corrections("先审一遍", ["先", "审", "一遍"], _known, _is_word) == []


def test_a_word_the_typo_made_next_to_it_does_not_hide_the_typo() -> None:
    # 造遥 is cut 人造 遥: 人造 is a word, but not the speeches', and it borders the unknown 遥.
    assert corrections("有人造遥", ["有", "人造", "遥"], _known, _is_word) == [
        Correction("造遥", "造谣")
    ]
    assert corrections("网上有人造遥传遥", ["网上", "有", "人造", "遥传遥"], _known, _is_word) == [
        Correction("造遥", "造谣"),
        Correction("传遥", "传谣"),
    ]
    # A word of the speeches keeps its inside whatever borders it.
    assert corrections("网上遥", ["网上", "遥"], _known, _is_word) == []


def test_a_real_word_the_vocabulary_lacks_is_left_alone() -> None:
    assert corrections("老板", ["老板"], _known, _is_word) == []


async def test_search_reads_a_typo_as_the_speeches_word_and_says_so(index: SearchIndex) -> None:
    result = await index.search("是不是所有党员都要去党校陪训？", k=3)
    assert result.relevant
    assert result.spelled == (("陪训", "培训"),)
    assert "培训" in result.terms
    reply = answer(result, AnswerView({}, Marker(result.query)))
    assert "“陪训”→“培训”" in reply


@pytest.mark.parametrize(
    "question",
    [
        "民营企业老板能参与扶贫吗",  # 老板 is a word, just not the speeches'
        "网上发的东西要不要先审一遍",  # 审一 is no span: 一遍 is a word
        "如何发挥基层党组织战斗堡垒作用",  # nothing unknown
    ],
)
async def test_questions_without_typos_are_read_as_typed(index: SearchIndex, question: str) -> None:
    assert (await index.search(question, k=3)).spelled == ()
