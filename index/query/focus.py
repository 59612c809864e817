"""Sections by row and by id in one speech's tree: the part an answer came from (kept for a
follow-up), and the section a follow-up leans on."""

from __future__ import annotations

from collections.abc import Sequence

from ..types import Focus, SectionSpan


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
