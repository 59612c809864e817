"""Value objects of the fake Bot API: users, chats, recorded calls, uploaded files, faults."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_group_ids = itertools.count(1)


@dataclass(frozen=True)
class User:
    """A Telegram user (the person talking to the bot)."""

    id: int
    first_name: str
    language_code: str | None = "zh"
    username: str | None = None
    last_name: str | None = None
    is_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass(frozen=True)
class Chat:
    """A Telegram chat. Use ``Chat.private(user)`` or ``Chat.group(...)``."""

    id: int
    type: str  # "private" | "group" | "supergroup" | "channel"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    @classmethod
    def private(cls, user: User) -> Chat:
        return cls(
            id=user.id,
            type="private",
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
        )

    @classmethod
    def group(
        cls, id: int | None = None, title: str = "Test group", *, supergroup: bool = False
    ) -> Chat:
        """A group (ids like -4000001) or supergroup (ids like -1001000000001)."""
        n = next(_group_ids)
        if id is None:
            id = -(1001000000000 + n) if supergroup else -(4000000 + n)
        return cls(id=id, type="supergroup" if supergroup else "group", title=title)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart/form-data request (or a file a user sent)."""

    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Call:
    """One Bot API request the bot made, as the fake received and answered it.

    ``params`` are decoded (``reply_markup`` etc. are dicts, numbers are ints). ``result`` is
    the ``result`` of a successful answer; ``error`` is the error JSON (or ``{"status": 502}``
    for non-JSON errors) when the call failed.
    """

    method: str
    params: dict[str, Any]
    time: float
    index: int = -1
    result: Any = None
    error: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)


@dataclass
class Fault:
    """An injected failure (``status``) and/or a delay before answering."""

    status: int | None = 429
    retry_after: float = 1
    delay: float = 0.0
    description: str | None = None
    times: int = 1


class ApiError(Exception):
    """Raised by method handlers; becomes Telegram's ``{"ok": false, ...}`` answer."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            data["parameters"] = self.parameters
        return data


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def buttons(obj: Call | Mapping[str, Any] | None) -> list[list[tuple[str, str | None]]]:
    """Inline keyboard of a call, message or reply_markup as rows of (text, callback_data).

    Buttons without callback_data (url, switch_inline_query, ...) give ``None``.
    A message without inline keyboard gives ``[]``.
    """
    if isinstance(obj, Call):
        markup = obj.params.get("reply_markup")
        if markup is None and isinstance(obj.result, dict):
            markup = obj.result.get("reply_markup")
    elif obj is not None and "inline_keyboard" not in obj:
        markup = obj.get("reply_markup")
    else:
        markup = obj
    if not isinstance(markup, Mapping):
        return []
    return [
        [(button["text"], button.get("callback_data")) for button in row]
        for row in markup.get("inline_keyboard", [])
    ]
