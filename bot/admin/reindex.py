"""/reindex: rebuild while the old index keeps answering, progress edited into one message."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Message, Update

from index import BuildError, IndexUnavailable, ReindexBusy, format_since

from ..services import Context, Services
from ..ui import render_admin, texts
from ..ui.replies import edit_or_log, english, reply
from .auth import require_admin

log = logging.getLogger(__name__)

PROGRESS_EVERY = 2.0  # seconds between progress edits of the /reindex message
_STATUS = "the reindex status"


async def on_reindex(update: Update, context: Context) -> None:
    """/reindex: start the rebuild in the background, answering with its status message."""
    message = update.effective_message
    if message is None or not await require_admin(update, context):
        return
    services, in_english = context.bot_data, english(update)
    if services.index.building:
        await reply(message, texts.REINDEX_BUSY(in_english))
        return
    status = await reply(message, texts.REINDEX_STARTED(in_english))
    services.reindex_task = context.application.create_task(
        _reindex(services, status, in_english), update=update
    )


async def _reindex(services: Services, status: Message, english: bool) -> None:
    latest: list[tuple[str, int, int]] = [("read", 0, 0)]
    done = asyncio.Event()

    async def show_progress() -> None:
        shown = None
        while not done.is_set():
            text = render_admin.reindex_progress(*latest[-1], english=english)
            if text != shown:
                await edit_or_log(status, text, _STATUS)
                shown = text
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), PROGRESS_EVERY)

    ticker = asyncio.create_task(show_progress())
    try:
        report = await services.index.reindex(progress=lambda *p: latest.append(p))
        text = render_admin.reindex_summary(report, english=english)
    except ReindexBusy as exc:
        text = busy_text(exc, english)
    except (BuildError, IndexUnavailable) as exc:  # IndexUnavailable: a damaged database
        text = render_admin.reindex_failed(str(exc), english=english)
        log.error("reindex failed: %s", exc)
    except Exception as exc:
        log.exception("reindex failed")
        text = render_admin.reindex_failed(f"{type(exc).__name__}: {exc}", english=english)
    finally:
        done.set()
        await ticker
    await edit_or_log(status, text, _STATUS)


def busy_text(exc: ReindexBusy, english: bool) -> str:
    """Busy here (another admin's /reindex), or in another process (its pid and start)."""
    if exc.pid is None:
        return texts.REINDEX_BUSY(english)
    return texts.REINDEX_BUSY_ELSEWHERE(english, pid=exc.pid, since=format_since(exc.since))
