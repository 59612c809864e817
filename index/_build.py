"""Build or rebuild the index beside the live one, then swap it in with one transaction."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import aiosqlite

from corpus import (
    PARSER_VERSION,
    CorpusLoad,
    corpus_files,
    load_corpus,
)

from ._bm25 import BM25, BM25Params
from ._postings import Postings
from ._rows import Progress, speech_texts, write_speeches
from ._snapshot import Snapshot, save_arrays
from ._tokenize import Tokenizer, corpus_terms
from ._types import BuildReport

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """How to build: BM25 parameters, heading weight and file limits."""

    params: BM25Params = field(default_factory=BM25Params)
    heading_weight: int = 1  # times a paragraph's section titles count among its tokens
    max_file_bytes: int = 20 * 1024 * 1024
    build_workers: int = 0  # tokenising processes for big reindexes; 0: one per core


class BuildError(RuntimeError):
    """A reindex failed; the live index is untouched."""


def fingerprint(directory: Path) -> str:
    """Identifies a corpus folder's content: its files' names and bytes, and the parser version."""
    digest = hashlib.sha256(f"parser {PARSER_VERSION}\n".encode())
    for path in corpus_files(directory):
        file_digest = hashlib.sha256()
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                file_digest.update(block)
        digest.update(f"{path.name}\0{file_digest.hexdigest()}\n".encode())
    return digest.hexdigest()[:32]


async def build(
    db: aiosqlite.Connection,
    corpus_dir: Path,
    live: Snapshot | None,
    options: BuildOptions,
    progress: Progress | None = None,
) -> tuple[BuildReport, Snapshot | None]:
    """Build a new generation from ``corpus_dir``; return its report and snapshot.

    The snapshot is None when the corpus equals the live index (nothing to swap).
    """
    started = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
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
    finger = await asyncio.to_thread(fingerprint, corpus_dir)
    user_words = corpus_terms(speech_texts(item.speech) for item in load.speeches)
    if live is not None and live.fingerprint == finger and live.options == options:
        log.info("corpus unchanged since generation %d", live.generation)
        return _unchanged(live, load, skipped, started), None

    tokenizer = live.tokenizer if live and live.tokenizer.same_words(user_words) else None
    if tokenizer is None:
        tokenizer = Tokenizer(user_words)
        await asyncio.to_thread(tokenizer.initialize)

    await _purge_invisible(db)
    cur = await db.execute(
        "INSERT INTO generations (status, started_at, corpus_dir, fingerprint, user_words, params)"
        " VALUES ('building', ?, ?, ?, ?, ?)",
        (
            time.time(),
            str(corpus_dir),
            finger,
            json.dumps(user_words, ensure_ascii=False),
            json.dumps(_options_json(options)),
        ),
    )
    gen = int(cur.lastrowid or 0)
    await db.commit()
    try:
        kept, retokenized = await write_speeches(
            db, gen, load.speeches, tokenizer, report, options.build_workers
        )
        snapshot = await _index(db, gen, kept, tokenizer, options, finger, str(corpus_dir), report)
        elapsed = time.perf_counter() - started
        stats = BuildReport(
            generation=gen,
            files_read=len(load.speeches) + len(skipped),
            skipped=skipped,
            speeches=len(kept),
            sections=snapshot.n_sections,
            paragraphs=snapshot.bm25.n_docs,
            terms=len(snapshot.bm25.vocab),
            retokenized=tuple(retokenized),
            seconds=elapsed,
        )
        report("swap", 0, 1)
        finished = await _swap(db, gen, kept, stats)
        report("swap", 1, 1)
        # The snapshot was assembled before the swap; report the time the build became live,
        # as a restart (which reads generations.finished_at) does.
        snapshot = replace(snapshot, built_at=finished)
    except BaseException as exc:
        await _record_failure(db, gen, exc)
        raise
    log.info(
        "generation %d live: %d speeches, %d paragraphs, %d re-tokenised, %.2fs",
        gen,
        stats.speeches,
        stats.paragraphs,
        len(retokenized),
        elapsed,
    )
    return stats, snapshot


async def _record_failure(db: aiosqlite.Connection, gen: int, exc: BaseException) -> None:
    """Mark ``gen`` failed; if even that cannot be written (a full disk), the next build purges
    it, and the original error is the one reported."""
    try:
        await db.rollback()
        await db.execute(
            "UPDATE generations SET status = 'failed', error = ? WHERE id = ?", (repr(exc), gen)
        )
        await db.commit()
    except aiosqlite.Error as err:
        log.warning("could not mark generation %d failed: %s", gen, err)
        with contextlib.suppress(aiosqlite.Error):
            await db.rollback()


def _options_json(options: BuildOptions) -> dict[str, object]:
    p = options.params
    return {
        "variant": str(p.variant),
        "k1": p.k1,
        "b": p.b,
        "delta": p.delta,
        "epsilon": p.epsilon,
        "heading_weight": options.heading_weight,
    }


def _unchanged(
    live: Snapshot, load: CorpusLoad, skipped: tuple[tuple[str, str], ...], started: float
) -> BuildReport:
    return BuildReport(
        generation=live.generation,
        files_read=len(load.speeches) + len(skipped),
        skipped=skipped,
        speeches=len(live.speeches),
        sections=live.n_sections,
        paragraphs=live.bm25.n_docs,
        terms=len(live.bm25.vocab),
        retokenized=(),
        seconds=time.perf_counter() - started,
        unchanged=True,
    )


async def _purge_invisible(db: aiosqlite.Connection) -> None:
    """Drop what no reader can see: failed builds and rows retired before the live generation."""
    row = await (
        await db.execute("SELECT value FROM meta WHERE key = 'active_generation'")
    ).fetchone()
    active = int(row[0]) if row else 0
    await db.execute("DELETE FROM speeches WHERE gen_from > ?", (active,))
    await db.execute("DELETE FROM speeches WHERE gen_to IS NOT NULL AND gen_to <= ?", (active,))
    await db.execute("DELETE FROM index_arrays WHERE gen <> ?", (active,))
    await db.execute("DELETE FROM generations WHERE status <> 'ready' OR id < ?", (active,))
    await db.commit()


async def _index(
    db: aiosqlite.Connection,
    gen: int,
    speech_ids: list[int],
    tokenizer: Tokenizer,
    options: BuildOptions,
    finger: str,
    corpus_dir: str,
    report: Progress,
) -> Snapshot:
    """Compose each paragraph's tokens with its section titles and build the BM25 arrays."""
    report("index", 0, 1)
    marks = ",".join("?" * len(speech_ids))
    rows = list(
        await (
            await db.execute(
                f"SELECT p.id, s.number, p.tokens, p.section_id FROM paragraphs p JOIN speeches s"
                f" ON s.id = p.speech_id WHERE p.speech_id IN ({marks}) ORDER BY s.number, p.ordinal",
                speech_ids,
            )
        ).fetchall()
    )
    heading = await _heading_tokens(db, speech_ids)
    weight = options.heading_weight

    def compose() -> tuple[Postings, list[int], list[int]]:
        # Token lists of a block of rows at a time: a million paragraphs' token strings at once
        # would take gigabytes.
        chunk = 1 << 14
        blocks = (
            [r[2].split() + heading.get(r[3], []) * weight for r in rows[lo : lo + chunk]]
            for lo in range(0, len(rows), chunk)
        )
        return Postings.from_chunks(blocks), [r[0] for r in rows], [r[1] for r in rows]

    postings, paragraph_ids, numbers = await asyncio.to_thread(compose)
    bm25 = await asyncio.to_thread(BM25, postings, options.params)
    await save_arrays(db, gen, postings, paragraph_ids, numbers, tokenizer, bm25)
    await db.commit()
    report("index", 1, 1)
    return await Snapshot.load_metadata(
        db, gen, bm25, tokenizer, options, finger, corpus_dir, paragraph_ids, numbers, speech_ids
    )


async def _heading_tokens(db: aiosqlite.Connection, speech_ids: list[int]) -> dict[int, list[str]]:
    """Tokens of every section's path (its own title and its ancestors'), by section id."""
    marks = ",".join("?" * len(speech_ids))
    rows = await (
        await db.execute(
            f"SELECT id, parent_id, tokens, kind FROM sections WHERE speech_id IN ({marks}) ORDER BY id",
            speech_ids,
        )
    ).fetchall()
    own = {r[0]: ([] if r[3] != "numbered" else r[2].split()) for r in rows}
    parent = {r[0]: r[1] for r in rows}
    result: dict[int, list[str]] = {}
    for section_id in own:
        tokens: list[str] = []
        node: int | None = section_id
        while node is not None:
            tokens = own[node] + tokens
            node = parent[node]
        result[section_id] = tokens
    return result


async def _swap(db: aiosqlite.Connection, gen: int, kept: list[int], stats: BuildReport) -> float:
    """Make ``gen`` the live generation in one transaction; return when it became live."""
    finished = time.time()
    marks = ",".join("?" * len(kept))
    await db.execute("BEGIN IMMEDIATE")
    await db.execute(
        f"UPDATE speeches SET gen_to = ? WHERE gen_to IS NULL AND gen_from < ? AND id NOT IN ({marks})",
        (gen, gen, *kept),
    )
    await db.execute(
        "UPDATE generations SET status = 'ready', finished_at = ?, stats = ? WHERE id = ?",
        (finished, json.dumps(_stats_json(stats), ensure_ascii=False), gen),
    )
    await db.execute(
        "INSERT INTO meta (key, value) VALUES ('active_generation', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(gen),),
    )
    await db.commit()
    return finished


def _stats_json(stats: BuildReport) -> dict[str, object]:
    return {
        "files_read": stats.files_read,
        "skipped": [list(s) for s in stats.skipped],
        "speeches": stats.speeches,
        "sections": stats.sections,
        "paragraphs": stats.paragraphs,
        "terms": stats.terms,
        "retokenized": list(stats.retokenized),
        "seconds": round(stats.seconds, 3),
    }
