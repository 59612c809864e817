"""Admins add or replace speeches by sending a file: check, parse, preview, 确认 → folder + index.

A document is checked (type by extension and MIME type, size before and after download),
parsed by the corpus parser only (a .docx is opened by python-docx, nothing else unpacks or
runs it) and shown as a preview. The bytes wait in SQLite (``bot/pending.py``) until the
uploader presses 确认/替换 or 取消, so the buttons survive a restart.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram import CallbackQuery, Document, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from corpus import (
    SUPPORTED_SUFFIXES,
    CorpusFileError,
    CorpusFolder,
    FolderChange,
    Speech,
    parse_bytes,
)
from index import SearchIndex, SpeechInfo, normalize

from . import keyboards, render
from .admin import ADMIN_ACTIONS, require_admin
from .corpus_changes import ChangeFailed, apply_change
from .handlers import reply
from .pending import PendingUpload
from .services import Context, Services
from .state import user_hash

log = logging.getLogger(__name__)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# MIME types clients send for these files; anything else (an .exe renamed .txt) is refused.
_GENERIC_MIME = {"application/octet-stream", "binary/octet-stream", ""}
_MIME = {
    ".txt": ("text/",),
    ".md": ("text/",),
    ".docx": (DOCX_MIME, "application/zip", "application/x-zip-compressed"),
}
_REASONS = {
    "empty file": "文件是空的",
    "binary file": "这是二进制文件，不是文本",
    "not UTF-8/GB18030/UTF-16 text": "无法识别文件的编码（支持 UTF-8、GB18030/GBK、UTF-16）",
    "no speech text found": "文件中没有找到讲话正文",
}
_PREVIEW_HEADINGS = 20  # top-level headings listed in a preview
STALE = "这个上传已处理或已过期，请重新发送文件。"


def check_document(name: str, mime_type: str | None, size: int | None, limit: int) -> str | None:
    """Why a document cannot be a speech file (Chinese), or None; nothing is downloaded."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return f"只接受 .txt、.md、.docx 文件，这个文件是 {suffix or '无扩展名'}"
    mime = (mime_type or "").lower()
    if mime not in _GENERIC_MIME and not mime.startswith(_MIME[suffix]):
        return f"文件类型 {mime} 与扩展名 {suffix} 不符"
    if size is not None and size > limit:
        return f"文件太大（{_size(size)}，上限 {_size(limit)}）"
    return None


def reason_zh(exc: CorpusFileError) -> str:
    """The parser's reason in Chinese (unknown reasons as they are)."""
    if exc.reason.startswith("not a valid .docx file"):
        return "不是有效的 .docx 文件" + exc.reason.removeprefix("not a valid .docx file")
    return _REASONS.get(exc.reason, exc.reason)


async def on_document(update: Update, context: Context) -> None:
    """A file sent in a private chat: for admins a preview with 确认/取消, for others a refusal."""
    message = update.effective_message
    if message is None or message.document is None or not await require_admin(update, context):
        return
    services, document = context.bot_data, message.document
    name = Path((document.file_name or "").replace("\\", "/")).name
    data_or_reason = await _download(document, name, services.settings.max_upload_bytes)
    if isinstance(data_or_reason, str):
        await _refuse(message, name, data_or_reason)
        return
    data = data_or_reason
    try:
        speech = await asyncio.to_thread(parse_bytes, data, name)
    except CorpusFileError as exc:
        await _refuse(message, name, reason_zh(exc))
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
        user_hash(user.id) if user else "-",
        name,
        len(data),
        f"replaces {same.source}" if same else "new",
    )
    markup = keyboards.confirm(
        "upok", str(upload_id), yes="替换" if same else "确认", cancel="upno"
    )
    await reply(message, preview(speech, name, len(data), same), reply_markup=markup)


async def _download(document: Document, name: str, limit: int) -> bytes | str:
    """The document's bytes, or why not: size checked before and after the download."""
    problem = check_document(name, document.mime_type, document.file_size, limit)
    if problem:
        return problem
    try:
        file = await document.get_file()
        if file.file_size is not None and file.file_size > limit:
            return f"文件太大（{_size(file.file_size)}，上限 {_size(limit)}）"
        data = bytes(await file.download_as_bytearray())
    except TelegramError as exc:
        log.warning("could not download %r: %s", name, exc)
        return f"无法下载文件（{exc}）"
    if len(data) > limit:
        return f"文件太大（{_size(len(data))}，上限 {_size(limit)}）"
    return data


async def _refuse(message: Message, name: str, reason: str) -> None:
    log.info("upload %r refused: %s", name, reason)
    await reply(message, f"❌ 无法添加“{render.esc(name)}”：{render.esc(reason)}。\n没有任何改动。")


async def same_title(index: SearchIndex, title: str) -> SpeechInfo | None:
    """The indexed speech whose title equals ``title`` (after normalisation), if any."""
    wanted = normalize(title)
    return next((s for s in await index.speeches() if normalize(s.title) == wanted), None)


def preview(speech: Speech, name: str, size: int, same: SpeechInfo | None) -> str:
    """What the upload holds: title, top-level headings, paragraph count, file, encoding."""
    headings = speech.headings
    lines = [
        "📄 <b>上传预览</b>",
        f"<b>标题</b>：{render.esc(speech.title)}",
        f"<b>文件</b>：{render.esc(name)}（{_size(size)}，编码 {render.esc(speech.encoding)}）",
        f"<b>段落</b>：{len(speech.paragraphs)} 段",
        f"<b>一级标题</b>（{len(headings)} 个）：" if headings else "<b>一级标题</b>：（无）",
    ]
    lines += [f"　{render.esc(h)}" for h in headings[:_PREVIEW_HEADINGS]]
    if len(headings) > _PREVIEW_HEADINGS:
        lines.append(f"　……另有 {len(headings) - _PREVIEW_HEADINGS} 个")
    if same is not None:
        lines.append(
            f"\n⚠️ 已有同名讲话：第 {same.number} 篇（文件 {render.esc(same.source)}）。"
            "按“替换”用这个文件取代它，按“取消”不做改动。"
        )
    else:
        lines.append("\n按“确认”加入语料并更新索引，按“取消”不做改动。")
    return render.fit("\n".join(lines))


async def _owned(update: Update, context: Context, arg: str) -> PendingUpload | None:
    """The pending upload a button names, if it exists and the presser sent it."""
    query = update.callback_query
    if query is None:
        return None
    pending = await context.bot_data.pending.get(int(arg)) if arg.isdigit() else None
    if pending is None:
        await query.answer(STALE, show_alert=True)
        return None
    if pending.user_id != query.from_user.id:
        await query.answer("只有上传这个文件的管理员可以确认或取消。", show_alert=True)
        return None
    return pending


async def _confirm(update: Update, context: Context, arg: str) -> None:
    """确认/替换: write the file into the corpus folder, update the index, summarise."""
    query, services = update.callback_query, context.bot_data
    pending = await _owned(update, context, arg)
    if query is None or pending is None:
        return
    if not await services.pending.take(pending.id):  # pressed twice: only one press counts
        await query.answer(STALE, show_alert=True)
        return
    await query.answer("正在保存…")
    await _edit(query, f"⏳ 正在保存“{render.esc(pending.title)}”并更新索引…")
    await _edit(query, await _store(services, pending))


async def _store(services: Services, pending: PendingUpload) -> str:
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
        return f"❌ 没有保存“{render.esc(pending.title)}”。\n原因：{render.esc(str(exc))}"
    name = change.written.name if change.written else ""
    info = next((s for s in await services.index.speeches() if s.source == name), None)
    verb = "已替换" if replaces is not None else "已添加"
    number = f"第 {info.number} 篇，" if info else ""
    log.info("upload %d stored as %s (generation %d)", pending.id, name, report.generation)
    return (
        f"✅ {verb}“{render.esc(pending.title)}”（{number}{info.n_paragraphs if info else 0} 段）。\n"
        f"文件：{render.esc(name)}\n"
        f"索引：讲话 {report.speeches} 篇，段落 {report.paragraphs} 段（第 {report.generation} 版）"
    )


async def _cancel(update: Update, context: Context, arg: str) -> None:
    """取消: forget the upload; nothing in the corpus changes."""
    query = update.callback_query
    pending = await _owned(update, context, arg)
    if query is None or pending is None:
        return
    await context.bot_data.pending.take(pending.id)
    await query.answer("已取消")
    await _edit(query, f"已取消“{render.esc(pending.title)}”的上传，没有任何改动。")


async def _edit(query: CallbackQuery, text: str) -> None:
    """Replace the preview (and its buttons) with ``text``."""
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:  # the outcome is logged; a lost edit is not worth failing for
        log.warning("could not edit the upload preview: %s", exc)


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.1f} KB"


ADMIN_ACTIONS.update({"upok": _confirm, "upno": _cancel})
