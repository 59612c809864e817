"""The speech finder is built once per generation and looked up in O(question): on a synthetic
archive of 5,000 speeches, a question touches only the index entries of its own bigrams and
years, never every speech (issue 14, item 2)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.query.speech_text import abbreviations
from index.query.speeches import COMMON, SpeechFinder, SpeechKey
from index.text.normalize import normalize

PLACES = ["青山", "白水", "红河", "金沙", "松林", "石门", "桃源", "柳溪", "云岭", "龙泉"]
MEETINGS = [
    "党的建设工作会议",
    "经济工作会议",
    "农村工作会议",
    "宣传思想工作会议",
    "组织工作会议",
    "纪检监察工作会议",
    "统战工作会议",
    "政法工作会议",
]
LEVELS = ["县委", "市委", "区委", "镇党委", "乡党委"]


def archive(n: int) -> list[SpeechKey]:
    """``n`` speeches with varied years, places, levels and meetings (and openings)."""
    keys = []
    for i in range(n):
        year = 2000 + i % 25
        place, level = PLACES[i // 25 % len(PLACES)], LEVELS[i // 250 % len(LEVELS)]
        meeting = MEETINGS[i // 1250 % len(MEETINGS)]
        title = f"在{year}年{place}{level}{meeting}（第{i // 10 + 1}次）上的讲话"
        opening = f"今天召开{place}{meeting}，总结{year - 1}年工作，部署{year}年任务。"
        keys.append(SpeechKey(i + 1, title, year, opening))
    return keys


class CountingDict(dict):  # type: ignore[type-arg]
    """A dict that counts look-ups: per-speech data read while answering a question."""

    reads = 0

    def __getitem__(self, key: object) -> object:
        CountingDict.reads += 1
        return super().__getitem__(key)


def _counting(finder: SpeechFinder) -> Iterator[None]:
    for name in ("_titles", "_described"):
        setattr(finder, name, CountingDict(getattr(finder, name)))
    CountingDict.reads = 0
    yield


QUESTIONS = [
    "2003年青山县委经济工作会议讲话第二部分讲了什么",
    "在白水市委农村工作会议上的讲话里对集体经济怎么说",
    "统战工作怎么做",
    "2015年那篇讲话的结尾",
    "如何发挥基层党组织战斗堡垒作用",
    "会议讲话里关于干部考核的那部分",
]


@pytest.fixture(scope="module")
def big() -> SpeechFinder:
    return SpeechFinder(archive(5000))


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_question_reads_no_speech_its_bigrams_do_not_point_at(
    big: SpeechFinder, question: str
) -> None:
    text = normalize(question)
    for _ in _counting(big):
        found = big.match(text)
    bound = COMMON * (len(text) + 1) ** 2  # the question's bigrams × their postings, at most
    assert found.examined <= bound
    assert CountingDict.reads <= COMMON * len(text)
    assert CountingDict.reads < 5000 / 10  # nowhere near one read per speech


def test_the_work_does_not_grow_with_the_archive(big: SpeechFinder) -> None:
    small = SpeechFinder(archive(500))
    for question in QUESTIONS:
        text = normalize(question)
        # Ten times the speeches: a bigram more frequent than COMMON is not walked at all, so a
        # question never does more than the bound, whatever the archive's size.
        assert big.match(text).examined <= max(small.match(text).examined, 1) * 2 + COMMON * 4


def test_a_speech_named_in_full_is_found_among_5000(big: SpeechFinder) -> None:
    key = archive(5000)[1234]
    found = big.match(normalize(key.title.removeprefix("在") + "第二部分讲了什么"))
    assert found.speech == key.number and found.confidence > 0


def test_a_year_many_speeches_share_names_none_of_them(big: SpeechFinder) -> None:
    found = big.match(normalize("2015年的讲话讲了什么"))
    assert found.speech is None and found.examined == 0  # 200 titles name 2015: not walked


def test_an_abbreviation_is_the_titles_characters_in_order_with_short_skips() -> None:
    title = "在全县党的建设暨组织宣传统战工作会议上的讲话"
    assert abbreviations("党建暨组宣统会议讲话", title) == [(0, 10)]
    assert abbreviations("宣统党建", title) == []  # out of order: two runs of two
    assert abbreviations("党会议上", title) == []  # 党 … 会: too far apart in the title
