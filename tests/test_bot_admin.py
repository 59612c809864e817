"""End to end: /reindex and /stats for admins; refusals for everyone else."""

from __future__ import annotations

from bot.ui.callbacks import Admin, encode
from conftest import ADMIN, ALICE, BOB_EN, RunningBot
from telegram_html import assert_valid_telegram_html


async def _command(bot: RunningBot, text: str, user):  # type: ignore[no-untyped-def]
    since = bot.api.mark()
    bot.api.send_message(text, user=user)
    return await bot.api.wait_for("sendMessage", since=since, timeout=20), since


async def test_reindex_by_admin_edits_progress_into_one_message_and_summarises(
    bot: RunningBot,
) -> None:
    (bot.settings.corpus_dir / "06-new.txt").write_text(
        "在新时代党建工作推进会上的讲话\n同志们：\n今天我们研究乡村振兴和党建引领基层治理。\n"
        "一、抓好村级组织换届。换届是基层政权建设的大事。\n谢谢大家！\n",
        encoding="utf-8",
    )
    status, since = await _command(bot, "/reindex", ADMIN)
    assert "开始重建" in status["text"]
    final = await bot.api.wait_for(
        "editMessageText", lambda c: "✅" in c["text"] or "❌" in c["text"], since=since, timeout=60
    )
    text = assert_valid_telegram_html(final["text"])
    assert "讲话 6 篇" in text and final["message_id"] == status.result["message_id"]
    answer, _ = await _command(bot, "村级组织换届", ALICE)
    assert "新时代党建工作推进会" in assert_valid_telegram_html(answer["text"])


async def test_reindex_by_other_user_is_refused(bot: RunningBot) -> None:
    call, since = await _command(bot, "/reindex", ALICE)
    assert "仅限管理员" in call["text"]
    await bot.api.barrier()  # the bot has fetched and answered a later update
    assert bot.api.calls_of("sendMessage", bot.api.not_barrier, since=since) == [call]
    assert not bot.api.calls_of("editMessageText", since=since)
    assert bot.app.bot_data.reindex_task is None and not bot.app.bot_data.index.building


async def test_second_reindex_while_one_runs_is_told_so(bot: RunningBot) -> None:
    since = bot.api.mark()
    bot.api.send_message("/reindex", user=ADMIN)
    bot.api.send_message("/reindex", user=ADMIN)
    first = await bot.api.wait_for("sendMessage", since=since, timeout=20)
    second = await bot.api.wait_for("sendMessage", since=since, timeout=20)
    texts = [first["text"], second["text"]]
    finals = []
    for _ in range(2):
        finals.append(
            await bot.api.wait_for(
                "editMessageText",
                lambda c: "✅" in c["text"] or "正在进行" in c["text"],
                since=since,
                timeout=60,
            )
        )
    combined = texts + [c["text"] for c in finals]
    assert any("正在进行" in t for t in combined)
    assert sum("✅" in t for t in combined) == 1


async def test_failed_reindex_keeps_the_old_index_serving(bot: RunningBot) -> None:
    for path in bot.settings.corpus_dir.iterdir():
        path.unlink()
    status, since = await _command(bot, "/reindex", ADMIN)
    final = await bot.api.wait_for(
        "editMessageText", lambda c: "❌" in c["text"], since=since, timeout=60
    )
    assert "旧索引继续服务" in assert_valid_telegram_html(final["text"])
    answer, _ = await _command(bot, "如何发挥基层党组织战斗堡垒作用", ALICE)
    assert "战斗堡垒" in answer["text"]
    del status


async def test_stats_for_admin_and_refusal_for_others(bot: RunningBot) -> None:
    await _command(bot, "火锅底料配方是什么", ALICE)
    await _command(bot, "火锅底料配方是什么", BOB_EN)  # two people asked: shown
    await _command(bot, "党风廉政建设", ALICE)
    call, _ = await _command(bot, "/stats", ADMIN)
    text = assert_valid_telegram_html(call["text"])
    assert "已回答问题" in text and "火锅底料配方是什么" in text and "p95" in text
    refused, _ = await _command(bot, "/stats", ALICE)
    assert "仅限管理员" in refused["text"]


async def test_forged_admin_button_from_non_admin_does_nothing(bot: RunningBot) -> None:
    answer, _ = await _command(bot, "党建", ALICE)
    since = bot.api.mark()
    bot.api.press_button(answer, encode(Admin("cancel", "1")), user=ALICE, strict=False)
    call = await bot.api.wait_for("answerCallbackQuery", since=since, timeout=20)
    assert "仅限管理员" in call.get("text", "")
    await bot.api.barrier()  # the bot has fetched and answered a later update
    assert not bot.api.calls_of("editMessageText", since=since)
    assert not bot.api.calls_of("sendMessage", bot.api.not_barrier, since=since)
    assert len(bot.api.calls_of("answerCallbackQuery", since=since)) == 1
