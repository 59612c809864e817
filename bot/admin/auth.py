"""The admin check on every admin command, button and file: a polite refusal, and a log line."""

from __future__ import annotations

import logging

from telegram import Update

from ..services import Context
from ..state import user_hash
from ..ui import texts
from ..ui.replies import english, reply

log = logging.getLogger(__name__)


async def require_admin(update: Update, context: Context) -> bool:
    """True for admins; everyone else gets a polite refusal, and the attempt is logged."""
    user = update.effective_user
    if context.bot_data.is_admin(user.id if user else None):
        return True
    log.warning(
        "refused admin action from user=%s (id %s): %r",
        user_hash(user.id) if user else "-",
        user.id if user else "-",
        _attempt(update),
    )
    refusal = texts.NOT_ADMIN(english(update))
    if update.callback_query is not None:
        await update.callback_query.answer(refusal, show_alert=True)
    elif update.effective_message is not None:
        await reply(update.effective_message, refusal)
    return False


def _attempt(update: Update) -> str | None:
    """What a refused user tried: the command, the button's data, or the file's name."""
    if update.callback_query is not None:
        return update.callback_query.data
    message = update.effective_message
    if message is not None and message.document is not None:
        return f"file {message.document.file_name!r}"
    return message.text if message is not None else None
