"""End to end: /speeches lists the indexed speeches with files and dates; /remove N confirms."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.ui.callbacks import Admin, encode
from conftest import ADMIN, ALICE, RunningBot, corpus_snapshot
from corpus import TRASH, corpus_files
from fakebotapi import Call, User
from telegram_html import assert_valid_telegram_html


async def _command(bot: RunningBot, text: str, user: User = ADMIN) -> Call:
    since = bot.api.mark()
    bot.api.send_message(text, user=user)
    return await bot.api.wait_for("sendMessage", since=since, timeout=30)


async def test_speeches_lists_number_title_file_paragraphs_and_date(bot: RunningBot) -> None:
    call = await _command(bot, "/speeches")
    text = assert_valid_telegram_html(call["text"])
    speeches = await bot.app.bot_data.index.speeches()
    assert len(speeches) == 5 and "（5 篇）" in text
    for s in speeches:
        path = bot.settings.corpus_dir / s.source
        date = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).strftime("%Y-%m-%d %H:%M")
        assert f"{s.number}. {s.title}\n　{s.source} · {s.n_paragraphs} 段 · {date}" in text


async def test_speeches_and_remove_are_refused_to_non_admins(bot: RunningBot) -> None:
    before = corpus_snapshot(bot.settings.corpus_dir)
    for command in ("/speeches", "/remove 1"):
        call = await _command(bot, command, ALICE)
        assert "仅限管理员" in call["text"] and not bot.api.buttons(call)
    assert corpus_snapshot(bot.settings.corpus_dir) == before


async def test_remove_confirmed_moves_the_file_to_the_trash_and_updates_the_index(
    bot: RunningBot,
) -> None:
    index = bot.app.bot_data.index
    info = next(s for s in await index.speeches() if s.number == 2)
    path = bot.settings.corpus_dir / info.source
    data = path.read_bytes()
    prompt = await _command(bot, "/remove 2")
    text = assert_valid_telegram_html(prompt["text"])
    assert info.title in text and info.source in text and ".trash/" in text
    assert path.exists()  # nothing happens before 确认

    since = bot.api.mark()
    bot.api.press_button(prompt, bot.api.button_data(prompt, "确认"), user=ADMIN)
    done = await bot.api.wait_for("editMessageText", since=since, timeout=60)
    summary = assert_valid_telegram_html(done["text"])
    assert "✅ 已移除第 2 篇" in summary and "讲话 4 篇" in summary and not bot.api.buttons(done)
    assert not path.exists()
    assert [p.read_bytes() for p in (bot.settings.corpus_dir / TRASH).iterdir()] == [data]
    numbers = [s.number for s in await index.speeches()]
    assert numbers == [1, 3, 4, 5]  # the others keep their numbers
    listing = assert_valid_telegram_html((await _command(bot, "/speeches"))["text"])
    assert info.source not in listing and "（4 篇）" in listing

    since = bot.api.mark()
    bot.api.press_button(prompt, bot.api.button_data(prompt, "确认"), user=ADMIN, strict=False)
    again = await bot.api.wait_for("answerCallbackQuery", since=since, timeout=20)
    assert "已移除" in again.get("text", "")


async def test_remove_cancelled_changes_nothing(bot: RunningBot) -> None:
    before = corpus_snapshot(bot.settings.corpus_dir)
    generation = (await bot.app.bot_data.index.info()).generation
    prompt = await _command(bot, "/remove 3")
    since = bot.api.mark()
    bot.api.press_button(prompt, bot.api.button_data(prompt, "取消"), user=ADMIN)
    done = await bot.api.wait_for("editMessageText", since=since, timeout=30)
    assert "已取消" in done["text"]
    assert corpus_snapshot(bot.settings.corpus_dir) == before
    assert (await bot.app.bot_data.index.info()).generation == generation


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/remove", "用法"),
        ("/remove 第三篇", "用法"),
        ("/remove 99", "没有第 99 篇"),
        ("/remove ²", "用法"),  # a digit to str.isdigit, not to int()
        ("/remove 99999999999999999999", "用法"),  # beyond SQLite's integers
        ("/remove -1", "用法"),
    ],
)
async def test_remove_without_a_valid_number_explains(
    bot: RunningBot, command: str, expected: str
) -> None:
    call = await _command(bot, command)
    assert expected in assert_valid_telegram_html(call["text"]) and not bot.api.buttons(call)


async def test_forged_remove_buttons_do_nothing(bot: RunningBot) -> None:
    before = corpus_snapshot(bot.settings.corpus_dir)
    prompt = await _command(bot, "/remove 1")
    since = bot.api.mark()
    bot.api.press_button(prompt, bot.api.button_data(prompt, "确认"), user=ALICE)
    refused = await bot.api.wait_for("answerCallbackQuery", since=since, timeout=20)
    assert "仅限管理员" in refused.get("text", "")
    bot.api.press_button(prompt, encode(Admin("rmok", "1:000000000000")), user=ADMIN, strict=False)
    stale = await bot.api.wait_for("answerCallbackQuery", since=since, timeout=20)
    assert "已变化" in stale.get("text", "")
    await bot.api.settle()
    assert not bot.api.calls_of("editMessageText", since=since)
    assert corpus_snapshot(bot.settings.corpus_dir) == before


async def test_a_remove_the_index_cannot_take_is_undone(bot: RunningBot) -> None:
    """With every other file unreadable the build fails: the removed file comes back."""
    folder = bot.settings.corpus_dir
    info = next(s for s in await bot.app.bot_data.index.speeches() if s.number == 1)
    for path in corpus_files(folder):
        if path.name != info.source:
            path.write_bytes(b"")
    before = corpus_snapshot(folder)
    prompt = await _command(bot, "/remove 1")
    since = bot.api.mark()
    bot.api.press_button(prompt, bot.api.button_data(prompt, "确认"), user=ADMIN)
    done = await bot.api.wait_for("editMessageText", since=since, timeout=60)
    assert "❌ 没有移除" in assert_valid_telegram_html(done["text"])
    assert corpus_snapshot(folder) == before
    answer = await _command(bot, "如何发挥基层党组织战斗堡垒作用", ALICE)
    assert "战斗堡垒" in answer["text"]  # the old index keeps serving


async def test_the_admin_command_menu_offers_speeches_and_remove(bot: RunningBot) -> None:
    def commands(call: Call) -> set[str]:
        return {c["command"] for c in call["commands"]}

    scoped = bot.api.calls_of(
        "setMyCommands", lambda c: (c.get("scope") or {}).get("chat_id") == ADMIN.id
    )
    assert scoped and {"reindex", "stats", "speeches", "remove"} <= commands(scoped[-1])
    public = bot.api.calls_of("setMyCommands", lambda c: not c.get("scope"))
    assert public and all(not {"speeches", "remove"} & commands(c) for c in public)
