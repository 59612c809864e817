"""Which speech a reference means, for ``/outline`` and ``--speech``; the speech finder of a
generation, built once when it is loaded."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import aiosqlite

from .query.expand import Rules, Vocabulary
from .query.speech_tables import dump_tables, load_tables
from .query.speech_text import PLAIN, bigrams
from .query.speeches import MAX_CANDIDATES, SpeechFinder, SpeechKey
from .store.lookups import FINDER, SPANS, dump_spans, load_spans, read_lookups, save_lookups
from .store.openings import speech_openings
from .store.queries import section_spans
from .store.snapshot import Snapshot
from .text.normalize import normalize
from .text.numbers import parse_number
from .types import SectionSpan, SpeechInfo

log = logging.getLogger(__name__)


async def speech_finder(db: aiosqlite.Connection, snap: Snapshot) -> SpeechFinder:
    """What identifies each speech of ``snap`` (titles, years, openings), indexed once."""
    openings = await speech_openings(db, snap.generation)
    keys = [
        SpeechKey(s.number, s.title, s.year, openings.get(s.number, ""))
        for s in snap.speeches.values()
    ]
    return await asyncio.to_thread(SpeechFinder, keys)


Spans = Mapping[int, list[SectionSpan]]
Lookups = tuple[Vocabulary, Spans, SpeechFinder, tuple[tuple[int, int], ...]]


async def generation_lookups(
    read: aiosqlite.Connection, write: aiosqlite.Connection | None, snap: Snapshot, rules: Rules
) -> Lookups:
    """What queries of ``snap`` look up besides its arrays: the vocabulary with the synonyms
    ``rules``, the section spans and the speech finder (read where its generation stores them,
    ``store/lookups``, else computed and stored with ``write`` for the next load), and each
    speech's first row."""
    spans, finder = await _spans_and_finder(read, write, snap)
    vocab = await asyncio.to_thread(Vocabulary, snap.bm25, rules, snap.tokenizer)
    starts = tuple(sorted((lo, n) for n, (lo, _) in snap.speech_rows.items()))
    return vocab, spans, finder, starts


async def _spans_and_finder(
    read: aiosqlite.Connection, write: aiosqlite.Connection | None, snap: Snapshot
) -> tuple[Spans, SpeechFinder]:
    stored = await read_lookups(read, snap.generation)
    spans: Spans | None = load_spans(stored[SPANS]) if SPANS in stored else None
    tables = load_tables(stored[FINDER]) if FINDER in stored else None
    if spans is not None and not set(spans) <= set(snap.speeches):
        spans = None  # not this generation's: never trusted
    if tables is not None and set(tables.numbers) != set(snap.speeches):
        tables = None
    new: dict[str, bytes] = {}
    if spans is None:
        spans = await section_spans(read, snap)
        new[SPANS] = dump_spans(spans)
    if tables is None:
        finder = await speech_finder(read, snap)
        new[FINDER] = dump_tables(finder.tables)
    else:
        finder = SpeechFinder(tables=tables)
    if new and write is not None:
        try:
            await save_lookups(write, snap.generation, new)
        except aiosqlite.Error as exc:  # read-only after all, busy: computed again next time
            log.info("look-ups of generation %d not stored: %s", snap.generation, exc)
    return spans, finder


def match_reference(snap: Snapshot, finder: SpeechFinder, ref: str) -> list[SpeechInfo]:
    """The speeches ``ref`` may mean, best first (see ``SearchIndex.match_speech``)."""
    ref = ref.strip().lstrip("#").strip()
    number = parse_number(ref)
    if number is not None and not 1900 <= number <= 2099:
        info = snap.speeches.get(number)
        return [info] if info is not None else []
    if not ref:
        return []
    found = finder.match(normalize(ref))
    numbers = (found.speech,) if found.speech is not None else found.candidates
    numbers = numbers or _sharing_most(finder, normalize(ref))
    wanted = normalize(ref)
    if not numbers and len(wanted) >= 3 and any(c.isascii() and c.isalpha() for c in wanted):
        # A file name ("05-2023-county…") is ASCII, which the finder's bigrams do not hold.
        numbers = tuple(
            s.number for s in snap.speeches.values() if wanted and wanted in Path(s.source).stem
        )
    return [snap.speeches[n] for n in numbers if n in snap.speeches]


def _sharing_most(finder: SpeechFinder, ref: str) -> tuple[int, ...]:
    """Looser than a question's match, for a reference typed alone ("县委"): the titles having
    every bigram of it."""
    grams = [g for g in bigrams(ref) if PLAIN.fullmatch(g)]
    counts: Counter[int] = Counter()
    for g in grams:
        counts.update(finder.titles_with(g))
    if not counts or max(counts.values()) < len(grams):
        return ()
    return tuple(sorted(n for n, c in counts.items() if c == len(grams)))[:MAX_CANDIDATES]
