"""Browsing: /outline, and the buttons under answers, outlines and sections (paging in place,
全文, 上下文, 大纲, section pages). Admin buttons have their own handler (bot/admin/buttons.py)."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from ..services import Context
from ..ui import callbacks as cb
from ..ui import keyboards, render, texts
from ..ui.html import esc
from ..ui.pages import PAGE_SIZE, paginate, speech_pages
from ..ui.replies import english, reply
from ..ui.scope import EVERYWHERE
from . import scope
from .questions import search_reply

log = logging.getLogger(__name__)


async def on_outline(update: Update, context: Context) -> None:
    """/outline, /outline N, /outline 名称."""
    message, index = update.effective_message, context.bot_data.index
    if message is None:
        return
    in_english = english(update)
    ref = " ".join(context.args or []).strip()
    if not ref:
        speeches = await index.speeches()
        text = render.speech_list(speeches, english=in_english)
        await reply(message, text, reply_markup=keyboards.speeches(speeches))
        return
    found = await index.match_speech(ref)
    if len(found) > 1:
        text = texts.OUTLINE_WHICH(in_english, ref=esc(ref))
        await reply(message, text, reply_markup=keyboards.speeches(found))
        return
    tree = await index.outline(found[0].number) if found else None
    if tree is None:
        await reply(message, texts.NO_SUCH_SPEECH(in_english, ref=esc(ref)))
        return
    text = render.outline(tree, english=in_english)
    await reply(message, text, reply_markup=keyboards.outline(tree))


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
    elif isinstance(action, cb.Everywhere):
        await scope.on_everywhere(query, context, action)
    elif isinstance(action, cb.Pick):
        await scope.on_pick(query, context, action)
    else:
        await _section(query, context, action)


def _message(query: CallbackQuery) -> Message | None:
    return query.message if isinstance(query.message, Message) else None


def _english(query: CallbackQuery) -> bool:
    return texts.is_english(query.from_user.language_code)


async def _stale(query: CallbackQuery) -> None:
    await query.answer(texts.STALE_BUTTON(_english(query)), show_alert=True)


async def _send(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """A new message below the one whose button was pressed."""
    await query.answer()
    message = _message(query)
    if message is not None:
        await message.reply_text(text, reply_markup=markup, do_quote=False)


async def _edit(
    query: CallbackQuery, context: Context, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Edit the pressed message in place, spaced out to stay clear of flood control."""
    message = _message(query)
    if message is None:
        await query.answer()
        return
    if not context.bot_data.edits.allow(message.chat_id, message.message_id):
        await query.answer(texts.WAIT_BEFORE_PRESSING(_english(query)))
        return
    await query.answer()
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def _more(query: CallbackQuery, context: Context, action: cb.More) -> None:
    services = context.bot_data
    stored = await services.state.query(action.query_id)
    if stored is None:
        await _stale(query)
        return
    everywhere = stored.speech == EVERYWHERE
    focus = await services.followups.of_query(stored.id)  # a follow-up pages in its context
    async with services.searching:
        result = await services.index.search(
            stored.query,
            k=PAGE_SIZE,
            speech=None if everywhere else stored.speech,
            offset=action.offset,
            focus=focus,
            everywhere=everywhere,
        )
        text, markup = await search_reply(
            services, result, english=_english(query), query_id=stored.id
        )
    await _edit(query, context, text, markup)


async def _full(query: CallbackQuery, context: Context, action: cb.Full) -> None:
    view = await context.bot_data.index.paragraph(action.paragraph_id)
    if view is None:
        await _stale(query)
        return
    await _send(query, render.paragraph(view, english=_english(query)))


async def _context(query: CallbackQuery, context: Context, action: cb.Context) -> None:
    views = await context.bot_data.index.context(action.paragraph_id, radius=1)
    if not views:
        await _stale(query)
        return
    await _send(query, render.context(views, action.paragraph_id, english=_english(query)))


async def _outline(query: CallbackQuery, context: Context, action: cb.OutlineOf) -> None:
    index, in_english = context.bot_data.index, _english(query)
    if action.speech == 0:
        speeches = await index.speeches()
        text = render.speech_list(speeches, english=in_english)
        await _send(query, text, keyboards.speeches(speeches))
        return
    tree = await index.outline(action.speech)
    if tree is None:
        await _stale(query)
        return
    await _send(query, render.outline(tree, english=in_english), keyboards.outline(tree))


async def _speeches_page(query: CallbackQuery, context: Context, action: cb.SpeechesPage) -> None:
    speeches = await context.bot_data.index.speeches()
    page = min(action.page, speech_pages(len(speeches)) - 1)
    text = render.speech_list(speeches, page, english=_english(query))
    await _edit(query, context, text, keyboards.speeches(speeches, page))


async def _section(query: CallbackQuery, context: Context, action: cb.SectionPage) -> None:
    views = await context.bot_data.index.section_paragraphs(action.section_id)
    if not views:
        await _stale(query)
        return
    pages = paginate(views)
    page = min(action.page, len(pages) - 1)
    title = await context.bot_data.index.section_title(action.section_id) or ""
    text = render.section_text(title, pages[page], page, len(pages), english=_english(query))
    markup = keyboards.section_pages(action.section_id, page, len(pages))
    if action.page == 0:
        await _send(query, text, markup)
    else:
        await _edit(query, context, text, markup)
