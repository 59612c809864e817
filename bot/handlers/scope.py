"""The buttons of what a question pointed at: "在全部讲话中搜索" under a narrowed answer, and one
speech chosen under "哪篇讲话？". Each searches the stored question again and sends the answer."""

from __future__ import annotations

from telegram import CallbackQuery, Message

from ..services import Context
from ..ui import callbacks as cb
from ..ui import texts
from ..ui.pages import PAGE_SIZE
from ..ui.scope import EVERYWHERE
from .questions import search_reply


async def on_everywhere(query: CallbackQuery, context: Context, action: cb.Everywhere) -> None:
    """The stored question again, in all speeches."""
    await _again(query, context, action.query_id, None)


async def on_pick(query: CallbackQuery, context: Context, action: cb.Pick) -> None:
    """The stored question again, in the speech chosen."""
    await _again(query, context, action.query_id, action.speech)


async def _again(query: CallbackQuery, context: Context, query_id: int, speech: int | None) -> None:
    services, english = context.bot_data, texts.is_english(query.from_user.language_code)
    stored = await services.state.query(query_id)
    if stored is None:
        await query.answer(texts.STALE_BUTTON(english), show_alert=True)
        return
    await query.answer()
    async with services.searching:
        result = await services.index.search(
            stored.query, k=PAGE_SIZE, speech=speech, everywhere=speech is None
        )
        # Paging repeats the choice: the speech chosen, or every speech.
        new_id = await services.state.remember_query(
            stored.query, EVERYWHERE if speech is None else speech
        )
        text, markup = await search_reply(services, result, english=english, query_id=new_id)
    message = query.message
    if isinstance(message, Message):
        await message.reply_text(text, reply_markup=markup, do_quote=False)
