"""Button state that survives restarts (``bot_queries``) and the question log for /stats."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from index import is_read_only, read_only_uri

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bot_queries (
    id         INTEGER PRIMARY KEY,
    query      TEXT NOT NULL,
    speech     INTEGER,
    created_at REAL NOT NULL,
    chat_id    INTEGER              -- the chat that asked: only its buttons may page the results
);
CREATE TABLE IF NOT EXISTS bot_questions (
    id         INTEGER PRIMARY KEY,
    ts         REAL NOT NULL,
    user_hash  TEXT NOT NULL,
    chat_type  TEXT NOT NULL,
    query      TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    hits       INTEGER NOT NULL,
    relevant   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS bot_questions_ts ON bot_questions (ts);
"""

#: Button state older than this is removed (Telegram clients keep old messages around for long).
QUERY_RETENTION_DAYS = 180


def user_hash(user_id: int, salt: str = "speechbot") -> str:
    """A short, stable pseudonym for a user id, for logs and statistics."""
    return hashlib.sha256(f"{salt}:{user_id}".encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class StoredQuery:
    """A question a results message was made for."""

    id: int
    query: str
    speech: int | None
    chat_id: int | None = None  # the chat whose answer it was


@dataclass(frozen=True, slots=True)
class Stats:
    """What /stats shows."""

    questions: int
    median_ms: float | None
    p95_ms: float | None
    unanswered: list[tuple[str, int]]  # most frequent questions with nothing relevant


class BotState:
    """Access to the bot's tables in the speechbot database."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._db: aiosqlite.Connection | None = None

    async def initialize(self) -> None:
        """Open the database and create the bot's tables (a read-only or full one is tolerated)."""
        if is_read_only(self.db_path):
            self._db = await aiosqlite.connect(read_only_uri(self.db_path), timeout=30, uri=True)
            log.warning("database is read-only: no paging buttons and no question log")
            return
        self._db = await aiosqlite.connect(self.db_path, timeout=30)
        try:
            await self._db.execute("PRAGMA journal_mode = WAL")
            # As the index's connections: with WAL, a commit no longer waits for the disk (two a
            # question took 1.3 ms here, serialised on this connection's thread; now 0.14 ms).
            # A power cut may lose the last questions logged, never the database.
            await self._db.execute("PRAGMA synchronous = NORMAL")
            await self._db.executescript(_SCHEMA)
            await self._add_chat_column()
            cutoff = time.time() - QUERY_RETENTION_DAYS * 86400
            await self._db.execute("DELETE FROM bot_queries WHERE created_at < ?", (cutoff,))
            await self._db.commit()
        except aiosqlite.Error as exc:
            await self._failed_write("open the bot's tables", exc)

    async def _add_chat_column(self) -> None:
        """Databases made before paging state belonged to a chat get the column (rows without
        a chat are refused like stale buttons)."""
        columns = await (await self.db.execute("PRAGMA table_info(bot_queries)")).fetchall()
        if "chat_id" not in {str(c[1]) for c in columns}:
            await self.db.execute("ALTER TABLE bot_queries ADD COLUMN chat_id INTEGER")

    async def shutdown(self) -> None:
        """Close the database."""
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        """The open connection."""
        if self._db is None:
            raise RuntimeError("BotState is not initialised")
        return self._db

    async def _failed_write(self, what: str, exc: aiosqlite.Error) -> None:
        """A write that failed (read-only database, full disk) costs a feature, never an answer."""
        log.warning("could not %s: %s", what, exc)
        with contextlib.suppress(aiosqlite.Error):
            await self.db.rollback()

    async def remember_query(
        self, query: str, speech: int | None, chat_id: int | None = None
    ) -> int | None:
        """Store a question so its 'more results' button works after a restart, for the chat
        that asked; None when the database cannot be written."""
        try:
            cur = await self.db.execute(
                "INSERT INTO bot_queries (query, speech, created_at, chat_id) VALUES (?, ?, ?, ?)",
                (query, speech, time.time(), chat_id),
            )
            await self.db.commit()
        except aiosqlite.Error as exc:
            await self._failed_write("store the question for paging", exc)
            return None
        return int(cur.lastrowid or 0)

    async def query(self, query_id: int, chat_id: int | None = None) -> StoredQuery | None:
        """A stored question by id; with ``chat_id``, only if that chat asked it (another chat's
        id is refused like a stale button)."""
        try:
            row = await (
                await self.db.execute(
                    "SELECT id, query, speech, chat_id FROM bot_queries WHERE id = ?", (query_id,)
                )
            ).fetchone()
        except aiosqlite.Error as exc:  # a read-only database of an older layout
            log.info("no stored question %d: %s", query_id, exc)
            return None
        if row is None or (chat_id is not None and row[3] != chat_id):
            return None
        return StoredQuery(int(row[0]), str(row[1]), row[2], row[3])

    async def log_question(
        self, user_id: int, chat_type: str, query: str, latency_ms: float, hits: int, relevant: bool
    ) -> None:
        """Record an answered question for /stats (skipped when the database cannot be written)."""
        try:
            await self._log_question(user_id, chat_type, query, latency_ms, hits, relevant)
        except aiosqlite.Error as exc:
            await self._failed_write("log the question", exc)

    async def _log_question(
        self, user_id: int, chat_type: str, query: str, latency_ms: float, hits: int, relevant: bool
    ) -> None:
        await self.db.execute(
            "INSERT INTO bot_questions (ts, user_hash, chat_type, query, latency_ms, hits, relevant)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                time.time(),
                user_hash(user_id),
                chat_type,
                query[:500],
                latency_ms,
                hits,
                int(relevant),
            ),
        )
        await self.db.commit()

    async def stats(self, top: int = 10) -> Stats:
        """Questions served, latency median and p95, and the most frequent unanswered ones."""
        latencies = [
            r[0]
            for r in await (
                await self.db.execute("SELECT latency_ms FROM bot_questions ORDER BY latency_ms")
            ).fetchall()
        ]
        unanswered = await (
            await self.db.execute(
                "SELECT query, count(*) AS n FROM bot_questions WHERE relevant = 0"
                " GROUP BY query ORDER BY n DESC, max(ts) DESC LIMIT ?",
                (top,),
            )
        ).fetchall()
        median = statistics.median(latencies) if latencies else None
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else None
        return Stats(len(latencies), median, p95, [(str(q), int(n)) for q, n in unanswered])
