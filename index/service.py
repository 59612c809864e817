"""The search service: open the database, answer queries, reindex without downtime."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from pathlib import Path

import aiosqlite

from .config import IndexConfig
from .errors import BuildError, DatabaseDamaged, IndexUnavailable, ReindexBusy
from .query.expand import Rules, load_synonyms
from .rank.dense import DensePart, Embedder
from .search import Live, search
from .semantic import Loader, Semantic
from .speeches import generation_lookups, match_reference
from .store import queries
from .store.columns import ColumnReader, on_demand
from .store.damage import guarded
from .store.fingerprint import ChangeCheck
from .store.live import DataVersion, corpus_changed, index_info, newer_generation
from .store.opening import open_database
from .store.snapshot import Snapshot
from .types import (
    BuildReport,
    DenseStatus,
    Focus,
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
        c = config
        self._semantic = Semantic(c.dense, c.embed_threads, c.db_path, embedder, embedder_loader,
                                  c.embed_now, c.load_vectors_max, c.sentence_pairs)  # fmt: skip
        self._read: aiosqlite.Connection | None = None
        self._write: aiosqlite.Connection | None = None
        self._snapshot: Snapshot | None = None
        self._live: Live | None = None
        self._synonyms: Rules = ()
        self._build_lock = asyncio.Lock()
        self._follow_lock = asyncio.Lock()
        self._data_version = DataVersion()
        self._columns: ColumnReader | None = None  # read_on_demand: the live arrays' reader
        self._changes = ChangeCheck()  # hashes only the files that changed since the build
        self.read_only = False  # the database cannot be written: answers only, no reindex
        self.damaged: str | None = None  # why the file is damaged: answers from memory only

    async def initialize(  # -- life cycle --
        self, progress: Progress | None = None, *, refresh: bool = False
    ) -> None:
        """Open the database and load the live generation (building it on first use); with
        ``refresh``, reindex a corpus folder that changed since the last build."""
        try:
            self._synonyms = await asyncio.to_thread(load_synonyms, self.config.synonyms)
            opened = await open_database(self.config.db_path)
            self._read, self._write, self.read_only = opened.read, opened.write, opened.read_only
            await self._load(progress, refresh)
        except BaseException:
            # A failed start must not leave connection threads behind (they keep a CLI alive).
            await self.shutdown()
            raise

    async def _load(self, progress: Progress | None, refresh: bool) -> None:
        path = self.config.db_path
        with self._guarded():
            active = await queries.meta_value(self._db(), "active_generation")
        if active is not None:
            self._columns = await on_demand(self.config, self._write, int(active))
            with self._guarded(loading=True):
                snap = await Snapshot.load(self._db(), int(active), None, self._columns)
                await self._install(snap, progress)
            log.info("index generation %s loaded from %s", active, path)
            if refresh and await self.is_stale():
                log.warning(
                    "corpus %s changed since the last build: reindexing", self.config.corpus_dir
                )
                try:
                    await self.reindex(progress=progress)
                except (BuildError, ReindexBusy) as exc:
                    # The loaded generation is complete: answer from it rather than not at all.
                    log.warning("%s; the previous index keeps serving", exc)
        elif self.config.auto_build:
            log.info("no index in %s yet: building from %s", path, self.config.corpus_dir)
            await self.reindex(progress=progress)

    async def shutdown(self) -> None:
        """Stop a background embedding and close the database connections."""
        await self._semantic.cancel()
        if self._columns is not None:  # first: its read transaction would keep the WAL
            self._columns.close()
            self._columns = None
        for conn in (self._read, self._write):
            if conn is not None:
                await conn.close()
        self._read = self._write = None

    async def _install(self, snapshot: Snapshot, progress: Progress | None = None) -> None:
        """Make ``snapshot`` the one queries use, with its look-up structures, in one step."""
        parts = await generation_lookups(self._db(), self._write, snapshot, self._synonyms)
        dense = await self._semantic.attach(
            self._db(),
            self._write is not None,
            snapshot,
            self._vectors_ready,
            progress,
            self.config.embed_in_background,
        )
        self._live = Live(snapshot, *parts, dense)
        self._snapshot = snapshot

    async def follow(self) -> None:
        """Serve a generation another process swapped in (one ``PRAGMA data_version`` a call)."""
        if self._build_lock.locked() or self.damaged is not None or self._snapshot is None:
            return  # our own build installs what it swaps in; a damaged file is not read again
        with contextlib.suppress(DatabaseDamaged):  # marked: what is in memory keeps answering
            await self._follow()

    async def _follow(self, *, building: bool = False) -> None:
        async with self._follow_lock:
            with self._guarded(loading=True):
                db, live = self._db(), self._snapshot
                newer = await newer_generation(db, self._data_version, live, look=building)
                if newer is None:
                    return
                await self._install(newer)
            log.info("serving generation %d, swapped in by another process", newer.generation)

    def _guarded(self, *, loading: bool = False) -> contextlib.AbstractContextManager[None]:
        return guarded(self.config.db_path, self._mark_damaged, loading=loading)

    def _mark_damaged(self, exc: BaseException) -> None:
        if self.damaged is None:  # INFO: the caller says it (the CLI's one line, the bot's reply)
            log.info("the database %s is damaged (%s)", self.config.db_path, exc)
        self.damaged = str(exc) or type(exc).__name__

    def _vectors_ready(self, snapshot: Snapshot, dense: DensePart) -> None:
        """A background fill finished: serve its vectors if its generation is still live."""
        if self._live is not None and self._live.snapshot is snapshot:
            self._live = dataclasses.replace(self._live, dense=dense)

    def dense_status(self) -> DenseStatus:
        """Whether the semantic part is on, filling in, or off and why."""
        return self._semantic.status(self._snapshot.bm25.n_docs if self._snapshot else 0)

    async def embed(self, progress: Progress | None = None) -> tuple[int, int]:
        """Embed what the live generation lacks (``speechbot embed``): (embedded now, all)."""
        snap = self._live_view().snapshot
        return await self._semantic.fill_all(self._db(), snap, self._vectors_ready, progress)

    def _live_view(self) -> Live:
        if self._live is None:
            raise IndexUnavailable("the index is empty: run 'speechbot reindex'")
        return self._live

    @property
    def snapshot(self) -> Snapshot:
        """The live generation."""
        return self._live_view().snapshot

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

    async def search(  # -- queries --
        self, query: str, k: int = 3, speech: int | None = None, offset: int = 0, *,
        focus: Focus | None = None, everywhere: bool = False,
    ) -> SearchResult:  # fmt: skip
        """The best ``k`` passages for ``query`` after ``offset``, optionally in one speech; a
        follow-up leans on ``focus`` (never a filter); ``everywhere`` ignores what it names."""
        # Whether another process swapped in a generation is asked while the question is
        # answered from the live one; only when one came in is it answered again, from that.
        followed = asyncio.ensure_future(self.follow())
        try:
            live = self._live_view()
            vector = await self._semantic.query(query) if live.dense is not None else None
            args = (query, k, speech, offset, self.config.min_coverage, vector, focus, everywhere)
            with self._guarded():
                result = await search(live, self._db(), *args)
        finally:
            await followed
        if (newer := self._live) is not None and newer is not live:  # rare: answer from it
            with self._guarded():
                result = await search(newer, self._db(), *args)
        return result

    async def speeches(self) -> list[SpeechInfo]:
        """The indexed speeches in number order."""
        await self.follow()
        return list(self.snapshot.speeches.values())

    async def find_speech(self, ref: str) -> SpeechInfo | None:
        """The one speech ``ref`` points at (see :meth:`match_speech`), or None."""
        found = await self.match_speech(ref)
        return found[0] if len(found) == 1 else None

    async def match_speech(self, ref: str) -> list[SpeechInfo]:
        """The speeches ``ref`` (a number, year, part of a title or file name, description) may
        mean, best first: one, several when it is ambiguous, or none."""
        await self.follow()
        return match_reference(self.snapshot, self._live_view().finder, ref)

    async def outline(self, number: int) -> Outline | None:
        """A speech's section tree."""
        if (info := self.snapshot.speeches.get(number)) is None:
            return None
        with self._guarded():
            return await queries.outline_of(self._db(), self.snapshot.generation, info)

    async def paragraph(self, paragraph_id: int) -> ParagraphView | None:
        """One paragraph by id."""
        with self._guarded():
            return (await queries.fetch_paragraphs(self._db(), [paragraph_id])).get(paragraph_id)

    async def context(self, paragraph_id: int, radius: int = 1) -> list[ParagraphView]:
        """A paragraph with up to ``radius`` paragraphs before and after it."""
        with self._guarded():
            return await queries.fetch_context(self._db(), paragraph_id, radius)

    async def section_paragraphs(self, section_id: int) -> list[ParagraphView]:
        """The paragraphs of a section and its sub-sections, in order."""
        with self._guarded():
            return await queries.fetch_section_paragraphs(self._db(), section_id)

    async def is_stale(self, corpus_dir: Path | None = None) -> bool:
        """Whether the corpus folder changed since the live index was built from it."""
        folder = corpus_dir or self.config.corpus_dir
        return await corpus_changed(self._changes, self._db(), self._snapshot, folder)

    async def section_title(self, section_id: int) -> str | None:
        """A section's title."""
        with self._guarded():
            found = await queries.section_title(self._db(), section_id)
        return None if found is None else found[1]

    async def info(self) -> IndexInfo:
        """Size and age of the live index."""
        await self.follow()
        return index_info(self.snapshot, self.config.db_path)

    async def reindex(  # -- reindex --
        self, corpus_dir: Path | None = None, progress: Progress | None = None, *,
        force: bool = False,
    ) -> BuildReport:  # fmt: skip
        """Rebuild from ``corpus_dir`` beside the live index and swap it in (``force``: even if
        unchanged); raise ReindexBusy when a reindex runs here or in another process."""
        if self._build_lock.locked():
            raise ReindexBusy()
        async with self._build_lock:
            path = self.config.db_path
            if self.read_only:
                raise BuildError(f"the database {path} is read-only; the previous index stays live")
            if self._write is None:
                raise IndexUnavailable("the index is not open")
            from .build.locked import build_locked  # the build loads only when it runs

            report, snapshot = await build_locked(
                self._write, path, corpus_dir or self.config.corpus_dir, self._catch_up,
                self.config.options, progress, self._mark_damaged, force=force,
            )  # fmt: skip
            if snapshot is not None:
                await self._install(snapshot, progress)
            return report

    async def _catch_up(self) -> Snapshot | None:
        """Under the reindex lock: the generation live now (another process may have swapped)."""
        await self._follow(building=True)
        return self._snapshot
