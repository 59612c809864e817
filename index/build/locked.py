"""A reindex under the cross-process lock, its failures said in words an admin can act on."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosqlite

from ..config import BuildOptions
from ..errors import BuildError, DatabaseDamaged
from ..store.connection import why_failed
from ..store.damage import is_damage
from ..store.snapshot import Snapshot
from ..types import BuildReport, Progress
from .build import build
from .lock import ReindexLock


async def build_locked(
    db: aiosqlite.Connection,
    db_path: Path,
    folder: Path,
    catch_up: Callable[[], Awaitable[Snapshot | None]],
    options: BuildOptions,
    progress: Progress | None,
    mark_damaged: Callable[[BaseException], None],
    *,
    force: bool = False,
) -> tuple[BuildReport, Snapshot | None]:
    """``build`` while holding the reindex lock of ``db_path`` (ReindexBusy when another process
    holds it). ``catch_up`` first loads a generation another process swapped in meanwhile and
    returns the live one, which the build starts from; ``force`` builds even an unchanged corpus."""
    lock = ReindexLock(db_path)
    try:
        await asyncio.to_thread(lock.acquire)
    except OSError as exc:
        raise BuildError(f"cannot take the reindex lock {lock.path}: {exc}") from exc
    try:
        return await build(db, folder, await catch_up(), options, progress, force=force)
    except (OSError, aiosqlite.Error) as exc:
        if is_damage(exc):
            mark_damaged(exc)
            raise DatabaseDamaged(db_path) from exc
        raise BuildError(
            f"reindex failed, the previous index stays live: {why_failed(exc, db_path)}"
        ) from exc
    finally:
        lock.release()
