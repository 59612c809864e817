"""Webhook mode: updates are accepted only with the secret token."""

from __future__ import annotations

import socket
import time
from dataclasses import replace

import httpx

from bot.settings import Settings
from conftest import ALICE, running_bot_webhook
from fakebotapi import Chat, FakeBotAPI


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


async def test_webhook_rejects_updates_without_the_secret_and_answers_with_it(
    bot_settings: Settings,
) -> None:
    port = _free_port()
    async with FakeBotAPI(token=bot_settings.token or "", bot_username="speech_test_bot") as api:
        api.register_chat(Chat.private(ALICE), ALICE)
        settings = replace(
            bot_settings,
            api_url=api.root_url,
            listen=("127.0.0.1", port),
            webhook_url="https://bot.example.org/speechbot/hook",
            webhook_secret="s3cret-Token",
        )
        async with running_bot_webhook(settings, api):
            hook = api.calls_of("setWebhook")[-1]
            assert hook["url"] == "https://bot.example.org/speechbot/hook"
            assert hook["secret_token"] == "s3cret-Token"
            url = f"http://127.0.0.1:{port}/speechbot/hook"
            async with httpx.AsyncClient() as client:
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
