"""Sections by row and by id in one speech's tree: the part an answer came from (kept for a
follow-up), and the section a follow-up leans on."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence

from ..types import Focus, Scope, SectionSpan, SpeechInfo
from .understand import Understood


def section_of_row(spans: Sequence[SectionSpan], row: int) -> SectionSpan | None:
    """The deepest section holding ``row``."""
    found = None
    level: Sequence[SectionSpan] = spans
    while True:
        inner = next((s for s in level if s.lo <= row < s.hi), None)
        if inner is None:
            return found
        found, level = inner, inner.children


def section_by_id(spans: Sequence[SectionSpan], section_id: int | None) -> SectionSpan | None:
    """The section numbered ``section_id`` in the tree, if it is there."""
    stack = list(spans)
    while stack and section_id is not None:
        span = stack.pop()
        if span.section_id == section_id:
            return span
        stack.extend(span.children)
    return None


def focus_of(
    speech: int | None, section: SectionSpan | None, top_speech: int | None, top: SectionSpan | None
) -> Focus | None:
    """What a follow-up may lean on: the part answered, else the best passage's section."""
    if speech is not None:
        chosen = section if section is not None else (top if top_speech == speech else None)
        return Focus(speech, chosen.section_id if chosen else None)
    if top_speech is None:
        return None
    return Focus(top_speech, top.section_id if top else None)


def owner_of(
    starts: Sequence[tuple[int, int]], speech_rows: Mapping[int, tuple[int, int]], row: int
) -> int | None:
    """The speech a row belongs to: a binary search over ``(first row, number)`` pairs."""
    index = bisect.bisect_right(starts, (row, 1 << 62)) - 1
    if index < 0:
        return None
    number = starts[index][1]
    lo, hi = speech_rows.get(number, (0, 0))
    return number if lo <= row < hi else None


def scope_of(
    understood: Understood,
    speech: int | None,
    section: SectionSpan | None,
    speeches: Mapping[int, SpeechInfo],
    top_speech: int | None = None,
) -> Scope | None:
    """What narrowed a search (the speech and part), or the speech a follow-up leaned on when
    the best passage is from it (else the context did not change the answer's top)."""
    number = speech
    if number is None and understood.prefer is not None and top_speech == understood.prefer.speech:
        number = understood.prefer.speech
    info = speeches.get(number) if number is not None else None
    if info is None:
        return None
    return Scope(
        speech=info.number,
        speech_title=info.title,
        section=section.title if section else None,
        followed=understood.how == "followup",
        given=understood.how == "given",
    )


def answer_focus(
    first_row: int | None,
    speech: int | None,
    section: SectionSpan | None,
    starts: Sequence[tuple[int, int]],
    speech_rows: Mapping[int, tuple[int, int]],
    sections: Mapping[int, Sequence[SectionSpan]],
) -> Focus | None:
    """What a follow-up to an answer whose best row is ``first_row`` may lean on."""
    if first_row is None:
        return None
    owner = owner_of(starts, speech_rows, first_row)
    top = section_of_row(sections.get(owner, []), first_row) if owner is not None else None
    return focus_of(speech, section, owner, top)
