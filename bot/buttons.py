"""Inline button presses: paging in place, 全文, 上下文, 大纲 and section pages."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from . import callbacks as cb
from . import keyboards, render, texts
from .handlers import render_result
from .services import Context

log = logging.getLogger(__name__)


async def on_button(update: Update, context: Context) -> None:
    """Route a button press; forged or outdated data is answered and otherwise ignored."""
    query = update.callback_query
    if query is None:
        return
    action = cb.decode(query.data)
    if action is None or isinstance(action, cb.Admin):
        # Admin buttons have their own handler; anything else here is malformed.
        await query.answer()
        return
    if isinstance(action, cb.More):
        await _more(query, context, action)
    elif isinstance(action, cb.Full):
        await _full(query, context, action)
    elif isinstance(action, cb.Context):
        await _context(query, context, action)
    elif isinstance(action, cb.OutlineOf):
        await _outline(query, context, action)
    elif isinstance(action, cb.SpeechesPage):
        await _speeches_page(query, context, action)
    else:
        await _section(query, context, action)


def _message(query: CallbackQuery) -> Message | None:
    return query.message if isinstance(query.message, Message) else None


async def _send(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """A new message below the one whose button was pressed."""
    await query.answer()
    message = _message(query)
    if message is not None:
        await message.reply_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, do_quote=False
        )


async def _edit(
    query: CallbackQuery, context: Context, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Edit the pressed message in place, spaced out to stay clear of flood control."""
    message = _message(query)
    if message is None:
        await query.answer()
        return
    if not context.bot_data.edits.allow(message.chat_id, message.message_id):
        await query.answer("请稍候再点…")
        return
    await query.answer()
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def _more(query: CallbackQuery, context: Context, action: cb.More) -> None:
    services = context.bot_data
    stored = await services.state.query(action.query_id)
    if stored is None:
        await query.answer(texts.STALE_BUTTON_ZH, show_alert=True)
        return
    async with services.searching:
        result = await services.index.search(
            stored.query, k=keyboards.PAGE_SIZE, speech=stored.speech, offset=action.offset
        )
        text, markup = await render_result(services, result, query_id=stored.id)
    await _edit(query, context, text, markup)


async def _full(query: CallbackQuery, context: Context, action: cb.Full) -> None:
    view = await context.bot_data.index.paragraph(action.paragraph_id)
    if view is None:
        await query.answer(texts.STALE_BUTTON_ZH, show_alert=True)
        return
    await _send(query, render.paragraph(view))


async def _context(query: CallbackQuery, context: Context, action: cb.Context) -> None:
    views = await context.bot_data.index.context(action.paragraph_id, radius=1)
    if not views:
        await query.answer(texts.STALE_BUTTON_ZH, show_alert=True)
        return
    await _send(query, render.context(views, action.paragraph_id))


async def _outline(query: CallbackQuery, context: Context, action: cb.OutlineOf) -> None:
    index = context.bot_data.index
    if action.speech == 0:
        speeches = await index.speeches()
        await _send(query, render.speech_list(speeches), keyboards.speeches(speeches))
        return
    tree = await index.outline(action.speech)
    if tree is None:
        await query.answer(texts.STALE_BUTTON_ZH, show_alert=True)
        return
    await _send(query, render.outline(tree), keyboards.outline(tree))


async def _speeches_page(query: CallbackQuery, context: Context, action: cb.SpeechesPage) -> None:
    speeches = await context.bot_data.index.speeches()
    page = min(action.page, render.speech_pages(len(speeches)) - 1)
    text = render.speech_list(speeches, page)
    await _edit(query, context, text, keyboards.speeches(speeches, page))


async def _section(query: CallbackQuery, context: Context, action: cb.SectionPage) -> None:
    views = await context.bot_data.index.section_paragraphs(action.section_id)
    if not views:
        await query.answer(texts.STALE_BUTTON_ZH, show_alert=True)
        return
    pages = render.paginate(views)
    page = min(action.page, len(pages) - 1)
    title = await context.bot_data.index.section_title(action.section_id) or ""
    text = render.section_text(title, pages[page], page, len(pages))
    markup = keyboards.section_pages(action.section_id, page, len(pages))
    if action.page == 0:
        await _send(query, text, markup)
    else:
        await _edit(query, context, text, markup)
