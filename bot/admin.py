"""Admin commands: /reindex and /stats, with the admin check on every command and button."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from index import BuildError, BuildReport, ReindexBusy

from . import callbacks as cb
from . import render, texts
from .handlers import reply
from .services import Context, Services
from .state import user_hash

log = logging.getLogger(__name__)

PROGRESS_EVERY = 2.0  # seconds between progress edits of the /reindex message
_STAGES = {"read": "读取文件", "tokenize": "分词", "index": "建立索引", "swap": "切换"}


async def require_admin(update: Update, context: Context) -> bool:
    """True for admins; everyone else gets a polite refusal, and the attempt is logged."""
    user = update.effective_user
    if context.bot_data.is_admin(user.id if user else None):
        return True
    log.warning(
        "refused admin action from user=%s (id %s): %r",
        user_hash(user.id) if user else "-",
        user.id if user else "-",
        _attempt(update),
    )
    english = texts.is_english(user.language_code if user else None)
    refusal = texts.NOT_ADMIN_EN if english else texts.NOT_ADMIN_ZH
    if update.callback_query is not None:
        await update.callback_query.answer(refusal, show_alert=True)
    elif update.effective_message is not None:
        await reply(update.effective_message, refusal)
    return False


def _attempt(update: Update) -> str | None:
    """What a refused user tried: the command, the button's data, or the file's name."""
    if update.callback_query is not None:
        return update.callback_query.data
    message = update.effective_message
    if message is not None and message.document is not None:
        return f"file {message.document.file_name!r}"
    return message.text if message is not None else None


async def on_reindex(update: Update, context: Context) -> None:
    """/reindex: rebuild while the old index keeps answering; progress edited into one message."""
    message = update.effective_message
    if message is None or not await require_admin(update, context):
        return
    services = context.bot_data
    if services.index.building:
        await reply(message, "已有一个重建任务正在进行，请等它完成。")
        return
    status = await reply(message, "⏳ 开始重建索引…（期间仍用旧索引回答问题）")
    services.reindex_task = context.application.create_task(
        _reindex(services, status), update=update
    )


async def _reindex(services: Services, status: Message) -> None:
    latest: list[tuple[str, int, int]] = [("read", 0, 0)]
    done = asyncio.Event()

    async def show_progress() -> None:
        shown = None
        while not done.is_set():
            stage, n, total = latest[-1]
            text = (
                f"⏳ 重建索引：{_STAGES.get(stage, stage)} {n}/{total}"
                if total
                else "⏳ 重建索引：读取文件…"
            )
            if text != shown:
                await _safe_edit(status, text)
                shown = text
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), PROGRESS_EVERY)

    ticker = asyncio.create_task(show_progress())
    try:
        report = await services.index.reindex(progress=lambda *p: latest.append(p))
        text = summary(report)
    except ReindexBusy:
        text = "已有一个重建任务正在进行，请等它完成。"
    except BuildError as exc:
        text = f"❌ 重建失败，旧索引继续服务。\n原因：{render.esc(str(exc))}"
        log.error("reindex failed: %s", exc)
    except Exception as exc:
        log.exception("reindex failed")
        text = f"❌ 重建失败，旧索引继续服务。\n原因：{render.esc(type(exc).__name__)}: {render.esc(str(exc))}"
    finally:
        done.set()
        await ticker
    await _safe_edit(status, text)


def summary(report: BuildReport) -> str:
    """The end-of-reindex summary."""
    head = (
        "✅ 语料未变化，索引已是最新。"
        if report.unchanged
        else f"✅ 索引已重建（第 {report.generation} 版）。"
    )
    skipped = "".join(f"\n  · {render.esc(n)}：{render.esc(r)}" for n, r in report.skipped)
    return (
        f"{head}\n读取文件 {report.files_read} 个，跳过 {len(report.skipped)} 个{skipped}\n"
        f"讲话 {report.speeches} 篇，部分 {report.sections} 个，段落 {report.paragraphs} 段\n"
        f"重新分词 {len(report.retokenized)} 篇，用时 {report.seconds:.1f} 秒"
    )


async def _safe_edit(message: Message, text: str) -> None:
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:  # a progress line that could not be shown is not worth failing for
        log.warning("could not edit reindex status: %s", exc)


async def on_stats(update: Update, context: Context) -> None:
    """/stats: questions served, latency, unanswered questions, index size and age."""
    message = update.effective_message
    if message is None or not await require_admin(update, context):
        return
    services = context.bot_data
    stats = await services.state.stats()
    info = await services.index.info()
    age_h = (time.time() - info.built_at) / 3600
    built = dt.datetime.fromtimestamp(info.built_at, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    latency = (
        f"中位数 {stats.median_ms:.1f} ms，p95 {stats.p95_ms:.1f} ms"
        if stats.median_ms is not None and stats.p95_ms is not None
        else "暂无"
    )
    lines = [
        f"<b>已回答问题</b>：{stats.questions}",
        f"<b>回答用时</b>：{latency}",
        f"<b>索引</b>：{info.paragraphs} 段，{info.db_bytes / 1e6:.1f} MB，建于 {built}（{age_h:.1f} 小时前）",
        "<b>无相关结果的高频问题</b>：",
    ]
    lines += [
        f"{i}. {render.esc(q[:80])}（{n} 次）" for i, (q, n) in enumerate(stats.unanswered, 1)
    ] or ["（无）"]
    await reply(message, "\n".join(lines))


async def on_admin_button(update: Update, context: Context) -> None:
    """Admin buttons: checked against SPEECHBOT_ADMINS on every press."""
    query = update.callback_query
    if query is None or not await require_admin(update, context):
        return
    action = cb.decode(query.data)
    handler = ADMIN_ACTIONS.get(action.action) if isinstance(action, cb.Admin) else None
    if handler is None or not isinstance(action, cb.Admin):
        await query.answer("这个操作已失效。")
        return
    await handler(update, context, action.arg)


async def _cancel(update: Update, context: Context, arg: str) -> None:
    """The 取消 button of any admin prompt."""
    query = update.callback_query
    if query is not None:
        await query.answer("已取消")
        await query.edit_message_text("已取消，没有任何改动。")


AdminAction = Callable[[Update, Context, str], Awaitable[None]]
#: Admin button actions by name; corpus management registers its own.
ADMIN_ACTIONS: dict[str, AdminAction] = {"cancel": _cancel}
