"""Webhook mode: updates only with the secret token, each processed once; ``/healthz``."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx

from bot.settings import Settings
from conftest import ALICE, RunningBot, change_a_speech, running_bot_webhook
from fakebotapi import Chat, FakeBotAPI

SECRET = "s3cret-Token"
HOOK_URL = "https://bot.example.org/speechbot/hook"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _update(update_id: int, text: str) -> dict[str, object]:
    chat = Chat.private(ALICE)
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": chat.id, "type": "private", "first_name": ALICE.first_name},
            "from": ALICE.to_dict(),
        },
    }


@contextlib.asynccontextmanager
async def webhook_bot(bot_settings: Settings) -> AsyncIterator[tuple[RunningBot, str]]:
    """The bot in webhook mode against a fake Bot API, and the root URL of its own server."""
    port = _free_port()
    async with FakeBotAPI(token=bot_settings.token or "", bot_username="speech_test_bot") as api:
        api.register_chat(Chat.private(ALICE), ALICE)
        settings = replace(
            bot_settings,
            api_url=api.root_url,
            listen=("127.0.0.1", port),
            webhook_url=HOOK_URL,
            webhook_secret=SECRET,
        )
        async with running_bot_webhook(settings, api) as running:
            yield running, f"http://127.0.0.1:{port}"


async def test_webhook_rejects_updates_without_the_secret_and_answers_with_it(
    bot_settings: Settings,
) -> None:
    async with webhook_bot(bot_settings) as (running, root), httpx.AsyncClient() as client:
        api = running.api
        hook = api.calls_of("setWebhook")[-1]
        assert hook["url"] == "https://bot.example.org/speechbot/hook"
        assert hook["secret_token"] == "s3cret-Token"
        url = f"{root}/speechbot/hook"
        since = api.mark()
        bad = await client.post(url, json=_update(1, "党风廉政建设"))
        wrong = await client.post(
            url,
            json=_update(2, "党风廉政建设"),
            headers={"X-Telegram-Bot-Api-Secret-Token": "nope"},
        )
        assert bad.status_code == 403 and wrong.status_code == 403
        await api.settle(quiet=1.0)
        assert not api.calls_of("sendMessage", since=since)
        good = await client.post(
            url,
            json=_update(3, "党风廉政建设"),
            headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token"},
        )
        assert good.status_code == 200
        call = await api.wait_for("sendMessage", since=since, timeout=20)
        assert call["chat_id"] == ALICE.id and "廉政" in call["text"]


async def test_webhook_checks_the_secret_before_reading_the_body(bot_settings: Settings) -> None:
    async with webhook_bot(bot_settings) as (_running, root), httpx.AsyncClient() as client:
        url = f"{root}/speechbot/hook"
        garbage = await client.post(url, content=b"{not json", headers={"X-Other": SECRET})
        assert garbage.status_code == 403
        with_secret = await client.post(
            url, content=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        assert with_secret.status_code == 400
        assert (await client.get(url)).status_code == 405
        assert (await client.post(f"{root}/other", json={})).status_code == 404


async def test_webhook_processes_a_redelivered_update_exactly_once(
    bot_settings: Settings,
) -> None:
    async with webhook_bot(bot_settings) as (running, root), httpx.AsyncClient() as client:
        api = running.api
        since = api.mark()
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        for _ in range(3):  # Telegram re-sends when an answer is late
            sent = await client.post(
                f"{root}/speechbot/hook", json=_update(7, "党风廉政建设"), headers=headers
            )
            assert sent.status_code == 200
        await api.wait_for("sendMessage", since=since, timeout=20)
        await api.settle(quiet=1.0)
        replies = api.calls_of("sendMessage", since=since)
        assert len(replies) == 1 and replies[0]["chat_id"] == ALICE.id


async def test_healthz_reports_every_check_ok_without_secrets(bot_settings: Settings) -> None:
    async with webhook_bot(bot_settings) as (running, root), httpx.AsyncClient() as client:
        since = running.api.mark()
        response = await client.get(f"{root}/healthz")
        assert running.api.calls_of("getMe", since=since)  # the token was really asked about
    assert response.status_code == 200
    report = response.json()
    assert report["ok"] is True
    assert {name: c["status"] for name, c in report["checks"].items()} == {
        "config": "OK",
        "database": "OK",
        "index": "OK",
        "semantic": "SKIP",  # the test bot runs with BM25 alone
        "token": "OK",
    }
    token = bot_settings.token or ""
    assert token.split(":")[1] not in response.text and SECRET not in response.text


async def test_healthz_speaks_for_the_running_bot_without_reading_every_page_again(
    bot_settings: Settings,
) -> None:
    async with webhook_bot(bot_settings) as (_running, root), httpx.AsyncClient() as client:
        report = (await client.get(f"{root}/healthz")).json()
    # quick_check reads every page (47 s at a million paragraphs): the bot ran it at start.
    assert "structure checked at start" in report["checks"]["database"]["detail"]
    assert "quick_check" not in report["checks"]["database"]["detail"]


async def test_healthz_answers_503_when_the_corpus_changed_since_the_build(
    bot_settings: Settings, corpus_dir: Path
) -> None:
    async with webhook_bot(bot_settings) as (_running, root), httpx.AsyncClient() as client:
        change_a_speech(corpus_dir)
        response = await client.get(f"{root}/healthz")
    assert response.status_code == 503
    report = response.json()
    assert report["ok"] is False
    assert report["checks"]["index"]["status"] == "FAIL"
    assert report["checks"]["database"]["status"] == "OK"


async def test_run_refuses_webhook_mode_without_a_secret(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SPEECHBOT_", "TELEGRAM_"))}
    env = clean | {
        "TELEGRAM_BOT_TOKEN": "123456:TEST-token",
        "TELEGRAM_API_URL": "http://127.0.0.1:9",  # never reached: it stops before connecting
        "SPEECHBOT_DB": str(tmp_path / "speechbot.db"),
        "SPEECHBOT_WEBHOOK_URL": HOOK_URL,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert "SPEECHBOT_WEBHOOK_SECRET" in err.decode() and "TEST-token" not in err.decode()
