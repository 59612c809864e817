"""Build or rebuild the index beside the live one, then swap it in with one transaction.

The stages, in order, each reported through ``progress``: read the corpus folder, tokenise the
speeches that changed (``rows``), build the BM25 arrays (``compose``), swap (``generations``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path

import aiosqlite

from corpus import LoadedSpeech, load_corpus

from ..config import BuildOptions
from ..errors import BuildError
from ..store.fingerprint import Scan, load_stats, save_stats, scan
from ..store.snapshot import Snapshot
from ..text.tokenize import Tokenizer, corpus_terms
from ..types import BuildReport, Progress
from .compose import database_folder, index_generation
from .generations import record_failure, start_generation, swap
from .rows import speech_texts, write_speeches
from .stream import StreamedPostings

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Read:
    """The corpus folder as read: its speeches, what was skipped, its fingerprint and terms.

    Mutable on purpose: the parsed speeches are handed over once (``take_speeches``) and
    released once their rows are written, before the postings are built.
    """

    speeches: tuple[LoadedSpeech, ...]
    files_read: int
    skipped: tuple[tuple[str, str], ...]
    scan: Scan
    user_words: list[str]

    @property
    def fingerprint(self) -> str:
        """The corpus folder's fingerprint."""
        return self.scan.value

    def take_speeches(self) -> tuple[LoadedSpeech, ...]:
        """The parsed speeches; this object no longer holds them."""
        speeches, self.speeches = self.speeches, ()
        return speeches


async def build(
    db: aiosqlite.Connection,
    corpus_dir: Path,
    live: Snapshot | None,
    options: BuildOptions,
    progress: Progress | None = None,
    *,
    force: bool = False,
) -> tuple[BuildReport, Snapshot | None]:
    """Build a new generation from ``corpus_dir``; return its report and snapshot.

    The snapshot is None when the corpus equals the live index (nothing to swap) and ``force``
    is not set.
    """
    started = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    known = await load_stats(db, live.generation) if live is not None else None
    read = await _read(corpus_dir, options, report, known)
    same = live is not None and live.fingerprint == read.fingerprint and live.options == options
    if same and live is not None and not force:
        log.info("corpus unchanged since generation %d", live.generation)
        return _unchanged(live, read.files_read, read.skipped, started), None

    tokenizer = live.tokenizer if live and live.tokenizer.same_words(read.user_words) else None
    if tokenizer is None:
        tokenizer = Tokenizer(read.user_words)
        await asyncio.to_thread(tokenizer.initialize)

    gen = await start_generation(db, corpus_dir, read.fingerprint, read.user_words, options)
    try:
        stats, snapshot = await _write(
            db, gen, read, tokenizer, options, corpus_dir, report, started
        )
    except BaseException as exc:
        await record_failure(db, gen, exc)
        raise
    log.info(
        "generation %d live: %d speeches, %d paragraphs, %d re-tokenised, %.2fs",
        gen,
        stats.speeches,
        stats.paragraphs,
        len(stats.retokenized),
        stats.seconds,
    )
    return stats, snapshot


async def _read(
    corpus_dir: Path, options: BuildOptions, report: Progress, known: Scan | None
) -> _Read:
    """Parse the corpus folder (BuildError when it holds no readable speech); files whose stat
    is as ``known`` records it are not hashed again for the fingerprint."""
    if not await asyncio.to_thread(corpus_dir.is_dir):
        raise BuildError(f"corpus folder not found: {corpus_dir}")
    load = await asyncio.to_thread(
        load_corpus,
        corpus_dir,
        max_bytes=options.max_file_bytes,
        progress=lambda path: report("read", 0, 0),
    )
    skipped = tuple((s.path.name, s.reason) for s in load.skipped)
    if not load.speeches:
        raise BuildError(f"no readable speech in {corpus_dir} ({len(skipped)} file(s) skipped)")
    report("read", len(load.speeches), len(load.speeches))
    # Hashing the files mostly releases the GIL: it runs beside the scan for quoted terms.
    finger, user_words = await asyncio.gather(
        asyncio.to_thread(scan, corpus_dir, known),
        asyncio.to_thread(corpus_terms, (speech_texts(item.speech) for item in load.speeches)),
    )
    files = len(load.speeches) + len(skipped)
    return _Read(load.speeches, files, skipped, finger, user_words)


async def _write(
    db: aiosqlite.Connection,
    gen: int,
    read: _Read,
    tokenizer: Tokenizer,
    options: BuildOptions,
    corpus_dir: Path,
    report: Progress,
    started: float,
) -> tuple[BuildReport, Snapshot]:
    """Write generation ``gen``'s rows and arrays, and swap it in."""
    # Only write_speeches holds the parsed speeches: each is freed once its rows are written.
    stream = StreamedPostings(await database_folder(db), options.heading_weight)
    kept, retokenized, streamed = await write_speeches(
        db, gen, list(read.take_speeches()), tokenizer, report, options.build_workers, stream
    )
    await save_stats(db, gen, read.scan)  # committed with the arrays
    snapshot = await index_generation(
        db, gen, kept, tokenizer, options, read.fingerprint, str(corpus_dir), report, streamed
    )
    stats = BuildReport(
        generation=gen,
        files_read=read.files_read,
        skipped=read.skipped,
        speeches=len(kept),
        sections=snapshot.n_sections,
        paragraphs=snapshot.bm25.n_docs,
        terms=len(snapshot.bm25.vocab),
        retokenized=tuple(retokenized),
        seconds=time.perf_counter() - started,
    )
    report("swap", 0, 1)
    finished = await swap(db, gen, kept, stats)
    report("swap", 1, 1)
    # The snapshot was assembled before the swap; report the time the build became live,
    # as a restart (which reads generations.finished_at) does.
    return stats, replace(snapshot, built_at=finished)


def _unchanged(
    live: Snapshot, files_read: int, skipped: tuple[tuple[str, str], ...], started: float
) -> BuildReport:
    return BuildReport(
        generation=live.generation,
        files_read=files_read,
        skipped=skipped,
        speeches=len(live.speeches),
        sections=live.n_sections,
        paragraphs=live.bm25.n_docs,
        terms=len(live.bm25.vocab),
        retokenized=(),
        seconds=time.perf_counter() - started,
        unchanged=True,
    )
