"""Character runs a question shares with a speech's title, and the phrases that name a speech
("总结2019年党建那篇" before "那篇"): the text side of ``speeches``."""

from __future__ import annotations

import re
from collections.abc import Iterable

YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
NUMBER = re.compile(r"\d{1,6}")  # a number other than a year, once years are taken out
ORDINAL = re.compile(r"第\s*([0-9一二两三四五六七八九十]{1,3})\s*篇")  # "第三篇讲话"
PLAIN = re.compile(r"[\u4e00-\u9fff]{2}")  # a bigram worth indexing: two CJK characters


def bigrams(text: str) -> list[str]:
    """Every two consecutive characters of ``text``."""
    return [text[i : i + 2] for i in range(len(text) - 1)]


def covered(text: str, words: Iterable[str]) -> list[bool]:
    """Which characters of ``text`` belong to one of ``words``."""
    mask = [False] * len(text)
    for word in words:
        start = text.find(word)
        while start >= 0:
            mask[start : start + len(word)] = [True] * len(word)
            start = text.find(word, start + 1)
    return mask


def title_runs(grams: list[str], title: frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of the question made of consecutive bigrams that the title has."""
    found, start = [], None
    for i, g in enumerate([*grams, ""]):
        if g and g in title:
            start = i if start is None else start
        elif start is not None:
            found.append((start, i + 1))
            start = None
    return found


#: Fewest characters of an abbreviated title ("党建暨组宣统会议" for "党的建设暨组织宣传统战工作
#: 会议"), and most title characters an abbreviation may skip between two of its own.
ABBREVIATION_MIN = 4
ABBREVIATION_SKIP = 3
_HAN = re.compile(r"[\u4e00-\u9fff]")


def abbreviations(text: str, title: str) -> list[tuple[int, int]]:
    """Character spans of the question that abbreviate the title: at least ``ABBREVIATION_MIN``
    Chinese characters found in the title in the same order, skipping at most
    ``ABBREVIATION_SKIP`` of its characters between two of them. Longest first, disjoint."""
    spans = []
    chars = set(title)
    for a, first in enumerate(text):
        # Only from a run of at least ABBREVIATION_MIN of the question's characters that the
        # title has at all: most starts are turned down by a set look-up.
        if first not in chars or not _HAN.match(first):
            continue
        if not all(c in chars for c in text[a + 1 : a + ABBREVIATION_MIN]):
            continue
        at = title.find(first)
        while at >= 0:
            b, pos = a + 1, at
            while b < len(text) and _HAN.match(text[b]):
                nxt = title.find(text[b], pos + 1, pos + 2 + ABBREVIATION_SKIP)
                if nxt < 0:
                    break
                b, pos = b + 1, nxt
            if b - a >= ABBREVIATION_MIN:
                spans.append((a, b))
            at = title.find(first, at + 1)
    kept: list[tuple[int, int]] = []
    for a, b in sorted(set(spans), key=lambda s: (s[0] - s[1], s[0])):
        if all(b <= x or a >= y for x, y in kept):
            kept.append((a, b))
    return kept


def naming_phrases(text: str, markers: tuple[str, ...]) -> list[tuple[int, int]]:
    """The text before each reference marker, back to punctuation or the previous marker."""
    phrases = []
    for marker in markers:
        at = text.find(marker)
        while at > 0:
            start = at
            while start > 0 and text[start - 1] not in "，,。？?（(）) 、：:" and at - start < 16:
                start -= 1
            if at - start >= 2:
                phrases.append((start, at))
            at = text.find(marker, at + 1)
    return sorted(set(phrases))


def without_naming(
    text: str, spans: list[tuple[int, int]], title: frozenset[str], meeting: tuple[str, ...]
) -> str:
    """``text`` with the naming spans blanked, and with them the other runs of the speech's
    ``title`` bigrams next to them ("2023年县委工作会议" whole) and the ``meeting`` words."""
    chars = list(text)
    for a, b in spans:
        chars[a:b] = [" "] * (b - a)
    runs = title_runs(bigrams(YEAR.sub(lambda m: "|" * len(m.group()), text)), title)
    changed = True
    while changed:
        changed = False
        for a, b in runs:
            touches = (a > 0 and chars[a - 1].isspace()) or (b < len(chars) and chars[b].isspace())
            if touches and any(not c.isspace() for c in chars[a:b]):
                chars[a:b] = [" "] * (b - a)
                changed = True
    rest = "".join(chars)
    for word in meeting:
        rest = rest.replace(word, " " * len(word))
    return rest
