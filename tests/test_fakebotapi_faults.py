"""Injected faults of the fake Bot API: flood waits, gateway errors, delays, and waiting them out."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter
from telegram.request import HTTPXRequest

from conftest import FAKE_TOKEN as TOKEN
from conftest import FAKE_USER as ALICE
from fakebotapi import Chat, FakeBotAPI, application_builder


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


async def test_faults_served_waits_until_a_delayed_call_is_answered(api: FakeBotAPI) -> None:
    chat = api.register_chat(Chat.private(ALICE))
    request = HTTPXRequest(read_timeout=0.2)
    async with Bot(TOKEN, base_url=api.base_url, request=request) as bot:
        api.delay_next("sendMessage", 0.6)
        with pytest.raises(TimedOut):
            await bot.send_message(chat.id, "slow")
        assert not api.calls_of("sendMessage", ok=None)  # the fake is still answering it
        await api.faults_served(timeout=5)
        assert [c["text"] for c in api.calls_of("sendMessage")] == ["slow"]
        api.fail_next("getMe", status=502)
        with pytest.raises(AssertionError, match="still pending"):
            await api.faults_served(timeout=0.1)  # nothing has called getMe since
