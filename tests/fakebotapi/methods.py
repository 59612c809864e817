"""Bot API method implementations of the fake, answering like Telegram does."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from typing import Any

from .models import ApiError, UploadedFile, bad_request
from .state import BotState

Method = Callable[["Methods", dict[str, Any]], Any]
METHODS: dict[str, tuple[str, Method]] = {}  # lower-case name -> (canonical name, handler)

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def api_method(name: str) -> Callable[[Method], Method]:
    def register(handler: Method) -> Method:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register


def _inline_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    """reply_markup as Telegram echoes it in a Message: only non-empty inline keyboards."""
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and markup.get("inline_keyboard"):
        return markup
    return None


def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")


class Methods(BotState):
    @api_method("getMe")
    def _get_me(self, params: dict[str, Any]) -> Any:
        return {
            **self.bot_user.to_dict(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @api_method("getUpdates")
    async def _get_updates(self, params: dict[str, Any]) -> Any:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        allowed = params.get("allowed_updates") or None
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

        def ready() -> list[dict[str, Any]] | None:
            updates = [
                u for u in self._pending if not allowed or any(kind in u for kind in allowed)
            ]
            if offset < 0:
                updates = updates[offset:]
            return copy.deepcopy(updates[:limit]) or None

        return await self._wait_until(ready, float(params.get("timeout") or 0)) or []

    @api_method("sendMessage")
    def _send_message(self, params: dict[str, Any]) -> Any:
        chat = self.chat_for(params.get("chat_id"))
        text, entities = self._format(params)
        if not text or not text.strip():
            raise bad_request("message text is empty")
        content = {
            "reply_to_message": self._reply_to(chat, params),
            "text": text,
            "entities": entities,
            "reply_markup": _inline_markup(params),
        }
        return self._new_message(chat, self.bot_user, content)

    def _editable(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The stored message an edit refers to; None for inline messages."""
        if params.get("inline_message_id"):
            return None
        chat = self.chat_for(params.get("chat_id"))
        message = self.message(chat.id, int(params.get("message_id") or 0))
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_user.id:
            raise bad_request("message can't be edited")
        return message

    def _apply_edit(self, message: dict[str, Any], changes: dict[str, Any]) -> Any:
        if all(message.get(k) == v for k, v in changes.items()):
            raise bad_request(NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    @api_method("editMessageText")
    def _edit_message_text(self, params: dict[str, Any]) -> Any:
        message = self._editable(params)
        text, entities = self._format(params)
        if not text or not text.strip():
            raise bad_request("message text is empty")
        if message is None:
            return True
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        changes = {"text": text, "entities": entities, "reply_markup": _inline_markup(params)}
        return self._apply_edit(message, changes)

    @api_method("editMessageReplyMarkup")
    def _edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        message = self._editable(params)
        if message is None:
            return True
        return self._apply_edit(message, {"reply_markup": _inline_markup(params)})

    @api_method("deleteMessage")
    def _delete_message(self, params: dict[str, Any]) -> Any:
        chat = self.chat_for(params.get("chat_id"))
        if self._messages.get(chat.id, {}).pop(int(params.get("message_id") or 0), None) is None:
            raise bad_request("message to delete not found")
        return True

    @api_method("answerCallbackQuery")
    def _answer_callback_query(self, params: dict[str, Any]) -> Any:
        self._answer_query(params.get("callback_query_id"))
        return True

    @api_method("answerInlineQuery")
    def _answer_inline_query(self, params: dict[str, Any]) -> Any:
        if not isinstance(params.get("results"), list):
            raise bad_request("RESULTS_INVALID")
        self._answer_query(params.get("inline_query_id"))
        return True

    @api_method("setMyCommands")
    def _set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request('parameter "commands" is required')
        self.commands[_commands_key(params)] = commands
        return True

    @api_method("getMyCommands")
    def _get_my_commands(self, params: dict[str, Any]) -> Any:
        return self.commands.get(_commands_key(params), [])

    @api_method("deleteMyCommands")
    def _delete_my_commands(self, params: dict[str, Any]) -> Any:
        self.commands.pop(_commands_key(params), None)
        return True

    @api_method("setWebhook")
    def _set_webhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = str(params.get("url") or "")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    @api_method("deleteWebhook")
    def _delete_webhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    @api_method("getWebhookInfo")
    def _get_webhook_info(self, params: dict[str, Any]) -> Any:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    @api_method("sendChatAction")
    def _send_chat_action(self, params: dict[str, Any]) -> Any:
        self.chat_for(params.get("chat_id"))
        if not params.get("action"):
            raise bad_request("wrong parameter action in request")
        return True

    @api_method("sendDocument")
    def _send_document(self, params: dict[str, Any]) -> Any:
        chat = self.chat_for(params.get("chat_id"))
        document = params.get("document")
        if isinstance(document, UploadedFile):
            info = self._store_file(document.data, document.filename, document.content_type)
        elif isinstance(document, str) and document in self._files:
            info = {k: v for k, v in self._files[document].items() if k != "file_path"}
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
        caption, caption_entities = self._format(params, "caption", "caption_entities")
        content = {
            "reply_to_message": self._reply_to(chat, params),
            "document": info,
            "caption": caption,
            "caption_entities": caption_entities,
            "reply_markup": _inline_markup(params),
        }
        return self._new_message(chat, self.bot_user, content)

    @api_method("getFile")
    def _get_file(self, params: dict[str, Any]) -> Any:
        file = self._files.get(str(params.get("file_id")))
        if file is None:
            raise bad_request("invalid file_id")
        return dict(file)

    @api_method("close")
    def _close(self, params: dict[str, Any]) -> Any:
        return True

    @api_method("logOut")
    def _log_out(self, params: dict[str, Any]) -> Any:
        return True

    @api_method("setMyDescription")
    @api_method("setMyShortDescription")
    @api_method("setMyName")
    @api_method("setChatMenuButton")
    def _accept(self, params: dict[str, Any]) -> Any:
        return True
