"""End to end: groups (mention or reply only), and inline mode."""

from __future__ import annotations

from conftest import ALICE, RunningBot
from fakebotapi import Chat
from telegram_html import assert_valid_telegram_html


async def test_group_message_without_mention_gets_no_answer(bot: RunningBot) -> None:
    group = Chat.group(title="党支部")
    since = bot.api.mark()
    bot.api.send_message("如何发挥基层党组织战斗堡垒作用", user=ALICE, chat=group)
    await bot.api.barrier()  # the bot has fetched and answered a later update
    assert not bot.api.calls_of("sendMessage", bot.api.not_barrier, since=since)


async def test_group_message_with_mention_is_answered_as_a_reply(bot: RunningBot) -> None:
    group = Chat.group(title="党支部")
    since = bot.api.mark()
    asked = bot.api.send_message(
        "@speech_test_bot 如何发挥基层党组织战斗堡垒作用", user=ALICE, chat=group
    )
    call = await bot.api.wait_for("sendMessage", since=since, timeout=20)
    assert call["chat_id"] == group.id
    assert (call.get("reply_parameters") or {}).get("message_id") == asked
    assert "战斗堡垒" in assert_valid_telegram_html(call["text"])


async def test_group_reply_to_the_bot_is_answered(bot: RunningBot) -> None:
    group = Chat.group(title="党支部")
    since = bot.api.mark()
    bot.api.send_message("@speech_test_bot 党风廉政建设", user=ALICE, chat=group)
    first = await bot.api.wait_for("sendMessage", since=since, timeout=20)
    since = bot.api.mark()
    bot.api.send_message(
        "干部队伍建设怎么抓", user=ALICE, chat=group, reply_to=first.result["message_id"]
    )
    call = await bot.api.wait_for("sendMessage", since=since, timeout=20)
    assert "干部" in assert_valid_telegram_html(call["text"])


async def test_group_command_is_answered(bot: RunningBot) -> None:
    group = Chat.group(title="党支部")
    since = bot.api.mark()
    bot.api.send_message("/outline@speech_test_bot", user=ALICE, chat=group)
    call = await bot.api.wait_for("sendMessage", since=since, timeout=20)
    assert "讲话目录" in assert_valid_telegram_html(call["text"])


async def test_inline_query_offers_passages_as_articles(bot: RunningBot) -> None:
    since = bot.api.mark()
    bot.api.inline_query("基层党组织 战斗堡垒", user=ALICE)
    call = await bot.api.wait_for("answerInlineQuery", since=since, timeout=20)
    results = call["results"]
    assert results and all(r["type"] == "article" for r in results)
    content = results[0]["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert_valid_telegram_html(content["message_text"])


async def test_inline_query_with_nothing_relevant_offers_nothing(bot: RunningBot) -> None:
    since = bot.api.mark()
    bot.api.inline_query("火锅底料配方是什么", user=ALICE)
    call = await bot.api.wait_for("answerInlineQuery", since=since, timeout=20)
    assert call["results"] == []
