"""The live generation as a running index sees it: a newer one another process swapped in, and
the summary /about shows."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from ..types import IndexInfo
from .connection import db_files
from .fingerprint import ChangeCheck
from .queries import meta_value
from .snapshot import Snapshot


class DataVersion:
    """Whether another connection (another process's reindex, say) committed to the database
    since the last look: ``PRAGMA data_version``, one cheap call on the reading connection."""

    def __init__(self) -> None:
        self._seen: int | None = None

    async def changed(self, db: aiosqlite.Connection) -> bool:
        """True on the first call and whenever the version moved since the previous one."""
        rows = list(await db.execute_fetchall("PRAGMA data_version"))  # one trip to its thread
        version = int(rows[0][0]) if rows else 0
        moved, self._seen = version != self._seen, version
        return moved


async def newer_generation(
    db: aiosqlite.Connection, seen: DataVersion, live: Snapshot | None, *, look: bool = False
) -> Snapshot | None:
    """The live generation of the file when it is not ``live`` (checked only when the file
    changed since the last call, or with ``look``); None when ``live`` is still current."""
    if not await seen.changed(db) and not look:
        return None
    active = await meta_value(db, "active_generation")
    if active is None or (live is not None and int(active) == live.generation):
        return None
    return await Snapshot.load(db, int(active), live.tokenizer if live is not None else None)


async def corpus_changed(
    changes: ChangeCheck, db: aiosqlite.Connection, live: Snapshot | None, folder: Path
) -> bool:
    """Whether ``folder`` changed since ``live`` was built from it (True when unreadable); only
    the files whose size or times changed since the build are hashed (``ChangeCheck``)."""
    if live is None:
        return True
    try:
        return await changes.stale(db, folder, live.generation, live.fingerprint)
    except (OSError, aiosqlite.Error):
        return True


def index_info(snap: Snapshot, db_path: Path) -> IndexInfo:
    """Size and age of the generation ``snap`` (blocking: a ``stat`` of the database files)."""
    return IndexInfo(
        generation=snap.generation,
        built_at=snap.built_at,
        corpus_dir=snap.corpus_dir,
        fingerprint=snap.fingerprint,
        speeches=len(snap.speeches),
        sections=snap.n_sections,
        paragraphs=snap.bm25.n_docs,
        terms=len(snap.bm25.vocab),
        db_bytes=sum(p.stat().st_size for p in db_files(db_path)),
        variant=str(snap.options.params.variant),
    )
