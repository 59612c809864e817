"""Heading markers (``一、`` / ``（一）`` / ``一要``), Chinese numerals and first sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A heading's own text (or the first sentence carrying it) is never longer than this.
HEADING_MAX_LENGTH = 80

_NUMERAL = "[一二三四五六七八九十]{1,3}"
# Marker level by pattern: 1 "一、", 2 "（一）" / "(一)", 3 "一要" / "一是" (numbered points).
# "第一，" and "首先" are enumerations inside prose, not headings, so they are not listed.
_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^({_NUMERAL})、")),
    (2, re.compile(rf"^[（(]({_NUMERAL})[)）]")),
    (3, re.compile(rf"^({_NUMERAL})[要是]")),
)
_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SENTENCE_END = "。！？!?"
_OPENERS, _CLOSERS = "“‘「『（(《【〔[", "”’」』）)》】〕]"
_TRAILING = "。．.：:；;，,！!？? "


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading found at the start of a line."""

    title: str  # marker included, final punctuation removed
    marker_level: int
    number: int
    own_line: bool  # True: the line is only the heading; False: it opens a paragraph


def chinese_number(numeral: str) -> int | None:
    """The value of a Chinese numeral up to 九十九 (``十一`` → 11), None if malformed."""
    if numeral in _DIGITS:
        return _DIGITS[numeral]
    tens, sep, ones = numeral.partition("十")
    if not sep or "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    if (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS):
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def first_sentence(line: str) -> tuple[str, str]:
    """Split a line after its first sentence-final mark outside quotes and brackets."""
    depth = 0
    for i, char in enumerate(line):
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        elif char in _SENTENCE_END and depth == 0:
            return line[: i + 1], line[i + 1 :]
    return line, ""


def find_heading(line: str) -> Heading | None:
    """The heading a line starts with, if its marker is known and its text is short enough."""
    for marker_level, pattern in _MARKERS:
        match = pattern.match(line)
        if match is None:
            continue
        number = chinese_number(match.group(1))
        if number is None:
            return None
        sentence, rest = first_sentence(line)
        title = sentence.rstrip(_TRAILING)
        if len(title) <= match.end() or len(sentence) > HEADING_MAX_LENGTH:
            return None
        return Heading(title, marker_level, number, own_line=not rest.strip())
    return None


class HeadingSequence:
    """Accepts a heading only when its number follows its level's count (or restarts at 1).

    This keeps a paragraph that happens to start with "三要素" or "一是一" from becoming a
    heading in the middle of a differently numbered list.
    """

    def __init__(self) -> None:
        self._last: dict[int, int] = {}

    def accept(self, heading: Heading) -> bool:
        """Record and accept the heading when its number is in sequence."""
        last = self._last.get(heading.marker_level, 0)
        if heading.number not in (1, last + 1):
            return False
        self._last[heading.marker_level] = heading.number
        # A new heading restarts the numbering of every finer marker below it.
        for level in [lvl for lvl in self._last if lvl > heading.marker_level]:
            del self._last[level]
        return True
