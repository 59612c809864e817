"""Logging for ``speechbot``: secrets redacted, payload dumps cut, repeated errors throttled.

At DEBUG python-telegram-bot logs every Bot API call with its parameters and its result (the
webhook secret, message texts, users' names) and every update it processes; the Bot API URL
carries the token. ``Redact`` removes the token and the secret from every line, and replaces
the structured arguments of those libraries' lines (dicts, lists, updates) by their type, so that
no level shows personal data. ``Throttle`` lets one line per kind a minute through for the loggers
an attacker can make noisy (the webhook server, tornado, asyncio), with a count of the rest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

#: Loggers whose arguments may carry payloads: updates, API parameters and results, SQL values.
PAYLOAD_LOGGERS = ("telegram", "httpx", "httpcore", "tornado", "asyncio", "aiosqlite")
#: Loggers an outsider can make write (bad requests, timeouts, accept errors): throttled.
THROTTLED_LOGGERS = ("bot.net.webhook", "tornado", "asyncio")
#: One line per kind in this many seconds; the others are counted.
THROTTLE_SECONDS = 60.0
REDACTED = "[redacted]"
_PLAIN = (str, int, float, bool, type(None))


def _secrets(token: str | None, webhook_secret: str | None) -> list[str]:
    """Every string that must not appear: the token, its secret half, the webhook secret."""
    found = [s for s in (token, webhook_secret) if s]
    if token and ":" in token:
        found.append(token.split(":", 1)[1])
    # Longest first, so that the whole token is replaced before its secret half.
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


def _under(name: str, prefixes: Iterable[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


class Redact(logging.Filter):
    """Removes secrets from every record and payloads from the libraries' records."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and _under(record.name, PAYLOAD_LOGGERS):
            if isinstance(record.args, Mapping):
                record.args = {k: _plain(v) for k, v in record.args.items()}
            else:
                record.args = tuple(_plain(a) for a in record.args)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the template: the template
            message = str(record.msg)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self.secrets:
            message = message.replace(secret, REDACTED)
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, REDACTED)
        record.msg, record.args = message, None
        return True


def _plain(arg: object) -> object:
    """Strings, numbers and errors as they are (redacted later); anything else by its type."""
    if isinstance(arg, _PLAIN):
        return arg
    if isinstance(arg, BaseException):
        return f"{type(arg).__name__}: {arg}"
    return f"<{type(arg).__name__}>"


@dataclass
class _Kind:
    since: float
    suppressed: int = 0


class Throttle(logging.Filter):
    """At most one record per kind (logger, level, message template) per ``window`` seconds
    from ``THROTTLED_LOGGERS``; the next one let through says how many were left out."""

    def __init__(
        self, window: float = THROTTLE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.window = window
        self.clock = clock
        self._kinds: dict[tuple[str, int, str], _Kind] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not _under(record.name, THROTTLED_LOGGERS):
            return True
        key = (record.name, record.levelno, str(record.msg)[:200])
        now = self.clock()
        kind = self._kinds.get(key)
        if kind is not None and now - kind.since < self.window:
            kind.suppressed += 1
            return False
        if kind is not None and kind.suppressed:
            record.msg = f"{record.msg} (and {kind.suppressed} more like it since the last one)"
        if len(self._kinds) > 1000:  # kinds are templates, so few; never grow without bound
            self._kinds.clear()
        self._kinds[key] = _Kind(now)
        return True


def configure(level: int, token: str | None, webhook_secret: str | None) -> None:
    """stderr logging at ``level``, through ``Throttle`` and ``Redact`` (in that order)."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install(logging.getLogger().handlers, token, webhook_secret)
    # httpx's per-request lines at INFO are noise (one per Bot API call); redacted all the same.
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))


def install(handlers: Iterable[logging.Handler], token: str | None, secret: str | None) -> None:
    """Add the filters to ``handlers`` (each handler gets its own throttle)."""
    for handler in handlers:
        handler.addFilter(Throttle())
        handler.addFilter(Redact(_secrets(token, secret)))
