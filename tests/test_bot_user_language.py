"""End to end: a user whose Telegram speaks English meets no Chinese control, alert or counter
(speech titles and passages stay as written)."""

from __future__ import annotations

import re

from conftest import BOB_EN, RunningBot, ask, press
from telegram_html import assert_valid_telegram_html

_HAN = re.compile(r"[\u4e00-\u9fff]")


def _labels(bot: RunningBot, message: object) -> list[str]:
    return [label for row in bot.api.buttons(message) for label, _ in row]  # type: ignore[arg-type]


async def test_every_label_counter_and_command_reply_is_english(browsing_bot: RunningBot) -> None:
    bot = browsing_bot
    answer = await ask(bot, "如何发挥基层党组织战斗堡垒作用", user=BOB_EN)
    last_line = assert_valid_telegram_html(answer["text"]).splitlines()[-1]
    assert last_line.startswith("Results 1–3 of") and not _HAN.search(last_line)
    assert _labels(bot, answer) == ["①", "②", "③", "More results ▶"]
    full = await press(bot, answer, "①", user=BOB_EN)
    assert assert_valid_telegram_html(full["text"]).splitlines()[-1].startswith("paragraph ")
    assert not any(_HAN.search(label) for label in _labels(bot, full))
    tree = await press(bot, full, "Outline", user=BOB_EN)
    assert _labels(bot, tree)[-2:] == ["◀ Speeches", "Results"]
    listing = await press(bot, tree, "◀ Speeches", user=BOB_EN)
    assert "<b>Speeches</b>" in listing["text"]
    for command in ("/about", "/outline 99", "/start", "/help"):
        text = assert_valid_telegram_html((await ask(bot, command, user=BOB_EN))["text"])
        without_examples = re.sub(r"<i>.*?</i>|e\.g\..*", "", text)
        assert not _HAN.search(without_examples), (command, text)


async def test_stale_alerts_and_nothing_found_are_english(bot: RunningBot) -> None:
    answer = await ask(bot, "量子计算机的工作原理", user=BOB_EN)
    assert assert_valid_telegram_html(answer["text"]).startswith("Nothing in the speeches")
    since = bot.api.mark()
    bot.api.press_button(answer, "m:999999:0", user=BOB_EN, strict=False)
    alert = await bot.api.wait_for("answerCallbackQuery", since=since, timeout=20)
    assert alert["text"] and not _HAN.search(alert["text"])
