"""/start, /help (with the admin commands for admins), /about, and unknown commands."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from ..services import Context
from ..state import context_key
from ..ui import render, texts
from ..ui.replies import english, reply


async def on_help(update: Update, context: Context) -> None:
    """/start and /help; /start also forgets what follow-up questions would lean on."""
    message = update.effective_message
    if message is None:
        return
    if message.text and message.text.split()[0].split("@")[0] == "/start":
        private = message.chat.type == ChatType.PRIVATE
        user_id = update.effective_user.id if update.effective_user else 0
        await context.bot_data.followups.clear(context_key(message.chat.id, user_id, private))
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
    info = await context.bot_data.index.info()
    semantic = context.bot_data.index.dense_status()
    await reply(update.effective_message, render.about(info, semantic, english=english(update)))


async def on_unknown(update: Update, context: Context) -> None:
    """An unknown command gets a pointer to /help (in groups only when it names this bot)."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    command = message.text.split()[0]
    if message.chat.type != ChatType.PRIVATE and f"@{context.bot.username}" not in command:
        return
    await reply(message, texts.UNKNOWN(english(update)))
