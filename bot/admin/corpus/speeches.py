"""/speeches: what is indexed, with each speech's file and date, and files that are not."""

from __future__ import annotations

import asyncio

from telegram import Update

from ...services import Context
from ...ui import render_admin
from ...ui.replies import english, reply
from ..auth import require_admin
from .changes import folder_of


async def on_speeches(update: Update, context: Context) -> None:
    """/speeches: the indexed speeches with their files and dates (admins only)."""
    message = update.effective_message
    if message is None or not await require_admin(update, context):
        return
    index = context.bot_data.index
    entries = await asyncio.to_thread(folder_of(index).entries)
    files = {e.name: e for e in entries}
    for text in render_admin.speeches(await index.speeches(), files, english=english(update)):
        await reply(message, text)
