"""Uploaded files waiting for an admin's 确认, kept in SQLite so they survive a restart."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import aiosqlite

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bot_uploads (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    chat_id    INTEGER NOT NULL,
    file_name  TEXT NOT NULL,
    title      TEXT NOT NULL,
    replaces   TEXT,
    data       BLOB NOT NULL,
    created_at REAL NOT NULL
);
"""

log = logging.getLogger(__name__)

#: A preview's buttons work this long; older uploads are deleted (the admin re-sends the file).
PENDING_TTL = 24 * 3600


@dataclass(frozen=True, slots=True)
class PendingUpload:
    """A checked, parsed upload waiting for confirmation."""

    id: int
    user_id: int  # who sent it: only they may confirm it
    chat_id: int
    file_name: str  # as the sender named it
    title: str
    replaces: str | None  # corpus file name of the speech with the same title, if any
    data: bytes
    created_at: float


class PendingUploads:
    """The ``bot_uploads`` table."""

    def __init__(self, db: aiosqlite.Connection, ttl: float = PENDING_TTL) -> None:
        self.db = db
        self.ttl = ttl

    async def initialize(self) -> None:
        """Create the table and drop expired uploads (a read-only database is tolerated)."""
        try:
            await self.db.executescript(_SCHEMA)
            await self.purge()
        except aiosqlite.Error as exc:
            # Answers matter more than uploads: the bot still serves, and an upload then fails
            # with the database's own reason, as a reindex would.
            log.warning("pending uploads unavailable: %s", exc)

    async def purge(self) -> None:
        """Delete uploads older than the time to live."""
        await self.db.execute(
            "DELETE FROM bot_uploads WHERE created_at < ?", (time.time() - self.ttl,)
        )
        await self.db.commit()

    async def add(
        self,
        user_id: int,
        chat_id: int,
        file_name: str,
        title: str,
        replaces: str | None,
        data: bytes,
    ) -> int:
        """Store an upload; return its id (the argument of its buttons)."""
        await self.purge()
        cur = await self.db.execute(
            "INSERT INTO bot_uploads (user_id, chat_id, file_name, title, replaces, data,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (user_id, chat_id, file_name, title, replaces, data, time.time()),
        )
        await self.db.commit()
        return int(cur.lastrowid or 0)

    async def get(self, upload_id: int) -> PendingUpload | None:
        """An upload that has not expired, by id."""
        row = await (
            await self.db.execute(
                "SELECT id, user_id, chat_id, file_name, title, replaces, data, created_at"
                " FROM bot_uploads WHERE id = ? AND created_at >= ?",
                (upload_id, time.time() - self.ttl),
            )
        ).fetchone()
        if row is None:
            return None
        return PendingUpload(
            int(row[0]),
            int(row[1]),
            int(row[2]),
            str(row[3]),
            str(row[4]),
            None if row[5] is None else str(row[5]),
            bytes(row[6]),
            float(row[7]),
        )

    async def take(self, upload_id: int) -> bool:
        """Delete an upload; True only for the one caller that removed it (no double confirm)."""
        cur = await self.db.execute("DELETE FROM bot_uploads WHERE id = ?", (upload_id,))
        await self.db.commit()
        return cur.rowcount == 1

    async def count(self) -> int:
        """How many uploads are waiting."""
        row = await (await self.db.execute("SELECT count(*) FROM bot_uploads")).fetchone()
        return int(row[0]) if row else 0
