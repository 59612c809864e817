"""End to end: the buttons under an answer and under /outline."""

from __future__ import annotations

from dataclasses import replace

from bot.settings import Settings
from bot.ui.callbacks import Full, encode
from conftest import ALICE, RunningBot, running_bot
from fakebotapi import FakeBotAPI
from telegram_html import assert_valid_telegram_html


async def _answer(bot: RunningBot, text: str = "如何发挥基层党组织战斗堡垒作用"):  # type: ignore[no-untyped-def]
    since = bot.api.mark()
    bot.api.send_message(text, user=ALICE)
    return await bot.api.wait_for("sendMessage", since=since, timeout=20)


async def test_more_results_edits_the_message_in_place(bot: RunningBot) -> None:
    answer = await _answer(bot)
    since = bot.api.mark()
    bot.api.press_button(answer, bot.api.button_data(answer, "更多结果 ▶"), user=ALICE)
    edit = await bot.api.wait_for("editMessageText", since=since, timeout=20)
    assert edit["message_id"] == answer.result["message_id"]
    text = assert_valid_telegram_html(edit["text"])
    assert "4." in text and "第 4–6 条" in text
    assert not bot.api.calls_of("sendMessage", since=since)
    await bot.api.wait_for("answerCallbackQuery", since=since)


async def test_full_text_sends_the_whole_paragraph(bot: RunningBot) -> None:
    answer = await _answer(bot)
    since = bot.api.mark()
    bot.api.press_button(answer, bot.api.button_data(answer, "1 全文"), user=ALICE)
    sent = await bot.api.wait_for("sendMessage", since=since, timeout=20)
    text = assert_valid_telegram_html(sent["text"])
    assert "全文" in text and "…" not in text.split("\n", 2)[2][:-6]


async def test_context_shows_the_paragraphs_around_it(bot: RunningBot) -> None:
    answer = await _answer(bot)
    since = bot.api.mark()
    bot.api.press_button(answer, bot.api.button_data(answer, "1 上下文"), user=ALICE)
    sent = await bot.api.wait_for("sendMessage", since=since, timeout=20)
    html = sent["text"]
    assert_valid_telegram_html(html)
    assert "▶" in html and html.count("<i>") >= 2


async def test_outline_button_shows_the_speech_structure(bot: RunningBot) -> None:
    answer = await _answer(bot)
    since = bot.api.mark()
    bot.api.press_button(answer, bot.api.button_data(answer, "1 大纲"), user=ALICE)
    sent = await bot.api.wait_for("sendMessage", since=since, timeout=20)
    text = assert_valid_telegram_html(sent["text"])
    assert "一、" in text or "一要" in text
    assert bot.api.buttons(sent)


async def test_outline_command_lists_speeches_as_buttons_then_sections(bot: RunningBot) -> None:
    since = bot.api.mark()
    bot.api.send_message("/outline", user=ALICE)
    listing = await bot.api.wait_for("sendMessage", since=since, timeout=20)
    assert "讲话目录" in assert_valid_telegram_html(listing["text"])
    assert len(bot.api.buttons(listing)) == 5
    since = bot.api.mark()
    bot.api.press_button(
        listing, bot.api.button_data(listing, bot.api.buttons(listing)[4][0][0]), user=ALICE
    )
    tree = await bot.api.wait_for("sendMessage", since=since, timeout=20)
    assert "在2023年县委工作会议上的讲话" in assert_valid_telegram_html(tree["text"])
    section_label = bot.api.buttons(tree)[0][0][0]
    since = bot.api.mark()
    bot.api.press_button(tree, bot.api.button_data(tree, section_label), user=ALICE)
    section = await bot.api.wait_for("sendMessage", since=since, timeout=20)
    assert "今天我们召开县委工作会议" in assert_valid_telegram_html(section["text"])


async def test_outline_by_number_and_by_name(bot: RunningBot) -> None:
    for ref in ("/outline 4", "/outline 组织宣传统战"):
        since = bot.api.mark()
        bot.api.send_message(ref, user=ALICE)
        call = await bot.api.wait_for("sendMessage", since=since, timeout=20)
        text = assert_valid_telegram_html(call["text"])
        assert "在全县党的建设暨组织宣传统战工作会议上的讲话" in text
        assert "（三）注重考评，强化问责" in text


async def test_buttons_keep_working_after_a_restart(bot_settings: Settings) -> None:
    async with FakeBotAPI(token=bot_settings.token or "", bot_username="speech_test_bot") as api:
        settings = replace(bot_settings, api_url=api.root_url)
        async with running_bot(settings, api) as first:
            answer = await _answer(first)
            data = first.api.button_data(answer, "更多结果 ▶")
        # A new Application and process state; only the database is the same.
        async with running_bot(settings, api) as second:
            since = api.mark()
            api.press_button(answer, data, user=ALICE)
            edit = await api.wait_for("editMessageText", since=since, timeout=20)
            assert "第 4–6 条" in assert_valid_telegram_html(edit["text"])
            assert edit["message_id"] == answer.result["message_id"]
            del second


async def test_stale_or_forged_button_data_is_answered_and_ignored(bot: RunningBot) -> None:
    answer = await _answer(bot)
    since = bot.api.mark()
    bot.api.press_button(answer, encode(Full(99999999)), user=ALICE, strict=False)
    call = await bot.api.wait_for("answerCallbackQuery", since=since, timeout=20)
    assert "不存在" in call.get("text", "")
    bot.api.press_button(answer, "garbage:::", user=ALICE, strict=False)
    await bot.api.wait_for("answerCallbackQuery", since=since, timeout=20)
    await bot.api.settle()
    assert not bot.api.calls_of("sendMessage", since=since)


async def test_every_message_and_edit_is_html_by_the_applications_defaults(
    bot: RunningBot,
) -> None:
    since = bot.api.mark()
    answer = await _answer(bot)
    for label in ("1 全文", "1 上下文", "1 大纲", "更多结果 ▶"):
        bot.api.press_button(answer, bot.api.button_data(answer, label), user=ALICE)
        await bot.api.wait_for("answerCallbackQuery", since=since, timeout=20)
    await bot.api.wait_for("editMessageText", since=since, timeout=20)
    await bot.api.barrier()
    sent = [c for m in ("sendMessage", "editMessageText") for c in bot.api.calls_of(m, since=since)]
    assert len(sent) == 6  # answer, 全文, 上下文, 大纲, the edit, the barrier's help
    assert {c.get("parse_mode") for c in sent} == {"HTML"}
