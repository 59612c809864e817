"""Retries of Bot API calls that failed on the way, without ever sending a message twice.

Policy (see README, "Faults and recovery"):

* 429 with ``retry_after`` is retried by PTB's ``AIORateLimiter`` after the wait Telegram asks for.
* A gateway error (502/503/504, nginx's HTML page) means Telegram's front end got no answer from
  its back end; the call is retried with a short back-off.
* A failure before the request was fully sent (connect error or timeout, pool timeout, write
  timeout) is retried: Telegram cannot have acted on a request it never received whole.
* A read timeout or a dropped connection *after* the request was sent leaves the outcome unknown:
  Telegram usually did act on it. Idempotent methods (edits, answers, getters) are retried; a
  ``send*`` call is not, because a retry would deliver the message twice. At most once beats a
  duplicate answer; the error handler does not apologise for such a timeout either.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData

from .transport import BoundedHTTPXRequest

log = logging.getLogger(__name__)

#: Gateway errors nginx returns itself when Telegram's back end did not answer.
GATEWAY_ERRORS = frozenset({502, 503, 504})
#: Exceptions httpx raises before the request reached the server whole.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteTimeout)
#: Bot API method prefixes whose calls may be repeated without a second effect.
_IDEMPOTENT = ("get", "edit", "answer", "set", "delete", "logOut", "close")


def idempotent(api_method: str) -> bool:
    """Whether repeating a call of ``api_method`` (e.g. ``editMessageText``) is harmless."""
    return api_method.startswith(_IDEMPOTENT)


def surely_not_sent(exc: BaseException) -> bool:
    """Whether the request that raised ``exc`` never reached the server whole."""
    return isinstance(exc.__cause__, _NOT_SENT)


def delivery_unknown(exc: BaseException) -> bool:
    """Whether a failed call may still have taken effect (a timeout after sending)."""
    sent = isinstance(exc.__cause__, httpx.TransportError) and not surely_not_sent(exc)
    return isinstance(exc, NetworkError) and sent


class RetryingRequest(BoundedHTTPXRequest):
    """HTTPXRequest that retries a call when retrying cannot make Telegram act on it twice."""

    def __init__(self, *args: Any, attempts: int = 3, backoff: float = 0.5, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attempts = max(1, attempts)
        self.backoff = backoff

    async def do_request(  # type: ignore[override]
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        **timeouts: Any,
    ) -> tuple[int, bytes]:
        """Send the request; on a failure that is safe to repeat, wait and send it again."""
        api_method = url.rsplit("/", 1)[-1]
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                code, payload = await super().do_request(url, method, request_data, **timeouts)
            except NetworkError as exc:  # TimedOut is a NetworkError
                if last or not (surely_not_sent(exc) or idempotent(api_method)):
                    if isinstance(exc, TimedOut) and not surely_not_sent(exc):
                        log.warning("%s timed out after sending; not repeated", api_method)
                    raise
                log.warning("%s failed (%s); retry %d", api_method, exc, attempt)
            else:
                if code not in GATEWAY_ERRORS or last:
                    return code, payload
                log.warning("%s got HTTP %d from the gateway; retry %d", api_method, code, attempt)
            await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # the loop always returns or raises
