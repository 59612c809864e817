"""/remove N: ask to confirm, then move the speech's file to ``.trash/`` and update the index."""

from __future__ import annotations

import logging

from telegram import Update

from index import parse_number

from ...services import Context
from ...ui import callbacks as cb
from ...ui import keyboards, render_admin, texts
from ...ui.html import esc
from ...ui.replies import edit_or_log, english, reply
from ..auth import require_admin
from .changes import ChangeFailed, apply_change

log = logging.getLogger(__name__)


async def on_remove(update: Update, context: Context) -> None:
    """/remove N: ask to confirm taking speech N out of the corpus folder and the index."""
    message = update.effective_message
    if message is None or not await require_admin(update, context):
        return
    in_english = english(update)
    ref = " ".join(context.args or []).strip().lstrip("#")
    number = parse_number(ref)  # '²', '-1', '1e3' and 20 digits are no number: the usage line
    if number is None:
        await reply(message, texts.REMOVE_USAGE(in_english))
        return
    speeches = await context.bot_data.index.speeches()
    info = next((s for s in speeches if s.number == number), None)
    if info is None:
        await reply(message, texts.NO_SUCH_NUMBER(in_english, ref=esc(ref)))
        return
    if len(speeches) == 1:
        await reply(message, texts.ONLY_SPEECH(in_english))
        return
    await reply(
        message,
        render_admin.remove_prompt(info, english=in_english),
        # The file's hash pins the button to this version of the speech.
        reply_markup=keyboards.confirm(cb.REMOVE_CONFIRM, f"{info.number}:{info.sha256[:12]}"),
    )


async def confirm(update: Update, context: Context, arg: str) -> None:
    """确认 under /remove: move the file to the trash and update the index."""
    query, services = update.callback_query, context.bot_data
    if query is None:
        return
    in_english = english(update)
    number, _, digest = arg.partition(":")
    # Under the lock, so that a second press of the same button waits and then finds it gone.
    async with services.corpus_lock:
        speeches = await services.index.speeches()
        info = next((s for s in speeches if str(s.number) == number), None)
        if info is None or not digest or not info.sha256.startswith(digest):
            await query.answer(texts.REMOVE_GONE(in_english), show_alert=True)
            return
        await query.answer(texts.REMOVING(in_english))
        source = info.source
        try:
            _, report = await apply_change(
                services.index, None, lambda folder: folder.remove(source)
            )
        except ChangeFailed as exc:
            text = render_admin.failure(
                texts.REMOVE_FAILED, info.title, exc.reason, english=in_english
            )
        else:
            log.info("speech %d (%s) removed, gen %d", info.number, source, report.generation)
            text = render_admin.removed(info, report, english=in_english)
    await edit_or_log(query, text, "the /remove prompt")
