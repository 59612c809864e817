"""The webhook server: Telegram's updates (secret token checked on each) and ``/healthz``.

PTB's ``Updater.start_webhook`` serves one route only, so this is its "custom webhook" pattern:
our own tornado application feeding ``Application.update_queue``.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import resource
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.iostream
import tornado.web
from telegram import Update
from telegram.ext import ExtBot

from ..services import App
from ..settings import ConfigError, Settings
from .health import HealthProbe

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: Telegram's updates are a few kilobytes; anything far larger is not from Telegram.
MAX_BODY_BYTES = 1 << 20
#: How many recent update ids are remembered to drop Telegram's re-deliveries.
SEEN_UPDATES = 10_000
#: Seconds a client may take to send its headers (also: to start its next request), and its body.
HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 10.0
#: Open connections at most (Telegram itself uses up to 100, setWebhook's max_connections) ...
MAX_CONNECTIONS = 1000
#: ... and never closer than this to the open-file limit: the database, the Bot API pool and
#: the libraries need their files too. The unit and compose file set LimitNOFILE to EXPECTED_NOFILE.
FD_RESERVE = 256
EXPECTED_NOFILE = 4096
#: Largest update_id accepted (SQLite's integer range; Telegram's are far below).
MAX_UPDATE_ID = 2**63 - 1


def webhook_path(url: str) -> str:
    """The path the server answers on: the webhook URL's path, ``/telegram`` when it has none."""
    return "/" + (urlsplit(url).path.strip("/") or "telegram")


class _Seen:
    """The most recent update ids, oldest forgotten first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def add(self, update_id: int) -> bool:
        """Remember ``update_id``; False when it was already seen."""
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


class _UpdateHandler(tornado.web.RequestHandler):
    """POST of one update from Telegram."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, server: WebhookServer) -> None:
        self.server = server

    async def post(self) -> None:
        """Check the secret before anything else, then queue the update once."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.server.secret.encode()):
            log.warning("webhook request from %s without the right secret", self.request.remote_ip)
            raise tornado.web.HTTPError(403)
        update = self._update()
        if update is None:
            self.set_status(400)
            self.finish()
            return
        if not self.server.seen.add(update.update_id):
            log.info("update %d delivered again: already queued, dropped", update.update_id)
        else:
            bot = self.server.application.bot
            if isinstance(bot, ExtBot):
                bot.insert_callback_data(update)
            await self.server.application.update_queue.put(update)
        self.set_status(200)
        self.finish()

    def _update(self) -> Update | None:
        """The update in the body, or None (logged once) when it is not one Telegram would send:
        a JSON object with an integer update_id."""
        try:
            data = json.loads(self.request.body)
        except ValueError:
            log.warning("webhook request with a body that is not JSON: refused (400)")
            return None
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if type(update_id) is not int or not 0 <= update_id <= MAX_UPDATE_ID:
            log.warning("webhook request that is not an update with an integer id: refused (400)")
            return None
        try:
            return Update.de_json(data, self.server.application.bot)
        except Exception as exc:  # any other shape Telegram never sends
            log.warning("webhook request with an unreadable update (%s): refused (400)", type(exc))
            return None


class _HealthHandler(tornado.web.RequestHandler):
    """GET ``/healthz``: the checks of ``speechbot check`` as JSON, 200 or 503."""

    def initialize(self, probe: HealthProbe) -> None:
        self.probe = probe

    async def get(self) -> None:
        """Answer with the (briefly cached) report."""
        report = await self.probe.report()
        self.set_status(200 if report.ok else 503)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(report.to_json(), ensure_ascii=False))


def _log_request(handler: tornado.web.RequestHandler) -> None:
    status = handler.get_status()
    level = logging.DEBUG if status < 400 else logging.INFO
    # The path only: one template per status, so that the log throttle counts them as one kind.
    log.log(level, f"{status} %s %s", handler.request.method, handler.request.path[:100])


def connection_cap(max_connections: int = MAX_CONNECTIONS) -> int:
    """How many connections to keep open at most: ``max_connections``, lower when the open-file
    limit leaves less than ``FD_RESERVE`` files for the rest of the bot."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return max_connections
    return max(8, min(max_connections, soft - FD_RESERVE))


class _CappedHTTPServer(tornado.httpserver.HTTPServer):
    """An HTTP server that keeps at most ``cap`` connections open: at the cap, a new connection
    closes the oldest one (the slowest client, e.g. one that never finishes its headers), so that
    Telegram's requests and /healthz still get in while someone holds connections open."""

    def initialize(self, *args: Any, cap: int = MAX_CONNECTIONS, **kwargs: Any) -> None:
        super().initialize(*args, **kwargs)
        self.cap = cap
        self.evicted = 0
        self._streams: OrderedDict[tornado.iostream.IOStream, None] = OrderedDict()

    def handle_stream(self, stream: tornado.iostream.IOStream, address: tuple[Any, ...]) -> None:
        if len(self._streams) >= self.cap:
            for old in [s for s in self._streams if s.closed()]:
                del self._streams[old]
        while len(self._streams) >= self.cap:
            oldest, _ = self._streams.popitem(last=False)
            self.evicted += 1
            log.warning("webhook server at %d open connections: the oldest one closed", self.cap)
            oldest.close()
        self._streams[stream] = None
        super().handle_stream(stream, address)


class WebhookServer:
    """Serves the webhook path and ``/healthz`` on SPEECHBOT_LISTEN."""

    def __init__(
        self, application: App, settings: Settings, probe: HealthProbe | None = None
    ) -> None:
        if not settings.webhook_url or not settings.webhook_secret:
            raise ConfigError(
                "webhook mode needs SPEECHBOT_WEBHOOK_URL and SPEECHBOT_WEBHOOK_SECRET"
            )
        self.application = application
        self.settings = settings
        self.url = settings.webhook_url
        self.secret = settings.webhook_secret
        self.path = webhook_path(self.url)
        services = application.bot_data
        self.probe = probe or HealthProbe(
            settings, lambda: services.index.damaged, lambda: services.index.dense_status()
        )
        self.seen = _Seen(SEEN_UPDATES)
        self._http: tornado.httpserver.HTTPServer | None = None

    def routes(self) -> tornado.web.Application:
        """The tornado application: the webhook path and /healthz; everything else is 404."""
        args: dict[str, Any] = {"server": self}
        return tornado.web.Application(
            [
                (rf"{re.escape(self.path)}/?", _UpdateHandler, args),
                (r"/healthz", _HealthHandler, {"probe": self.probe}),
            ],
            log_function=_log_request,
        )

    async def start(self) -> None:
        """Listen, then tell Telegram where to post (with the secret it must send back)."""
        host, port = self.settings.listen
        cap = connection_cap()
        if cap < MAX_CONNECTIONS:
            log.warning(
                "the open-file limit allows %d webhook connections, not %d: raise it to %d "
                "(LimitNOFILE= in the unit, ulimits in compose)",
                cap,
                MAX_CONNECTIONS,
                EXPECTED_NOFILE,
            )
        # xheaders: behind the reverse proxy, log the client's address rather than the proxy's.
        self._http = _CappedHTTPServer(
            self.routes(),
            cap=cap,
            max_body_size=MAX_BODY_BYTES,
            xheaders=True,
            idle_connection_timeout=HEADER_TIMEOUT,
            body_timeout=BODY_TIMEOUT,
        )
        self._http.listen(port, address=host)
        log.info("webhook server listening on %s:%d%s (%d connections)", host, port, self.path, cap)
        await self.application.bot.set_webhook(
            url=self.url, secret_token=self.secret, allowed_updates=Update.ALL_TYPES
        )

    async def stop(self) -> None:
        """Stop accepting requests and close open connections."""
        if self._http is not None:
            self._http.stop()
            await self._http.close_all_connections()
            self._http = None
