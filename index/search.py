"""One question, end to end: this is where ranking is put together.

Each step lives with its concern; to change one, go there:

1. ``query/understand``: the speech, part and point a question names (taken out of the text).
2. ``query/expand``: the question's units, with synonyms and stand-ins for unknown words, and
   the weighted BM25 query tokens.
3. ``rank/bm25``: the best rows for those tokens; ``rank/dense``: the rows whose sentences are
   closest in meaning to the question; fused by reciprocal rank (``rank/dense.fuse``).
4. ``query/relevance``: from the lexical coverage and the semantic evidence, whether the best
   passages answer the question, may be related, or nothing is relevant.
5. ``rank/hits``: near-duplicate passages dropped, matched terms listed, the page cut.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiosqlite

from .query.expand import Unit, Vocabulary, query_tokens, units
from .query.relevance import Verdict, asks_for_fact, best_coverage, judge
from .query.understand import SECTION_FILLERS, SpeechTitle, resolve_section, understand
from .rank.bm25 import Scored
from .rank.dense import DenseIndex, Vectors, fuse
from .rank.hits import in_order, make_hit, without_near_duplicates
from .store.queries import fetch_paragraphs
from .store.snapshot import Snapshot
from .types import SearchResult, SectionSpan

#: Rows ranked per row shown: near-duplicate passages are dropped only after ranking (comparing
#: every passage would be too slow), and the page must not come up short when some are.
DUPLICATE_HEADROOM = 2
#: Rows ranked beyond that, so that even a page of one passage has some to fall back on.
SPARE_ROWS = 2
#: Rows each ranking contributes to the fusion, and reciprocal-rank fusion's constant (the
#: usual 60: a row's share falls slowly with its rank, so agreement counts more than rank 1).
FUSION_DEPTH = 50
RRF_K = 60


def ranking_depth(offset: int, k: int) -> int:
    """How many rows to rank for the page of ``k`` passages after ``offset``."""
    return DUPLICATE_HEADROOM * (offset + k) + SPARE_ROWS


@dataclass(frozen=True, slots=True)
class Live:
    """What a query reads, swapped as one value so it never mixes two generations."""

    snapshot: Snapshot
    vocab: Vocabulary
    sections: dict[int, list[SectionSpan]]
    dense: DenseIndex | None = None  # the semantic part's vectors, when it is on


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


def rank(
    live: Live,
    query: str,
    n: int,
    speech: int | None,
    min_coverage: float,
    vector: Vectors | None = None,
) -> Ranked:
    """Rank rows for ``query``; runs in a worker thread (tokenising and scoring are CPU work).

    Scores are rank-bm25's formula over the *weighted* query tokens of ``query_tokens`` (the
    question's own terms ``OWN_WEIGHT`` times, expansions once, the stand-in for a word the
    corpus lacks twice), which BM25 sums linearly. They are not rescaled, so they are not on
    rank-bm25's scale: against rank-bm25's score of the same passage for the same terms counted
    once, they are ``OWN_WEIGHT`` times it when the question is all own words, less when
    expansions weigh in, more when a stand-in or an expansion repeats (over the top 10 passages
    of the development set's answered questions: 1.24 to 3.10 times, median 2.0). They order
    passages; a score means nothing alone.
    """
    snap = live.snapshot
    titles = [SpeechTitle(s.number, s.title, s.year) for s in snap.speeches.values()]
    understood = understand(query, titles if speech is None else [])
    speech = speech if speech is not None else understood.speech
    if speech is not None and speech not in snap.speech_rows:
        return Ranked((), [], 0, False, "no such speech")
    section = None
    if speech is not None and (understood.part or understood.point):
        section = resolve_section(live.sections.get(speech, ()), understood.part, understood.point)
    parts = units(_with_years(understood.text, snap, speech), snap.tokenizer, live.vocab)
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
    fact = asks_for_fact(understood.text)
    return _retrieve(
        live, parts, tokens, highlight, n, row_range, min_coverage, vector, speech, section, fact
    )


def _retrieve(
    live: Live,
    parts: list[Unit],
    tokens: list[str],
    highlight: tuple[str, ...],
    n: int,
    row_range: tuple[int, int] | None,
    min_coverage: float,
    vector: Vectors | None,
    speech: int | None,
    section: SectionSpan | None,
    fact: bool,
) -> Ranked:
    """BM25's rows, fused with the semantic part's when it is on, and the verdict on them."""
    snap = live.snapshot
    dense = live.dense if vector is not None else None
    depth = max(n, FUSION_DEPTH) if dense is not None else n
    scored, total = snap.bm25.top(tokens, depth, row_range) if tokens else ([], 0)
    sims = dense.similarities(vector) if dense is not None and vector is not None else None
    semantic = dense.top(sims, depth, row_range) if dense is not None and sims is not None else []
    if not scored and not semantic:
        return Ranked(
            highlight, [], 0, False, "no query term occurs in the corpus", speech, section
        )
    # A fact is in the question's own words or not there: expansions do not vouch for it.
    judged = [Unit(u.text, u.own) for u in parts] if fact else parts
    cover = best_coverage(judged, tokens, scored, snap.bm25, min_coverage) if scored else 0.0
    evidence = dense.evidence(sims, row_range) if dense is not None and sims is not None else None
    verdict = judge(cover, min_coverage, evidence, fact)
    rows = _fused(scored, semantic, n) if semantic else scored[:n]
    total = max(total, len(rows))
    if verdict is Verdict.NONE:
        reason = f"best passage covers {cover:.0%} of the question"
        if evidence is not None:
            reason += f", semantic evidence {evidence:.3f}"
        return Ranked(highlight, rows, total, False, reason, speech, section)
    tentative = verdict is Verdict.POSSIBLE
    return Ranked(highlight, rows, total, True, "", speech, section, tentative)


def _fused(lexical: list[Scored], semantic: list[Scored], n: int) -> list[Scored]:
    """The fused order, each row keeping its BM25 score (0 for rows found by meaning alone)."""
    bm25 = {s.row: s.score for s in lexical}
    order = fuse([(1.0, lexical), (1.0, semantic)], RRF_K, n)
    return [Scored(s.row, bm25.get(s.row, 0.0)) for s in order]


def _with_years(text: str, snap: Snapshot, speech: int | None) -> str:
    year = snap.speeches[speech].year if speech is not None and speech in snap.speeches else None
    if year is None:
        return text
    # A speech says "过去一年"/"今年" where a question says "2022年"/"2023年".
    return text.replace(f"{year - 1}年", " 过去一年 去年 ").replace(f"{year}年", " 今年 ")


async def search(
    live: Live,
    db: aiosqlite.Connection,
    query: str,
    k: int,
    speech: int | None,
    offset: int,
    min_coverage: float,
    vector: Vectors | None = None,
) -> SearchResult:
    """The page of ``k`` passages after ``offset`` for ``query``, optionally in one speech."""
    snap = live.snapshot
    k, offset = max(0, k), max(0, offset)
    # Tokenising and scoring are CPU work: a thread keeps other chats answered meanwhile.
    ranked = await asyncio.to_thread(
        rank, live, query, ranking_depth(offset, k), speech, min_coverage, vector
    )
    views = await fetch_paragraphs(db, [int(snap.paragraph_ids[r.row]) for r in ranked.rows])
    ordered = [
        (r, views[int(snap.paragraph_ids[r.row])])
        for r in ranked.rows
        if int(snap.paragraph_ids[r.row]) in views
    ]
    if ranked.section is None:
        # Comparing trigram sets is CPU work too: off the event loop with it.
        ordered = await asyncio.to_thread(without_near_duplicates, ordered)
    page = ordered[offset : offset + k]
    terms = ranked.terms
    hits = tuple(
        make_hit(offset + i + 1, r.score, view, in_order(terms, snap.bm25.matched(terms, r.row)))
        for i, (r, view) in enumerate(page)
    )
    return SearchResult(
        query=query,
        terms=terms,
        hits=hits,
        total=max(ranked.total, len(ordered)) if ranked.section is None else ranked.total,
        offset=offset,
        relevant=ranked.relevant,
        reason=ranked.reason,
        speech=ranked.speech,
        section=ranked.section.title if ranked.section else None,
        tentative=ranked.tentative,
    )
