"""Which speech a reference means, for ``/outline`` and ``--speech``; the speech finder of a
generation, built once when it is loaded."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import aiosqlite

from .query.speech_text import PLAIN, bigrams
from .query.speeches import MAX_CANDIDATES, SpeechFinder, SpeechKey
from .store.openings import speech_openings
from .store.snapshot import Snapshot
from .text.normalize import normalize
from .text.numbers import parse_number
from .types import SpeechInfo


async def speech_finder(db: aiosqlite.Connection, snap: Snapshot) -> SpeechFinder:
    """What identifies each speech of ``snap`` (titles, years, openings), indexed once."""
    openings = await speech_openings(db, snap.generation)
    return SpeechFinder(
        SpeechKey(s.number, s.title, s.year, openings.get(s.number, ""))
        for s in snap.speeches.values()
    )


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
