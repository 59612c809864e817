"""The python-telegram-bot application: wiring, start-up, polling or webhook, shutdown.

Everything the bot answers is wired here, in one place: ``all_handlers`` lists every handler in
priority order, and ``admin_actions`` every admin button. Messages are HTML throughout: the
``Defaults`` set once on the Application say so, and no call passes ``parse_mode``.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from typing import Any

from telegram import BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from index import DatabaseDamaged, SearchIndex, is_damage

from .admin import buttons as admin_buttons
from .admin import reindex, stats
from .admin.buttons import AdminAction
from .admin.corpus import remove, speeches, uploads
from .handlers import browse, info, inline, questions
from .net.retry import RetryingRequest, delivery_unknown
from .net.webhook import WebhookServer
from .services import App, Context, Services
from .settings import Settings
from .ui import callbacks as cb
from .ui import texts
from .ui.replies import english, reply

log = logging.getLogger(__name__)


class _AddressedToBot(filters.MessageFilter):
    """Group messages that mention the bot or reply to one of its messages."""

    def filter(self, message: Any) -> bool:
        bot = message.get_bot()
        reply_to = message.reply_to_message
        if (
            reply_to is not None
            and reply_to.from_user is not None
            and reply_to.from_user.id == bot.id
        ):
            return True
        mention = f"@{bot.username}".lower()
        return any(text.lower() == mention for text in message.parse_entities(["mention"]).values())


def build_application(
    settings: Settings, index: SearchIndex | None = None, *, flood_limits: bool = True
) -> App:
    """The bot's Application with every handler; ``index`` may be shared (tests, load runs).

    ``flood_limits=False`` drops Telegram's flood limiter: only for measuring the bot's own
    capacity against a fake server (tests/loadtest.py); Telegram itself enforces the limits.
    """

    async def post_init(app: App) -> None:
        await app.bot_data.initialize(settings, index)
        await _register_commands(app, settings)
        log.info("speechbot ready as @%s", app.bot.username)

    async def post_shutdown(app: App) -> None:
        await app.bot_data.shutdown()

    api = settings.api_url
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = ApplicationBuilder()
    if flood_limits:
        # Telegram's flood limits (30 messages/s overall, 20/min per group), retrying RetryAfter.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    application: App = (
        builder.token(settings.token or "")
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .context_types(ContextTypes(bot_data=Services))
        # Every message, edit and inline article is Telegram HTML (bot/ui/render.py).
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        # Retries of calls that failed on the way, never a second copy of a message (net/retry.py),
        # with at most connection_pool_size calls inside httpx at once (net/transport.py).
        .request(
            RetryingRequest(
                connection_pool_size=64,
                connect_timeout=10,
                read_timeout=settings.api_timeout,
                write_timeout=settings.api_timeout,
                pool_timeout=10,
            )
        )
        .get_updates_request(HTTPXRequest(connect_timeout=10, read_timeout=40))
        # Each update in its own task: one slow chat never holds up the others.
        .concurrent_updates(256)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.add_handlers(all_handlers(admin_actions()))
    application.add_error_handler(on_error)
    return application


def admin_actions() -> dict[str, AdminAction]:
    """Every admin button's action, by the name in its ``callback_data`` (ui/callbacks.py)."""
    return {
        cb.CANCEL: admin_buttons.cancel,
        cb.UPLOAD_CONFIRM: uploads.confirm,
        cb.UPLOAD_CANCEL: uploads.cancel,
        cb.REMOVE_CONFIRM: remove.confirm,
    }


def all_handlers(actions: dict[str, AdminAction]) -> list[BaseHandler[Update, Context, None]]:
    """Every handler, in priority order (the first that matches an update handles it)."""
    private_text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    group_text = filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND & _AddressedToBot()
    return [
        CommandHandler("start", info.on_start),
        CommandHandler("help", info.on_help),
        CommandHandler("search", questions.on_search),
        CommandHandler("outline", browse.on_outline),
        CommandHandler("about", info.on_about),
        CommandHandler("reindex", reindex.on_reindex),
        CommandHandler("stats", stats.on_stats),
        CommandHandler("speeches", speeches.on_speeches),
        CommandHandler("remove", remove.on_remove),
        # Files only in private chats: in groups people share documents among themselves.
        MessageHandler(filters.ChatType.PRIVATE & filters.Document.ALL, uploads.on_document),
        MessageHandler(filters.COMMAND, info.on_unknown),
        MessageHandler(private_text | group_text, questions.on_text),
        # Browsing first: PTB hands data-less presses (empty callback_data) to the first
        # handler with a pattern, and those are to be answered as stale, not as admin presses.
        CallbackQueryHandler(browse.on_button, pattern=r"^(?!a:)"),
        CallbackQueryHandler(admin_buttons.admin_buttons(actions), pattern=r"^a:"),
        InlineQueryHandler(inline.on_inline),
    ]


async def on_error(update: object, context: Context) -> None:
    """Log the error and tell the user instead of going silent."""
    damaged = context.error is not None and _is_damage(context.error)
    if damaged:  # one line, not a traceback per question: the index has said why already
        log.error("answer skipped: the database is damaged (%s)", context.error)
    else:
        log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    if context.error is not None and delivery_unknown(context.error):
        # A reply that timed out after it was sent has most likely arrived: no apology after it.
        return
    sorry = (texts.DB_DAMAGED if damaged else texts.ERROR)(english(update))
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(sorry)
        elif update.effective_message is not None:
            await reply(update.effective_message, sorry)
    except TelegramError as exc:
        log.warning("could not tell the user about the error: %s", exc)


def _is_damage(error: BaseException) -> bool:
    return isinstance(error, DatabaseDamaged) or is_damage(error)


async def _register_commands(app: App, settings: Settings) -> None:
    """The command menu clients show, in Chinese, English, and with admin commands for admins."""
    try:
        await app.bot.set_my_commands(texts.COMMANDS_ZH)
        await app.bot.set_my_commands(texts.COMMANDS_EN, language_code="en")
        for admin_id in settings.admins:
            scope = BotCommandScopeChat(admin_id)
            await app.bot.set_my_commands(texts.COMMANDS_ZH + texts.ADMIN_COMMANDS_ZH, scope=scope)
            await app.bot.set_my_commands(
                texts.COMMANDS_EN + texts.ADMIN_COMMANDS_EN, scope=scope, language_code="en"
            )
    except TelegramError as exc:  # the menu is a convenience; answering matters more
        log.warning("could not register the command menu: %s", exc)


async def serve(
    application: App, settings: Settings, stop: asyncio.Event, *, poll_timeout: int = 30
) -> None:
    """Run the bot until ``stop`` is set: the same steps as ``run_polling``/``run_webhook``."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    # What start-up loaded (jieba's dictionary, the index) lives until exit: without this, every
    # full collection walks those millions of objects and stalls the event loop (~50 ms here).
    gc.collect()
    gc.freeze()
    updater = application.updater
    if updater is None:
        raise RuntimeError("application has no updater")
    server: WebhookServer | None = None
    try:
        await application.start()
        if settings.webhook_mode:
            server = WebhookServer(application, settings)
            await server.start()
        else:
            await updater.start_polling(
                allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=poll_timeout
            )
            log.info("long polling started")
        await stop.wait()
    finally:
        if server is not None:
            await server.stop()
        if updater.running:
            await updater.stop()
        if application.running:
            await application.stop()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        await application.shutdown()


async def run_bot(settings: Settings) -> None:
    """``speechbot run``: serve until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await serve(build_application(settings), settings, stop)


__all__ = ["Application", "admin_actions", "all_handlers", "build_application", "run_bot", "serve"]
