"""End to end: /outline's list of speeches pages in place once an archive outgrows one screen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.settings import Settings
from conftest import ALICE, RunningBot, grow_corpus, running_bot
from fakebotapi import FakeBotAPI
from telegram_html import assert_valid_telegram_html


@pytest.fixture
async def archive_bot(
    bot_settings: Settings, corpus_dir: Path, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """The bot over 50 speeches (the bundled five and 45 variants), indexed at start."""
    grow_corpus(corpus_dir, 45)
    settings = replace(bot_settings, db_path=tmp_path / "archive.db")
    async with FakeBotAPI(token=settings.token or "", bot_username="speech_test_bot") as api:  # noqa: SIM117 (the bot needs the server's URL)
        async with running_bot(replace(settings, api_url=api.root_url), api) as running:
            yield running


def _labels(bot: RunningBot, message: object) -> list[list[str]]:
    return [[label for label, _ in row] for row in bot.api.buttons(message)]  # type: ignore[arg-type]


async def test_speech_list_pages_with_buttons_and_edits_in_place(archive_bot: RunningBot) -> None:
    api = archive_bot.api
    since = api.mark()
    api.send_message("/outline", user=ALICE)
    first = await api.wait_for("sendMessage", since=since, timeout=30)
    text = assert_valid_telegram_html(first["text"])
    assert "第 1/3 页，共 50 篇" in text and text.count("段）") == 20
    rows = _labels(archive_bot, first)
    assert len(rows) == 21 and rows[-1] == ["下一页 ▶"]
    assert rows[0][0].startswith("1. ")

    since = api.mark()
    data = api.buttons(first)[-1][0][1] or ""
    api.press_button(first, data, user=ALICE)
    second = await api.wait_for("editMessageText", since=since, timeout=30)
    text = assert_valid_telegram_html(second["text"])
    lines = text.split("\n")
    assert "第 2/3 页" in lines[0] and lines[1].startswith("21. ") and lines[20].startswith("40. ")
    rows = _labels(archive_bot, second)
    assert rows[-1] == ["◀ 上一页", "下一页 ▶"] and rows[0][0].startswith("21. ")
    assert not api.calls_of("sendMessage", since=since)  # paging edits, never a new message
