"""End to end: buttons that stay true — after a reindex, from another chat, with forged data."""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from dataclasses import replace

import pytest

from bot.settings import Settings
from bot.ui.answer import rank_mark
from conftest import ALICE, BOB_EN, RunningBot, ask, press, reindex_by_admin, running_bot
from fakebotapi import FakeBotAPI
from telegram_html import assert_valid_telegram_html

QUESTION = "如何发挥基层党组织战斗堡垒作用"


def _data(bot: RunningBot, message: object, label: str) -> str:
    return bot.api.button_data(message, label)  # type: ignore[arg-type]


async def test_buttons_of_removed_speeches_say_so_and_offer_a_fresh_search(
    browsing_bot: RunningBot,
) -> None:
    bot = browsing_bot
    answer = await ask(bot, QUESTION)
    first = _data(bot, answer, "①")
    for path in sorted(bot.settings.corpus_dir.iterdir())[:3]:  # speeches 1-3
        path.unlink()
    await reindex_by_admin(bot)
    gone = await press(bot, answer, "①")
    text = assert_valid_telegram_html(gone["text"])
    assert "已不在索引中" in text and "在县委" not in text
    assert [label for row in bot.api.buttons(gone) for label, _ in row] == ["🔎 重新搜索"]
    fresh = await press(bot, gone, "🔎 重新搜索")
    fresh_text = assert_valid_telegram_html(fresh["text"])
    assert "第 1–3 条" in fresh_text and "#1" not in fresh_text
    assert first not in str(bot.api.buttons(fresh))


async def test_a_page_beyond_the_end_shows_the_last_page(bot: RunningBot) -> None:
    answer = await ask(bot, QUESTION)
    query_id = _data(bot, answer, "更多结果 ▶").split(":")[1]
    found = re.search(r"共 (\d+) 条", assert_valid_telegram_html(answer["text"]))
    assert found is not None
    total = int(found.group(1))
    first = (total - 1) // 3 * 3 + 1  # the last page's first passage
    since = bot.api.mark()
    bot.api.press_button(answer, f"m:{query_id}:{total + 9}", user=ALICE, strict=False)
    edit = await bot.api.wait_for("editMessageText", since=since, timeout=20)
    text = assert_valid_telegram_html(edit["text"])
    assert f"第 {first}–{total} 条，共 {total} 条" in text
    assert rank_mark(first) in text and rank_mark(total + 1) not in text


async def test_paging_state_belongs_to_the_chat_that_asked(bot: RunningBot) -> None:
    alices = await ask(bot, QUESTION)
    query_id = _data(bot, alices, "更多结果 ▶").split(":")[1]
    bobs = await ask(bot, "怎样加强干部队伍建设", user=BOB_EN)
    since = bot.api.mark()
    for data in (f"m:{query_id}:0", f"m:{query_id}:3", f"p:{query_id}:0:1"):
        bot.api.press_button(bobs, data, user=BOB_EN, strict=False)
        alert = await bot.api.wait_for("answerCallbackQuery", since=since, timeout=20)
        assert alert["show_alert"] and "no longer exists" in alert["text"]
    await bot.api.settle()
    assert not bot.api.calls_of("editMessageText", since=since)


@pytest.mark.parametrize(
    "data",
    [
        "",
        "m:99999999999999999999:0",
        "f:9223372036854775808",
        "c:18446744073709551616",
        "s:9223372036854775808:0",
        "m:-1:0",
        "m:1",
        "p:1:2:3:4",
        "x:99",
        "garbage:::",
    ],
)
async def test_malformed_or_huge_callback_data_is_answered_as_stale_and_logged_once(
    bot: RunningBot, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    answer = await ask(bot, QUESTION)
    caplog.set_level(logging.INFO)
    caplog.clear()
    since = bot.api.mark()
    bot.api.press_button(answer, data, user=ALICE, strict=False)
    alert = await bot.api.wait_for("answerCallbackQuery", since=since, timeout=20)
    assert "不存在" in alert["text"] or "已不在" in alert["text"]
    await bot.api.settle()
    assert not bot.api.calls_of("editMessageText", since=since)
    assert not bot.api.calls_of("sendMessage", since=since)
    mine = [r for r in caplog.records if r.name == "bot.handlers.browse"]
    assert len(mine) == 1 and mine[0].levelno == logging.INFO and mine[0].exc_info is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_paging_rows_stored_before_chats_owned_them_are_refused_not_fatal(
    bot_settings: Settings,
) -> None:
    db = sqlite3.connect(bot_settings.db_path)  # the table as older versions made it
    with db:
        db.execute(
            "CREATE TABLE bot_queries (id INTEGER PRIMARY KEY, query TEXT NOT NULL,"
            " speech INTEGER, created_at REAL NOT NULL)"
        )
        db.execute("INSERT INTO bot_queries VALUES (7, '基层党组织', NULL, ?)", (time.time(),))
    db.close()
    token = bot_settings.token or ""
    async with (
        FakeBotAPI(token=token, bot_username="speech_test_bot") as api,
        running_bot(replace(bot_settings, api_url=api.root_url), api) as bot,
    ):
        answer = await ask(bot, QUESTION)  # stored with its chat in the migrated table
        assert "更多结果 ▶" in str(bot.api.buttons(answer))
        since = api.mark()
        api.press_button(answer, "m:7:0", user=ALICE, strict=False)
        alert = await api.wait_for("answerCallbackQuery", since=since, timeout=20)
        assert alert["show_alert"] and "不存在" in alert["text"]
