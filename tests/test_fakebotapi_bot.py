"""The fake Bot API answers a plain python-telegram-bot ``Bot`` like Telegram (no mocks)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, InvalidToken

from conftest import FAKE_TOKEN as TOKEN
from conftest import FAKE_USER as ALICE
from conftest import SAMPLE_KEYBOARD as KEYBOARD
from fakebotapi import Chat, FakeBotAPI


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as real_bot:
        yield real_bot


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
