"""Admins add or replace speeches by sending a file: check, parse, preview, 确认 → folder + index.

A document is checked (type by extension and MIME type, size before and after download; see
``documents``), parsed by the corpus parser only (a .docx is opened by python-docx, nothing else
unpacks or runs it) and shown as a preview. The bytes wait in SQLite (bot/state/uploads.py) until
the uploader presses 确认/替换 (``confirm``) or 取消 (``cancel``), so the buttons survive a restart.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram import Message, Update

from corpus import CorpusFileError, CorpusFolder, FolderChange, parse_bytes
from index import SearchIndex, SpeechInfo, normalize, parse_number

from ...services import Context, Services
from ...state import PendingUpload
from ...ui import callbacks as cb
from ...ui import keyboards, render_admin, texts
from ...ui.html import esc
from ...ui.replies import edit_or_log, english, reply
from ...ui.texts import Phrase
from ..auth import require_admin
from .changes import ChangeFailed, apply_change
from .documents import download, parser_reason

log = logging.getLogger(__name__)

_PREVIEW = "the upload preview"


async def on_document(update: Update, context: Context) -> None:
    """A file sent in a private chat: for admins a preview with 确认/取消, for others a refusal."""
    message = update.effective_message
    if message is None or message.document is None or not await require_admin(update, context):
        return
    services, document, in_english = context.bot_data, message.document, english(update)
    name = Path((document.file_name or "").replace("\\", "/")).name
    data = await download(document, name, services.settings.max_upload_bytes)
    if isinstance(data, Phrase):
        await _refuse(message, name, data, in_english)
        return
    try:
        speech = await asyncio.to_thread(parse_bytes, data, name)
    except CorpusFileError as exc:
        await _refuse(message, name, parser_reason(exc), in_english)
        return
    same = await same_title(services.index, speech.title)
    user = update.effective_user
    upload_id = await services.pending.add(
        user.id if user else 0,
        message.chat_id,
        name,
        speech.title,
        same.source if same else None,
        data,
    )
    log.info(
        "upload %d from admin=%s: %r (%d bytes) %s",
        upload_id,
        services.state.pseudonym(user.id) if user else "-",
        name,
        len(data),
        f"replaces {same.source}" if same else "new",
    )
    markup = keyboards.confirm(
        cb.UPLOAD_CONFIRM,
        str(upload_id),
        yes=texts.BUTTON_REPLACE if same else texts.BUTTON_CONFIRM,
        cancel=cb.UPLOAD_CANCEL,
    )
    text = render_admin.preview(speech, name, len(data), same, english=in_english)
    await reply(message, text, reply_markup=markup)


async def _refuse(message: Message, name: str, reason: Phrase | str, english: bool) -> None:
    log.info("upload %r refused: %s", name, texts.said(reason, english=True))
    said = texts.said(reason, english)
    await reply(message, texts.REFUSED(english, name=esc(name), reason=esc(said)))


async def same_title(index: SearchIndex, title: str) -> SpeechInfo | None:
    """The indexed speech whose title equals ``title`` (after normalisation), if any."""
    wanted = normalize(title)
    return next((s for s in await index.speeches() if normalize(s.title) == wanted), None)


async def _owned(update: Update, context: Context, arg: str) -> PendingUpload | None:
    """The pending upload a button names, if it exists and the presser sent it."""
    query = update.callback_query
    if query is None:
        return None
    in_english = english(update)
    upload_id = parse_number(arg)
    pending = await context.bot_data.pending.get(upload_id) if upload_id is not None else None
    if pending is None:
        await query.answer(texts.STALE_UPLOAD(in_english), show_alert=True)
        return None
    if pending.user_id != query.from_user.id:
        await query.answer(texts.NOT_THE_UPLOADER(in_english), show_alert=True)
        return None
    return pending


async def confirm(update: Update, context: Context, arg: str) -> None:
    """确认/替换: write the file into the corpus folder, update the index, summarise."""
    query, services = update.callback_query, context.bot_data
    pending = await _owned(update, context, arg)
    if query is None or pending is None:
        return
    in_english = english(update)
    if not await services.pending.take(pending.id):  # pressed twice: only one press counts
        await query.answer(texts.STALE_UPLOAD(in_english), show_alert=True)
        return
    await query.answer(texts.SAVING(in_english))
    saving = texts.SAVING_STATUS(in_english, title=esc(pending.title))
    await edit_or_log(query, saving, _PREVIEW)
    await edit_or_log(query, await _store(services, pending, in_english), _PREVIEW)


async def _store(services: Services, pending: PendingUpload, english: bool) -> str:
    """Write the upload and update the index; the summary (or the reason nothing changed)."""
    suffix = Path(pending.file_name).suffix.lower()
    replaces = pending.replaces

    def operation(folder: CorpusFolder) -> FolderChange:
        if replaces is not None:
            return folder.replace(replaces, pending.data, suffix)
        return folder.add(pending.data, folder.new_name(pending.file_name, pending.title))

    try:
        change, report = await apply_change(services.index, services.corpus_lock, operation)
    except ChangeFailed as exc:
        return render_admin.failure(texts.NOT_SAVED, pending.title, exc.reason, english=english)
    name = change.written.name if change.written else ""
    info = next((s for s in await services.index.speeches() if s.source == name), None)
    log.info("upload %d stored as %s (generation %d)", pending.id, name, report.generation)
    return render_admin.stored(
        pending.title, name, info, report, replaced=replaces is not None, english=english
    )


async def cancel(update: Update, context: Context, arg: str) -> None:
    """取消: forget the upload; nothing in the corpus changes."""
    query = update.callback_query
    pending = await _owned(update, context, arg)
    if query is None or pending is None:
        return
    in_english = english(update)
    await context.bot_data.pending.take(pending.id)
    await query.answer(texts.CANCELLED(in_english))
    cancelled = texts.UPLOAD_CANCELLED(in_english, title=esc(pending.title))
    await edit_or_log(query, cancelled, _PREVIEW)
