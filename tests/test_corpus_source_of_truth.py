"""The corpus folder is the source of truth: after changes from Telegram, a fresh
``speechbot reindex`` of the folder reproduces the bot's index."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import docx

from conftest import ADMIN, RunningBot
from corpus import corpus_files
from fakebotapi import Call
from index import IndexConfig, SearchIndex

Contents = dict[str, tuple[str, str, int, list[tuple[tuple[str, ...], str]]]]


async def _confirmed(bot: RunningBot, prompt: Call, label: str) -> str:
    since = bot.api.mark()
    bot.api.press_button(prompt, bot.api.button_data(prompt, label), user=ADMIN)
    done = await bot.api.wait_for(
        "editMessageText", lambda c: "⏳" not in c["text"], since=since, timeout=60
    )
    assert "✅" in done["text"], done["text"]
    return str(done["text"])


async def _send(bot: RunningBot, *, text: str = "", file: tuple[str, bytes] | None = None) -> Call:
    since = bot.api.mark()
    if file is None:
        bot.api.send_message(text, user=ADMIN)
    else:
        bot.api.send_document(file[0], file[1], user=ADMIN)
    return await bot.api.wait_for("sendMessage", since=since, timeout=30)


async def _contents(index: SearchIndex) -> Contents:
    """Every speech by file name: title, hash, paragraph count and (section path, text) pairs."""
    found: Contents = {}
    for speech in await index.speeches():
        tree = await index.outline(speech.number)
        assert tree is not None
        paragraphs = [
            (view.section_path, view.text)
            for node in tree.sections
            for view in await index.section_paragraphs(node.section_id)
        ]
        found[speech.source] = (speech.title, speech.sha256, speech.n_paragraphs, paragraphs)
    return found


async def test_a_fresh_reindex_of_the_folder_reproduces_the_index_after_changes(
    bot: RunningBot, new_speech: str, tmp_path: Path
) -> None:
    live = bot.app.bot_data.index
    first = (await live.speeches())[0]
    # Add (GB18030 text), add (.docx), replace speech 1 (same title), remove speech 3.
    await _confirmed(
        bot, await _send(bot, file=("rural.txt", new_speech.encode("gb18030"))), "确认"
    )
    other = new_speech.replace("乡村振兴", "城市更新").replace("村级", "社区")
    document = docx.Document()
    for line in other.splitlines():
        document.add_paragraph(line)
    document.save(tmp_path / "urban.docx")
    urban = (tmp_path / "urban.docx").read_bytes()
    await _confirmed(bot, await _send(bot, file=("urban.docx", urban)), "确认")
    revised = f"{first.title}\n同志们：\n一、修订稿。这是替换后的唯一一段正文。\n谢谢大家！\n"
    await _confirmed(bot, await _send(bot, file=("revised.txt", revised.encode())), "替换")
    await _confirmed(bot, await _send(bot, text="/remove 3"), "确认")
    names = [p.name for p in corpus_files(bot.settings.corpus_dir)]
    assert len(names) == 6 and "06-rural.txt" in names and "07-urban.docx" in names

    fresh_db = tmp_path / "fresh.db"
    env = {
        **os.environ,
        "SPEECHBOT_DB": str(fresh_db),
        "SPEECHBOT_CORPUS": str(bot.settings.corpus_dir),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "reindex",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 240)
    assert process.returncode == 0, err.decode()
    assert "files skipped: 0" in out.decode() and "speeches:     6" in out.decode()

    fresh = SearchIndex(
        IndexConfig(db_path=fresh_db, corpus_dir=bot.settings.corpus_dir, auto_build=False)
    )
    await fresh.initialize()
    try:
        expected, actual = await _contents(fresh), await _contents(live)
        assert sorted(actual) == sorted(names)
        assert actual == expected
        live_info, fresh_info = await live.info(), await fresh.info()
        assert (live_info.sections, live_info.paragraphs, live_info.terms) == (
            fresh_info.sections,
            fresh_info.paragraphs,
            fresh_info.terms,
        )
        assert live_info.fingerprint == fresh_info.fingerprint
        for question in ("如何壮大社区集体经济", "修订稿", "如何发挥基层党组织战斗堡垒作用"):
            ours, theirs = await live.search(question), await fresh.search(question)
            assert [h.text for h in ours.hits] == [h.text for h in theirs.hits]
    finally:
        await fresh.shutdown()
