"""The fake Bot API works with the real python-telegram-bot library (no mocks)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    AIORateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from fakebotapi import Chat, FakeBotAPI, User, application_builder, polling
from telegram_html import TelegramHTMLError, assert_valid_telegram_html, parse_telegram_html

TOKEN = "123:ABC"
ALICE = User(42, "Alice", username="alice")
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("More", callback_data="more"),
            InlineKeyboardButton("Web", url="https://example.org"),
        ]
    ]
)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token=TOKEN, bot_username="speech_test_bot") as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as real_bot:
        yield real_bot


# --- plain Bot ---------------------------------------------------------------------------------


async def test_bot_get_me_send_and_edit(api: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123, "speech_test_bot", True)

    chat = api.register_chat(Chat.private(ALICE))
    sent = await bot.send_message(
        chat.id, "<b>Hello</b> &amp; 👋 bye", parse_mode=ParseMode.HTML, reply_markup=KEYBOARD
    )
    assert sent.text == "Hello & 👋 bye"
    assert sent.entities[0].type == "bold" and sent.entities[0].length == 5
    assert sent.reply_markup == KEYBOARD
    call = await api.wait_for("sendMessage")
    assert call["chat_id"] == chat.id and call["parse_mode"] == "HTML"
    assert api.buttons(call) == [[("More", "more"), ("Web", None)]]

    edited = await bot.edit_message_text("Bye", chat_id=chat.id, message_id=sent.message_id)
    assert isinstance(edited, type(sent)) and edited.text == "Bye" and edited.edit_date
    assert edited.reply_markup is None  # an edit without reply_markup removes the keyboard
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Bye", chat_id=chat.id, message_id=sent.message_id)
    assert [m["text"] for m in api.bot_messages(chat)] == ["Bye"]
    assert (await api.wait_for("editMessageText", ok=False)).error["error_code"] == 400

    second = await bot.send_message(chat.id, "again")
    assert second.message_id == sent.message_id + 1
    assert await bot.delete_message(chat.id, second.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(chat.id, second.message_id)


async def test_telegram_like_errors(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "nobody here")
    chat = api.register_chat(Chat.private(ALICE))
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(chat.id, "a <b>b", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(chat.id, "x" * 4097)
    wrong = Bot("123:WRONG", base_url=api.base_url)
    with pytest.raises(InvalidToken, match="rejected"):
        await wrong.initialize()  # calls getMe
    await wrong.shutdown()
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{api.base_url}{TOKEN}/noSuchMethod")
    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }


async def test_commands_webhook_and_chat_action(api: FakeBotAPI, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Start"), ("help", "Help")], language_code="zh")
    assert [c.command for c in await bot.get_my_commands(language_code="zh")] == ["start", "help"]
    assert await bot.get_my_commands() == ()
    await bot.delete_my_commands(language_code="zh")
    assert await bot.get_my_commands(language_code="zh") == ()
    await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    chat = api.register_chat(Chat.group(title="Speeches", supergroup=True))
    assert await bot.send_chat_action(chat.id, "typing")
    assert await bot.close() and await bot.log_out()


async def test_transport_bodies_chunked_and_keep_alive(api: FakeBotAPI) -> None:
    chat = api.register_chat(Chat.private(ALICE))
    url = f"{api.base_url}{TOKEN}"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}

    async def chunks() -> AsyncIterator[bytes]:
        yield f"chat_id={chat.id}&te".encode()
        yield b"xt=chunked"

    async with httpx.AsyncClient() as client:
        responses = [
            await client.post(
                f"{url}/sendMessage", json={"chat_id": chat.id, "text": "1", "reply_markup": markup}
            ),
            await client.post(
                f"{url}/SENDMESSAGE",  # method names are case-insensitive, like Telegram's
                data={"chat_id": str(chat.id), "text": "true", "reply_markup": json.dumps(markup)},
            ),
            await client.post(
                f"{url}/sendMessage",
                content=chunks(),
                headers={"content-type": "application/x-www-form-urlencoded"},
            ),
            await client.get(f"{url}/getMe", params={"unused": "1"}),
            await client.get(f"{api.base_file_url}{TOKEN}/documents/missing.txt"),
        ]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 404]
    calls = api.calls_of("sendMessage")
    assert [c["text"] for c in calls] == ["1", "true", "chunked"]  # text stays a string
    assert [c.get("reply_markup") for c in calls] == [markup, markup, None]
    assert api._server.connections_accepted == 1  # one keep-alive connection for all


# --- faults ------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_wait_surfaces_and_rate_limiter_retries(api: FakeBotAPI) -> None:
    chat = api.register_chat(Chat.private(ALICE))
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        api.fail_next("sendMessage", status=429, retry_after=1)
        with pytest.raises(RetryAfter, match="Retry in 1"):
            await bot.send_message(chat.id, "hi")
    failed = api.calls_of("sendMessage", ok=False)[0]
    assert failed.error == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }

    limiter = AIORateLimiter(max_retries=1)
    app = application_builder(api).rate_limiter(limiter).updater(None).build()
    async with app:
        api.fail_next("sendMessage", status=429, retry_after=1)
        sent = await app.bot.send_message(chat.id, "hi again")
    assert sent.text == "hi again"
    assert [c.ok for c in api.calls_of("sendMessage", ok=None)] == [False, False, True]


async def test_bad_gateway_and_delay(api: FakeBotAPI) -> None:
    chat = api.register_chat(Chat.private(ALICE))
    request = HTTPXRequest(read_timeout=0.3)
    async with Bot(TOKEN, base_url=api.base_url, request=request) as bot:
        api.fail_next("sendMessage", status=502)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(chat.id, "hi")
        api.delay_next("sendMessage", 0.6)
        with pytest.raises(TimedOut):
            await bot.send_message(chat.id, "slow")
    # Like Telegram, the timed-out request still took effect.
    assert (await api.wait_for("sendMessage", timeout=3)).params["text"] == "slow"
    assert [m["text"] for m in api.bot_messages(chat)] == ["slow"]


# --- a real Application, polling ---------------------------------------------------------------


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Pick one", reply_markup=KEYBOARD)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("OK")
    await query.edit_message_text(f"You chose {query.data}")


async def test_application_echo(api: FakeBotAPI) -> None:
    app = application_builder(api).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with polling(app):
        since = api.mark()
        message_id = api.send_message("你好", user=ALICE)
        reply = await api.wait_for("sendMessage", since=since)
        group = Chat.group(title="Speeches")
        api.send_message("in a group", user=ALICE, chat=group)
        group_reply = await api.wait_for("sendMessage", lambda c: c["chat_id"] == group.id)
    assert reply.params["text"] == "echo: 你好"
    assert reply.params["chat_id"] == ALICE.id
    assert reply.result["message_id"] == message_id + 1  # ids are shared by user and bot
    assert group_reply.result["chat"]["type"] == "group"
    assert [m["text"] for m in api.messages(ALICE.id)] == ["你好", "echo: 你好"]
    assert api.calls_of("deleteWebhook") and api.calls_of("getUpdates")
    assert not api.pending_updates


async def test_application_callback_round_trip(api: FakeBotAPI) -> None:
    app = application_builder(api).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    async with polling(app):
        api.send_message("/start@speech_test_bot", user=ALICE)
        menu = await api.wait_for("sendMessage")
        assert api.buttons(menu)[0][0] == ("More", "more")
        with pytest.raises(ValueError, match="no button"):
            api.press_button(menu, "missing")
        query_id = api.press_button(menu, "more", user=ALICE)
        answer = await api.wait_for("answerCallbackQuery")
        edit = await api.wait_for("editMessageText")
        await api.settle()
    assert answer.params == {"callback_query_id": query_id, "text": "OK"}
    assert edit.params["message_id"] == menu.result["message_id"]
    assert api.message(ALICE.id, menu.result["message_id"])["text"] == "You chose more"
    user_message = api.messages(ALICE.id)[0]
    assert user_message["entities"] == [{"type": "bot_command", "offset": 0, "length": 22}]
    with pytest.raises(ValueError, match="no button"):  # the edit removed the keyboard
        api.press_button(menu, "more")


async def test_inline_query_and_documents(api: FakeBotAPI) -> None:
    async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.inline_query is not None
        content = InputTextMessageContent(f"<b>{update.inline_query.query}</b>", parse_mode="HTML")
        await update.inline_query.answer([InlineQueryResultArticle("1", "Result", content)])

    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.document is not None
        data = await (await message.document.get_file()).download_as_bytearray()
        await message.reply_document(bytes(data).upper(), filename="upper.txt", caption="done")

    app = application_builder(api).build()
    app.add_handler(InlineQueryHandler(on_inline))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    async with polling(app):
        query_id = api.inline_query("speech", user=ALICE)
        answer = await api.wait_for("answerInlineQuery")
        api.send_document("speech.txt", b"hello words", "text/plain", user=ALICE, caption="a file")
        sent = await api.wait_for("sendDocument")
    assert answer.params["inline_query_id"] == query_id
    assert answer.params["results"][0]["input_message_content"]["message_text"] == "<b>speech</b>"
    assert api.calls_of("getFile")[0].result["file_size"] == len(b"hello words")
    upload = sent.params["document"]
    assert (upload.filename, upload.data) == ("upper.txt", b"HELLO WORDS")
    assert sent.result["document"]["file_name"] == "upper.txt" and sent.result["caption"] == "done"


# --- the HTML validator ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "plain"),
    [
        ("plain text", "plain text"),
        (
            "<b>bold <i>both</i></b> &lt;tag&gt; &amp; &quot;q&quot; &#169; &#x1F600;",
            'bold both <tag> & "q" © 😀',
        ),
        ('<a href="https://x.org/?a=1&amp;b=2">link</a>', "link"),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st"),
        (
            '<pre><code class="language-python">x = 1 < 2</code></pre>'.replace("< 2", "&lt; 2"),
            "x = 1 < 2",
        ),
        ("<blockquote expandable>quote</blockquote> a > b", "quote a > b"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
    ],
)
def test_html_validator_accepts(html: str, plain: str) -> None:
    assert assert_valid_telegram_html(html) == plain


@pytest.mark.parametrize(
    "html",
    [
        "<b>bad <i>nesting</b></i>",
        "<b>unclosed",
        "closed</b>",
        "<div>unknown tag</div>",
        "<br/>",
        "1 < 2",
        "Tom & Jerry",
        "&nbsp;",
        "<span>no spoiler class</span>",
        "<a>no href</a>",
        "<code><b>nested in code</b></code>",
        "<blockquote><blockquote>twice</blockquote></blockquote>",
        "<b></b>",  # empty after parsing
        "x" * 4097,
    ],
)
def test_html_validator_rejects(html: str) -> None:
    with pytest.raises(AssertionError):
        assert_valid_telegram_html(html)


def test_html_entities_use_utf16_offsets() -> None:
    parsed = parse_telegram_html('😀 <b>bold</b> <pre><code class="language-py">x</code></pre>')
    assert parsed.text == "😀 bold x"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "pre", "language": "py", "offset": 8, "length": 1},
    ]
    with pytest.raises(TelegramHTMLError, match="Unmatched end tag"):
        parse_telegram_html("<b><i>x</b>")
