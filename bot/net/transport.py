"""The HTTP client for Bot API calls, kept cheap for the event loop when many replies queue up."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.request import HTTPXRequest


class BoundedHTTPXRequest(HTTPXRequest):
    """An HTTPXRequest that lets at most ``connection_pool_size`` calls into httpx at once.

    httpcore's pool re-scans every queued request against every connection (with a socket
    check per connection) whenever a request starts or ends. With 200 replies queued for 64
    connections that scan took most of the event loop's time and stalled it for hundreds of
    milliseconds (tests/loadtest.py). Queued calls wait on a semaphore instead, which costs
    nothing and never runs into httpx's pool timeout.
    """

    def __init__(self, connection_pool_size: int = 256, **kwargs: Any) -> None:
        super().__init__(connection_pool_size=connection_pool_size, **kwargs)
        self._slots = asyncio.Semaphore(connection_pool_size)

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """See :meth:`HTTPXRequest.do_request`; waits for a free slot first."""
        async with self._slots:
            return await super().do_request(*args, **kwargs)
