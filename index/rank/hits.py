"""Turning ranked paragraphs into hits: near-duplicates dropped, matched terms in query order."""

from __future__ import annotations

from ..types import Hit, ParagraphView
from .bm25 import Scored

#: Share of character trigrams above which a passage repeats a better-ranked one.
NEAR_DUPLICATE = 0.85


def without_near_duplicates(
    ordered: list[tuple[Scored, ParagraphView]], limit: int | None = None
) -> list[tuple[Scored, ParagraphView]]:
    """Drop passages that nearly repeat a better-ranked one (same text in two speeches, say);
    with ``limit``, stop once that many are kept (the later ones cannot change those)."""
    kept: list[tuple[Scored, ParagraphView]] = []
    shingles: list[set[str]] = []
    for item in ordered:
        if limit is not None and len(kept) >= limit:
            break
        text = item[1].text
        grams = {text[i : i + 3] for i in range(max(1, len(text) - 2))}
        if any(
            len(grams & seen) > NEAR_DUPLICATE * min(len(grams), len(seen)) for seen in shingles
        ):
            continue
        kept.append(item)
        shingles.append(grams)
    return kept


def in_order(terms: tuple[str, ...], found: list[str]) -> list[str]:
    """The query terms in ``found``, in query order (one look-up per hit, not one per term)."""
    present = set(found)
    return [t for t in terms if t in present]


def make_hit(rank: int, score: float, view: ParagraphView, matched: list[str]) -> Hit:
    """A search hit from a paragraph's view, its rank, score and matched terms."""
    return Hit(
        rank=rank,
        score=score,
        paragraph_id=view.paragraph_id,
        speech_id=view.speech_id,
        speech_title=view.speech_title,
        section_path=view.section_path,
        text=view.text,
        ordinal=view.ordinal,
        prev_id=view.prev_id,
        next_id=view.next_id,
        matched_terms=tuple(matched),
    )
