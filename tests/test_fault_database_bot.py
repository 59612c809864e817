"""Faults: the bot's database damaged under it, and ``speechbot run`` on a damaged or foreign file.

A bot whose file goes bad keeps answering from what it holds in memory, says so in /about and
in its health check, and logs one line per failure rather than a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.net.health import HealthProbe
from bot.ui import texts
from conftest import ALICE, RunningBot
from fakebotapi import FakeBotAPI

PAGE = 4096


def _zero_from_page_2(path: Path) -> None:
    """Zero every page but the first, in place (the bot keeps its connections open)."""
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek(PAGE)
        file.write(bytes(size - PAGE))


async def _ask(bot: RunningBot, text: str) -> str:
    since = bot.api.mark()
    bot.api.send_message(text, user=ALICE)
    return str((await bot.api.wait_for("sendMessage", since=since, timeout=30))["text"])


async def test_a_bot_whose_database_is_damaged_keeps_answering_from_memory_and_says_so(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    assert "战斗堡垒" in await _ask(bot, "如何发挥基层党组织战斗堡垒作用")
    _zero_from_page_2(bot.settings.db_path)
    with caplog.at_level(logging.INFO):
        damaged = await _ask(bot, "干部队伍建设")
        listing = await _ask(bot, "/outline")  # the speech list is held in memory
        about = await _ask(bot, "/about")
    assert damaged == texts.DB_DAMAGED(False)
    first = next(iter(bot.app.bot_data.index.snapshot.speeches.values()))
    assert first.title in listing, listing
    assert texts.ABOUT_DAMAGED(False).strip() in about
    assert bot.app.bot_data.index.damaged is not None
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    probe = HealthProbe(bot.settings, lambda: bot.app.bot_data.index.damaged)
    report = await probe.report()
    assert report.to_json()["checks"]["database"]["status"] == "FAIL"
    assert "damaged" in report.to_json()["checks"]["database"]["detail"]


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);")
    conn.close()


def _zeroed_header(path: Path, template: Path) -> None:
    data = bytearray(template.read_bytes())
    data[:PAGE] = bytes(PAGE)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", ["foreign", "damaged"])
async def test_speechbot_run_on_a_damaged_or_foreign_database_is_one_line_and_exit_1(
    kind: str, tmp_path: Path, template_db: Path, corpus_dir: Path
) -> None:
    db = tmp_path / f"{kind}.db"
    _foreign(db) if kind == "foreign" else _zeroed_header(db, template_db)
    before = db.read_bytes()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    async with FakeBotAPI(token="123456:TEST-token", bot_username="speech_test_bot") as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": "123456:TEST-token",
            "TELEGRAM_API_URL": api.root_url,
            "SPEECHBOT_DB": str(db),
            "SPEECHBOT_CORPUS": str(corpus_dir),
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=cwd, stderr=asyncio.subprocess.PIPE
        )
        _, err = await asyncio.wait_for(proc.communicate(), 120)
    stderr = err.decode()
    assert proc.returncode == 1, stderr
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("speechbot: ")]
    expected = "is not a speechbot database" if kind == "foreign" else "is damaged: run `speechbot"
    assert len(lines) == 1 and expected in lines[0], stderr
    assert db.read_bytes() == before
