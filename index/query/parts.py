"""Which part of a speech a question points at, and that part in the speech's section tree.

Every common way of pointing at a part: 第N部分 / 方面 (the top level), 第N点 / 条 / 项 / 要 /
个要求 / 条意见 / 条措施 (one level down, or the top level of a flat outline), "一是" / "四要",
开头 / 开篇 / 引言, 结尾 / 结语, 最后一部分 / 最后一条, and "关于X的那部分" (the section whose
heading is closest to X). Arabic, full-width and Chinese numerals; traditional characters are
simplified before. Word lists: ``data/parts.txt``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..text.normalize import normalize
from ..text.numbers import chinese_number
from ..types import SectionSpan
from .expand import Unit
from .wordlists import word_lists

LAST = -1  # "最后一…"
_NUM = r"[0-9一二两三四五六七八九十]{1,3}"
#: Share of the bigrams of X a heading must hold for "关于X的那部分" to point at it.
ABOUT_MIN = 0.5


@dataclass(frozen=True, slots=True)
class PartRef:
    """A pointer at a part of a speech, as the question words it."""

    part: int | None = None  # top-level number, LAST for the last one
    point: int | None = None  # one level down (or the top level of a flat outline), or LAST
    place: str | None = None  # "opening" or "closing"
    about: str | None = None  # "关于X的那部分": X
    step: int = 0  # +1 "下一条", -1 "上一条": beside the previous answer's part
    paragraph: int | None = None  # "第二段": that paragraph of the part (of the opening alone)


#: The opening of a speech (what a speech named with nothing asked of it is answered with).
OPENING = PartRef(place="opening")


@dataclass(frozen=True, slots=True)
class Resolved:
    """A part reference against one speech's tree."""

    section: SectionSpan | None  # the part, when it exists
    available: int = 0  # when it does not: how many parts (or points) there are
    enumerated: int | None = None  # a point inside the section's text ("四是…"), not a heading


@dataclass(frozen=True, slots=True)
class _Patterns:
    part: re.Pattern[str]
    point: re.Pattern[str]
    listed: re.Pattern[str]
    paragraph: re.Pattern[str]
    opening: re.Pattern[str]
    closing: re.Pattern[str]
    about: re.Pattern[str]
    step: tuple[tuple[str, ...], tuple[str, ...]]  # words for the next part, the previous one
    review: tuple[str, ...]
    fillers: frozenset[str]


def _alt(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in words)


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    w = word_lists("parts.txt")
    part, point, last = _alt(w["part"]), _alt(w["point"]), _alt(w["last"])
    nouns = _alt([u for u in w["point"] if u not in w["verb_after_last"]])
    return _Patterns(
        part=re.compile(rf"第\s*({_NUM})\s*(?:{part})|(?:{last})一?个?(?:{part})"),
        point=re.compile(
            rf"第\s*[（(]?\s*({_NUM})\s*[)）]?\s*个?[“\"]?(?:{point})[”\"]?"
            rf"|(?:{last})(?:一(?:{point})|(?:{nouns}))"
        ),
        listed=re.compile(
            rf"[“\"]?({_NUM})(?:是|要)[”\"]?(?=是什么|讲|说|的|$|有|提|呢|怎么|\s)|[（(]({_NUM})[)）]"
        ),
        paragraph=re.compile(rf"第\s*({_NUM})\s*(?:{_alt(w['paragraph'])})"),
        opening=re.compile(_alt(w["opening"])),
        closing=re.compile(
            _alt(w["closing"]) + rf"|(?:{last})(?=说|讲|提|呢|$|\s|是|总结|强调|的话)"
        ),
        about=re.compile(rf"(?:关于|有关|讲|说|里|中)(.{{2,12}}?)(的?(?:{_alt(w['about'])}))"),
        step=(w["next"], w["previous"]),
        review=w["review"],
        fillers=frozenset(w["fillers"]),
    )


def asked(units: list[Unit]) -> list[Unit]:
    """The units that ask something, beside a part ("主要讲了哪些要求" asks for the part itself)."""
    return [u for u in units if u.text not in _patterns().fillers]


def _number(text: str | None) -> int:
    return LAST if text is None else (chinese_number(text) or 0)


def read_part(text: str) -> tuple[PartRef | None, str]:
    """The part ``text`` points at, and ``text`` without the words that point."""
    p = _patterns()
    part = point = None
    place = about = None
    found = p.part.search(text)
    if found:
        part, text = _number(found.group(1)), _blank(text, found.span())
    # "第二部分第三个方面": a second unit of the top level is a point of the first.
    found = p.point.search(text) or p.listed.search(text)
    if found is None and part is not None:
        found = p.part.search(text)
    if found:
        digits = next((g for g in found.groups() if g), None)
        point, text = _number(digits), _blank(text, found.span())
    paragraph = None
    found = p.paragraph.search(text)
    if found:
        paragraph, text = _number(found.group(1)), _blank(text, found.span())
    step, text = _step(text, p.step)
    if step:
        return PartRef(step=step), text
    if point is not None and part is None and any(w in text for w in p.review):
        place = "opening"  # "回顾去年成绩的第二项": the opening's review, "二是…"
    for name, pattern in (("opening", p.opening), ("closing", p.closing)):
        found = pattern.search(text)
        if found and part is None and place in (None, name):
            place, text = name, _blank(text, found.span())
    if part is None and point is None and place is None:
        found = p.about.search(text)
        if found:  # X stays a search term: within the part, or the speech if no heading fits
            about, text = normalize(found.group(1)), _blank(text, found.span(2))
    if part is None and point is None and place is None and about is None:
        if paragraph is not None:
            return PartRef(place="opening", paragraph=paragraph), text
        return None, text
    return PartRef(part, point, place, about, paragraph=paragraph), text


def _step(text: str, words: tuple[tuple[str, ...], tuple[str, ...]]) -> tuple[int, str]:
    """+1 for "下一条", -1 for "上一条", with the words taken out; 0 when there are none."""
    for step, group in ((1, words[0]), (-1, words[1])):
        for word in group:
            at = text.find(word)
            if at >= 0:
                return step, _blank(text, (at, at + len(word)))
    return 0, text


def _blank(text: str, span: tuple[int, int]) -> str:
    a, b = span
    return text[:a] + " " * (b - a) + text[b:]


def _numbered(spans: Sequence[SectionSpan]) -> list[SectionSpan]:
    return [s for s in spans if s.kind == "numbered"]


def _pick(items: list[SectionSpan], n: int) -> SectionSpan | None:
    index = len(items) - 1 if n == LAST else n - 1
    return items[index] if 0 <= index < len(items) else None


def resolve(
    spans: Sequence[SectionSpan], ref: PartRef, near: SectionSpan | None = None
) -> Resolved:
    """``ref`` in a speech's tree; ``near`` (the section of the previous answer) makes a lone
    point a sibling of it ("第三点" after an answer from "二、… › （二）…")."""
    found = _resolve(spans, ref, near)
    if ref.paragraph is None or found.section is None:
        return found
    section, n = found.section, ref.paragraph
    row = section.hi - 1 if n == LAST else section.lo + n - 1
    if not section.lo <= row < section.hi:
        return Resolved(None, section.hi - section.lo)
    return Resolved(
        SectionSpan(section.section_id, section.number, section.kind, section.title, row, row + 1)
    )


def _resolve(spans: Sequence[SectionSpan], ref: PartRef, near: SectionSpan | None) -> Resolved:
    tops = _numbered(spans)
    if ref.step:
        return _beside(tops, near, ref.step)
    if ref.place is not None:
        kind = "preamble" if ref.place == "opening" else "conclusion"
        section = next((s for s in spans if s.kind == kind), None)
        if section is None and tops:
            section = tops[0] if ref.place == "opening" else tops[-1]
        return _within(section, ref.point)
    if ref.about is not None:
        return Resolved(_closest(spans, ref.about))
    if ref.part is not None:
        section = _pick(tops, ref.part)
        if section is None:
            return Resolved(None, len(tops))
        return _within(section, ref.point) if ref.point is not None else Resolved(section)
    if ref.point is None:
        return Resolved(None, len(tops))
    parent = next((t for t in tops if near is not None and near in t.children), None)
    if near is not None and near in tops and _numbered(near.children):
        parent = near  # "第一部分有哪几要" then "第二要呢": a point of that part
    if parent is not None:
        return _within(parent, ref.point)
    if ref.point == LAST and tops and _numbered(tops[-1].children):
        return Resolved(_numbered(tops[-1].children)[-1])
    section = _pick(tops, ref.point)
    if section is not None:
        return Resolved(section)
    opening = near if near is not None and near.kind == "preamble" else None
    opening = opening or next((s for s in spans if s.kind == "preamble"), None)
    if opening is not None and ref.point > len(tops):
        # "去年工作第六条": beyond the outline's points, the opening's review ("六是…").
        return Resolved(opening, enumerated=ref.point)
    return Resolved(None, len(tops))


def _beside(tops: list[SectionSpan], near: SectionSpan | None, step: int) -> Resolved:
    """The sibling ``step`` away from ``near`` (the previous answer's part)."""
    if near is None:
        return Resolved(None, len(tops))
    siblings = (
        tops
        if near in tops
        else next((_numbered(t.children) for t in tops if near in t.children), [])
    )
    if near not in siblings:
        return Resolved(near)  # an opening has no numbered siblings: its next lines, searched
    index = siblings.index(near) + step
    if 0 <= index < len(siblings):
        return Resolved(siblings[index])
    return Resolved(None, len(siblings))


def _within(section: SectionSpan | None, point: int | None) -> Resolved:
    """Point ``point`` of ``section``: a sub-heading, or else an item of its text ("四是")."""
    if section is None or point is None:
        return Resolved(section)
    children = _numbered(section.children)
    if children:
        child = _pick(children, point)
        return Resolved(child) if child is not None else Resolved(None, len(children))
    return Resolved(section, enumerated=point)


def _closest(spans: Sequence[SectionSpan], about: str) -> SectionSpan | None:
    """The section whose heading shares the most of ``about``'s bigrams (deepest on ties)."""
    wanted = {about[i : i + 2] for i in range(len(about) - 1)} - {"工作"}
    if not wanted:
        return None
    best: tuple[float, int, SectionSpan] | None = None
    stack = [(s, 0) for s in spans]
    while stack:
        span, depth = stack.pop()
        title = normalize(span.title)
        share = sum(g in title for g in wanted) / len(wanted)
        if share >= ABOUT_MIN and (best is None or (share, depth) > best[:2]):
            best = (share, depth, span)
        stack.extend((c, depth + 1) for c in span.children)
    return best[2] if best else None


def enumeration_markers(n: int) -> list[str]:
    """How a speech's text numbers its items: 4 → "四是", "四要"."""
    numeral = "一二三四五六七八九十"[n - 1] if 0 < n <= 10 else str(n)
    return [f"{numeral}是", f"{numeral}要"]
