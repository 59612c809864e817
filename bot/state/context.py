"""What a follow-up question leans on: per chat (per user in groups), the last answer's speech and
section, kept in SQLite for ``CONTEXT_TTL`` seconds and cleared by /start."""

from __future__ import annotations

import contextlib
import logging
import time

import aiosqlite

from index import Focus

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bot_context (
    chat_id    INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,  -- 0 in private chats: the chat is the user
    speech     INTEGER NOT NULL,
    section_id INTEGER,
    updated_at REAL NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);
CREATE TABLE IF NOT EXISTS bot_query_focus (
    query_id   INTEGER PRIMARY KEY,  -- bot_queries.id: a stored question asked as a follow-up
    speech     INTEGER NOT NULL,
    section_id INTEGER,
    created_at REAL NOT NULL
);
"""

log = logging.getLogger(__name__)

#: A follow-up is read in the previous answer's context for this long (seconds).
CONTEXT_TTL = 30 * 60
#: What a stored follow-up was asked with is kept as long as its paging buttons (180 days).
QUERY_FOCUS_TTL = 180 * 86400


def context_key(chat_id: int, user_id: int, private: bool) -> tuple[int, int]:
    """Private chats keep one context; groups one per user."""
    return (chat_id, 0 if private else user_id)


class FollowUps:
    """The last answer's focus per chat or group member (a full or read-only database costs the
    feature, never an answer)."""

    def __init__(self, db: aiosqlite.Connection, ttl: float = CONTEXT_TTL) -> None:
        self.db = db
        self.ttl = ttl

    async def initialize(self) -> None:
        """Create the table and drop expired rows."""
        await self._write(
            "create the follow-up tables",
            [
                (_SCHEMA, None),
                ("DELETE FROM bot_context WHERE updated_at < ?", (self._cutoff(),)),
                (
                    "DELETE FROM bot_query_focus WHERE created_at < ?",
                    (time.time() - QUERY_FOCUS_TTL,),
                ),
            ],
        )

    def _cutoff(self) -> float:
        return time.time() - self.ttl

    async def get(self, key: tuple[int, int]) -> Focus | None:
        """The focus kept for ``key``, unless it expired."""
        try:
            row = await (
                await self.db.execute(
                    "SELECT speech, section_id FROM bot_context"
                    " WHERE chat_id = ? AND user_id = ? AND updated_at >= ?",
                    (*key, self._cutoff()),
                )
            ).fetchone()
        except aiosqlite.Error as exc:
            log.warning("could not read the follow-up context: %s", exc)
            return None
        return None if row is None else Focus(int(row[0]), row[1])

    async def put(self, key: tuple[int, int], focus: Focus | None) -> None:
        """Keep ``focus`` for ``key`` (nothing to keep leaves the previous one as it was)."""
        if focus is None:
            return
        await self._write(
            "keep the follow-up context",
            [
                (
                    "INSERT OR REPLACE INTO bot_context"
                    " (chat_id, user_id, speech, section_id, updated_at) VALUES (?, ?, ?, ?, ?)",
                    (*key, focus.speech, focus.section_id, time.time()),
                )
            ],
        )

    async def asked_with(self, query_id: int, focus: Focus | None) -> None:
        """Keep the context a stored question was asked in, so its pages are ranked alike."""
        if focus is None:
            return
        await self._write(
            "keep a question's follow-up context",
            [
                (
                    "INSERT OR REPLACE INTO bot_query_focus (query_id, speech, section_id,"
                    " created_at) VALUES (?, ?, ?, ?)",
                    (query_id, focus.speech, focus.section_id, time.time()),
                )
            ],
        )

    async def of_query(self, query_id: int) -> Focus | None:
        """The context a stored question was asked in, if it was a follow-up."""
        try:
            row = await (
                await self.db.execute(
                    "SELECT speech, section_id FROM bot_query_focus WHERE query_id = ?",
                    (query_id,),
                )
            ).fetchone()
        except aiosqlite.Error as exc:
            log.warning("could not read a question's follow-up context: %s", exc)
            return None
        return None if row is None else Focus(int(row[0]), row[1])

    async def clear(self, key: tuple[int, int]) -> None:
        """Forget the context of ``key`` (/start)."""
        await self._write(
            "clear the follow-up context",
            [("DELETE FROM bot_context WHERE chat_id = ? AND user_id = ?", key)],
        )

    async def _write(
        self, what: str, statements: list[tuple[str, tuple[object, ...] | None]]
    ) -> None:
        try:
            for sql, args in statements:
                if args is None:
                    await self.db.executescript(sql)
                else:
                    await self.db.execute(sql, args)
            await self.db.commit()
        except aiosqlite.Error as exc:
            log.warning("could not %s: %s", what, exc)
            with contextlib.suppress(aiosqlite.Error):
                await self.db.rollback()
