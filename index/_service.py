"""The search service: open the database, answer queries, reindex without downtime."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path

import aiosqlite

from ._build import BuildError, BuildOptions, build, fingerprint
from ._connection import connect, db_files, why_failed
from ._expand import Vocabulary
from ._hits import in_order, make_hit, without_near_duplicates
from ._normalize import normalize
from ._queries import (
    fetch_paragraphs,
    fetch_section_paragraphs,
    outline_of,
    section_spans,
    section_title,
)
from ._rank import SectionSpan, rank
from ._rows import Progress
from ._schema import SCHEMA, SCHEMA_VERSION, check_version, is_read_only
from ._snapshot import Snapshot
from ._types import BuildReport, IndexInfo, Outline, ParagraphView, SearchResult, SpeechInfo

log = logging.getLogger(__name__)


class IndexUnavailable(RuntimeError):
    """The index cannot serve: no database, no corpus, or a broken file."""


@dataclass(frozen=True, slots=True)
class _Live:
    """What a query reads, swapped as one value so it never mixes two generations."""

    snapshot: Snapshot
    vocab: Vocabulary
    sections: dict[int, list[SectionSpan]]


class ReindexBusy(RuntimeError):
    """A reindex is already running."""


@dataclass(frozen=True, slots=True)
class IndexConfig:
    """Where the index lives and how it is built and judged."""

    db_path: Path
    corpus_dir: Path
    options: BuildOptions = field(default_factory=BuildOptions)
    auto_build: bool = True  # build from the corpus when the database holds no index yet
    # Share of the query's idf mass the best passage must cover to count as an answer (see README).
    min_coverage: float = 0.4


class SearchIndex:
    """Ranked passages from the speech corpus, served from SQLite and memory."""

    def __init__(self, config: IndexConfig) -> None:
        self.config = config
        self._read: aiosqlite.Connection | None = None
        self._write: aiosqlite.Connection | None = None
        self._snapshot: Snapshot | None = None
        self._live: _Live | None = None
        self._build_lock = asyncio.Lock()
        self.read_only = False  # the database cannot be written: answers only, no reindex

    # -- life cycle -------------------------------------------------------------------------

    async def initialize(self, progress: Progress | None = None, *, refresh: bool = False) -> None:
        """Open the database and load the live generation (building it on first use).

        With ``refresh``, a corpus folder that changed since the last build is reindexed now.
        """
        try:
            await self._open(progress, refresh)
        except BaseException:
            # A failed start must not leave connection threads behind (they keep a CLI alive).
            await self.shutdown()
            raise

    async def _open(self, progress: Progress | None, refresh: bool) -> None:
        path = self.config.db_path
        self.read_only = is_read_only(path)
        try:
            if self.read_only:
                log.warning("database %s is read-only: answering from it, no reindex", path)
                self._read = await connect(path, read_only=True)
                check_version(await self._meta(self._read, "schema_version"))
            else:
                await self._open_writable(path)
        except (OSError, aiosqlite.Error) as exc:
            raise IndexUnavailable(f"cannot open the database {path}: {exc}") from exc
        await self._load(progress, refresh)

    async def _open_writable(self, path: Path) -> None:
        if not path.parent.is_dir():
            path.parent.mkdir(parents=True, exist_ok=True)
        self._write = await connect(path)
        await self._write.executescript(SCHEMA)
        version = await self._meta(self._write, "schema_version")
        check_version(version)
        if version is None:
            await self._write.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
            await self._write.commit()
        self._read = await connect(path)

    async def _load(self, progress: Progress | None, refresh: bool) -> None:
        path = self.config.db_path
        active = await self._meta(self._db(), "active_generation")
        if active is not None:
            await self._install(await Snapshot.load(self._db(), int(active)))
            log.info("index generation %s loaded from %s", active, path)
            if refresh and await self.is_stale():
                log.warning(
                    "corpus %s changed since the last build: reindexing", self.config.corpus_dir
                )
                try:
                    await self.reindex(progress=progress)
                except BuildError as exc:
                    # The loaded generation is complete: answer from it rather than not at all.
                    log.warning("%s; the previous index keeps serving", exc)
        elif self.config.auto_build:
            log.info("no index in %s yet: building from %s", path, self.config.corpus_dir)
            await self.reindex(progress=progress)

    async def shutdown(self) -> None:
        """Close the database connections."""
        for conn in (self._read, self._write):
            if conn is not None:
                await conn.close()
        self._read = self._write = None

    @staticmethod
    async def _meta(conn: aiosqlite.Connection, key: str) -> str | None:
        row = await (await conn.execute("SELECT value FROM meta WHERE key = ?", (key,))).fetchone()
        return None if row is None else str(row[0])

    async def _install(self, snapshot: Snapshot) -> None:
        """Make ``snapshot`` the one queries use, with its look-up structures, in one step."""
        vocab = await asyncio.to_thread(Vocabulary, snapshot.bm25)
        sections = await section_spans(self._db(), snapshot)
        self._live = _Live(snapshot, vocab, sections)
        self._snapshot = snapshot

    def _live_view(self) -> _Live:
        if self._live is None:
            raise IndexUnavailable("the index is empty: run 'speechbot reindex'")
        return self._live

    @property
    def snapshot(self) -> Snapshot:
        """The live generation."""
        if self._snapshot is None:
            raise IndexUnavailable("the index is empty: run 'speechbot reindex'")
        return self._snapshot

    @property
    def ready(self) -> bool:
        """Whether a generation is loaded."""
        return self._snapshot is not None

    @property
    def building(self) -> bool:
        """Whether a reindex is running."""
        return self._build_lock.locked()

    def _db(self) -> aiosqlite.Connection:
        if self._read is None:
            raise IndexUnavailable("the index is not open")
        return self._read

    # -- queries ----------------------------------------------------------------------------

    async def search(
        self, query: str, k: int = 3, speech: int | None = None, offset: int = 0
    ) -> SearchResult:
        """The best ``k`` passages for ``query`` after ``offset``, optionally in one speech."""
        live = self._live_view()
        snap = live.snapshot
        k, offset = max(0, k), max(0, offset)
        # Tokenising and scoring are CPU work: a thread keeps other chats answered meanwhile.
        # Twice the page is ranked so that near-duplicate passages can be dropped.
        wanted = 2 * (offset + k) + 2
        ranked = await asyncio.to_thread(
            rank, snap, live.vocab, live.sections, query, wanted, speech, self.config.min_coverage
        )
        views = await fetch_paragraphs(
            self._db(), [int(snap.paragraph_ids[r.row]) for r in ranked.rows]
        )
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
            make_hit(
                offset + i + 1, r.score, view, in_order(terms, snap.bm25.matched(terms, r.row))
            )
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
        )

    async def speeches(self) -> list[SpeechInfo]:
        """The indexed speeches in number order."""
        return list(self.snapshot.speeches.values())

    async def find_speech(self, ref: str) -> SpeechInfo | None:
        """A speech by its number, or by part of its title or file name."""
        speeches = self.snapshot.speeches
        ref = ref.strip().lstrip("#")
        if ref.isdigit():
            return speeches.get(int(ref))
        wanted = normalize(ref)
        if not wanted:
            return None
        matches = [
            s
            for s in speeches.values()
            if wanted in normalize(s.title) or wanted in normalize(Path(s.source).stem)
        ]
        return matches[0] if matches else None

    async def outline(self, number: int) -> Outline | None:
        """A speech's section tree."""
        info = self.snapshot.speeches.get(number)
        if info is None:
            return None
        return await outline_of(self._db(), self.snapshot.generation, info)

    async def paragraph(self, paragraph_id: int) -> ParagraphView | None:
        """One paragraph by id."""
        return (await fetch_paragraphs(self._db(), [paragraph_id])).get(paragraph_id)

    async def context(self, paragraph_id: int, radius: int = 1) -> list[ParagraphView]:
        """A paragraph with up to ``radius`` paragraphs before and after it."""
        centre = await self.paragraph(paragraph_id)
        if centre is None:
            return []
        rows = await (
            await self._db().execute(
                "SELECT p.id FROM paragraphs p JOIN paragraphs c ON c.speech_id = p.speech_id"
                " WHERE c.id = ? AND p.ordinal BETWEEN c.ordinal - ? AND c.ordinal + ? ORDER BY p.ordinal",
                (paragraph_id, radius, radius),
            )
        ).fetchall()
        views = await fetch_paragraphs(self._db(), [r[0] for r in rows])
        return [views[r[0]] for r in rows if r[0] in views]

    async def section_paragraphs(self, section_id: int) -> list[ParagraphView]:
        """The paragraphs of a section and its sub-sections, in order."""
        return await fetch_section_paragraphs(self._db(), section_id)

    async def is_stale(self, corpus_dir: Path | None = None) -> bool:
        """Whether the corpus folder changed since the live index was built from it."""
        folder = corpus_dir or self.config.corpus_dir
        if self._snapshot is None:
            return True
        try:
            return await asyncio.to_thread(fingerprint, folder) != self._snapshot.fingerprint
        except OSError:
            return True

    async def section_title(self, section_id: int) -> str | None:
        """A section's title."""
        found = await section_title(self._db(), section_id)
        return None if found is None else found[1]

    async def info(self) -> IndexInfo:
        """Size and age of the live index."""
        snap = self.snapshot
        size = sum(p.stat().st_size for p in db_files(self.config.db_path))
        return IndexInfo(
            generation=snap.generation,
            built_at=snap.built_at,
            corpus_dir=snap.corpus_dir,
            fingerprint=snap.fingerprint,
            speeches=len(snap.speeches),
            sections=snap.n_sections,
            paragraphs=snap.bm25.n_docs,
            terms=len(snap.bm25.vocab),
            db_bytes=size,
            variant=str(snap.options.params.variant),
        )

    # -- reindex ----------------------------------------------------------------------------

    async def reindex(
        self, corpus_dir: Path | None = None, progress: Progress | None = None
    ) -> BuildReport:
        """Rebuild from ``corpus_dir`` beside the live index and swap it in; raise ReindexBusy."""
        if self._build_lock.locked():
            raise ReindexBusy("a reindex is already running")
        async with self._build_lock:
            path = self.config.db_path
            if self.read_only:
                raise BuildError(f"the database {path} is read-only; the previous index stays live")
            if self._write is None:
                raise IndexUnavailable("the index is not open")
            folder = corpus_dir or self.config.corpus_dir
            try:
                report, snapshot = await build(
                    self._write, folder, self._snapshot, self.config.options, progress
                )
            except (OSError, aiosqlite.Error) as exc:
                raise BuildError(
                    f"reindex failed, the previous index stays live: {why_failed(exc, path)}"
                ) from exc
            if snapshot is not None:
                await self._install(snapshot)
            return report
