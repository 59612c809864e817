"""Helpers to run a real python-telegram-bot Application against a FakeBotAPI."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from telegram.ext import Application, ApplicationBuilder

from .api import FakeBotAPI


def application_builder(api: FakeBotAPI) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """An ApplicationBuilder pointed at ``api`` (token, base_url, base_file_url set)."""
    return (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
    )


@contextlib.asynccontextmanager
async def polling(
    app: Application[Any, Any, Any, Any, Any, Any], *, poll_timeout: int = 1
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Run ``app`` in polling mode for the duration of the block, and always shut it down.

    ``poll_timeout`` is the getUpdates long-poll timeout (seconds); the fake answers as soon as an
    update is queued, so a short value only affects how fast shutdown is.
    """
    await app.initialize()
    try:
        await app.start()
        try:
            assert app.updater is not None, "build the Application with an Updater"
            await app.updater.start_polling(poll_interval=0.0, timeout=poll_timeout)
            try:
                yield app
            finally:
                await app.updater.stop()
        finally:
            await app.stop()
    finally:
        await app.shutdown()
