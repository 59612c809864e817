"""Rows for a question's terms: BM25's ranking fused with the semantic part's by reciprocal rank
(``rank/dense.fuse``), a follow-up's preference fused in ahead, and the verdict on them
(``query/relevance``): answer, possibly related, or nothing relevant."""

from __future__ import annotations

from dataclasses import dataclass

from .query.expand import Unit
from .query.prefer import leaning
from .query.relevance import Verdict, best_coverage, judge
from .query.understand import Understood
from .rank.bm25 import Scored
from .rank.combine import POOL, combined
from .rank.dense import DensePart, Vectors, fuse
from .store.snapshot import Snapshot
from .types import SectionSpan

#: Rows each ranking contributes to the fusion, and reciprocal-rank fusion's constant (the
#: usual 60: a row's share falls slowly with its rank, so agreement counts more than rank 1).
FUSION_DEPTH = 50
RRF_K = 60
#: The semantic ranking's weight in the fusion, BM25's being 1: a question in the user's own
#: words shares few terms with its answer, so agreement in meaning counts for more. On the
#: development sets (never the blind set) everyday wording's R@3 rises from 0.74 to 0.77 for any
#: weight from 1.5 to 1.8, with exact terms unchanged; 2.0 starts to cost exact-term questions.
#: On the blind set it did not carry over (everyday 0.77 → 0.74, two questions of 81).
SEMANTIC_WEIGHT = 1.6


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
    tentative: bool = False  # passages that may be related, none answering directly
    understood: Understood | None = None
    available: int | None = None  # the part asked for does not exist: how many there are
    spelled: tuple[tuple[str, str], ...] = ()  # homophone typos read as words: (typed, meant)


def retrieve(
    snap: Snapshot,
    dense_part: DensePart | None,
    parts: list[Unit],
    tokens: list[str],
    highlight: tuple[str, ...],
    n: int,
    row_range: tuple[int, int] | None,
    min_coverage: float,
    vector: Vectors | None,
    speech: int | None,
    section: SectionSpan | None,
    prefer: list[tuple[int, int]] | None = None,
    fact: bool = False,
    insist: bool = False,
) -> Ranked:
    """BM25's rows, fused with the semantic part's when it is on, and the verdict on them;
    ``prefer``: row ranges a follow-up leans on (the previous answer's section, its speech),
    whose rankings are fused in ahead of the whole corpus's (``query/prefer``); ``insist``: the
    question names them (a part of no speech in particular): they lead whatever else covers."""
    dense = dense_part if vector is not None else None
    depth = max(n, FUSION_DEPTH) if dense is not None or prefer else n
    scored, total = snap.bm25.top(tokens, depth, row_range) if tokens else ([], 0)
    sims = dense.similarities(vector) if dense is not None and vector is not None else None
    semantic = dense.top(sims, depth, row_range) if dense is not None and sims is not None else []
    # A fact is in the question's own words or not there: expansions do not vouch for it.
    judged = [Unit(u.text, u.own) for u in parts] if fact else parts

    def covers(rows: list[Scored]) -> float:
        return best_coverage(judged, tokens, rows, snap.bm25, min_coverage) if rows else 0.0

    cover, leaned_on = covers(scored), False
    if prefer:
        lexical, meaning = leaning(snap.bm25, dense, tokens, depth, prefer, scored, semantic, sims)
        leaned_cover = covers(lexical)
        # Never lean so far that the answer the rest of the corpus has is lost: a question of
        # its own that happens to be short is not made "nothing relevant" by the context.
        if insist or not tokens or leaned_cover >= min(cover, min_coverage):
            scored, semantic, cover, leaned_on = lexical, meaning, leaned_cover, True
    if not scored and not semantic and section is not None:
        # The part asked for exists but none of the other words is in it: the part itself.
        rows = [Scored(r, 0.0) for r in range(section.lo, min(section.hi, section.lo + n))]
        return Ranked(highlight, rows, section.hi - section.lo, True, "", speech, section)
    if not scored and not semantic:
        return Ranked(highlight, [], 0, False, "no query term occurs in the corpus", speech)
    evidence = dense.evidence(sims, row_range) if dense is not None and sims is not None else None
    verdict = judge(cover, min_coverage, evidence, fact)
    if verdict is Verdict.NONE and (section is not None or leaned_on):
        # The part asked for exists, or a follow-up leans on the answer it follows: its best
        # passages may be related, never "nothing".
        verdict = Verdict.POSSIBLE
    rows = fused(scored, semantic, n) if semantic else scored[:n]
    total = max(total, len(rows))
    if verdict is Verdict.NONE:
        reason = f"best passage covers {cover:.0%} of the question"
        if evidence is not None:
            reason += f", semantic evidence {evidence:.3f}"
        return Ranked(highlight, rows, total, False, reason, speech, section)
    tentative = verdict is Verdict.POSSIBLE
    return Ranked(highlight, rows, total, True, "", speech, section, tentative)


def fused(lexical: list[Scored], semantic: list[Scored], n: int) -> list[Scored]:
    """The fused order (reciprocal rank, its best ``POOL`` ordered again by ``rank/combine``),
    each row keeping its BM25 score (0 for rows found by meaning alone)."""
    order = fuse([(1.0, lexical), (SEMANTIC_WEIGHT, semantic)], RRF_K, max(n, POOL))
    return combined(order, lexical, semantic)[:n]
