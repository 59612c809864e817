"""The search service: open the database, answer queries, reindex without downtime."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from pathlib import Path

import aiosqlite

from .build.build import build
from .config import IndexConfig
from .errors import BuildError, IndexUnavailable, ReindexBusy
from .query.expand import Vocabulary
from .rank.dense import DenseIndex, Embedder
from .search import Live, search
from .semantic import DenseStatus, Loader, Semantic
from .store.connection import connect, db_files, why_failed
from .store.fingerprint import ChangeCheck
from .store.queries import (
    fetch_context,
    fetch_paragraphs,
    fetch_section_paragraphs,
    meta_value,
    outline_of,
    section_spans,
    section_title,
)
from .store.schema import SCHEMA, SCHEMA_VERSION, check_version, is_read_only
from .store.snapshot import Snapshot
from .text.normalize import normalize
from .types import (
    BuildReport,
    IndexInfo,
    Outline,
    ParagraphView,
    Progress,
    SearchResult,
    SpeechInfo,
)

log = logging.getLogger(__name__)


class SearchIndex:
    """Ranked passages from the speech corpus, served from SQLite and memory."""

    def __init__(
        self,
        config: IndexConfig,
        *,
        embedder: Embedder | None = None,
        embedder_loader: Loader | None = None,
    ) -> None:
        """``embedder`` or ``embedder_loader`` replace the bundled model (tests, other models)."""
        self.config = config
        self._semantic = Semantic(
            config.dense, config.embed_threads, config.db_path, embedder, embedder_loader
        )
        self._read: aiosqlite.Connection | None = None
        self._write: aiosqlite.Connection | None = None
        self._snapshot: Snapshot | None = None
        self._live: Live | None = None
        self._build_lock = asyncio.Lock()
        self._changes = ChangeCheck()  # hashes only the files that changed since the build
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
                check_version(await meta_value(self._read, "schema_version"))
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
        version = await meta_value(self._write, "schema_version")
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
        active = await meta_value(self._db(), "active_generation")
        if active is not None:
            await self._install(await Snapshot.load(self._db(), int(active)), progress)
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
        """Stop a background embedding and close the database connections."""
        await self._semantic.cancel()
        for conn in (self._read, self._write):
            if conn is not None:
                await conn.close()
        self._read = self._write = None

    async def _install(self, snapshot: Snapshot, progress: Progress | None = None) -> None:
        """Make ``snapshot`` the one queries use, with its look-up structures, in one step."""
        vocab = await asyncio.to_thread(Vocabulary, snapshot.bm25)
        sections = await section_spans(self._db(), snapshot)
        dense = await self._semantic.attach(
            self._db(),
            self._write is not None,
            snapshot,
            self._vectors_ready,
            progress,
            self.config.embed_in_background,
        )
        self._live = Live(snapshot, vocab, sections, dense)
        self._snapshot = snapshot

    def _vectors_ready(self, snapshot: Snapshot, dense: DenseIndex) -> None:
        """A background fill finished: serve its vectors if its generation is still live."""
        if self._live is not None and self._live.snapshot is snapshot:
            self._live = dataclasses.replace(self._live, dense=dense)

    def dense_status(self) -> DenseStatus:
        """Whether the semantic part is on, filling in, or off and why."""
        rows = self._snapshot.bm25.n_docs if self._snapshot is not None else 0
        return self._semantic.status(rows)

    def _live_view(self) -> Live:
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
        vector = await self._semantic.query(query) if live.dense is not None else None
        return await search(
            live, self._db(), query, k, speech, offset, self.config.min_coverage, vector
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
        return await fetch_context(self._db(), paragraph_id, radius)

    async def section_paragraphs(self, section_id: int) -> list[ParagraphView]:
        """The paragraphs of a section and its sub-sections, in order."""
        return await fetch_section_paragraphs(self._db(), section_id)

    async def is_stale(self, corpus_dir: Path | None = None) -> bool:
        """Whether the corpus folder changed since the live index was built from it."""
        folder = corpus_dir or self.config.corpus_dir
        if self._snapshot is None:
            return True
        snap = self._snapshot
        try:
            return await self._changes.stale(self._db(), folder, snap.generation, snap.fingerprint)
        except (OSError, aiosqlite.Error):
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
                await self._install(snapshot, progress)
            return report
