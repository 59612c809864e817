"""Admin buttons (``callback_data`` ``a:ACTION:ARG``): the admin check on every press, then the
action registered for ACTION. The actions are passed in explicitly (bot/app.py, admin_actions);
nothing registers itself on import."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

from telegram import Update

from ..services import Context
from ..ui import callbacks as cb
from ..ui import texts
from ..ui.replies import english
from .auth import require_admin

#: An admin button's action: (update, context, the button's argument).
AdminAction = Callable[[Update, Context, str], Awaitable[None]]
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


def admin_buttons(actions: Mapping[str, AdminAction]) -> Handler:
    """The handler of every admin button, dispatching to ``actions`` by the button's action."""
    known = dict(actions)

    async def on_admin_button(update: Update, context: Context) -> None:
        """Admin buttons: checked against SPEECHBOT_ADMINS on every press."""
        query = update.callback_query
        if query is None or not await require_admin(update, context):
            return
        action = cb.decode(query.data)
        handler = known.get(action.action) if isinstance(action, cb.Admin) else None
        if handler is None or not isinstance(action, cb.Admin):
            await query.answer(texts.ACTION_EXPIRED(english(update)))
            return
        await handler(update, context, action.arg)

    return on_admin_button


async def cancel(update: Update, context: Context, arg: str) -> None:
    """The 取消 button of any admin prompt."""
    query = update.callback_query
    if query is not None:
        in_english = english(update)
        await query.answer(texts.CANCELLED(in_english))
        await query.edit_message_text(texts.CANCELLED_NOTHING_CHANGED(in_english))
