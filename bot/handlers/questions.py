"""Questions: a message (in groups only when addressed to the bot) or /search, answered with the
best passages; the question is stored for its "more results" button and logged for /stats."""

from __future__ import annotations

import logging
import re
import time

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType

from index import Focus, SearchResult, clean_display

from ..services import Context, Services
from ..state import context_key
from ..ui import render, texts
from ..ui.pages import PAGE_SIZE
from ..ui.replies import english, reply
from .views import answer_view

log = logging.getLogger("speechbot.questions")

MAX_QUESTION = 500  # characters; longer messages are not questions
#: A message this long with this many sentences is pasted text, not a question.
PASTED_CHARS, PASTED_SENTENCES = 100, 3
_SENTENCE_END = re.compile(r"[。！？；!?;]")


def not_a_question(text: str) -> bool:
    """Over the length limit, or a pasted paragraph (long, several sentences)."""
    if len(text) > MAX_QUESTION:
        return True
    return len(text) > PASTED_CHARS and len(_SENTENCE_END.findall(text)) >= PASTED_SENTENCES


async def answer_question(update: Update, context: Context, query: str) -> None:
    """Search, render and send the best passages for ``query``."""
    message, services = update.effective_message, context.bot_data
    if message is None:
        return
    user_id = update.effective_user.id if update.effective_user else 0
    in_english = english(update)
    # Controls and lone surrogates can be neither stored (SQLite needs UTF-8) nor shown.
    query = clean_display(query)
    if not_a_question(query):  # a short hint; the text is never echoed
        example = texts.EXAMPLE_QUESTIONS[0]
        hint = texts.LONG_QUESTION(in_english, n=len(query), limit=MAX_QUESTION, example=example)
        await reply(message, hint)
        return
    if not services.limits.allow(user_id):
        if services.limits.should_warn(user_id):
            seconds = services.limits.retry_after(user_id)
            limit = services.limits.per_minute
            await reply(message, texts.SLOW_DOWN_UNTIL(in_english, limit=limit, seconds=seconds))
        return
    started = time.perf_counter()
    key = context_key(message.chat.id, user_id, message.chat.type == ChatType.PRIVATE)
    focus = await services.followups.get(key)
    async with services.searching:  # see Services.searching
        result = await services.index.search(query, k=PAGE_SIZE, focus=focus)
        text, markup = await search_reply(
            services, result, english=in_english, chat_id=message.chat_id, focus=focus
        )
    await services.followups.put(key, result.focus)  # before the answer: a reply may follow it
    await reply(message, text, reply_markup=markup)
    latency = (time.perf_counter() - started) * 1000
    await services.state.log_question(
        user_id, message.chat.type, query, latency, len(result.hits), result.relevant
    )
    log.info(
        "question user=%s chat=%s latency_ms=%.1f hits=%d relevant=%s terms=%d",
        services.state.pseudonym(user_id),
        message.chat.type,
        latency,
        len(result.hits) if result.relevant else 0,
        result.relevant,
        len(result.terms),
    )


async def search_reply(
    services: Services,
    result: SearchResult,
    *,
    english: bool,
    query_id: int | None = None,
    chat_id: int | None = None,
    focus: Focus | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The reply to a result: the question is stored first for ``chat_id`` (unless ``query_id``
    says where it already is), with the context it was asked in (``focus``), so that its
    buttons work after a restart, in that chat only, and page alike; rendering writes nothing."""
    if (result.relevant or result.candidates) and query_id is None:
        # Also for "哪篇讲话？": its buttons search the stored question in the speech chosen.
        query_id = await services.state.remember_query(result.query, result.speech, chat_id)
        if query_id is not None:
            await services.followups.asked_with(query_id, focus)
    view = answer_view(services, result.query)
    return render.result_reply(result, query_id, view, english=english)


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
        await reply(message, texts.SEARCH_USAGE(english(update)))
        return
    await answer_question(update, context, query)


def strip_mention(text: str, username: str | None) -> str:
    """The question without the bot's @mention."""
    if username:
        text = text.replace(f"@{username}", " ")
    return " ".join(text.split())
