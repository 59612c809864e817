"""Query understanding: which speech a question names, which part of it, and English questions.

A question may name a speech by year (``2023年``) or by its meeting (``组织宣传统战工作会议``,
``主持讲话``) and a part of it (``第二部分``, ``第三点``, ``第四要``, ``最后一部分``). Those words
say where to look, not what to look for, so they are taken out of the search terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..text.normalize import normalize
from ..text.numbers import chinese_number
from ..types import SectionSpan

_NUM = r"[一二两三四五六七八九十\d]{1,3}"
_PART = re.compile(rf"(?:第({_NUM})|(最后一|最后))(?:个)?(?:部分|大部分|方面)")
_POINT = re.compile(
    rf"第({_NUM})(?:点|要|条|个要求|项)|[“\"]?({_NUM})(?:要|是)[”\"]?(?=是什么|讲|说|的|$|有|提)"
)
_MEETING_WORDS = re.compile(r"讲话|会议上|会议|会上|大会")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
# Words of a speech title that do not tell speeches apart.
_GENERIC = ("在", "上的", "讲话", "会议", "工作会议", "上", "的")
_MIN_NAME = 4  # characters a title fragment needs to name a speech

#: Words that, next to a part reference, ask for the part itself rather than a topic in it.
SECTION_FILLERS = frozenset(
    [
        "主要",
        "讲",
        "说",
        "要求",
        "内容",
        "方面",
        "哪几个",
        "哪些",
        "几个",
        "部署",
        "安排",
        "认识",
        "重点",
        "主题",
        "点",
        "要",
        "提出",
        "了",
        "提",
    ]
)


@dataclass(frozen=True, slots=True)
class SpeechTitle:
    """What understanding needs to know about a speech."""

    number: int
    title: str
    year: int | None


@dataclass(frozen=True, slots=True)
class Understood:
    """A question split into where to look and what to look for."""

    text: str  # the rest of the question, to be searched
    speech: int | None = None  # the speech the question names
    part: int | None = None  # top-level section number; -1 for the last one
    point: int | None = None  # sub-section (or, without a part, top-level point) number


def _longest_common(a: str, b: str) -> tuple[int, int]:
    """Length and start (in ``a``) of the longest common substring."""
    best, start = 0, 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best, start = j - i, i
            else:
                break
    return best, start


def find_speech(text: str, speeches: Iterable[SpeechTitle]) -> tuple[int | None, str]:
    """The speech a question names (by year or meeting), and the question without the naming."""
    candidates = list(speeches)
    scores: dict[int, int] = {s.number: 0 for s in candidates}
    spans: dict[int, list[tuple[int, int]]] = {s.number: [] for s in candidates}
    for match in _YEAR.finditer(text):
        year = int(match.group(1))
        for s in candidates:
            if str(year) in s.title or (
                s.year == year and not any(str(year) in c.title for c in candidates)
            ):
                scores[s.number] += 4 if str(year) in s.title else 2
                spans[s.number].append(match.span())
    for s in candidates:
        title = normalize(s.title)
        for word in _GENERIC:
            title = title.replace(word, "|") if len(word) > 1 else title
        length, start = 0, 0
        for fragment in title.split("|"):
            n, at = _longest_common(text, fragment) if len(fragment) >= 2 else (0, 0)
            # A long shared run names the speech, and so does a short title word in full ("主持").
            if (n >= _MIN_NAME or (n >= 2 and n == len(fragment))) and n > length:
                length, start = n, at
        if length:
            scores[s.number] += length
            spans[s.number].append((start, start + length))
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] - ranked[1][1] < 2):
        return None, text
    number = ranked[0][0]
    rest = list(text)
    for a, b in spans[number]:
        rest[a:b] = [" "] * (b - a)
    # With the speech named, "讲话" and "会议" only point at it, and so do other fragments of its
    # title next to the naming ("2020年领导小组会议主持讲话"); a title word further on is a topic.
    remaining = _MEETING_WORDS.sub(lambda m: " " * len(m.group()), "".join(rest))
    title = normalize(next(s.title for s in candidates if s.number == number))
    changed = True
    while changed:
        changed = False
        for i in range(len(remaining)):
            for j in range(len(remaining), i + 1, -1):
                touches = (i > 0 and remaining[i - 1] == " ") or (
                    j < len(remaining) and remaining[j] == " "
                )
                if " " not in remaining[i:j] and touches and remaining[i:j] in title:
                    remaining = remaining[:i] + " " * (j - i) + remaining[j:]
                    changed = True
                    break
    return number, remaining


def find_section(text: str) -> tuple[int | None, int | None, str]:
    """``第二部分`` / ``最后一部分`` and ``第三点`` / ``第四要``, and the question without them."""
    part = point = None
    match = _PART.search(text)
    if match:
        part = -1 if match.group(2) else chinese_number(match.group(1))
        text = text[: match.start()] + " " + text[match.end() :]
    match = _POINT.search(text)
    if match:
        point = chinese_number(match.group(1) or match.group(2))
        text = text[: match.start()] + " " + text[match.end() :]
    return part, point, text


def resolve_section(
    spans: Sequence[SectionSpan], part: int | None, point: int | None
) -> SectionSpan | None:
    """``第{part}部分第{point}点`` against a speech's section tree."""
    tops = [s for s in spans if s.kind == "numbered"]
    if not tops:
        return None
    if part is not None:
        index = len(tops) - 1 if part == -1 else part - 1
        if not 0 <= index < len(tops):
            return None
        section = tops[index]
        if point is None:
            return section
        points = [c for c in section.children if c.kind == "numbered"]
        return points[point - 1] if 0 < point <= len(points) else None
    if point is not None and 0 < point <= len(tops):
        return tops[point - 1]
    return None


def understand(query: str, speeches: Iterable[SpeechTitle]) -> Understood:
    """Normalise and translate the question, then find the speech and part it names."""
    text = translate_english(normalize(query))
    speech, text = find_speech(text, speeches)
    part, point, text = find_section(text) if speech is not None else (None, None, text)
    return Understood(text=text, speech=speech, part=part, point=point)


@lru_cache(maxsize=1)
def _glossary() -> tuple[tuple[re.Pattern[str], str], ...]:
    text = (
        resources.files("index.query")
        .joinpath("data")
        .joinpath("glossary_en.txt")
        .read_text(encoding="utf-8")
    )
    entries = []
    for line in text.splitlines():
        if "=" not in line or line.lstrip().startswith("#"):
            continue
        english, chinese = (part.strip() for part in line.split("=", 1))
        words = r"\s+".join(re.escape(w) for w in english.lower().split())
        entries.append((re.compile(rf"\b{words}(?:s|es)?\b"), f" {chinese} "))
    # Longest phrases first, so "party committee" wins over "party".
    return tuple(sorted(entries, key=lambda e: -len(e[0].pattern)))


def translate_english(text: str) -> str:
    """Replace English words and phrases from the bundled glossary by their Chinese terms."""
    if not re.search(r"[a-z]{3,}", text):
        return text
    for pattern, chinese in _glossary():
        text = pattern.sub(chinese, text)
    return text
