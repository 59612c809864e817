"""End to end with the semantic part on: everyday wording answered, middling evidence captioned."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.settings import Settings
from conftest import ALICE, BOB_EN, RunningBot, running_bot
from fakebotapi import FakeBotAPI
from index import probe_model
from telegram_html import assert_valid_telegram_html

pytestmark = pytest.mark.skipif(probe_model() != "", reason="the embedding model cannot load here")


@pytest.fixture
async def semantic_bot(bot_settings: Settings) -> AsyncIterator[RunningBot]:
    """The bot with SPEECHBOT_DENSE on (the bundled corpus's vectors ship with the package)."""
    async with FakeBotAPI(token=bot_settings.token or "", bot_username="speech_test_bot") as api:
        settings = replace(bot_settings, api_url=api.root_url, dense=True)
        async with running_bot(settings, api) as running:
            yield running


async def _ask(bot: RunningBot, text: str) -> str:
    since = bot.api.mark()
    bot.api.send_message(text, user=ALICE)
    call = await bot.api.wait_for("sendMessage", since=since, timeout=30)
    return assert_valid_telegram_html(call["text"])


async def test_a_question_in_everyday_words_gets_the_passage_that_answers_it(
    semantic_bot: RunningBot,
) -> None:
    # A development-set paraphrase: BM25 alone answers it "nothing relevant".
    bot = semantic_bot
    since = bot.api.mark()
    bot.api.send_message("抗疫的时候党员是不是得顶在最前头", user=ALICE)
    call = await bot.api.wait_for("sendMessage", since=since, timeout=30)
    assert "没有找到与" not in assert_valid_telegram_html(call["text"])
    # The answer shows about 150 characters of each passage; the one that answers is among
    # them, and its button opens it whole.
    ids = [int(data.split(":")[-1]) for data in (d for _, d in bot.api.buttons(call)[0]) if data]
    texts = [view.text for i in ids if (view := await bot.app.bot_data.index.paragraph(i))]
    assert any("先锋模范作用" in t for t in texts)


async def test_middling_evidence_is_shown_under_a_plain_caption_not_refused(
    semantic_bot: RunningBot,
) -> None:
    text = await _ask(semantic_bot, "干部下去住村了解情况有什么要求")
    assert "没有找到直接回答，以下段落可能相关" in text
    assert "①" in text


async def test_about_says_the_semantic_part_is_on(semantic_bot: RunningBot) -> None:
    text = await _ask(semantic_bot, "/about")
    assert "语义检索：已开启（70 段均有向量）" in text


async def test_about_says_semantic_search_is_off_in_the_users_language(bot: RunningBot) -> None:
    since = bot.api.mark()
    bot.api.send_message("/about", user=BOB_EN)
    call = await bot.api.wait_for("sendMessage", since=since, timeout=30)
    text = assert_valid_telegram_html(call["text"])
    assert "Semantic search: off (SPEECHBOT_DENSE=off)" in text
