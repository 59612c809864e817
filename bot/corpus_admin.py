"""/speeches (what is indexed, with files and dates) and /remove N (with confirmation)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from corpus import FolderEntry
from index import SpeechInfo

from . import keyboards, render
from .admin import ADMIN_ACTIONS, require_admin
from .corpus_changes import ChangeFailed, apply_change, folder_of
from .handlers import reply
from .services import Context

log = logging.getLogger(__name__)

REMOVE_USAGE = "用法：/remove 编号（编号见 /speeches 或 /outline），例如 <code>/remove 3</code>。"
_CHUNK = 3500  # characters per /speeches message, well inside Telegram's 4096


def _date(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def speeches_text(speeches: list[SpeechInfo], files: dict[str, FolderEntry]) -> list[str]:
    """/speeches as messages: number, title, file name, paragraphs, file date; unindexed files."""
    lines = [f"<b>已索引的讲话</b>（{len(speeches)} 篇）"]
    for s in speeches:
        entry = files.get(s.source)
        date = _date(entry.modified) if entry else "文件已不在语料文件夹中"
        lines.append(
            f"{s.number}. <b>{render.esc(s.title)}</b>\n"
            f"　{render.esc(s.source)} · {s.n_paragraphs} 段 · {date}"
        )
    indexed = {s.source for s in speeches}
    extra = [e for name, e in files.items() if name not in indexed]
    if extra:
        lines.append("<b>文件夹中未索引的文件</b>（发送 /reindex 查看原因）：")
        lines += [f"　{render.esc(e.name)} · {_date(e.modified)}" for e in extra]
    lines.append("移除：/remove 编号；添加或替换：直接发送 .txt、.md 或 .docx 文件。")
    messages, current = [], ""
    for line in lines:
        if current and len(current) + len(line) + 1 > _CHUNK:
            messages.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    messages.append(current)
    return [render.fit(m) for m in messages]


async def on_speeches(update: Update, context: Context) -> None:
    """/speeches: the indexed speeches with their files and dates (admins only)."""
    message = update.effective_message
    if message is None or not await require_admin(update, context):
        return
    index = context.bot_data.index
    entries = await asyncio.to_thread(folder_of(index).entries)
    files = {e.name: e for e in entries}
    for text in speeches_text(await index.speeches(), files):
        await reply(message, text)


async def on_remove(update: Update, context: Context) -> None:
    """/remove N: ask to confirm taking speech N out of the corpus folder and the index."""
    message = update.effective_message
    if message is None or not await require_admin(update, context):
        return
    ref = " ".join(context.args or []).strip().lstrip("#")
    if not ref.isdigit():
        await reply(message, REMOVE_USAGE)
        return
    speeches = await context.bot_data.index.speeches()
    info = next((s for s in speeches if s.number == int(ref)), None)
    if info is None:
        await reply(message, f"没有第 {render.esc(ref)} 篇讲话。发送 /speeches 查看编号。")
        return
    if len(speeches) == 1:
        await reply(message, "这是索引中唯一的讲话，不能移除（索引至少需要一篇讲话）。")
        return
    await reply(
        message,
        f"确认移除第 {info.number} 篇“<b>{render.esc(info.title)}</b>”？\n"
        f"文件 {render.esc(info.source)}（{info.n_paragraphs} 段）将移到语料文件夹的 "
        ".trash/ 中（可手动恢复），索引随之更新。",
        # The file's hash pins the button to this version of the speech.
        reply_markup=keyboards.confirm("rmok", f"{info.number}:{info.sha256[:12]}"),
    )


async def _confirm_remove(update: Update, context: Context, arg: str) -> None:
    """确认 under /remove: move the file to the trash and update the index."""
    query, services = update.callback_query, context.bot_data
    if query is None:
        return
    number, _, digest = arg.partition(":")
    # Under the lock, so that a second press of the same button waits and then finds it gone.
    async with services.corpus_lock:
        speeches = await services.index.speeches()
        info = next((s for s in speeches if str(s.number) == number), None)
        if info is None or not digest or not info.sha256.startswith(digest):
            await query.answer("这篇讲话已移除或已变化，请重新发送 /remove。", show_alert=True)
            return
        await query.answer("正在移除…")
        source = info.source
        try:
            _, report = await apply_change(
                services.index, None, lambda folder: folder.remove(source)
            )
        except ChangeFailed as exc:
            text = f"❌ 没有移除“{render.esc(info.title)}”。\n原因：{render.esc(str(exc))}"
        else:
            log.info("speech %d (%s) removed, gen %d", info.number, source, report.generation)
            text = (
                f"✅ 已移除第 {info.number} 篇“{render.esc(info.title)}”。\n"
                f"文件 {render.esc(source)} 已移到 .trash/。\n"
                f"索引：讲话 {report.speeches} 篇，段落 {report.paragraphs} 段（第 {report.generation} 版）"
            )
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.warning("could not edit the /remove prompt: %s", exc)


ADMIN_ACTIONS.update({"rmok": _confirm_remove})
