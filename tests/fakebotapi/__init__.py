"""A fake Telegram Bot API server for end-to-end tests (see api.FakeBotAPI)."""

from .api import FakeBotAPI
from .models import ApiError, Call, Chat, UploadedFile, User, buttons
from .ptb import application_builder, polling
from .users import auto_entities

__all__ = [
    "ApiError",
    "Call",
    "Chat",
    "FakeBotAPI",
    "UploadedFile",
    "User",
    "application_builder",
    "auto_entities",
    "buttons",
    "polling",
]
