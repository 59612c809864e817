"""``/healthz``'s report: the checks of ``speechbot check``, cached, for the running bot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from index import DenseStatus

from ..check import Check, Report, check_token, run_checks
from ..settings import Settings


@dataclass
class HealthProbe:
    """Cached checks for ``/healthz``: cheap to call often, getMe asked at most every ``token_ttl``.

    With ``semantic`` (the running index's status) the report is the running bot's: the file's
    structure and the model, both checked when the bot started, are not looked at again."""

    settings: Settings
    damaged: Callable[[], str | None] = lambda: None  # the running index's damage, if any
    semantic: Callable[[], DenseStatus] | None = None
    ttl: float = 5.0
    token_ttl: float = 300.0
    _report: tuple[float, Report] | None = field(default=None, repr=False)
    _token: tuple[float, Check] | None = field(default=None, repr=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    async def report(self) -> Report:
        """The current report, recomputed when older than ``ttl``."""
        async with self._lock:  # concurrent probes share one computation
            now = time.monotonic()
            if self._report is not None and now - self._report[0] < self.ttl:
                return self._report[1]
            running = self.semantic() if self.semantic is not None else None
            offline = await run_checks(
                self.settings, offline=True, damaged=self.damaged(), running=running
            )
            if self._token is None or now - self._token[0] >= self.token_ttl:
                self._token = (now, await check_token(self.settings))
            report = replace(offline, checks=(*offline.checks[:-1], self._token[1]))
            self._report = (now, report)
            return report
