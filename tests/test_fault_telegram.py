"""Fault: the Bot API answers 429, 502 or times out; the bot retries, the user gets one answer."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from telegram import Bot

from bot.net.retry import RetryingRequest
from bot.settings import Settings
from conftest import ALICE, RunningBot, running_bot
from fakebotapi import Call, Chat, FakeBotAPI
from telegram_html import assert_valid_telegram_html

QUESTION = "如何发挥基层党组织战斗堡垒作用"
TIMEOUT = 1  # the bot's SPEECHBOT_API_TIMEOUT in these tests


@pytest.fixture
async def quick_bot(bot_settings: Settings) -> AsyncIterator[RunningBot]:
    """The bot with a one-second Bot API timeout, so that timeouts are quick to provoke."""
    async with FakeBotAPI(token=bot_settings.token or "", bot_username="speech_test_bot") as api:
        settings = replace(bot_settings, api_url=api.root_url, api_timeout=TIMEOUT)
        async with running_bot(settings, api) as running:
            yield running


def _answers(bot: RunningBot, since: int, ok: bool | None = True) -> list[str]:
    """Texts of the answers to QUESTION the fake server recorded."""
    calls = bot.api.calls_of("sendMessage", lambda c: "🔎" in c["text"], since=since, ok=ok)
    return [c["text"] for c in calls]


def _sent(bot: RunningBot, since: int, ok: bool | None = True) -> list[Call]:
    """Every sendMessage since ``since`` but the barrier's (answers, apologies, retries)."""
    return bot.api.calls_of("sendMessage", bot.api.not_barrier, since=since, ok=ok)


async def _ask_and_wait(bot: RunningBot) -> int:
    """Ask QUESTION; return once it is answered, every injected fault was served, and the bot
    has answered a later update (so a second answer or an apology would have arrived)."""
    since = bot.api.mark()
    bot.api.send_message(QUESTION, user=ALICE)
    await bot.api.wait_for("sendMessage", lambda c: "🔎" in c["text"], since=since, timeout=30)
    await bot.api.faults_served()
    await bot.api.barrier()
    return since


async def test_flood_wait_429_is_retried_after_retry_after_and_answered_once(
    quick_bot: RunningBot,
) -> None:
    quick_bot.api.fail_next("sendMessage", status=429, retry_after=1)
    since = await _ask_and_wait(quick_bot)
    assert len(_sent(quick_bot, since, ok=False)) == 1
    delivered = _answers(quick_bot, since)
    assert len(delivered) == 1
    assert "战斗堡垒" in assert_valid_telegram_html(delivered[0])
    assert len(_sent(quick_bot, since)) == 1  # the answer, no apology


async def test_bad_gateway_502_is_retried_and_answered_once(quick_bot: RunningBot) -> None:
    quick_bot.api.fail_next("sendMessage", status=502, times=2)
    since = await _ask_and_wait(quick_bot)
    assert len(_sent(quick_bot, since, ok=False)) == 2
    assert len(_answers(quick_bot, since)) == 1
    assert len(_sent(quick_bot, since)) == 1  # the answer, no apology


async def test_send_that_times_out_after_reaching_telegram_is_not_sent_twice(
    quick_bot: RunningBot,
) -> None:
    # Telegram acts on a request it received even when the client stopped waiting: resending
    # would show the answer twice, and an apology after it would be wrong.
    quick_bot.api.delay_next("sendMessage", TIMEOUT + 1.5)
    since = await _ask_and_wait(quick_bot)  # a retry or apology would come before the barrier
    assert len(_answers(quick_bot, since, ok=None)) == 1
    assert len(_sent(quick_bot, since, ok=None)) == 1


async def test_edit_that_times_out_unanswered_is_retried(quick_bot: RunningBot) -> None:
    since = quick_bot.api.mark()
    quick_bot.api.send_message(QUESTION, user=ALICE)
    answer = await quick_bot.api.wait_for("sendMessage", since=since, timeout=30)
    more = next(d for row in quick_bot.api.buttons(answer) for t, d in row if "更多" in t)
    # The gateway holds the edit past the bot's timeout and then drops it: nothing was edited.
    quick_bot.api.fail_next("editMessageText", status=504, delay=TIMEOUT + 0.5)
    since = quick_bot.api.mark()
    quick_bot.api.press_button(answer, more or "", user=ALICE)
    edited = await quick_bot.api.wait_for("editMessageText", since=since, timeout=30)
    await quick_bot.api.faults_served()
    await quick_bot.api.barrier()
    assert "第 4–" in assert_valid_telegram_html(edited["text"])
    assert len(quick_bot.api.calls_of("editMessageText", since=since, ok=True)) == 1
    assert len(quick_bot.api.calls_of("editMessageText", since=since, ok=False)) == 1


async def test_call_made_while_the_api_is_unreachable_is_sent_once_it_is_back() -> None:
    with socket.socket() as probe:  # a free port on 127.0.0.1, closed again: connects are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = FakeBotAPI(token="123456:TEST-token")
    api.register_chat(Chat.private(ALICE), ALICE)
    request = RetryingRequest(attempts=4, backoff=0.4)
    bot = Bot(api.token, base_url=f"http://127.0.0.1:{port}/bot", request=request)

    async def come_back() -> None:
        await asyncio.sleep(0.3)
        await api.start(port)

    revival = asyncio.create_task(come_back())
    try:
        sent = await bot.send_message(ALICE.id, "你好", parse_mode=None)
        assert sent.text == "你好"
        assert len(api.calls_of("sendMessage", ok=None)) == 1
    finally:
        await revival
        await api.close()
        await request.shutdown()
