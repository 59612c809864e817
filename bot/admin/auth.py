"""The admin check on every admin command, button and file: a polite refusal, and a log line."""

from __future__ import annotations

import logging
from pathlib import Path

from telegram import Update

from ..services import Context
from ..ui import texts
from ..ui.replies import english, reply

log = logging.getLogger(__name__)


async def require_admin(update: Update, context: Context) -> bool:
    """True for admins; everyone else gets a polite refusal, and the attempt is logged."""
    user = update.effective_user
    if context.bot_data.is_admin(user.id if user else None):
        return True
    log.warning(
        "refused admin action from user=%s: %s",
        context.bot_data.state.pseudonym(user.id) if user else "-",
        _attempt(update),
    )
    refusal = texts.NOT_ADMIN(english(update))
    if update.callback_query is not None:
        await update.callback_query.answer(refusal, show_alert=True)
    elif update.effective_message is not None:
        await reply(update.effective_message, refusal)
    return False


def _attempt(update: Update) -> str:
    """What a refused user tried, without what they wrote: the command, the button's action,
    or the type of the file."""
    if update.callback_query is not None:
        return "button " + (update.callback_query.data or "").split(":")[0][:20]
    message = update.effective_message
    if message is not None and message.document is not None:
        return f"file {Path(message.document.file_name or '').suffix[:10]!r}"
    text = (message.text or "") if message is not None else ""
    return text.split()[0][:40] if text.startswith("/") else "a message"
