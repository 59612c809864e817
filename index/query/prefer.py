"""A follow-up's preference: the previous answer's section and speech ranked ahead of the rest
of the corpus, which still answers where they do not (never a filter)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..rank.bm25 import BM25, Scored
from ..rank.dense import DensePart, Probe, fuse
from ..types import Focus, SectionSpan
from .focus import section_by_id

#: Weight of a preferred range's ranking in the fusion, against 1 for the whole corpus's.
PREFER_WEIGHT = 1.5
RRF_K = 60  # reciprocal-rank fusion's constant, as for BM25 and the semantic part


def preferred_ranges(
    speech_rows: Mapping[int, tuple[int, int]],
    sections: Mapping[int, Sequence[SectionSpan]],
    focus: Focus | None,
) -> list[tuple[int, int]]:
    """The row ranges a follow-up prefers: the previous answer's section, then its speech."""
    if focus is None or focus.speech not in speech_rows:
        return []
    ranges = [speech_rows[focus.speech]]
    section = section_by_id(sections.get(focus.speech, []), focus.section_id)
    if section is not None:
        ranges.insert(0, (section.lo, section.hi))
    return ranges


def leaning(
    bm25: BM25,
    dense: DensePart | None,
    tokens: list[str],
    depth: int,
    prefer: list[tuple[int, int]],
    scored: list[Scored],
    semantic: list[Scored],
    sims: Probe | None,
) -> tuple[list[Scored], list[Scored]]:
    """The whole corpus's BM25 and semantic rankings with the preferred ranges' fused in ahead
    (BM25 rows keep their scores)."""
    lexical = [(1.0, scored)]
    meaning = [(1.0, semantic)] if semantic else []
    for lo_hi in prefer:
        if tokens:
            lexical.append((PREFER_WEIGHT, bm25.top(tokens, depth, lo_hi)[0]))
        if dense is not None and sims is not None and semantic:
            meaning.append((PREFER_WEIGHT, dense.top(sims, depth, lo_hi)))
    scores = {s.row: s.score for _, ranking in lexical for s in ranking}
    fused = [Scored(s.row, scores[s.row]) for s in fuse(lexical, RRF_K, depth) if s.row in scores]
    return fused, fuse(meaning, RRF_K, depth) if meaning else []
