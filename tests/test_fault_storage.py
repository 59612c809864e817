"""Fault: a read-only database, and a disk that fills up during a reindex.

Both faults are real: a read-only bind mount (as root, where file modes do not stop writes) or
file modes (as anyone else), and a tmpfs file system too small for the new index, whose writes
fail with ENOSPC exactly as on a full disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.state import BotState
from conftest import ALICE, RunningBot, grow_corpus, reindex_by_admin, running_bot
from fakebotapi import Call, FakeBotAPI
from telegram_html import assert_valid_telegram_html

QUESTION = "如何发挥基层党组织战斗堡垒作用"
ROOT = os.geteuid() == 0


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"mount is not permitted here ({done.stderr.strip()})")


def _umount(path: Path) -> None:
    if subprocess.run(["umount", str(path)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(path)], check=True)  # busy: detach now, free later


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` and its files read-only for this process."""
    if ROOT:
        _mount("--bind", str(folder), str(folder))
        try:
            _mount("-o", "remount,ro,bind", str(folder))
            yield
        finally:
            _umount(folder)
    else:
        modes = {p: p.stat().st_mode for p in [folder, *folder.iterdir()]}
        for path, mode in modes.items():
            path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)


@contextlib.contextmanager
def small_disk(folder: Path, holding: Path, spare: int) -> Iterator[None]:
    """A file system on ``folder`` with room for a copy of ``holding`` and ``spare`` bytes."""
    size = holding.stat().st_size + spare
    if not ROOT:
        pytest.skip("a small file system needs mount rights (run as root)")
    folder.mkdir()
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    try:
        yield
    finally:
        _umount(folder)


def _fill(folder: Path) -> Path:
    """Write a file until the file system is full; return it."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as out, contextlib.suppress(OSError):
        while True:
            out.write(b"\0" * 65536)
    return filler


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _integrity(path: Path) -> list[tuple[str]]:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchall()


async def _ask(bot: RunningBot) -> Call:
    since = bot.api.mark()
    bot.api.send_message(QUESTION, user=ALICE)
    answer = await bot.api.wait_for("sendMessage", since=since, timeout=30)
    assert "战斗堡垒" in assert_valid_telegram_html(answer["text"])
    return answer


async def _reindex(bot: RunningBot) -> str:
    final = await reindex_by_admin(bot)
    await bot.api.settle()
    return assert_valid_telegram_html(final["text"])


async def test_read_only_database_keeps_answering_and_tells_the_admin_why_reindex_fails(
    tmp_path: Path, template_db: Path, bot_settings: Settings
) -> None:
    folder = tmp_path / "state"
    folder.mkdir()
    db = folder / "speechbot.db"
    shutil.copy(template_db, db)
    state = BotState(db)  # the bot has run on this database before
    await state.initialize()
    await state.shutdown()
    before = _digest(db)
    (bot_settings.corpus_dir / "06-new.txt").write_text(
        "在新时代党建工作推进会上的讲话\n同志们：\n今天研究村级组织换届。\n", encoding="utf-8"
    )
    with read_only(folder):
        with pytest.raises(OSError):  # the fault is real: nothing can be written there
            (folder / "probe").write_text("x")
        async with FakeBotAPI(token=bot_settings.token or "") as api:
            settings = replace(bot_settings, api_url=api.root_url, db_path=db)
            async with running_bot(settings, api) as bot:
                first = await _ask(bot)
                assert not any("更多" in t for row in api.buttons(first) for t, _ in row)
                text = await _reindex(bot)
                assert "❌" in text and "旧索引继续服务" in text and "read-only" in text
                await _ask(bot)
                assert not api.calls_of("sendMessage", lambda c: "抱歉" in c["text"])
    assert _digest(db) == before
    assert _integrity(db) == [("ok",)]


async def test_disk_full_during_reindex_tells_the_admin_and_keeps_the_old_index(
    tmp_path: Path, template_db: Path, bot_settings: Settings
) -> None:
    folder = tmp_path / "small"
    # Room for the live index and the bot's tables, not for 40 more speeches.
    with small_disk(folder, template_db, spare=256 * 1024):
        db = folder / "speechbot.db"
        shutil.copy(template_db, db)
        async with FakeBotAPI(token=bot_settings.token or "") as api:
            settings = replace(bot_settings, api_url=api.root_url, db_path=db)
            async with running_bot(settings, api) as bot:
                await _ask(bot)
                grow_corpus(settings.corpus_dir, 40)
                text = await _reindex(bot)
                assert "❌" in text and "旧索引继续服务" in text and "is full" in text
                await _ask(bot)
                info = await bot.app.bot_data.index.info()
                assert (info.speeches, info.generation) == (5, 1)
                filler = _fill(folder)  # not one more byte fits on the disk now
                await _ask(bot)
                await bot.api.settle()
                filler.unlink()
                assert not api.calls_of("sendMessage", lambda c: "抱歉" in c["text"])
        assert _integrity(db) == [("ok",)]
        with contextlib.closing(sqlite3.connect(db)) as conn:
            live = conn.execute("SELECT value FROM meta WHERE key = 'active_generation'")
            assert live.fetchone() == ("1",)
