"""End to end: each user may ask a limited number of questions a minute, and is told so once."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.settings import Settings
from conftest import ALICE, BOB_EN, RunningBot, running_bot
from fakebotapi import FakeBotAPI
from telegram_html import assert_valid_telegram_html


@pytest.fixture
async def strict_bot(bot_settings: Settings) -> AsyncIterator[RunningBot]:
    """The bot with a limit of two questions a minute per user."""
    async with FakeBotAPI(token=bot_settings.token or "", bot_username="speech_test_bot") as api:
        settings = replace(bot_settings, api_url=api.root_url, user_rate=2)
        async with running_bot(settings, api) as running:
            yield running


async def test_over_the_limit_a_user_is_told_once_and_others_are_unaffected(
    strict_bot: RunningBot,
) -> None:
    api = strict_bot.api
    since = api.mark()
    for question in ("党建工作责任制", "基层党组织", "全面从严治党", "年轻干部", "意识形态"):
        api.send_message(question, user=ALICE)
    api.send_message("基层党组织", user=BOB_EN)
    await api.wait_for("sendMessage", lambda c: c["chat_id"] == BOB_EN.id, since=since, timeout=20)
    await api.settle(quiet=1.0, timeout=30)

    to_alice = api.calls_of("sendMessage", lambda c: c["chat_id"] == ALICE.id, since=since)
    texts = [assert_valid_telegram_html(c["text"]) for c in to_alice]
    warnings = [t for t in texts if "提问太频繁" in t]
    assert len(warnings) == 1
    # Two answers and one warning that says when to ask again and that what comes before
    # then is not answered: nothing is dropped without the user having been told.
    assert len(texts) == 3
    seconds = int(re.search(r"请在 (\d+) 秒后再问", warnings[0]).group(1))  # type: ignore[union-attr]
    assert 1 <= seconds <= 60 and "不会回答" in warnings[0] and "2 个" in warnings[0]
    to_bob = api.calls_of("sendMessage", lambda c: c["chat_id"] == BOB_EN.id, since=since)
    assert len(to_bob) == 1 and "You are asking very fast" not in to_bob[0]["text"]
