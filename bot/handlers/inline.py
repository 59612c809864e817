"""Inline mode: ``@bot 问题`` in any chat offers the best passages as articles to send."""

from __future__ import annotations

from uuid import uuid4

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)

from index import clean_display

from ..services import Context
from ..ui import answer, texts
from ..ui.html import trim
from ..ui.replies import english
from .questions import MAX_QUESTION
from .views import answer_view

#: Passages offered per inline query.
INLINE_RESULTS = 5


async def on_inline(update: Update, context: Context) -> None:
    """@bot 问题: the best passages as articles."""
    query = update.inline_query
    if query is None:
        return
    text = clean_display(query.query)[:MAX_QUESTION]
    button = InlineQueryResultsButton(
        text=texts.INLINE_HELP(english(update)), start_parameter="help"
    )
    if not text:
        await query.answer([], button=button, cache_time=60)
        return
    async with context.bot_data.searching:
        result = await context.bot_data.index.search(text, k=INLINE_RESULTS)
        view = answer_view(context.bot_data, text)
        articles = [
            InlineQueryResultArticle(
                id=uuid4().hex,
                title=f"{hit.speech_title}",
                description=trim(hit.text, view.marks.terms(hit.matched_terms), 90, view.marks.cut),
                # HTML by the Application's Defaults, like every message.
                input_message_content=InputTextMessageContent(answer.passage(hit, view, 900)),
            )
            for hit in (result.hits if result.relevant else ())
        ]
    await query.answer(articles, button=button, cache_time=30, is_personal=False)
