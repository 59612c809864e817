"""Handlers for everyone: questions, buttons, /outline, /search, /about, /help, inline queries."""

from __future__ import annotations

import datetime as dt
import logging
import time
from uuid import uuid4

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode

from index import SearchResult, clean_display

from . import keyboards, render, texts
from .services import Context, Services
from .state import user_hash

log = logging.getLogger("speechbot.questions")

MAX_QUESTION = 500  # characters; longer messages are not questions


async def reply(message: Message, text: str, **kwargs: object) -> Message:
    """Reply in HTML; in groups as a reply to the asking message."""
    quote = message.chat.type != ChatType.PRIVATE
    return await message.reply_text(text, parse_mode=ParseMode.HTML, do_quote=quote, **kwargs)  # type: ignore[arg-type]


def _english(update: Update) -> bool:
    return texts.is_english(update.effective_user.language_code if update.effective_user else None)


async def answer_question(update: Update, context: Context, query: str) -> None:
    """Search, render and send the best passages for ``query``."""
    message, services = update.effective_message, context.bot_data
    if message is None:
        return
    user_id = update.effective_user.id if update.effective_user else 0
    # Controls and lone surrogates can be neither stored (SQLite needs UTF-8) nor shown.
    query = clean_display(query)
    if len(query) > MAX_QUESTION:
        limit_text = texts.TOO_LONG_EN if _english(update) else texts.TOO_LONG_ZH
        await reply(message, limit_text.format(limit=MAX_QUESTION))
        return
    if not services.limits.allow(user_id):
        if services.limits.should_warn(user_id):
            await reply(message, texts.SLOW_DOWN_EN if _english(update) else texts.SLOW_DOWN_ZH)
        return
    started = time.perf_counter()
    async with services.searching:  # see Services.searching
        result = await services.index.search(query, k=keyboards.PAGE_SIZE)
        text, markup = await render_result(services, result, english=_english(update))
    await reply(message, text, reply_markup=markup)
    latency = (time.perf_counter() - started) * 1000
    await services.state.log_question(
        user_id, message.chat.type, query, latency, len(result.hits), result.relevant
    )
    log.info(
        "question user=%s chat=%s latency_ms=%.1f hits=%d relevant=%s terms=%d",
        user_hash(user_id),
        message.chat.type,
        latency,
        len(result.hits) if result.relevant else 0,
        result.relevant,
        len(result.terms),
    )


async def render_result(
    services: Services, result: SearchResult, *, english: bool = False, query_id: int | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The reply text and buttons for a result (storing the question for paging)."""
    if not result.relevant:
        return render.nothing_found(result.query, result.reason, english=english), None
    if query_id is None:
        query_id = await services.state.remember_query(result.query, result.speech)
    return render.answer(result), keyboards.answer(result, query_id)


async def on_text(update: Update, context: Context) -> None:
    """A plain message is a question (in groups only when addressed to the bot)."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    query = strip_mention(message.text, context.bot.username)
    await answer_question(update, context, query)


async def on_search(update: Update, context: Context) -> None:
    """/search 问题."""
    message = update.effective_message
    if message is None:
        return
    query = " ".join(context.args or []).strip()
    if not query:
        await reply(message, texts.SEARCH_USAGE_EN if _english(update) else texts.SEARCH_USAGE_ZH)
        return
    await answer_question(update, context, query)


async def on_help(update: Update, context: Context) -> None:
    """/start and /help."""
    if update.effective_message is None:
        return
    english = _english(update)
    text = (texts.HELP_EN if english else texts.HELP_ZH).format(username=context.bot.username)
    user = update.effective_user
    if context.bot_data.is_admin(user.id if user else None):
        text += texts.HELP_ADMIN_EN if english else texts.HELP_ADMIN_ZH
    await reply(update.effective_message, text)


async def on_outline(update: Update, context: Context) -> None:
    """/outline, /outline N, /outline 名称."""
    message, index = update.effective_message, context.bot_data.index
    if message is None:
        return
    ref = " ".join(context.args or []).strip()
    if not ref:
        speeches = await index.speeches()
        await reply(
            message, render.speech_list(speeches), reply_markup=keyboards.speeches(speeches)
        )
        return
    info = await index.find_speech(ref)
    tree = await index.outline(info.number) if info else None
    if tree is None:
        await reply(message, f"没有找到讲话“{render.esc(ref)}”。发送 /outline 查看目录。")
        return
    await reply(message, render.outline(tree), reply_markup=keyboards.outline(tree))


async def on_about(update: Update, context: Context) -> None:
    """/about: corpus size and index age."""
    if update.effective_message is None:
        return
    info = await context.bot_data.index.info()
    built = dt.datetime.fromtimestamp(info.built_at, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    await reply(
        update.effective_message,
        f"<b>语料</b>：{info.speeches} 篇讲话，{info.sections} 个部分，{info.paragraphs} 段\n"
        f"<b>索引</b>：第 {info.generation} 版，建于 {built}，{info.terms} 个词，"
        f"{info.db_bytes / 1e6:.1f} MB，BM25 {render.esc(info.variant)}",
    )


async def on_unknown(update: Update, context: Context) -> None:
    """An unknown command gets a pointer to /help (in groups only when it names this bot)."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    command = message.text.split()[0]
    if message.chat.type != ChatType.PRIVATE and f"@{context.bot.username}" not in command:
        return
    await reply(message, texts.UNKNOWN_EN if _english(update) else texts.UNKNOWN_ZH)


async def on_inline(update: Update, context: Context) -> None:
    """@bot 问题: the best passages as articles."""
    query = update.inline_query
    if query is None:
        return
    text = clean_display(query.query)[:MAX_QUESTION]
    button = InlineQueryResultsButton(text="使用说明", start_parameter="help")
    if not text:
        await query.answer([], button=button, cache_time=60)
        return
    async with context.bot_data.searching:
        result = await context.bot_data.index.search(text, k=5)
        articles = [
            InlineQueryResultArticle(
                id=uuid4().hex,
                title=f"{hit.speech_title}",
                description=render.trim(hit.text, hit.matched_terms, 90),
                input_message_content=InputTextMessageContent(
                    render.passage(hit, 900), parse_mode=ParseMode.HTML
                ),
            )
            for hit in (result.hits if result.relevant else ())
        ]
    await query.answer(articles, button=button, cache_time=30, is_personal=False)


def strip_mention(text: str, username: str | None) -> str:
    """The question without the bot's @mention."""
    if username:
        text = text.replace(f"@{username}", " ")
    return " ".join(text.split())
