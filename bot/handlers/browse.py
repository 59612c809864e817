"""Browsing: /outline, and the buttons under answers, paragraphs, outlines and sections.

Every press edits the pressed message in place (answer → paragraph → outline → section → back to
the answer), so browsing never piles up messages. A button whose paragraph, section, speech or
stored question is gone, belongs to another chat, or carries data that does not decode, is
answered as stale; where its question is known, the message offers to search it again. Admin
buttons have their own handler (bot/admin/buttons.py).
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from index import Outline, OutlineNode, SearchResult

from ..services import Context
from ..state import StoredQuery
from ..ui import answer as answers
from ..ui import callbacks as cb
from ..ui import keyboards, render, texts
from ..ui.html import esc, short
from ..ui.marks import query_terms
from ..ui.pages import PAGE_SIZE, paginate, speech_pages
from ..ui.replies import english, reply
from ..ui.scope import EVERYWHERE
from . import scope
from .questions import answer_question, search_reply
from .views import is_live, marks, names, paragraphs_in

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
        await reply(message, text, reply_markup=keyboards.speeches(speeches, english=in_english))
        return
    found = await index.match_speech(ref)
    if len(found) > 1:
        text = texts.OUTLINE_WHICH(in_english, ref=esc(ref))
        await reply(message, text, reply_markup=keyboards.speeches(found))
        return
    tree = await index.outline(found[0].number) if found else None
    if tree is None:
        await reply(message, texts.NO_SUCH_SPEECH(in_english, ref=esc(short(ref, 40))))
        return
    text = render.outline(tree, english=in_english)
    await reply(message, text, reply_markup=keyboards.outline(tree, in_english))


async def on_button(update: Update, context: Context) -> None:
    """Route a button press; forged, outdated or malformed data is answered as stale."""
    query = update.callback_query
    if query is None:
        return
    action = cb.decode(query.data)
    if action is None or isinstance(action, cb.Admin):
        # Admin buttons have their own handler; anything else here is malformed.
        await _malformed(query, context)
        return
    if isinstance(action, cb.Example):
        await _example(update, context, action)
    elif isinstance(action, cb.More):
        await _more(query, context, action)
    elif isinstance(action, cb.Passage | cb.Full | cb.Context):
        await _paragraph(query, context, action)
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


async def _malformed(query: CallbackQuery, context: Context) -> None:
    """Data no button of this bot carries: one INFO line (no traceback), answered as stale."""
    log.info(
        "stale or malformed button data (%d bytes) from user=%s",
        len((query.data or "").encode("utf-8", "replace")),
        context.bot_data.state.pseudonym(query.from_user.id),
    )
    await _stale(query)


async def _stale(query: CallbackQuery) -> None:
    await query.answer(texts.STALE_BUTTON(_english(query)), show_alert=True)


async def _owned(query: CallbackQuery, context: Context, query_id: int) -> StoredQuery | None:
    """The stored question ``query_id`` if the chat pressing asked it."""
    message = _message(query)
    if not query_id or message is None:
        return None
    return await context.bot_data.state.query(query_id, message.chat_id)


async def _gone(
    query: CallbackQuery, context: Context, what: texts.Text, stored: StoredQuery | None
) -> None:
    """What the button showed is no longer indexed: say so, and offer the question again."""
    in_english = _english(query)
    if stored is None:
        await query.answer(what(in_english), show_alert=True)
        return
    text = what(in_english) + texts.GONE_SEARCH_AGAIN(
        in_english, query=esc(short(stored.query, 40))
    )
    await _edit(query, context, text, keyboards.search_again(stored.id, in_english))


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


async def _example(update: Update, context: Context, action: cb.Example) -> None:
    """One of /start's examples: asked as if the user had sent it."""
    query = update.callback_query
    assert query is not None
    if action.number >= len(texts.EXAMPLE_QUESTIONS):
        await _malformed(query, context)
        return
    await query.answer()
    await answer_question(update, context, texts.EXAMPLE_QUESTIONS[action.number])


async def _more(query: CallbackQuery, context: Context, action: cb.More) -> None:
    """A page of results; one beyond the end (the index shrank) shows the last page."""
    services = context.bot_data
    stored = await _owned(query, context, action.query_id)
    if stored is None:
        await _stale(query)
        return
    everywhere = stored.speech == EVERYWHERE
    focus = await services.followups.of_query(stored.id)  # a follow-up pages in its context
    async with services.searching:
        speech = None if everywhere else stored.speech

        async def page(offset: int) -> SearchResult:
            return await services.index.search(
                stored.query, PAGE_SIZE, speech, offset, focus=focus, everywhere=everywhere
            )

        result = await page(action.offset)
        if result.relevant and result.total and not result.hits:
            result = await page((result.total - 1) // PAGE_SIZE * PAGE_SIZE)
        text, markup = await search_reply(
            services, result, english=_english(query), query_id=stored.id
        )
    await _edit(query, context, text, markup)


async def _paragraph(
    query: CallbackQuery, context: Context, action: cb.Passage | cb.Full | cb.Context
) -> None:
    """A paragraph in full with its neighbours' edges and ◀ 上一段 · 下一段 ▶ · 大纲 · 返回结果."""
    index = context.bot_data.index
    query_id, offset = (
        (action.query_id, action.offset) if isinstance(action, cb.Passage) else (0, 0)
    )
    stored = await _owned(query, context, query_id)
    if query_id and stored is None:
        await _stale(query)
        return
    view = await index.paragraph(action.paragraph_id)
    if view is None or not is_live(index, view.paragraph_id):
        await _gone(query, context, texts.GONE_PARAGRAPH, stored)
        return
    around = [v for v in await index.context(view.paragraph_id, radius=1) if v != view]
    asked = stored.query if stored else ""
    terms = query_terms(asked, index.snapshot.tokenizer) if asked else ()
    text = answers.paragraph(
        view,
        around,
        names(context.bot_data),
        marks(index, asked),
        terms,
        total=paragraphs_in(index, view.speech_id),
        english=_english(query),
    )
    await _edit(query, context, text, keyboards.paragraph(view, query_id, offset, _english(query)))


async def _outline(query: CallbackQuery, context: Context, action: cb.OutlineOf) -> None:
    index, in_english = context.bot_data.index, _english(query)
    if action.speech == 0:
        speeches = await index.speeches()
        text = render.speech_list(speeches, english=in_english)
        await _edit(query, context, text, keyboards.speeches(speeches, english=in_english))
        return
    stored = await _owned(query, context, action.query_id)
    query_id = stored.id if stored else 0
    tree = await index.outline(action.speech)
    if tree is None:
        await _gone(query, context, texts.GONE_SPEECH, stored)
        return
    markup = keyboards.outline(tree, in_english, query_id, action.offset)
    await _edit(query, context, render.outline(tree, english=in_english), markup)


async def _speeches_page(query: CallbackQuery, context: Context, action: cb.SpeechesPage) -> None:
    speeches = await context.bot_data.index.speeches()
    page = min(action.page, speech_pages(len(speeches)) - 1)
    text = render.speech_list(speeches, page, english=_english(query))
    await _edit(query, context, text, keyboards.speeches(speeches, page, _english(query)))


def _neighbours(tree: Outline, section_id: int) -> tuple[int | None, int | None]:
    """The sections before and after ``section_id`` at its own depth (with paragraphs)."""
    levels: dict[int, list[int]] = {}
    depth_of: dict[int, int] = {}

    def walk(node: OutlineNode, depth: int) -> None:
        if node.n_paragraphs:
            levels.setdefault(depth, []).append(node.section_id)
            depth_of[node.section_id] = depth
        for child in node.children:
            walk(child, depth + 1)

    for node in tree.sections:
        walk(node, 0)
    if section_id not in depth_of:
        return None, None
    row = levels[depth_of[section_id]]
    i = row.index(section_id)
    return (row[i - 1] if i > 0 else None), (row[i + 1] if i + 1 < len(row) else None)


async def _section(query: CallbackQuery, context: Context, action: cb.SectionPage) -> None:
    index, in_english = context.bot_data.index, _english(query)
    stored = await _owned(query, context, action.query_id)
    views = await index.section_paragraphs(action.section_id)
    if not views or not is_live(index, views[0].paragraph_id):
        await _gone(query, context, texts.GONE_SECTION, stored)
        return
    pages = paginate(views)
    page = min(action.page, len(pages) - 1)
    title = await index.section_title(action.section_id) or ""
    text = render.section_text(title, pages[page], page, len(pages), english=in_english)
    speech = views[0].speech_id
    tree = await index.outline(speech)
    around = _neighbours(tree, action.section_id) if tree else (None, None)
    back = (stored.id, action.offset) if stored else (0, 0)
    where = (action.section_id, page, len(pages))
    await _edit(query, context, text, keyboards.section(where, around, speech, in_english, back))
