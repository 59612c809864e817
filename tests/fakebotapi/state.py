"""The fake's world: chats, messages (ids per chat), files, commands, pending updates."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import itertools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .models import Chat, User, bad_request

try:  # tests/ as a package
    from ..telegram_html import TelegramHTMLError, parse_telegram_html
except ImportError:  # tests/ on sys.path (pytest's default "prepend" import mode)
    from telegram_html import TelegramHTMLError, parse_telegram_html  # type: ignore[no-redef]

T = TypeVar("T")

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024


class BotState:
    def __init__(self, token: str, bot_username: str, bot_first_name: str) -> None:
        self.token = token
        self.bot_user = User(
            int(token.split(":")[0]), bot_first_name, None, username=bot_username, is_bot=True
        )
        self.chats: dict[int, Chat] = {}
        self.webhook_url = ""
        # (json.dumps(scope), language_code) -> list of BotCommand dicts
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._chat_users: dict[int, User] = {}
        self._messages: dict[int, dict[int, dict[str, Any]]] = {}
        self._last_message_id: dict[int, int] = {}
        self._files: dict[str, dict[str, Any]] = {}  # file_id -> File dict
        self._file_data: dict[str, bytes] = {}  # file_path -> bytes
        self._queries: dict[str, bool] = {}  # callback/inline query id -> answered
        self._pending: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._ids = itertools.count(1)
        self._waiters: set[asyncio.Future[None]] = set()

    # --- change notification -------------------------------------------------------------------

    def _notify(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def _wait_until(self, check: Callable[[], T | None], within: float) -> T | None:
        """Re-evaluate ``check`` on every change until it returns non-None or time runs out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while (result := check()) is None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.add(waiter)
            try:
                await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                pass
            finally:
                self._waiters.discard(waiter)
        return result

    # --- chats and messages --------------------------------------------------------------------

    def register_chat(self, chat: Chat, user: User | None = None) -> Chat:
        """Make ``chat`` known (the bot may only write to chats it has seen)."""
        self.chats[chat.id] = chat
        if chat.type == "private":
            self._chat_users.setdefault(chat.id, user or User(chat.id, chat.first_name or "User"))
        return chat

    def user_of(self, chat: Chat) -> User | None:
        return self._chat_users.get(chat.id)

    def chat_for(self, chat_id: Any) -> Chat:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == chat_id[1:].lower():
                    return chat
        elif str(chat_id).lstrip("-").isdigit() and int(chat_id) in self.chats:
            return self.chats[int(chat_id)]
        raise bad_request("chat not found")

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Current state of a message (after edits), or None if unknown or deleted."""
        return self._messages.get(chat_id, {}).get(message_id)

    def messages(self, chat: Chat | int) -> list[dict[str, Any]]:
        """All current (not deleted) messages of a chat, user's and bot's, oldest first."""
        chat_id = chat if isinstance(chat, int) else chat.id
        return [m for _, m in sorted(self._messages.get(chat_id, {}).items())]

    def bot_messages(self, chat: Chat | int) -> list[dict[str, Any]]:
        return [m for m in self.messages(chat) if m["from"]["id"] == self.bot_user.id]

    def _new_message(self, chat: Chat, sender: User, content: dict[str, Any]) -> dict[str, Any]:
        message_id = self._last_message_id.get(chat.id, 0) + 1
        self._last_message_id[chat.id] = message_id
        message = {
            "message_id": message_id,
            "from": sender.to_dict(),
            "chat": chat.to_dict(),
            "date": int(time.time()),
            **{k: v for k, v in content.items() if v is not None},
        }
        self._messages.setdefault(chat.id, {})[message_id] = message
        return copy.deepcopy(message)

    def _reply_to(self, chat: Chat, params: dict[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id", params.get("reply_to_message_id"))
        if message_id is None:
            return None
        target = self.message(chat.id, int(message_id))
        if target is None:
            if reply.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return {k: v for k, v in copy.deepcopy(target).items() if k != "reply_to_message"}

    def _chat_instance(self, chat_id: int) -> str:
        return str(int(hashlib.sha1(str(chat_id).encode()).hexdigest()[:15], 16))

    # --- files ---------------------------------------------------------------------------------

    def _store_file(self, data: bytes, file_name: str | None, mime_type: str | None) -> dict:
        n = next(self._ids)
        file_id = f"BQACAgIAAxkBAAI{n:06d}"
        suffix = "." + file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else ""
        path = f"documents/file_{n}{suffix}"
        self._files[file_id] = {
            "file_id": file_id,
            "file_unique_id": f"AgAD{n:06d}",
            "file_size": len(data),
            "file_path": path,
        }
        self._file_data[path] = data
        document = {k: v for k, v in self._files[file_id].items() if k != "file_path"}
        return {**document, "file_name": file_name, "mime_type": mime_type}

    def file_bytes(self, file_path: str) -> bytes | None:
        return self._file_data.get(file_path)

    # --- text ----------------------------------------------------------------------------------

    def _format(
        self, params: dict[str, Any], key: str = "text", entities_key: str = "entities"
    ) -> tuple[str | None, list[dict[str, Any]] | None]:
        """Apply parse_mode like Telegram: returns (plain text, entities or None).

        HTML is parsed strictly (tests/telegram_html.py); Markdown modes are passed through.
        """
        text = params.get(key)
        if text is None:
            return None, None
        text = str(text)
        entities = params.get(entities_key)
        if entities is None and str(params.get("parse_mode", "")).lower() == "html":
            try:
                parsed = parse_telegram_html(text)
            except TelegramHTMLError as exc:
                raise bad_request(f"can't parse entities: {exc}") from None
            text, entities = parsed.text, parsed.entities
        limit = MAX_TEXT_LENGTH if key == "text" else MAX_CAPTION_LENGTH
        if len(text) > limit:
            raise bad_request(f"message {'' if key == 'text' else 'caption '}is too long")
        return text, entities or None

    # --- updates -------------------------------------------------------------------------------

    def queue_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (without update_id) for getUpdates; returns its update_id."""
        update_id = self._next_update_id
        self._next_update_id += 1
        self._pending.append({"update_id": update_id, **update})
        self._notify()
        return update_id

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._pending)

    def _new_query_id(self) -> str:
        query_id = str(4_000_000_000_000_000_000 + next(self._ids))
        self._queries[query_id] = False
        return query_id

    def _answer_query(self, query_id: Any) -> None:
        if self._queries.get(str(query_id)) is not False:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self._queries[str(query_id)] = True
