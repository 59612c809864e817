"""Button state that survives restarts (``bot_queries``) and the question log for /stats.

Privacy: a question's text stays only ``keep_questions_days`` (SPEECHBOT_KEEP_QUESTIONS_DAYS;
0: the log keeps no text, paging state one day); users appear only as pseudonyms, HMAC-SHA256 of
the id keyed with a random secret made once per installation and kept in ``bot_secrets``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import secrets
import statistics
import time
from collections.abc import Callable
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
CREATE TABLE IF NOT EXISTS bot_secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
"""

#: Button state older than this is removed (Telegram clients keep old messages around for long),
#: sooner when SPEECHBOT_KEEP_QUESTIONS_DAYS says so (one day when it is 0).
QUERY_RETENTION_DAYS = 180
#: How often old question text is removed while the bot runs (and at every start).
PRUNE_SECONDS = 3600
#: /stats lists an unanswered question only when this many different users asked it.
MIN_ASKERS = 2
_KEY_NAME = "pseudonym_key"


def user_hash(user_id: int, key: bytes) -> str:
    """A short, stable pseudonym for a user id, for logs and statistics: without the key, which
    only this installation's database holds, ids cannot be tried one by one."""
    return hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()[:16]


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

    def __init__(self, db_path: Path, keep_questions_days: int = 30) -> None:
        self.db_path = db_path
        self.keep_days = keep_questions_days
        self._db: aiosqlite.Connection | None = None
        self._key = secrets.token_bytes(32)  # replaced by the installation's own on open
        self._pruned = 0.0

    async def initialize(self) -> None:
        """Open the database and create the bot's tables (a read-only or full one is tolerated)."""
        if is_read_only(self.db_path):
            self._db = await aiosqlite.connect(read_only_uri(self.db_path), timeout=30, uri=True)
            log.warning("database is read-only: no paging buttons and no question log")
            with contextlib.suppress(aiosqlite.Error):
                await self._load_key()
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
            await self._db.execute(
                "INSERT OR IGNORE INTO bot_secrets (name, value) VALUES (?, ?)",
                (_KEY_NAME, secrets.token_bytes(32)),
            )
            await self._db.commit()
            await self._load_key()
            await self.prune()
        except aiosqlite.Error as exc:
            await self._failed_write("open the bot's tables", exc)

    async def _add_chat_column(self) -> None:
        """Databases made before paging state belonged to a chat get the column (rows without
        a chat are refused like stale buttons)."""
        columns = await (await self.db.execute("PRAGMA table_info(bot_queries)")).fetchall()
        if "chat_id" not in {str(c[1]) for c in columns}:
            await self.db.execute("ALTER TABLE bot_queries ADD COLUMN chat_id INTEGER")

    async def _load_key(self) -> None:
        row = await (
            await self.db.execute("SELECT value FROM bot_secrets WHERE name = ?", (_KEY_NAME,))
        ).fetchone()
        if row is not None and len(row[0]) >= 16:
            self._key = bytes(row[0])

    def pseudonym(self, user_id: int) -> str:
        """The user's pseudonym in this installation (logs, the question log)."""
        return user_hash(user_id, self._key)

    async def prune(self) -> None:
        """Drop question text older than ``keep_days`` and paging state past its retention."""
        now = time.time()
        self._pruned = now
        paging_days = min(QUERY_RETENTION_DAYS, self.keep_days or 1)
        await self.db.execute(
            "UPDATE bot_questions SET query = '' WHERE query != '' AND ts < ?",
            (now - self.keep_days * 86400,),
        )
        await self.db.execute(
            "DELETE FROM bot_queries WHERE created_at < ?", (now - paging_days * 86400,)
        )
        await self.db.commit()

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
            if time.time() - self._pruned > PRUNE_SECONDS:
                await self.prune()
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
                self.pseudonym(user_id),
                chat_type,
                query[:500] if self.keep_days > 0 else "",
                latency_ms,
                hits,
                int(relevant),
            ),
        )
        await self.db.commit()

    async def stats(self, top: int = 10, has_words: Callable[[str], bool] | None = None) -> Stats:
        """Questions served, latency median and p95, and the most frequent unanswered ones
        (those at least MIN_ASKERS people asked, with words in them by ``has_words``)."""
        wordy = has_words or (lambda q: any(c.isalnum() for c in q))
        latencies = [
            r[0]
            for r in await (
                await self.db.execute("SELECT latency_ms FROM bot_questions ORDER BY latency_ms")
            ).fetchall()
        ]
        # Only what at least two people asked: one person's question stays theirs.
        unanswered = await (
            await self.db.execute(
                "SELECT query, count(*) AS n FROM bot_questions WHERE relevant = 0 AND query != ''"
                " GROUP BY query HAVING count(DISTINCT user_hash) >= ?"
                " ORDER BY n DESC, max(ts) DESC LIMIT ?",
                (MIN_ASKERS, top * 3),
            )
        ).fetchall()
        shown = [(str(q), int(n)) for q, n in unanswered if wordy(str(q))]
        median = statistics.median(latencies) if latencies else None
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else None
        return Stats(len(latencies), median, p95, shown[:top])
