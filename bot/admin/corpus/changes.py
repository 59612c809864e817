"""One change to the corpus folder followed by an index update; undone if the update fails."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from corpus import CorpusFileError, CorpusFolder, FolderChange
from index import BuildError, BuildReport, IndexUnavailable, ReindexBusy, SearchIndex

from ...ui import texts
from ...ui.texts import Phrase, Text

log = logging.getLogger(__name__)

#: How long a change waits for a reindex that is already running (an admin's /reindex, say).
BUSY_WAIT = 300.0


class ChangeFailed(RuntimeError):
    """The folder and the index are as they were before; ``reason`` says why, in either language."""

    def __init__(self, text: Text, **values: object) -> None:
        self.reason: Phrase = text.bind(**values)
        super().__init__(self.reason())


def folder_of(index: SearchIndex) -> CorpusFolder:
    """The folder the index is built from: the one every change is made in."""
    return CorpusFolder(index.config.corpus_dir)


async def apply_change(
    index: SearchIndex,
    lock: asyncio.Lock | None,
    operation: Callable[[CorpusFolder], FolderChange],
) -> tuple[FolderChange, BuildReport]:
    """Run ``operation`` on the corpus folder, then reindex; undo the change if that fails.

    ``lock`` serialises changes; None when the caller already holds it.
    """
    folder = folder_of(index)
    async with lock or contextlib.nullcontext():
        try:
            change = await asyncio.to_thread(operation, folder)
        except CorpusFileError as exc:
            raise ChangeFailed(texts.FOLDER_CHANGED, reason=exc.reason) from exc
        except OSError as exc:
            raise ChangeFailed(texts.FOLDER_UNWRITABLE, reason=exc.strerror or exc) from exc
        try:
            report = await reindex_when_free(index)
        except (BuildError, IndexUnavailable, TimeoutError) as exc:
            log.error("index update after a corpus change failed, undoing the change: %s", exc)
            await _undo(folder, change)
            reason = texts.REINDEX_TOO_LONG if isinstance(exc, TimeoutError) else exc
            raise ChangeFailed(texts.INDEX_UPDATE_FAILED, reason=reason) from exc
        written = change.written.name if change.written is not None else None
        skipped = dict(report.skipped)
        if written is not None and written in skipped:
            # The file parsed at upload but not in the build: put things back as they were.
            await _undo(folder, change)
            with contextlib.suppress(BuildError, IndexUnavailable, TimeoutError):
                await reindex_when_free(index)
            raise ChangeFailed(texts.NOT_READ_BACK, reason=skipped[written])
        return change, report


async def reindex_when_free(index: SearchIndex, wait: float = BUSY_WAIT) -> BuildReport:
    """Reindex, waiting for a running reindex to finish first (it may not have seen the change).

    Raises TimeoutError when the running one takes longer than ``wait`` seconds.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            return await index.reindex()
        except ReindexBusy:
            if time.monotonic() > deadline:
                raise TimeoutError(f"another reindex ran for more than {wait:.0f} s") from None
            await asyncio.sleep(0.2)


async def _undo(folder: CorpusFolder, change: FolderChange) -> None:
    try:
        await asyncio.to_thread(folder.undo, change)
    except OSError:
        log.exception("could not undo a corpus change %s", change)
