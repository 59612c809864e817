"""The users' side of the fake: messages, files, button presses and inline queries to the bot."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .models import Call, Chat, User, buttons
from .state import BotState

_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{5,32})?(?![\w/])")


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def auto_entities(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities, as Telegram adds them to a user's message."""
    found = [("bot_command", m) for m in _COMMAND.finditer(text)]
    found += [("mention", m) for m in _MENTION.finditer(text)]
    return sorted(
        (
            {"type": kind, "offset": _utf16(text[: m.start()]), "length": _utf16(m.group())}
            for kind, m in found
        ),
        key=lambda e: e["offset"],
    )


class Users(BotState):
    """Queues updates as Telegram would deliver them from users (see FakeBotAPI)."""

    default_user: User

    def _participants(self, user: User | None, chat: Chat | None) -> tuple[User, Chat]:
        if user is None:
            user = (self.user_of(chat) if chat is not None else None) or self.default_user
        chat = self.register_chat(chat or Chat.private(user), user)
        return user, chat

    def send_message(
        self,
        text: str,
        *,
        user: User | None = None,
        chat: Chat | None = None,
        entities: list[dict[str, Any]] | None = None,
        reply_to: int | None = None,
    ) -> int:
        """Queue a text message from ``user`` (default: ``default_user``) in ``chat`` (default:
        the user's private chat). Returns the new message_id."""
        user, chat = self._participants(user, chat)
        reply = self.message(chat.id, reply_to) if reply_to is not None else None
        if reply_to is not None and reply is None:
            raise LookupError(f"no message {reply_to} in chat {chat.id} to reply to")
        content = {
            "text": text,
            "entities": auto_entities(text) if entities is None else entities,
            "reply_to_message": reply,
        }
        message = self._new_message(chat, user, {k: v for k, v in content.items() if v})
        self.queue_update({"message": message})
        return int(message["message_id"])

    def send_document(
        self,
        file_name: str,
        data: bytes,
        mime_type: str = "application/octet-stream",
        *,
        user: User | None = None,
        chat: Chat | None = None,
        caption: str | None = None,
    ) -> int:
        """Queue a document message; getFile and the file URL then serve ``data``."""
        user, chat = self._participants(user, chat)
        content = {"document": self._store_file(data, file_name, mime_type), "caption": caption}
        message = self._new_message(chat, user, content)
        self.queue_update({"message": message})
        return int(message["message_id"])

    def press_button(
        self,
        message: Call | Mapping[str, Any],
        callback_data: str,
        *,
        user: User | None = None,
        strict: bool = True,
    ) -> str:
        """Queue a callback_query for a button of a message the bot sent (a sendMessage /
        editMessage* Call or a message dict). The message's *current* state is used; with
        ``strict`` the button must exist on it. Returns the callback query id."""
        sent = message.result if isinstance(message, Call) else message
        if not isinstance(sent, Mapping) or "message_id" not in sent:
            raise ValueError(f"not a message: {sent!r}")
        current = self.message(sent["chat"]["id"], sent["message_id"])
        if current is None:
            raise LookupError(f"message {sent['message_id']} was deleted or never sent")
        available = [data for row in buttons(current) for _, data in row]
        if strict and callback_data not in available:
            raise ValueError(f"no button {callback_data!r} on the message; it has {available!r}")
        user, chat = self._participants(user, self.chats[sent["chat"]["id"]])
        query_id = self._new_query_id()
        self.queue_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.to_dict(),
                    "message": current,
                    "chat_instance": self._chat_instance(chat.id),
                    "data": callback_data,
                }
            }
        )
        return query_id

    def inline_query(
        self, query: str, *, user: User | None = None, offset: str = "", chat_type: str = "sender"
    ) -> str:
        """Queue an inline_query update; returns the inline query id."""
        user = user or self.default_user
        query_id = self._new_query_id()
        self.queue_update(
            {
                "inline_query": {
                    "id": query_id,
                    "from": user.to_dict(),
                    "query": query,
                    "offset": offset,
                    "chat_type": chat_type,
                }
            }
        )
        return query_id
