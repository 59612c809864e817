"""End to end: one row of passage buttons, the paragraph in full with its navigation, outlines
and sections, all edited into the one message in place."""

from __future__ import annotations

from dataclasses import replace

from bot.settings import Settings
from conftest import ALICE, RunningBot, ask, press, running_bot
from fakebotapi import FakeBotAPI
from telegram_html import assert_valid_telegram_html

QUESTION = "如何发挥基层党组织战斗堡垒作用"


async def test_an_answer_has_one_passage_row_and_one_paging_row(bot: RunningBot) -> None:
    answer = await ask(bot, QUESTION)
    assert [[label for label, _ in row] for row in bot.api.buttons(answer)] == [
        ["①", "②", "③"],
        ["更多结果 ▶"],
    ]


async def test_more_results_edits_the_message_in_place(bot: RunningBot) -> None:
    answer = await ask(bot, QUESTION)
    edit = await press(bot, answer, "更多结果 ▶")
    assert edit["message_id"] == answer.result["message_id"]
    text = assert_valid_telegram_html(edit["text"])
    assert "④" in text and "第 4–6 条" in text
    labels = [[label for label, _ in row] for row in bot.api.buttons(edit)]
    assert labels[0] == ["④", "⑤", "⑥"] and labels[1] == ["◀ 上一页", "更多结果 ▶"]


async def test_a_passage_opens_in_full_in_place_with_its_navigation(
    browsing_bot: RunningBot,
) -> None:
    bot = browsing_bot
    answer = await ask(bot, QUESTION)
    full = await press(bot, answer, "①")
    assert full["message_id"] == answer.result["message_id"]
    assert not bot.api.calls_of("sendMessage", since=answer.index + 1)
    text = assert_valid_telegram_html(full["text"])
    assert "…" not in text.split("\n\n")[-2][:-1]  # the paragraph itself is whole
    assert "<b>战斗堡垒作用</b>" in full["text"]  # the question's words stay in bold
    assert "段" in text.split("\n")[-1]  # its place in the speech
    labels = [label for row in bot.api.buttons(full) for label, _ in row]
    assert labels[-2:] == ["大纲", "返回结果"] and "下一段 ▶" in labels
    following = await press(bot, full, "下一段 ▶")
    assert following["text"] != full["text"] and "◀ 上一段" in str(bot.api.buttons(following))
    back = await press(bot, following, "返回结果")
    assert "第 1–3 条" in assert_valid_telegram_html(back["text"])


async def test_outline_and_sections_edit_in_place_with_previous_next_and_back(
    browsing_bot: RunningBot,
) -> None:
    bot = browsing_bot
    answer = await ask(bot, QUESTION)
    full = await press(bot, answer, "①")
    tree = await press(bot, full, "大纲")
    assert "一、" in assert_valid_telegram_html(tree["text"])
    rows = bot.api.buttons(tree)
    assert [label for label, _ in rows[-1]] == ["◀ 讲话目录", "返回结果"]
    section = await press(bot, tree, rows[0][0][0])
    labels = [label for row in bot.api.buttons(section) for label, _ in row]
    assert "下一部分 ▶" in labels and labels[-2:] == ["大纲", "返回结果"]
    following = await press(bot, section, "下一部分 ▶")
    assert following["text"] != section["text"]
    assert "◀ 上一部分" in [label for row in bot.api.buttons(following) for label, _ in row]
    listing = await press(bot, await press(bot, following, "大纲"), "◀ 讲话目录")
    assert "讲话目录" in assert_valid_telegram_html(listing["text"])
    assert all(c["message_id"] == answer.result["message_id"] for c in (tree, section, listing))
    assert not bot.api.calls_of("sendMessage", since=answer.index + 1)


async def test_outline_command_lists_speeches_as_buttons_then_sections(
    browsing_bot: RunningBot,
) -> None:
    bot = browsing_bot
    listing = await ask(bot, "/outline")
    assert "讲话目录" in assert_valid_telegram_html(listing["text"])
    assert len(bot.api.buttons(listing)) == 5
    tree = await press(bot, listing, bot.api.buttons(listing)[4][0][0])
    assert "在2023年县委工作会议上的讲话" in assert_valid_telegram_html(tree["text"])
    section = await press(bot, tree, bot.api.buttons(tree)[0][0][0])
    assert "今天我们召开县委工作会议" in assert_valid_telegram_html(section["text"])


async def test_outline_by_number_and_by_name(bot: RunningBot) -> None:
    for ref in ("/outline 4", "/outline 组织宣传统战"):
        text = assert_valid_telegram_html((await ask(bot, ref))["text"])
        assert "在全县党的建设暨组织宣传统战工作会议上的讲话" in text
        assert "（三）注重考评，强化问责" in text


async def test_buttons_keep_working_after_a_restart(bot_settings: Settings) -> None:
    async with FakeBotAPI(token=bot_settings.token or "", bot_username="speech_test_bot") as api:
        settings = replace(bot_settings, api_url=api.root_url)
        async with running_bot(settings, api) as first:
            answer = await ask(first, QUESTION)
            data = first.api.button_data(answer, "更多结果 ▶")
        # A new Application and process state; only the database is the same.
        async with running_bot(settings, api):
            since = api.mark()
            api.press_button(answer, data, user=ALICE)
            edit = await api.wait_for("editMessageText", since=since, timeout=20)
            assert "第 4–6 条" in assert_valid_telegram_html(edit["text"])
            assert edit["message_id"] == answer.result["message_id"]


async def test_presses_faster_than_a_second_on_one_message_are_asked_to_wait(
    bot: RunningBot,
) -> None:
    answer = await ask(bot, QUESTION)
    await press(bot, answer, "①")
    since = bot.api.mark()
    current = bot.api.message(ALICE.id, answer.result["message_id"])
    bot.api.press_button(answer, bot.api.button_data(current, "大纲"), user=ALICE)
    call = await bot.api.wait_for("answerCallbackQuery", since=since, timeout=20)
    assert "稍候" in call.get("text", "")


async def test_every_message_and_edit_is_html_by_the_applications_defaults(
    browsing_bot: RunningBot,
) -> None:
    bot = browsing_bot
    since = bot.api.mark()
    answer = await ask(bot, QUESTION)
    edited = answer
    for label in ("①", "大纲", "返回结果", "更多结果 ▶"):
        edited = await press(bot, edited, label)
    await bot.api.barrier()
    sent = [c for m in ("sendMessage", "editMessageText") for c in bot.api.calls_of(m, since=since)]
    assert len(sent) == 6  # the answer, four edits, the barrier's help
    assert {c.get("parse_mode") for c in sent} == {"HTML"}


async def test_full_and_context_buttons_of_older_answers_open_the_paragraph_in_place(
    browsing_bot: RunningBot,
) -> None:
    bot = browsing_bot
    for kind in ("f", "c"):
        answer = await ask(bot, QUESTION)
        data = f"{kind}:{bot.api.button_data(answer, '①').split(':')[-1]}"
        since = bot.api.mark()
        bot.api.press_button(answer, data, user=ALICE, strict=False)
        edit = await bot.api.wait_for("editMessageText", since=since, timeout=20)
        assert edit["message_id"] == answer.result["message_id"]
        assert "段" in assert_valid_telegram_html(edit["text"]).splitlines()[-1]
        labels = [label for row in bot.api.buttons(edit) for label, _ in row]
        assert "大纲" in labels and "返回结果" not in labels  # no question to go back to
