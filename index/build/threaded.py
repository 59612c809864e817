"""An iterator stepped from asyncio by one thread of its own.

``await asyncio.to_thread(next, it)`` cannot be cancelled: the awaiting task stops waiting but
the worker thread stays inside ``next``. Closing the generator from another thread then raises
``ValueError: generator already executing`` (over the CancelledError that caused the close), and
a generator must never be stepped or closed by two threads at once anyway. Here one thread owns
the iterator: every ``next`` and the final ``close`` run on it, one after the other, so a close
waits for the step in flight and never races it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

T = TypeVar("T")


class ThreadOwnedIterator(Generic[T]):
    """``await step()`` for the next item; ``await aclose()`` (or ``contextlib.aclosing``) at the end."""

    def __init__(self, iterator: Iterator[T], name: str = "speechbot-iterator") -> None:
        self._iterator = iterator
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    async def step(self) -> T:
        """The next item, computed on the owning thread (the iterator must not be exhausted)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, next, self._iterator)

    async def aclose(self) -> None:
        """Close the iterator on the owning thread, after the step in flight (if any) is done.

        Cancelled while waiting (a second cancel), the close still runs on that thread: it is
        queued already, and the thread finishes its queue before it exits.
        """
        close = getattr(self._iterator, "close", None)
        try:
            if close is not None:
                await asyncio.get_running_loop().run_in_executor(self._thread, close)
        finally:
            self._thread.shutdown(wait=False)
