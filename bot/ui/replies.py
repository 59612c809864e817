"""Sending what was rendered: replies, edits that may fail quietly, the reader's language.

Every message is HTML: the Application's ``Defaults(parse_mode=HTML)`` (bot/app.py) says so
once, so nothing here or in the handlers passes ``parse_mode``.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from .texts import is_english

log = logging.getLogger(__name__)


def english(update: Update) -> bool:
    """Whether the user behind ``update`` reads English (else Chinese)."""
    user = update.effective_user
    return is_english(user.language_code if user else None)


async def reply(
    message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Reply in HTML; in groups as a reply to the asking message."""
    quote = message.chat.type != ChatType.PRIVATE
    return await message.reply_text(text, reply_markup=reply_markup, do_quote=quote)


async def edit_or_log(target: Message | CallbackQuery, text: str, what: str) -> None:
    """Replace the text (and buttons) of a status message or of a pressed button's message.

    A failed edit is logged as "could not edit ``what``" and otherwise ignored: the outcome it
    shows is already logged, and a lost status line is not worth failing the update for.
    """
    try:
        if isinstance(target, CallbackQuery):
            await target.edit_message_text(text)
        else:
            await target.edit_text(text)
    except TelegramError as exc:
        log.warning("could not edit %s: %s", what, exc)
