"""How long replies are split into pages: answers, the list of speeches, a section's paragraphs."""

from __future__ import annotations

from collections.abc import Sequence

from index import ParagraphView

#: Passages per answer; "more results" pages by as many.
PAGE_SIZE = 3
#: Speeches per page of /outline's list: Telegram shows about 100 buttons at most, and a long
#: column of them is hard to use on a phone.
SPEECHES_PER_PAGE = 20
#: Characters of paragraph text per page of a section.
SECTION_PAGE_BUDGET = 3500


def speech_pages(n_speeches: int, per_page: int = SPEECHES_PER_PAGE) -> int:
    """How many pages the list of ``n_speeches`` speeches takes (at least one)."""
    return max(1, -(-n_speeches // per_page))


def paginate(
    views: Sequence[ParagraphView], budget: int = SECTION_PAGE_BUDGET
) -> list[list[ParagraphView]]:
    """Split paragraphs into pages of at most ``budget`` characters (a long one alone)."""
    pages: list[list[ParagraphView]] = [[]]
    size = 0
    for v in views:
        if pages[-1] and size + len(v.text) > budget:
            pages.append([])
            size = 0
        pages[-1].append(v)
        size += len(v.text)
    return pages
