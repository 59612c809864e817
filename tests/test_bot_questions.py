"""End to end: questions answered with their sources, over HTTP against a fake Bot API."""

from __future__ import annotations

import asyncio

from conftest import ADMIN, ALICE, BOB_EN, RunningBot
from telegram_html import assert_valid_telegram_html


async def ask(bot: RunningBot, text: str, user=ALICE):  # type: ignore[no-untyped-def]
    since = bot.api.mark()
    bot.api.send_message(text, user=user)
    return await bot.api.wait_for("sendMessage", since=since, timeout=20)


async def test_question_gets_three_passages_with_speech_section_and_bold_terms(
    bot: RunningBot,
) -> None:
    call = await ask(bot, "如何发挥基层党组织战斗堡垒作用？")
    assert call["parse_mode"] == "HTML"
    text = assert_valid_telegram_html(call["text"])
    html = call["text"]
    assert "<b>战斗堡垒</b>" in html or "<b>党组织</b>" in html
    assert html.count("<i>") == 3  # one source line (short name · section path) per passage
    assert "会议" in text and "①" in text and "③" in text
    rows = bot.api.buttons(call)
    labels = [label for row in rows for label, _ in row]
    assert labels == ["①", "②", "③", "更多结果 ▶"]
    assert all(len((data or "").encode()) <= 64 for row in rows for _, data in row)


async def test_nothing_relevant_is_said_plainly_without_passages(bot: RunningBot) -> None:
    call = await ask(bot, "火锅底料配方是什么")
    text = assert_valid_telegram_html(call["text"])
    assert "没有找到" in text and "/outline" in text
    assert not bot.api.buttons(call)


async def test_html_and_markdown_in_a_question_are_escaped(bot: RunningBot) -> None:
    call = await ask(bot, "<b>党建</b> & *工作* _责任_ `code` [x](http://e.com) </i>")
    assert_valid_telegram_html(call["text"])
    assert "&lt;b&gt;" in call["text"]


async def test_a_4000_character_message_gets_a_clear_answer(bot: RunningBot) -> None:
    call = await ask(bot, "党建" * 2000)
    text = assert_valid_telegram_html(call["text"])
    assert "4000" in text and "一句话" in text and len(text) < 150


async def test_english_users_get_english_help(bot: RunningBot) -> None:
    call = await ask(bot, "/help", user=BOB_EN)
    assert "Send a question" in assert_valid_telegram_html(call["text"])


async def test_english_users_get_english_answers_and_pages(bot: RunningBot) -> None:
    nothing = await ask(bot, "火锅底料配方是什么", user=BOB_EN)
    assert "Nothing in the speeches answers" in assert_valid_telegram_html(nothing["text"])
    answer = await ask(bot, "如何发挥基层党组织战斗堡垒作用", user=BOB_EN)
    assert "Results 1–3 of" in assert_valid_telegram_html(answer["text"])
    since = bot.api.mark()
    bot.api.press_button(answer, bot.api.button_data(answer, "More results ▶"), user=BOB_EN)
    edit = await bot.api.wait_for("editMessageText", since=since, timeout=20)
    assert "Results 4–6 of" in assert_valid_telegram_html(edit["text"])


async def test_chinese_help_and_start(bot: RunningBot) -> None:
    for command in ("/start", "/help"):
        call = await ask(bot, command)
        assert "直接发送问题" in assert_valid_telegram_html(call["text"])
        assert "/remove" not in call["text"]  # admin commands only for admins


async def test_admins_help_lists_the_admin_commands(bot: RunningBot) -> None:
    text = assert_valid_telegram_html((await ask(bot, "/help", user=ADMIN))["text"])
    for command in ("/reindex", "/stats", "/speeches", "/remove", ".docx"):
        assert command in text


async def test_search_command_answers_and_alone_explains_itself(bot: RunningBot) -> None:
    call = await ask(bot, "/search 党风廉政建设")
    assert "①" in assert_valid_telegram_html(call["text"])
    call = await ask(bot, "/search")
    assert "用法" in assert_valid_telegram_html(call["text"])


async def test_unknown_command_points_to_help(bot: RunningBot) -> None:
    call = await ask(bot, "/frobnicate")
    assert "/help" in assert_valid_telegram_html(call["text"])


async def test_about_reports_corpus_size_and_build_time(bot: RunningBot) -> None:
    call = await ask(bot, "/about")
    text = assert_valid_telegram_html(call["text"])
    assert "5 篇讲话" in text and "70 段" in text and "UTC" in text


async def test_commands_are_registered_for_the_menu(bot: RunningBot) -> None:
    calls = bot.api.calls_of("setMyCommands")
    default = [c for c in calls if "language_code" not in c.params and "scope" not in c.params]
    assert default and {c["command"] for c in default[0]["commands"]} >= {
        "search",
        "outline",
        "help",
        "about",
    }


async def test_each_answered_question_is_logged_for_stats(bot: RunningBot) -> None:
    await ask(bot, "如何加强干部队伍建设")
    for _ in range(100):  # the log line is written right after the reply is sent
        stats = await bot.app.bot_data.state.stats()
        if stats.questions:
            break
        await asyncio.sleep(0.05)
    assert stats.questions == 1 and stats.median_ms is not None and stats.median_ms > 0
