"""Fault: two admins send /reindex at the same moment; one build runs, the other admin is told."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.settings import Settings
from conftest import ADMIN, ALICE, RunningBot, grow_corpus, running_bot
from fakebotapi import Call, FakeBotAPI, User
from telegram_html import assert_valid_telegram_html

SECOND_ADMIN = User(1002, "Second admin", username="second_admin")
BUSY = "正在进行"


@pytest.fixture
async def two_admin_bot(bot_settings: Settings) -> AsyncIterator[RunningBot]:
    """The bot with ADMIN and SECOND_ADMIN in SPEECHBOT_ADMINS."""
    async with FakeBotAPI(token=bot_settings.token or "", bot_username="speech_test_bot") as api:
        settings = replace(
            bot_settings, api_url=api.root_url, admins=frozenset({ADMIN.id, SECOND_ADMIN.id})
        )
        async with running_bot(settings, api) as running:
            yield running


def _final(call: Call) -> bool:
    return "✅" in call["text"] or "❌" in call["text"] or BUSY in call["text"]


async def test_two_admins_reindexing_at_once_get_one_build_and_one_busy_notice(
    two_admin_bot: RunningBot,
) -> None:
    bot = two_admin_bot
    grow_corpus(bot.settings.corpus_dir, 12)  # a build that lasts long enough to overlap
    before = bot.app.bot_data.index.snapshot.generation
    since = bot.api.mark()
    bot.api.send_message("/reindex", user=ADMIN)
    bot.api.send_message("/reindex", user=SECOND_ADMIN)  # same getUpdates batch: handled at once

    outcome: dict[int, str] = {}
    while len(outcome) < 2:
        call = await bot.api.wait_for("sendMessage", since=since, timeout=30)
        if BUSY in call["text"]:  # refused before a build task was even started
            outcome[call["chat_id"]] = call["text"]
        else:
            final = await bot.api.wait_for(
                "editMessageText",
                lambda c, chat=call["chat_id"]: c["chat_id"] == chat and _final(c),
                since=since,
                timeout=120,
            )
            outcome[final["chat_id"]] = final["text"]
    assert set(outcome) == {ADMIN.id, SECOND_ADMIN.id}
    texts = [assert_valid_telegram_html(t) for t in outcome.values()]
    assert sorted("✅" in t for t in texts) == [False, True], texts
    assert sorted(BUSY in t for t in texts) == [False, True], texts
    assert "讲话 17 篇" in next(t for t in texts if "✅" in t)

    # Exactly one new generation was built, and answers come from it.
    assert bot.app.bot_data.index.snapshot.generation > before
    with sqlite3.connect(bot.settings.db_path) as conn:
        built = conn.execute(
            "SELECT count(*) FROM generations WHERE id > ? AND status = 'ready'", (before,)
        ).fetchone()[0]
    assert built == 1
    since = bot.api.mark()
    bot.api.send_message("领导小组工作会议", user=ALICE)
    # Seventeen speeches now share that meeting's name: the bot answers by asking which.
    answer = (await bot.api.wait_for("sendMessage", since=since, timeout=30))["text"]
    assert "🔎" in answer or "哪篇讲话" in answer
