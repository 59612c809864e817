"""End to end: admins add and replace speeches by sending files; bad files and non-admins refused."""

from __future__ import annotations

import io
import logging
import sqlite3
import zipfile
from dataclasses import replace

import docx
import pytest
from test_docx_bombs import lying_bomb

from bot.settings import Settings
from bot.ui.callbacks import Admin, encode
from conftest import ADMIN, ALICE, RunningBot, corpus_snapshot, running_bot
from corpus import TRASH, corpus_files
from fakebotapi import Call, FakeBotAPI, User
from telegram_html import assert_valid_telegram_html

TITLE = "在全区乡村振兴党建引领推进会上的讲话"
SHORT_NAME = "全区乡村振兴党建引领推进会"  # how answers name it (bot/ui/names.py)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


async def _upload(
    bot: RunningBot, name: str, data: bytes, mime: str = "text/plain", user: User = ADMIN
) -> Call:
    since = bot.api.mark()
    bot.api.send_document(name, data, mime, user=user)
    return await bot.api.wait_for("sendMessage", since=since, timeout=30)


async def _press(bot: RunningBot, message: Call, label: str, user: User = ADMIN) -> Call:
    """Press a button of ``message`` and return the edit that ends the flow."""
    since = bot.api.mark()
    bot.api.press_button(message, bot.api.button_data(message, label), user=user)
    return await bot.api.wait_for(
        "editMessageText", lambda c: "⏳" not in c["text"], since=since, timeout=60
    )


async def _ask(bot: RunningBot, question: str) -> str:
    since = bot.api.mark()
    bot.api.send_message(question, user=ALICE)
    call = await bot.api.wait_for("sendMessage", since=since, timeout=30)
    return assert_valid_telegram_html(call["text"])


async def test_gb18030_text_is_previewed_and_confirmed_into_folder_and_index(
    bot: RunningBot, new_speech: str
) -> None:
    before = corpus_snapshot(bot.settings.corpus_dir)
    preview = await _upload(bot, "rural revitalisation.txt", new_speech.encode("gb18030"))
    text = assert_valid_telegram_html(preview["text"])
    for expected in (
        TITLE,
        "rural revitalisation.txt",
        "gb18030",
        "5 段",
        "一、抓好村级组织换届",
        "二、壮大村级集体经济",
        "三、健全乡村治理体系",
    ):
        assert expected in text
    assert [t for row in bot.api.buttons(preview) for t, _ in row] == ["确认", "取消"]
    assert TITLE not in await _ask(bot, "如何壮大村级集体经济")  # not indexed yet

    done = await _press(bot, preview, "确认")
    summary = assert_valid_telegram_html(done["text"])
    assert done["message_id"] == preview.result["message_id"] and "✅ 已添加" in summary
    assert "第 6 篇" in summary and "讲话 6 篇" in summary and not bot.api.buttons(done)
    after = corpus_snapshot(bot.settings.corpus_dir)
    added = set(after) - set(before)
    assert added == {"06-rural-revitalisation.txt"}
    assert after["06-rural-revitalisation.txt"] == new_speech.encode("gb18030")
    assert all(after[name] == data for name, data in before.items())
    assert SHORT_NAME in await _ask(bot, "如何壮大村级集体经济")
    since = bot.api.mark()
    bot.api.send_message("/speeches", user=ADMIN)
    listing = await bot.api.wait_for("sendMessage", since=since, timeout=30)
    assert "06-rural-revitalisation.txt" in assert_valid_telegram_html(listing["text"])


async def test_markdown_is_previewed_without_its_markup(bot: RunningBot, new_speech: str) -> None:
    lines = new_speech.splitlines()
    markdown = "\n".join(
        [f"# {lines[0]}", *(f"## {x}" if x.startswith(("一、", "二、")) else x for x in lines[1:])]
    ).replace("选优配强", "**选优配强**")
    preview = await _upload(bot, "rural.md", markdown.encode(), "text/markdown")
    text = assert_valid_telegram_html(preview["text"])
    assert f"标题：{TITLE}" in text and "#" not in text and "*" not in text
    done = await _press(bot, preview, "确认")
    assert "✅" in done["text"] and (bot.settings.corpus_dir / "06-rural.md").is_file()
    assert SHORT_NAME in await _ask(bot, "选优配强村党组织书记")


async def test_docx_is_read_by_its_parser_and_added(bot: RunningBot, new_speech: str) -> None:
    data = _docx(new_speech.splitlines())
    preview = await _upload(bot, "乡村振兴讲话.docx", data, DOCX)
    text = assert_valid_telegram_html(preview["text"])
    assert TITLE in text and "docx" in text and "5 段" in text
    done = await _press(bot, preview, "确认")
    assert "✅" in done["text"]
    assert (bot.settings.corpus_dir / "06-乡村振兴讲话.docx").read_bytes() == data
    assert SHORT_NAME in await _ask(bot, "推行积分制和清单制")


async def test_cancel_leaves_folder_index_and_pending_state_unchanged(
    bot: RunningBot, new_speech: str
) -> None:
    before = corpus_snapshot(bot.settings.corpus_dir)
    generation = (await bot.app.bot_data.index.info()).generation
    preview = await _upload(bot, "rural.txt", new_speech.encode())
    assert await bot.app.bot_data.pending.count() == 1
    done = await _press(bot, preview, "取消")
    assert "已取消" in assert_valid_telegram_html(done["text"]) and not bot.api.buttons(done)
    assert corpus_snapshot(bot.settings.corpus_dir) == before
    assert (await bot.app.bot_data.index.info()).generation == generation
    assert await bot.app.bot_data.pending.count() == 0


async def test_a_speech_with_an_existing_title_offers_to_replace_it(bot: RunningBot) -> None:
    folder = bot.settings.corpus_dir
    info = (await bot.app.bot_data.index.speeches())[0]
    target, title = folder / info.source, info.title
    old = target.read_bytes()
    revised = f"{title}\n同志们：\n一、坚持党建引领。本次修订只保留一段关于数字乡村试点的内容。\n"
    preview = await _upload(bot, "revised.txt", revised.encode())
    text = assert_valid_telegram_html(preview["text"])
    assert "已有同名讲话" in text and target.name in text
    assert [t for row in bot.api.buttons(preview) for t, _ in row] == ["替换", "取消"]
    done = await _press(bot, preview, "替换")
    assert "✅ 已替换" in assert_valid_telegram_html(done["text"]) and "讲话 5 篇" in done["text"]
    assert target.read_bytes() == revised.encode() and len(corpus_files(folder)) == 5
    assert [p.read_bytes() for p in (folder / TRASH).iterdir()] == [old]
    assert "数字乡村试点" in await _ask(bot, "数字乡村试点")
    speeches = await bot.app.bot_data.index.speeches()
    assert [s.n_paragraphs for s in speeches if s.source == target.name] == [1]


async def test_markup_in_file_names_and_titles_is_shown_literally(
    bot: RunningBot, new_speech: str
) -> None:
    title = "在<b>乡村振兴</b>&推进会上的讲话"
    body = new_speech.replace(TITLE, title).replace("一、抓好", "一、<i>抓好</i>")
    preview = await _upload(bot, "<script>&amp;.txt", body.encode())
    text = assert_valid_telegram_html(preview["text"])
    assert title in text and "<script>&amp;.txt" in text and "一、<i>抓好" in text
    done = await _press(bot, preview, "确认")
    assert title in assert_valid_telegram_html(done["text"])
    assert (bot.settings.corpus_dir / "06-script-amp.txt").is_file()


def _zip_bomb() -> bytes:
    """A .docx-named zip of 205 KB that claims 201 MB of XML."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package,
        package.open("word/document.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(201):
            member.write(b"\0" * (1 << 20))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "mime", "reason", "downloaded"),
    [
        ("setup.exe", b"MZ\x90\x00" * 100, "application/x-msdownload", "只接受", False),
        ("speeches.zip", b"PK\x03\x04" * 100, "application/zip", "只接受", False),
        ("noext", b"text", "text/plain", "无扩展名", False),
        ("speech.txt", b"MZ\x90\x00" * 100, "application/x-msdownload", "不符", False),
        ("big.txt", b"a" * (5 * 1024 * 1024 + 1), "text/plain", "文件太大", False),
        ("empty.txt", b"  \n\n", "text/plain", "文件是空的", True),
        ("binary.txt", bytes(range(256)) * 8, "text/plain", "二进制", True),
        ("latin.txt", "Ça été très rapide ".encode("cp1252") * 3, "text/plain", "编码", True),
        ("thanks.txt", "谢谢大家！\n".encode(), "text/plain", "没有找到讲话正文", True),
        ("broken.docx", b"not a zip at all", DOCX, "不是有效的 .docx", True),
        ("bomb.docx", _zip_bomb(), DOCX, "too much", True),
        ("lying-bomb.docx", lying_bomb(), DOCX, "too much", True),  # claims 1 KB, holds 2 GB
    ],
)
async def test_bad_files_are_refused_with_a_reason_and_change_nothing(
    bot: RunningBot, name: str, data: bytes, mime: str, reason: str, downloaded: bool
) -> None:
    before = corpus_snapshot(bot.settings.corpus_dir)
    since = bot.api.mark()
    call = await _upload(bot, name, data, mime)
    text = assert_valid_telegram_html(call["text"])
    assert reason in text and "没有任何改动" in text and not bot.api.buttons(call)
    assert bool(bot.api.calls_of("getFile", since=since)) == downloaded
    assert corpus_snapshot(bot.settings.corpus_dir) == before
    assert await bot.app.bot_data.pending.count() == 0


async def test_documents_from_non_admins_are_refused_and_logged(
    bot: RunningBot, new_speech: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = corpus_snapshot(bot.settings.corpus_dir)
    since = bot.api.mark()
    with caplog.at_level(logging.WARNING, logger="bot.admin"):
        call = await _upload(bot, "rural.txt", new_speech.encode(), user=ALICE)
    assert "仅限管理员" in call["text"]
    assert not bot.api.calls_of("getFile", since=since)
    assert any("refused" in r.getMessage() and "'.txt'" in r.getMessage() for r in caplog.records)
    assert corpus_snapshot(bot.settings.corpus_dir) == before


async def test_forged_or_foreign_confirm_buttons_do_nothing(
    bot: RunningBot, new_speech: str
) -> None:
    before = corpus_snapshot(bot.settings.corpus_dir)
    preview = await _upload(bot, "rural.txt", new_speech.encode())
    since = bot.api.mark()
    bot.api.press_button(preview, bot.api.button_data(preview, "确认"), user=ALICE)
    refused = await bot.api.wait_for("answerCallbackQuery", since=since, timeout=20)
    assert "仅限管理员" in refused.get("text", "")
    for arg in ("999", "²", "99999999999999999999", "-1"):  # none is a pending upload
        pressed = bot.api.mark()
        bot.api.press_button(preview, encode(Admin("upok", arg)), user=ADMIN, strict=False)
        stale = await bot.api.wait_for("answerCallbackQuery", since=pressed, timeout=20)
        assert "已过期" in stale.get("text", ""), arg
    await bot.api.settle()
    assert not bot.api.calls_of("editMessageText", since=since)
    assert corpus_snapshot(bot.settings.corpus_dir) == before
    assert await bot.app.bot_data.pending.count() == 1


async def test_pressing_confirm_twice_adds_the_speech_once(
    bot: RunningBot, new_speech: str
) -> None:
    preview = await _upload(bot, "rural.txt", new_speech.encode())
    data = bot.api.button_data(preview, "确认")
    since = bot.api.mark()
    bot.api.press_button(preview, data, user=ADMIN)
    bot.api.press_button(preview, data, user=ADMIN, strict=False)
    await bot.api.wait_for("editMessageText", lambda c: "✅" in c["text"], since=since, timeout=60)
    await bot.api.settle()
    answers = [c.get("text", "") for c in bot.api.calls_of("answerCallbackQuery", since=since)]
    assert any("已过期" in a for a in answers)
    assert len(corpus_files(bot.settings.corpus_dir)) == 6


async def test_an_expired_upload_cannot_be_confirmed(bot: RunningBot, new_speech: str) -> None:
    preview = await _upload(bot, "rural.txt", new_speech.encode())
    with sqlite3.connect(bot.settings.db_path) as db:
        db.execute("UPDATE bot_uploads SET created_at = created_at - 2 * 86400")
    since = bot.api.mark()
    bot.api.press_button(preview, bot.api.button_data(preview, "确认"), user=ADMIN)
    answer = await bot.api.wait_for("answerCallbackQuery", since=since, timeout=20)
    assert "已过期" in answer.get("text", "")
    assert len(corpus_files(bot.settings.corpus_dir)) == 5


async def test_a_pending_upload_survives_a_restart(bot_settings: Settings, new_speech: str) -> None:
    async with FakeBotAPI(token=bot_settings.token or "") as api:
        settings = replace(bot_settings, api_url=api.root_url)
        async with running_bot(settings, api) as first:
            preview = await _upload(first, "rural.txt", new_speech.encode())
        async with running_bot(settings, api) as second:
            done = await _press(second, preview, "确认")
            assert "✅ 已添加" in done["text"]
            assert SHORT_NAME in await _ask(second, "如何壮大村级集体经济")
