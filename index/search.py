"""One question, end to end: this is where ranking is put together.

Each step lives with its concern; to change one, go there:

1. ``query/understand``: the speech (``query/speeches``) and part (``query/parts``) a question
   points at, taken out of the text, or the previous answer a follow-up leans on.
2. ``query/expand``: the question's units, with synonyms and stand-ins for unknown words, and
   the weighted BM25 query tokens.
3. ``retrieve``: ``rank/bm25``'s best rows for those tokens and ``rank/dense``'s rows whose
   sentences are closest in meaning, fused by reciprocal rank (``rank/dense.fuse``), the best
   20 ordered again by BM25 share plus similarity (``rank/combine``); then
4. ``query/relevance``: from the lexical coverage and the semantic evidence, whether the best
   passages answer the question, may be related, or nothing is relevant.
5. ``rank/hits``: near-duplicate passages dropped, matched terms listed, the page cut.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

import aiosqlite

from .query.expand import Unit, Vocabulary, query_tokens, units
from .query.focus import answer_focus, scope_of, section_by_id
from .query.parts import OPENING, Resolved, asked, enumeration_markers, resolve
from .query.prefer import preferred_ranges
from .query.relevance import asks_for_fact
from .query.speeches import MAX_CANDIDATES, SpeechFinder
from .query.understand import Understood, closest_with_part, understand, with_years
from .rank.bm25 import Scored
from .rank.dense import DensePart, Vectors
from .rank.hits import in_order, make_hit, without_near_duplicates
from .retrieve import Ranked, retrieve
from .store.queries import fetch_paragraphs
from .store.snapshot import Snapshot
from .types import Focus, ParagraphView, SearchResult, SectionSpan

#: Rows ranked per row shown: near-duplicate passages are dropped only after ranking (comparing
#: every passage would be too slow), and the page must not come up short when some are.
DUPLICATE_HEADROOM = 2
#: Rows ranked beyond that, so that even a page of one passage has some to fall back on.
SPARE_ROWS = 2
#: Pages ending at most this far down compare their passages on the event loop.
INLINE_PASSAGES = 6
#: Indexes of at most INLINE_ROWS paragraphs (INLINE_DENSE_ROWS when the question's embedding is
#: compared with every sentence's) are ranked on the event loop: there ranking takes about a
#: millisecond, mostly Python that would hold the GIL in a thread too, and the hop to a thread
#: and back costs 0.2 ms of CPU (README "Performance").
INLINE_ROWS = 200_000
INLINE_DENSE_ROWS = 20_000

P = ParamSpec("P")
T = TypeVar("T")


def ranking_depth(offset: int, k: int) -> int:
    """How many rows to rank for the page of ``k`` passages after ``offset``."""
    return DUPLICATE_HEADROOM * (offset + k) + SPARE_ROWS


@dataclass(frozen=True, slots=True)
class Live:
    """What a query reads, swapped as one value so it never mixes two generations."""

    snapshot: Snapshot
    vocab: Vocabulary
    sections: Mapping[int, list[SectionSpan]]
    finder: SpeechFinder  # what identifies each speech, indexed once per generation
    row_starts: tuple[tuple[int, int], ...] = ()  # (first row, speech number), by first row
    dense: DensePart | None = None  # the semantic part's vectors, when it is on


def rank(
    live: Live,
    query: str,
    n: int,
    speech: int | None,
    min_coverage: float,
    vector: Vectors | None = None,
    focus: Focus | None = None,
    everywhere: bool = False,
) -> Ranked:
    """Rank rows for ``query``; in a worker thread unless the index is small (``_ranks_inline``).

    Scores are rank-bm25's formula over the *weighted* query tokens of ``query_tokens`` (the
    question's own terms ``OWN_WEIGHT`` times, expansions once, the stand-in for a word the
    corpus lacks twice), which BM25 sums linearly. They are not rescaled, so they are not on
    rank-bm25's scale: against rank-bm25's score of the same passage for the same terms counted
    once, they are ``OWN_WEIGHT`` times it when the question is all own words, less when
    expansions weigh in, more when a stand-in or an expansion repeats (over the top 10 passages
    of the development set's answered questions: 1.24 to 3.10 times, median 2.0). They order
    passages; a score means nothing alone."""
    snap = live.snapshot
    understood = understand(query, live.finder, speech, focus, everywhere)
    understood, found = _where(live, understood, focus)
    if isinstance(found, Ranked):
        return found
    speech, section = understood.speech, found.section
    info = snap.speeches.get(speech) if speech is not None else None
    text = with_years(understood.text, info.year if info else None)
    markers = enumeration_markers(found.enumerated) if found.enumerated is not None else []
    parts, spelled = _units(live, " ".join([text, *markers]))
    if section is None and speech is not None and not query_tokens(asked(parts)):
        # A speech named and nothing asked of it ("2023年县委工作会议讲话"): its opening.
        section = resolve(live.sections.get(speech, []), OPENING).section
    # "第二部分主要讲了哪些要求": what is asked is the section itself; so for a part of no speech.
    anywhere = understood.part is not None and speech is None  # "最后说…": see ``_preferred``
    parts = asked(parts) if section is not None or anywhere else parts
    tokens = query_tokens(parts)
    highlight = tuple(dict.fromkeys(t for t in tokens))
    if section is not None and not tokens:
        # "第二部分讲了什么": the answer is the section itself, in speech order.
        rows = [Scored(r, 0.0) for r in range(section.lo, min(section.hi, section.lo + n))]
        return Ranked(
            highlight, rows, section.hi - section.lo, True, speech=speech, section=section,
            understood=understood,
        )  # fmt: skip
    row_range = (
        (section.lo, section.hi) if section else snap.speech_rows.get(speech) if speech else None
    )
    prefer = _preferred(live, understood, row_range)
    if anywhere and not (tokens and prefer):  # "第二部分讲了什么": the question back alone
        return Ranked((), [], 0, False, "which speech", understood=understood)
    if not parts:
        return Ranked((), [], 0, False, "no search terms", speech, understood=understood)
    ranked = retrieve(
        snap, live.dense, parts, tokens, highlight, n, row_range, min_coverage, vector, speech,
        section, prefer, fact=_asks_for_fact(snap, understood.text), insist=anywhere,
    )  # fmt: skip
    if markers and row_range is not None:
        ranked = _marked_first(snap, ranked, markers, n, row_range)
    return dataclasses.replace(ranked, understood=understood, spelled=spelled)


def _preferred(
    live: Live, understood: Understood, row_range: tuple[int, int] | None
) -> list[tuple[int, int]]:
    """The row ranges ranked ahead of the rest: a follow-up's previous answer, or the part that a
    question of no speech in particular names, in each speech ("最后说党建跟发展是啥关系": every
    closing part; at most ``MAX_CANDIDATES`` speeches, a larger corpus must be told which);
    none when the search is narrowed to a range."""
    if row_range is not None:
        return []
    if understood.part is None:
        snap = live.snapshot
        return preferred_ranges(snap.speech_rows, live.sections, understood.prefer)
    if len(live.snapshot.speeches) > MAX_CANDIDATES:
        return []
    found = (resolve(live.sections.get(n, []), understood.part) for n in understood.candidates)
    return [(r.section.lo, r.section.hi) for r in found if r.section is not None]


def _units(live: Live, text: str) -> tuple[list[Unit], tuple[tuple[str, str], ...]]:
    """The question's units, homophone typos read as the words they sound like, and those."""
    tokenizer = live.snapshot.tokenizer
    text, _, fixes = live.vocab.spelled(text, tokenizer.tokens(text))
    return units(text, tokenizer, live.vocab), tuple((f.typed, f.meant) for f in fixes)


def _asks_for_fact(snap: Snapshot, text: str) -> bool:
    """Whether the question (``understand``'s normalised text) asks for a fact the speeches
    rarely state (``query/relevance``)."""
    return asks_for_fact(text, snap.tokenizer.cut(text))


def _marked_first(
    snap: Snapshot, ranked: Ranked, markers: list[str], n: int, row_range: tuple[int, int]
) -> Ranked:
    """ "第六条" of a part whose items are in its text: the paragraphs saying "六是" first."""
    marked = snap.bm25.top(markers, n, row_range)[0]
    if not marked:
        return ranked
    rest = [r for r in ranked.rows if r.row not in {m.row for m in marked}]
    rows = (marked + rest)[:n]
    return dataclasses.replace(
        ranked, rows=rows, total=max(ranked.total, len(rows)), relevant=True, tentative=False
    )


def _where(
    live: Live, understood: Understood, focus: Focus | None
) -> tuple[Understood, Ranked | Resolved]:
    """The part the question points at in its speech, or the reply when there is none."""
    if understood.how == "closest" and understood.part is not None:
        understood = closest_with_part(understood, live.sections)
    speech = understood.speech
    if speech is not None and speech not in live.snapshot.speech_rows:
        return understood, Ranked((), [], 0, False, "no such speech")
    if speech is None or understood.part is None:
        return understood, Resolved(None)  # a part of no speech: in each (``_preferred``)
    spans = live.sections.get(speech, [])
    near = section_by_id(spans, focus.section_id) if focus is not None else None
    found = resolve(spans, understood.part, near)
    if found.section is None and understood.part.about is not None:
        return understood, Resolved(None)  # no heading is about X: X is searched in the speech
    if found.section is None:
        return understood, Ranked(
            (), [], 0, False, "no such part", speech, understood=understood,
            available=found.available,
        )  # fmt: skip
    return understood, found


async def _distinct(
    ordered: list[tuple[Scored, ParagraphView]], wanted: int
) -> list[tuple[Scored, ParagraphView]]:
    """The passages without near-duplicates, compared only up to the page's end (``total``
    counts the rest): a first page's few trigram sets take less time than a hop to a thread."""
    inline = wanted <= INLINE_PASSAGES
    return await _on_loop_or_thread(inline, without_near_duplicates, ordered, wanted)


def _ranks_inline(live: Live, vector: Vectors | None) -> bool:
    """Whether the index is small enough to rank on the event loop (``INLINE_ROWS``): a large
    one is scored in a thread (numpy, which lets the GIL go), so other chats are answered."""
    dense = live.dense if vector is not None else None
    return live.snapshot.bm25.n_docs <= INLINE_ROWS and (
        dense is None or dense.n_rows <= INLINE_DENSE_ROWS
    )


async def _on_loop_or_thread(inline: bool, fn: Callable[P, T], *args: P.args, **kw: P.kwargs) -> T:
    """``fn(*args)`` on the event loop when ``inline`` (cheaper than the hop), else in a thread."""
    return fn(*args, **kw) if inline else await asyncio.to_thread(fn, *args, **kw)


async def search(
    live: Live,
    db: aiosqlite.Connection,
    query: str,
    k: int,
    speech: int | None,
    offset: int,
    min_coverage: float,
    vector: Vectors | None = None,
    focus: Focus | None = None,
    everywhere: bool = False,
) -> SearchResult:
    """The page of ``k`` passages after ``offset`` for ``query``, optionally in one speech;
    ``focus`` is the previous answer a follow-up may lean on, ``everywhere`` ignores the speech
    and part the question names."""
    snap = live.snapshot
    k, offset = max(0, k), max(0, offset)
    depth = ranking_depth(offset, k)
    args = (live, query, depth, speech, min_coverage, vector, focus, everywhere)
    ranked = await _on_loop_or_thread(_ranks_inline(live, vector), rank, *args)
    views = await fetch_paragraphs(db, [int(snap.paragraph_ids[r.row]) for r in ranked.rows])
    ordered = [
        (r, views[int(snap.paragraph_ids[r.row])])
        for r in ranked.rows
        if int(snap.paragraph_ids[r.row]) in views
    ]
    if ranked.section is None:
        ordered = await _distinct(ordered, offset + k)
    page = ordered[offset : offset + k]
    terms = ranked.terms
    hits = tuple(
        make_hit(offset + i + 1, r.score, view, in_order(terms, snap.bm25.matched(terms, r.row)))
        for i, (r, view) in enumerate(page)
    )
    top = hits[0].speech_id if hits else None
    first = ranked.rows[0].row if ranked.relevant and ranked.rows else None
    context = (live.row_starts, snap.speech_rows, live.sections)
    named = ranked.understood.candidates if ranked.understood else ()
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
        scope=scope_of(ranked.understood, ranked.speech, ranked.section, snap.speeches, top)
        if ranked.understood and (ranked.rows or ranked.available is not None)
        else None,
        candidates=tuple(snap.speeches[c] for c in named if c in snap.speeches),
        available=ranked.available,
        focus=answer_focus(first, ranked.speech, ranked.section, *context),
        spelled=ranked.spelled,
    )
