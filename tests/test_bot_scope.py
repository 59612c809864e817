"""End to end through the real bot: what a question points at (which speech, which part, a
follow-up), said in the reply and never applied silently (issue 12's examples)."""

from __future__ import annotations

from typing import Any

from bot.state import context_key
from conftest import ALICE, BOB_EN, RunningBot
from fakebotapi import Chat
from telegram_html import assert_valid_telegram_html

TITLE_5 = "在2023年县委工作会议上的讲话"
EVERYWHERE = "🔍 在全部讲话中搜索"


async def ask(bot: RunningBot, text: str, user=ALICE, chat=None) -> Any:  # type: ignore[no-untyped-def]
    since = bot.api.mark()
    bot.api.send_message(text, user=user, chat=chat)
    return await bot.api.wait_for("sendMessage", since=since, timeout=20)


async def press(bot: RunningBot, call: Any, label: str, user=ALICE) -> Any:  # type: ignore[no-untyped-def]
    since = bot.api.mark()
    bot.api.press_button(call, bot.api.button_data(call, label), user=user)
    return await bot.api.wait_for("sendMessage", since=since, timeout=20)


def labels(bot: RunningBot, call: Any) -> list[str]:
    return [label for row in bot.api.buttons(call) for label, _ in row]


async def test_a_topic_word_in_a_title_is_searched_not_a_filter(bot: RunningBot) -> None:
    call = await ask(bot, "统战工作怎么做")
    text = assert_valid_telegram_html(call["text"])
    assert "📌" not in text  # nothing narrowed the search
    index = bot.app.bot_data.index
    shown = [int(data.split(":")[-1]) for _, data in bot.api.buttons(call)[0] if data]
    views = [v for v in [await index.paragraph(pid) for pid in shown] if v is not None]
    # Speech 5's section is among the passages, and the top one is about united-front work.
    assert any("（三）统战工作要在凝聚共识" in v.section for v in views)
    assert "统战" in views[0].text and "从严治党是做不到" not in views[0].text


async def test_both_topic_words_stay_search_terms(bot: RunningBot) -> None:
    call = await ask(bot, "组织宣传工作怎么抓")
    html = call["text"]
    assert "📌" not in html
    assert "<b>组织</b>" in html or "<b>宣传</b>" in html or "<b>组织宣传</b>" in html


async def test_a_named_speech_says_so_with_a_button_to_search_all(bot: RunningBot) -> None:
    call = await ask(bot, "2023年县委工作会议讲话的第三部分讲了什么")
    text = assert_valid_telegram_html(call["text"])
    assert scope_line(text).startswith(f"📌 在《{TITLE_5}》“三、强化责任担当")
    assert EVERYWHERE in labels(bot, call)
    everywhere = await press(bot, call, EVERYWHERE)
    assert "📌" not in assert_valid_telegram_html(everywhere["text"])


async def test_a_part_without_a_speech_asks_which_speech_with_a_button_each(
    bot: RunningBot,
) -> None:
    call = await ask(bot, "第三部分讲了什么")
    assert assert_valid_telegram_html(call["text"]).startswith("❓ 哪篇讲话？")
    buttons = labels(bot, call)
    assert len(buttons) == 5 and any(TITLE_5[:10] in b for b in buttons)
    picked = await press(bot, call, next(b for b in buttons if b.startswith("5.")))
    text = assert_valid_telegram_html(picked["text"])
    assert scope_line(text).startswith(
        f"📌 在《{TITLE_5}》“三、强化责任担当，切实提升做好党委工作的能力水平”中"
    )
    assert "谋定而后动，笃行方致远" in text  # the part's first paragraph, in order


async def test_a_part_without_a_speech_but_with_a_question_answers_and_offers_each_speech(
    bot: RunningBot,
) -> None:
    call = await ask(bot, "最后说党建跟发展是啥关系？")
    text = assert_valid_telegram_html(call["text"])
    assert "❓ 哪篇讲话？可在下方选择；以下是全部讲话中的结果。" in text
    assert "以一流党建促一流发展" in text
    assert sum(b[:2] in {f"{n}." for n in range(1, 6)} for b in labels(bot, call)) == 5


async def test_a_part_that_does_not_exist_says_how_many_there_are(bot: RunningBot) -> None:
    call = await ask(bot, "2023年县委工作会议讲话第五部分讲了什么")
    assert "共有 3 部分" in assert_valid_telegram_html(call["text"])


async def test_traditional_characters_and_full_width_digits_point_at_a_part(
    bot: RunningBot,
) -> None:
    call = await ask(bot, "2023年縣委工作會議講話第２部分講了什麼")
    assert "二、把握着力重点" in assert_valid_telegram_html(call["text"])


async def test_short_follow_ups_are_read_in_the_previous_answer(bot: RunningBot) -> None:
    first = await ask(bot, "2023年县委工作会议讲话第二部分讲的啥")
    assert "二、把握着力重点" in first["text"]
    part = await ask(bot, "第三部分呢")
    text = assert_valid_telegram_html(part["text"])
    assert scope_line(text).startswith(f"↪️ 接上文《{TITLE_5}》") and "三、强化责任担当" in text
    measures = await ask(bot, "具体有哪些措施")
    assert f"接上文《{TITLE_5}》" in assert_valid_telegram_html(measures["text"])


async def test_a_follow_up_on_assessment_leans_on_the_speech_answered(bot: RunningBot) -> None:
    await ask(bot, "2023年县委工作会议上怎么要求督查考核")
    call = await ask(bot, "那考核结果怎么用？")
    text = assert_valid_telegram_html(call["text"])
    assert f"接上文《{TITLE_5}》" in text
    assert "考核" in text


async def test_start_clears_the_context(bot: RunningBot) -> None:
    await ask(bot, "2023年县委工作会议讲话第二部分讲的啥")
    await ask(bot, "/start")
    call = await ask(bot, "第二部分呢")
    assert assert_valid_telegram_html(call["text"]).startswith("❓ 哪篇讲话？")


async def test_groups_keep_context_per_user(bot: RunningBot) -> None:
    group = Chat.group(title="党支部")
    await ask(bot, "@speech_test_bot 2023年县委工作会议讲话第二部分讲的啥", chat=group)
    alice = await ask(bot, "@speech_test_bot 第三部分呢", chat=group)
    assert "接上文" in alice["text"]
    bob = await ask(bot, "@speech_test_bot 第三部分呢", user=BOB_EN, chat=group)
    assert "Which speech?" in assert_valid_telegram_html(bob["text"])


async def test_outline_takes_a_year(bot: RunningBot) -> None:
    for ref, title in (("2023", TITLE_5), ("2020", "在2020年党的建设工作领导小组会议上的主持讲话")):
        call = await ask(bot, f"/outline {ref}")
        assert title in assert_valid_telegram_html(call["text"])


async def test_outline_with_an_ambiguous_name_offers_each_speech(bot: RunningBot) -> None:
    call = await ask(bot, "/outline 县委")
    assert "可能指以下讲话" in assert_valid_telegram_html(call["text"])
    buttons = labels(bot, call)
    assert len(buttons) >= 3 and all("县委" in b for b in buttons)


async def test_outline_takes_a_description(bot: RunningBot) -> None:
    call = await ask(bot, "/outline 总结2019年")
    assert "在县委党的建设工作领导小组会议上的讲话" in assert_valid_telegram_html(call["text"])


async def test_outline_with_a_superscript_digit_gets_a_no_match_line(bot: RunningBot) -> None:
    call = await ask(bot, "/outline ²")
    assert "没有找到讲话" in assert_valid_telegram_html(call["text"])


async def test_a_follow_ups_pages_are_ranked_in_its_context(bot: RunningBot) -> None:
    services = bot.app.bot_data
    await ask(bot, "2023年县委工作会议讲话第二部分讲的啥")
    focus = await services.followups.get(context_key(ALICE.id, ALICE.id, private=True))
    assert focus is not None and focus.speech == 5
    call = await ask(bot, "具体有哪些措施")
    expected = await services.index.search("具体有哪些措施", k=3, offset=3, focus=focus)
    since = bot.api.mark()
    bot.api.press_button(call, bot.api.button_data(call, "更多结果 ▶"))
    edit = await bot.api.wait_for("editMessageText", since=since, timeout=20)
    # The passage buttons (①②③) open the paragraphs shown, in order.
    shown = [int(data.split(":")[-1]) for _, data in bot.api.buttons(edit)[0] if data]
    assert shown == [h.paragraph_id for h in expected.hits]


def scope_line(text: str) -> str:
    """The line under the question that says what narrowed the search."""
    return text.split("\n")[1]
