"""Opening the index database: whose file it is first, then connections, schema and identity."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from ..errors import DatabaseDamaged, IndexUnavailable
from .connection import connect
from .damage import is_damage
from .identity import APPLICATION_ID, Kind, identify_file
from .queries import meta_value
from .schema import SCHEMA_VERSION, check_version, is_read_only, read_only_uri, setup_script

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Opened:
    """The connections of an open index database; ``write`` is None when it is read-only."""

    path: Path
    read: aiosqlite.Connection
    write: aiosqlite.Connection | None

    @property
    def read_only(self) -> bool:
        """Whether the database cannot be written: answers only, no reindex."""
        return self.write is None


async def open_database(path: Path) -> Opened:
    """Connections to ``path``: a foreign file is refused before anything is written to it, a
    damaged one is named as such, a new one gets the schema, an older one of ours its identity."""
    try:
        if is_read_only(path):
            kind = await asyncio.to_thread(identify_file, path, read_only_uri(path))
            log.warning("database %s is read-only: answering from it, no reindex", path)
            read = await connect(path, read_only=True)
            opened = Opened(path, read, None)
            try:
                await _check_versions(opened, kind)
            except BaseException:
                await read.close()
                raise
            return opened
        if not path.parent.is_dir():
            path.parent.mkdir(parents=True, exist_ok=True)
        uri = f"{path.resolve().as_uri()}?mode=ro"  # noqa: ASYNC240 (no I/O: a path's text)
        kind = await asyncio.to_thread(identify_file, path, uri)
        write = await connect(path)
        try:
            await _set_up(write, kind, path)
            read = await connect(path)
        except BaseException:
            await write.close()
            raise
        return Opened(path, read, write)
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise DatabaseDamaged(path) from exc
        raise IndexUnavailable(f"cannot open the database {path}: {exc}") from exc
    except OSError as exc:
        raise IndexUnavailable(f"cannot open the database {path}: {exc}") from exc


async def _set_up(write: aiosqlite.Connection, kind: Kind, path: Path) -> None:
    """Schema and identity on a writable connection: created when new, set when older."""
    if kind is Kind.OURS:
        check_version(await _user_version(write))
    if kind is Kind.OLDER:
        log.info("database %s predates speechbot's application_id: setting it", path)
    version = await meta_value(write, "schema_version") if kind is not Kind.NEW else None
    check_version(version)
    # CREATE TABLE IF NOT EXISTS: a no-op for a current file, missing tables for an older one.
    await write.executescript(setup_script(APPLICATION_ID))
    if version is None:
        await write.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        await write.commit()


async def _check_versions(opened: Opened, kind: Kind) -> None:
    """A read-only file's schema version (its identity was checked before it was opened)."""
    if kind is Kind.NEW:
        raise IndexUnavailable(f"the database {opened.path} is read-only and holds no index yet")
    check_version(await meta_value(opened.read, "schema_version"))
    if kind is Kind.OURS:
        check_version(await _user_version(opened.read))


async def _user_version(db: aiosqlite.Connection) -> int | None:
    """The file's ``user_version``; None when it was never set (0)."""
    row = await (await db.execute("PRAGMA user_version")).fetchone()
    return int(row[0]) if row and row[0] else None
