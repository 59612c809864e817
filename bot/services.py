"""What handlers need, as one typed ``bot_data`` object with start-up and shutdown hooks."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
import os
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from telegram.ext import Application, CallbackContext, ExtBot

from index import ReindexBusy, SearchIndex, quick_check

from .settings import Settings
from .state import BotState, FollowUps, PendingUploads

log = logging.getLogger(__name__)

#: Searches in progress at once: of 2, 4, 8 and 16 on two cores, 8 did best (tests/loadtest.py).
SEARCH_SLOTS = 4 * (os.cpu_count() or 2)


class UserRateLimit:
    """At most ``per_minute`` questions per user in any sliding minute."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    def allow(self, user_id: int, now: float | None = None) -> bool:
        """Record a question; False when the user is over the limit."""
        now = time.monotonic() if now is None else now
        window = self._seen.setdefault(user_id, deque())
        while window and now - window[0] > 60:
            window.popleft()
        if self.per_minute > 0 and len(window) >= self.per_minute:
            return False
        window.append(now)
        return True

    def retry_after(self, user_id: int, now: float | None = None) -> int:
        """Whole seconds until an over-limit user may ask again (at least 1)."""
        now = time.monotonic() if now is None else now
        window = self._seen.get(user_id)
        if not window:
            return 1
        return max(1, math.ceil(60 - (now - window[0])))

    def should_warn(self, user_id: int, now: float | None = None) -> bool:
        """Whether to tell an over-limit user: once per window, i.e. not again until the
        moment the last warning named has passed."""
        now = time.monotonic() if now is None else now
        if now < self._warned.get(user_id, -1e9):
            return False
        self._warned[user_id] = now + self.retry_after(user_id, now)
        return True


class EditThrottle:
    """Spaces edits of one message: Telegram floods after ~20 rapid edits (PTB issue #939)."""

    def __init__(self, min_interval: float = 1.0) -> None:
        self.min_interval = min_interval
        self._last: dict[tuple[int, int], float] = {}

    def allow(self, chat_id: int, message_id: int, now: float | None = None) -> bool:
        """True, and remember the time, when the message may be edited now."""
        now = time.monotonic() if now is None else now
        key = (chat_id, message_id)
        if now - self._last.get(key, -1e9) < self.min_interval:
            return False
        self._last[key] = now
        if len(self._last) > 10_000:  # forget old messages
            cutoff = now - 3600
            self._last = {k: t for k, t in self._last.items() if t > cutoff}
        return True


T = TypeVar("T")


class PerGeneration:
    """Values worked out once per live generation (speech names and the like): a value is made
    again when the generation it was made for is no longer the live one."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[object, Any]] = {}

    def get(self, key: str, generation: object, make: Callable[[], T]) -> T:
        """The value under ``key`` for ``generation``, made by ``make`` the first time."""
        held = self._values.get(key)
        if held is None or held[0] is not generation:
            held = self._values[key] = (generation, make())
        value: T = held[1]
        return value


class Services:
    """The bot's services; created empty by PTB, filled in by :meth:`initialize`."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._index: SearchIndex | None = None
        self._state: BotState | None = None
        self._followups: FollowUps | None = None
        self._pending: PendingUploads | None = None
        # One change to the corpus folder (upload, replace, remove) at a time.
        self.corpus_lock = asyncio.Lock()
        self.limits = UserRateLimit(20)
        self.edits = EditThrottle()
        self.per_generation = PerGeneration()
        # Questions being searched and rendered at once; the rest wait here at no cost. Without
        # a bound, a burst of updates (200 users at once, or a backlog after a restart) put
        # hundreds of searches and renders into the same event-loop turns: stalls of 250-300 ms
        # and less throughput (tests/loadtest.py, README "The bot under load").
        self.searching = asyncio.Semaphore(SEARCH_SLOTS)
        self.reindex_task: asyncio.Task[Any] | None = None
        self.startup_check: asyncio.Task[None] | None = None

    async def initialize(self, settings: Settings, index: SearchIndex | None = None) -> None:
        """Open the index (jieba's dictionary loads now, not on the first question) and state."""
        self._settings = settings
        self.limits = UserRateLimit(settings.user_rate)
        # The bot answers with BM25 while missing sentence vectors are embedded in the background.
        config = dataclasses.replace(settings.index_config, embed_in_background=True)
        self._index = index or SearchIndex(config)
        if not self._index.ready:
            await self._index.initialize()
        if await self._index.is_stale():
            # Serve the old index meanwhile; the new one is swapped in when ready.
            log.warning("corpus changed since the last build: reindexing in the background")
            self.reindex_task = asyncio.create_task(self._refresh())
        # The file's structure, checked once in the background: a damaged page is found now,
        # not by the first question that needs it.
        self.startup_check = asyncio.create_task(self._quick_check())
        self._state = BotState(settings.db_path, settings.keep_questions_days)
        await self._state.initialize()
        self._pending = PendingUploads(self._state.db)
        await self._pending.initialize()
        self._followups = FollowUps(self._state.db)
        await self._followups.initialize()

    async def _quick_check(self) -> None:
        found = await asyncio.to_thread(quick_check, self.settings.db_path)
        if found is not None and self.index.damaged is None:
            log.error("the database %s is damaged (quick_check: %s)", self.settings.db_path, found)
            self.index.damaged = f"quick_check: {found}"

    async def _refresh(self) -> None:
        try:
            report = await self.index.reindex()
            log.info("background reindex done: generation %d", report.generation)
        except ReindexBusy as exc:
            log.warning("background reindex not started: %s", exc)
        except Exception:
            log.exception("background reindex failed; the previous index keeps serving")

    async def shutdown(self) -> None:
        """Close what :meth:`initialize` opened."""
        for task in (self.reindex_task, self.startup_check):
            if task is not None and not task.done():
                task.cancel()
        if self._state is not None:
            await self._state.shutdown()
        if self._index is not None:
            await self._index.shutdown()

    @property
    def settings(self) -> Settings:
        """The settings."""
        if self._settings is None:
            raise RuntimeError("services not initialised")
        return self._settings

    @property
    def index(self) -> SearchIndex:
        """The search index."""
        if self._index is None:
            raise RuntimeError("services not initialised")
        return self._index

    @property
    def state(self) -> BotState:
        """The bot's tables."""
        if self._state is None:
            raise RuntimeError("services not initialised")
        return self._state

    @property
    def followups(self) -> FollowUps:
        """What follow-up questions lean on, per chat."""
        if self._followups is None:
            raise RuntimeError("services not initialised")
        return self._followups

    @property
    def pending(self) -> PendingUploads:
        """Uploads waiting for confirmation."""
        if self._pending is None:
            raise RuntimeError("services not initialised")
        return self._pending

    def is_admin(self, user_id: int | None) -> bool:
        """Whether ``user_id`` is in SPEECHBOT_ADMINS."""
        return user_id is not None and user_id in self.settings.admins


Context = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], Services]
App = Application[ExtBot[Any], Context, dict[Any, Any], dict[Any, Any], Services, Any]
