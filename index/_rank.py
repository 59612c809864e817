"""From a question to ranked rows: understanding, expansion, BM25, and the relevance decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ._bm25 import Scored
from ._expand import Unit, Vocabulary, coverage, matched_units, query_tokens, units
from ._snapshot import Snapshot
from ._understand import SpeechTitle, understand

#: A passage covering this many of the question's units answers it even below ``min_coverage``.
MANY_UNITS = 4

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
class SectionSpan:
    """A section's rows in the live generation (its paragraphs and its sub-sections')."""

    section_id: int
    number: int | None
    kind: str
    title: str
    lo: int
    hi: int
    children: tuple[SectionSpan, ...] = ()


@dataclass(frozen=True, slots=True)
class Ranked:
    """The outcome of ranking one question."""

    terms: tuple[str, ...]  # terms to highlight: the question's own and expanded ones
    rows: list[Scored]
    total: int
    relevant: bool
    reason: str = ""
    speech: int | None = None
    section: SectionSpan | None = None  # set when the answer is a section's paragraphs


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


def rank(
    snap: Snapshot,
    vocab: Vocabulary,
    sections: Mapping[int, Sequence[SectionSpan]],
    query: str,
    n: int,
    speech: int | None,
    min_coverage: float,
) -> Ranked:
    """Rank rows for ``query``; runs in a worker thread (tokenising and scoring are CPU work)."""
    titles = [SpeechTitle(s.number, s.title, s.year) for s in snap.speeches.values()]
    understood = understand(query, titles if speech is None else [])
    speech = speech if speech is not None else understood.speech
    if speech is not None and speech not in snap.speech_rows:
        return Ranked((), [], 0, False, "no such speech")
    section = None
    if speech is not None and (understood.part or understood.point):
        section = resolve_section(sections.get(speech, ()), understood.part, understood.point)
    text = understood.text
    year = snap.speeches[speech].year if speech is not None and speech in snap.speeches else None
    if year is not None:
        # A speech says "过去一年"/"今年" where a question says "2022年"/"2023年".
        text = text.replace(f"{year - 1}年", " 过去一年 去年 ").replace(f"{year}年", " 今年 ")
    parts = units(text, snap.tokenizer, vocab)
    if section is not None:
        # "第二部分主要讲了哪些要求": what is asked is the section itself.
        parts = [u for u in parts if u.text not in SECTION_FILLERS]
    tokens = query_tokens(parts)
    highlight = tuple(dict.fromkeys(t for t in tokens))
    if section is not None and not tokens:
        # "第二部分讲了什么": the answer is the section itself, in speech order.
        rows = [Scored(r, 0.0) for r in range(section.lo, min(section.hi, section.lo + n))]
        return Ranked(
            highlight, rows, section.hi - section.lo, True, speech=speech, section=section
        )
    if not parts:
        return Ranked((), [], 0, False, "no search terms", speech)
    row_range = (
        (section.lo, section.hi) if section else snap.speech_rows.get(speech) if speech else None
    )
    scored, total = snap.bm25.top(tokens, n, row_range) if tokens else ([], 0)
    if not scored:
        return Ranked(
            highlight, [], 0, False, "no query term occurs in the corpus", speech, section
        )
    return _judged(snap, parts, tokens, highlight, scored, total, min_coverage, speech, section)


def _judged(
    snap: Snapshot,
    parts: list[Unit],
    tokens: list[str],
    highlight: tuple[str, ...],
    scored: list[Scored],
    total: int,
    min_coverage: float,
    speech: int | None,
    section: SectionSpan | None,
) -> Ranked:
    best = 0.0
    for r in scored[:3]:
        present = set(snap.bm25.matched(tokens, r.row))
        score = coverage(parts, present, snap.bm25)
        # Several of the question's ideas in one passage is evidence too, even with unknown words.
        if matched_units(parts, present) >= MANY_UNITS and score >= min_coverage / 2:
            score = max(score, min_coverage)
        best = max(best, score)
    # BM25 scores count own terms OWN_WEIGHT times; report them on rank-bm25's scale.
    rows = [Scored(r.row, r.score) for r in scored]
    if best < min_coverage:
        return Ranked(
            highlight,
            rows,
            total,
            False,
            f"best passage covers {best:.0%} of the question",
            speech,
            section,
        )
    return Ranked(highlight, rows, total, True, "", speech, section)
