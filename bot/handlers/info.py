"""/start (a greeting), /help (the reference, with the admin commands for admins), /about, and
unknown commands."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from ..services import Context
from ..state import context_key
from ..ui import keyboards, render, texts
from ..ui.replies import english, reply


async def on_start(update: Update, context: Context) -> None:
    """/start: a short greeting with example questions as buttons and the list of speeches;
    ``/start help`` (the inline results' button) is /help. Either forgets what follow-up
    questions would lean on."""
    message = update.effective_message
    if message is None:
        return
    private = message.chat.type == ChatType.PRIVATE
    user_id = update.effective_user.id if update.effective_user else 0
    await context.bot_data.followups.clear(context_key(message.chat.id, user_id, private))
    if context.args:
        await on_help(update, context)
        return
    in_english = english(update)
    await reply(message, texts.START(in_english), reply_markup=keyboards.start(in_english))


async def on_help(update: Update, context: Context) -> None:
    """/help: the reference (with the admin commands for admins)."""
    message = update.effective_message
    if message is None:
        return
    in_english = english(update)
    text = texts.HELP(in_english, username=context.bot.username)
    user = update.effective_user
    if context.bot_data.is_admin(user.id if user else None):
        text += texts.HELP_ADMIN(in_english)
    await reply(message, text)


async def on_about(update: Update, context: Context) -> None:
    """/about: corpus size and index age."""
    if update.effective_message is None:
        return
    index = context.bot_data.index
    text = render.about(await index.info(), index.dense_status(), english=english(update))
    if index.damaged is not None:
        text += texts.ABOUT_DAMAGED(english(update))
    await reply(update.effective_message, text)


async def on_unknown(update: Update, context: Context) -> None:
    """An unknown command gets a pointer to /help (in groups only when it names this bot)."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    command = message.text.split()[0]
    if message.chat.type != ChatType.PRIVATE and f"@{context.bot.username}" not in command:
        return
    await reply(message, texts.UNKNOWN(english(update)))
