"""Privacy by default: no token, secret or personal data in the log at any level; question text
kept SPEECHBOT_KEEP_QUESTIONS_DAYS; keyed pseudonyms; /stats shows only what several people asked."""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import sqlite3
import time
from pathlib import Path

import httpx
import pytest
from test_bot_webhook import SECRET
from test_webhook_attacks import TOKEN, bot_process

from bot import logs
from bot.settings import ConfigError, Settings
from bot.state import BotState
from conftest import ADMIN, ALICE, BOB_EN, RunningBot
from fakebotapi import Chat, User

#: A user whose name, username, id and question must not reach the log.
CAROL = User(918273645, "Xiaoqing", username="xiaoqing_private", last_name="Linwood")
QUESTION = "怎样做好青年干部培养工作"


def _carol_update(update_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": QUESTION,
            "chat": {"id": CAROL.id, "type": "private", "first_name": CAROL.first_name},
            "from": CAROL.to_dict(),
        },
    }


def _assert_private(log: str) -> None:
    assert "TEST-token" not in log and TOKEN not in log
    assert SECRET not in log
    for personal in ("Xiaoqing", "xiaoqing_private", "Linwood", str(CAROL.id), QUESTION):
        assert personal not in log, personal


@pytest.mark.parametrize("mode", ["webhook", "polling"])
async def test_a_debug_log_holds_no_token_secret_or_personal_data(
    mode: str, db_path: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    extra = {"SPEECHBOT_LOG_LEVEL": "DEBUG"}
    if mode == "polling":
        extra |= {"SPEECHBOT_WEBHOOK_URL": "", "SPEECHBOT_WEBHOOK_SECRET": ""}
    async with bot_process(db_path, corpus_dir, tmp_path, extra) as bot:
        bot.api.register_chat(Chat.private(CAROL), CAROL)
        since = bot.api.mark()
        if mode == "webhook":
            async with httpx.AsyncClient(timeout=10) as client:
                sent = await client.post(
                    f"{bot.root}/speechbot/hook",
                    json=_carol_update(77),
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
            assert sent.status_code == 200
        else:
            bot.api.send_message(QUESTION, user=CAROL)
        answer = await bot.api.wait_for("sendMessage", since=since, timeout=30)
        assert answer["chat_id"] == CAROL.id
    log = bot.log.read_text("utf-8", "replace")
    assert "DEBUG telegram" in log and "Calling Bot API endpoint" in log  # it really was DEBUG
    _assert_private(log)


def _questions(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return [
            (str(q), str(u)) for q, u in conn.execute("SELECT query, user_hash FROM bot_questions")
        ]


async def test_question_text_is_dropped_after_the_days_kept(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    state = BotState(db, keep_questions_days=30)
    await state.initialize()
    await state.log_question(1, "private", "党风廉政建设", 5.0, 3, True)
    await state.log_question(2, "private", "如何抓好基层党建", 5.0, 3, True)
    await state.remember_query("如何抓好基层党建", None)
    await state.shutdown()
    old = time.time() - 31 * 86400
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE bot_questions SET ts = ? WHERE query = '党风廉政建设'", (old,))
        conn.execute("UPDATE bot_queries SET created_at = ?", (old,))
    state = BotState(db, keep_questions_days=30)
    await state.initialize()  # pruning runs on every start (and hourly while running)
    stats = await state.stats()
    await state.shutdown()
    assert sorted(q for q, _ in _questions(db)) == ["", "如何抓好基层党建"]
    assert stats.questions == 2  # the old question still counts, without its text
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM bot_queries").fetchone() == (0,)


async def test_keeping_zero_days_stores_no_question_text(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    state = BotState(db, keep_questions_days=0)
    await state.initialize()
    await state.log_question(1, "private", "党风廉政建设", 5.0, 0, False)
    stats = await state.stats()
    await state.shutdown()
    assert [q for q, _ in _questions(db)] == [""] and stats.questions == 1


def test_keep_questions_days_is_read_from_the_environment() -> None:
    assert Settings.from_env({}).keep_questions_days == 30
    assert Settings.from_env({"SPEECHBOT_KEEP_QUESTIONS_DAYS": "0"}).keep_questions_days == 0
    with pytest.raises(ConfigError, match="SPEECHBOT_KEEP_QUESTIONS_DAYS"):
        Settings.from_env({"SPEECHBOT_KEEP_QUESTIONS_DAYS": "-1"})


async def test_pseudonyms_are_keyed_with_a_secret_of_this_installation(tmp_path: Path) -> None:
    names = []
    for db in (tmp_path / "a.db", tmp_path / "b.db", tmp_path / "a.db"):
        state = BotState(db)
        await state.initialize()
        await state.log_question(ALICE.id, "private", "党建", 1.0, 1, True)
        names.append(state.pseudonym(ALICE.id))
        await state.shutdown()
    assert names[0] == names[2] != names[1]  # stable in one database, different in another
    salted = hashlib.sha256(f"speechbot:{ALICE.id}".encode()).hexdigest()
    assert not salted.startswith(names[0][:12])
    with sqlite3.connect(tmp_path / "a.db") as conn:
        (key,) = conn.execute(
            "SELECT value FROM bot_secrets WHERE name = 'pseudonym_key'"
        ).fetchone()
    assert len(key) == 32
    assert {u for _, u in _questions(tmp_path / "a.db")} == {names[0]}


async def _ask(bot: RunningBot, text: str, user: User) -> None:
    since = bot.api.mark()
    bot.api.send_message(text, user=user)
    await bot.api.wait_for("sendMessage", since=since, timeout=20)


async def test_stats_shows_only_unanswered_questions_several_people_asked_with_words(
    bot: RunningBot,
) -> None:
    shared, alone = "火星殖民计划的技术路线", "量子计算机的发展前景"
    for user in (ALICE, BOB_EN):
        for text in (shared, "的", "？？？", "😀🎉👍"):
            await _ask(bot, text, user)
    await _ask(bot, alone, ALICE)
    state = bot.app.bot_data.state
    for _ in range(100):  # each question is logged right after its answer is sent
        if (await state.stats()).questions >= 5:
            break
        await asyncio.sleep(0.05)
    since = bot.api.mark()
    bot.api.send_message("/stats", user=ADMIN)
    text = (await bot.api.wait_for("sendMessage", since=since, timeout=20))["text"]
    listed = [line for line in text.splitlines() if line.endswith("次）")]
    assert listed == [f"1. {shared}（2 次）"], text


def test_redaction_keeps_what_happened_and_drops_payloads_and_secrets() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setLevel(logging.DEBUG)
    logs.install([handler], TOKEN, SECRET)
    ptb, ours = logging.getLogger("telegram.ext.ExtBot"), logging.getLogger("bot.privacy_test")
    for logger in (ptb, ours):
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        ptb.debug("Calling `%s` with `%s`", "setWebhook", {"secret_token": SECRET, "q": QUESTION})
        ptb.debug("Set Bot API URL: %s", f"https://api.telegram.org/bot{TOKEN}")
        ours.info("token half %s", TOKEN.split(":")[1])
        try:
            raise RuntimeError(f"failed: https://api.telegram.org/bot{TOKEN}/getMe")
        except RuntimeError:
            ours.exception("the call failed")
    finally:
        for logger in (ptb, ours):
            logger.removeHandler(handler)
    text = out.getvalue()
    assert "Calling `setWebhook` with `<dict>`" in text
    assert "Set Bot API URL: https://api.telegram.org/bot[redacted]" in text
    assert "token half [redacted]" in text and "RuntimeError: failed" in text
    _assert_private(text)
