"""The webhook server under attack: slow bodies, half-sent headers, malformed updates.

The bot runs as ``speechbot run`` in its own process, with the systemd default of 1,024 open
files, against the fake Bot API; the attacks use real sockets on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import resource
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml
from test_bot_webhook import HOOK_URL, SECRET, _free_port, _update
from test_deploy import DEPLOY, unit_entries

from bot.logs import Throttle
from bot.net.webhook import EXPECTED_NOFILE, FD_RESERVE, MAX_CONNECTIONS
from conftest import ALICE
from fakebotapi import Chat, FakeBotAPI

TOKEN = "123456:TEST-token"
HALF_SENT = 1100  # more than the open-file limit below
NOFILE = 1024  # systemd's default soft limit


@dataclass
class BotProcess:
    api: FakeBotAPI
    root: str
    log: Path
    pid: int


def _limit_files() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (NOFILE, NOFILE))


@contextlib.asynccontextmanager
async def bot_process(
    db_path: Path, corpus_dir: Path, tmp_path: Path, extra_env: dict[str, str] | None = None
) -> AsyncIterator[BotProcess]:
    """``speechbot run`` in webhook mode (``extra_env`` may change that), its log (stderr) in a
    file; started once the bot has called setWebhook (or, polling, getUpdates)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))  # attacker
    port = _free_port()
    log = tmp_path / "bot.log"
    async with FakeBotAPI(token=TOKEN, bot_username="speech_test_bot") as api:
        api.register_chat(Chat.private(ALICE), ALICE)
        clean = {
            k: v for k, v in os.environ.items() if not k.startswith(("SPEECHBOT_", "TELEGRAM_"))
        }
        env = clean | {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api.root_url,
            "SPEECHBOT_DB": str(db_path),
            "SPEECHBOT_CORPUS": str(corpus_dir),
            "SPEECHBOT_WEBHOOK_URL": HOOK_URL,
            "SPEECHBOT_WEBHOOK_SECRET": SECRET,
            "SPEECHBOT_LISTEN": f"127.0.0.1:{port}",
            "SPEECHBOT_DENSE": "off",
        }
        env = {k: v for k, v in (env | (extra_env or {})).items() if v}
        with log.open("wb") as err:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=env, stderr=err, preexec_fn=_limit_files
            )
        try:
            ready = "setWebhook" if "SPEECHBOT_WEBHOOK_URL" in env else "getUpdates"
            await api.wait_for(ready, timeout=60, ok=None)
            yield BotProcess(api, f"http://127.0.0.1:{port}", log, proc.pid)
        finally:
            proc.terminate()
            await asyncio.wait_for(proc.wait(), 30)


async def _healthz_answers(root: str, until: float, failures: list[str]) -> int:
    """Ask /healthz on a new connection every 0.3 s until ``until``; each must answer in 3 s."""
    answered = 0
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=3, limits=limits) as client:
        while time.monotonic() < until:
            try:
                response = await client.get(f"{root}/healthz")
                answered += response.status_code == 200
                if response.status_code != 200:
                    failures.append(f"healthz {response.status_code}")
            except httpx.HTTPError as exc:
                failures.append(f"healthz {type(exc).__name__}")
            await asyncio.sleep(0.3)
    return answered


async def _half_sent(port: int) -> list[asyncio.StreamWriter]:
    """HALF_SENT connections, each stopping in the middle of its headers."""
    writers = []
    for _ in range(HALF_SENT):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /speechbot/hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
        writers.append(writer)
    return writers


async def _half_sent_alone(port: int) -> float:
    """One more half-sent request, after the others: seconds until the server closes it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST /speechbot/hook HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    started = time.monotonic()
    with contextlib.suppress(ConnectionError, OSError, TimeoutError):
        await asyncio.wait_for(reader.read(1000), 60)
    writer.close()
    return time.monotonic() - started


async def _slow_body(port: int) -> float:
    """Send a whole header and then the body at one byte a second; seconds until closed."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"POST /speechbot/hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n"
        f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n\r\n".encode()
    )
    started = time.monotonic()
    try:
        for _ in range(60):
            writer.write(b"{")
            await writer.drain()
            with contextlib.suppress(TimeoutError):
                if await asyncio.wait_for(reader.read(1000), 1.0) == b"":
                    break
    except (ConnectionError, OSError):
        pass
    writer.close()
    return time.monotonic() - started


async def _malformed(root: str, rounds: int) -> list[int]:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    bodies = [b'{"update_id":[1]}', b'{"update_id":"100"}', b"[1, 2]", b"{nope", b"{}", b"null"]
    statuses = []
    async with httpx.AsyncClient(timeout=5) as client:
        for _ in range(rounds):
            for body in bodies:
                response = await client.post(
                    f"{root}/speechbot/hook", content=body, headers=headers
                )
                statuses.append(response.status_code)
    return statuses


async def test_slow_bodies_half_headers_and_malformed_updates_leave_the_bot_serving(
    db_path: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    async with bot_process(db_path, corpus_dir, tmp_path) as bot:
        port = int(bot.root.rsplit(":", 1)[1])
        failures: list[str] = []
        until = time.monotonic() + 16
        healthz = asyncio.create_task(_healthz_answers(bot.root, until, failures))
        writers = await _half_sent(port)
        late = asyncio.create_task(_half_sent_alone(port))
        slow = asyncio.create_task(_slow_body(port))
        statuses = await _malformed(bot.root, rounds=50)
        slow_seconds, late_seconds = await slow, await late
        answered = await healthz
        for writer in writers:
            writer.close()
        since = bot.api.mark()
        async with httpx.AsyncClient(timeout=10) as client:
            good = await client.post(
                f"{bot.root}/speechbot/hook",
                json=_update(500, "党风廉政建设"),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
        assert good.status_code == 200
        await bot.api.wait_for("sendMessage", since=since, timeout=20)
    log = bot.log.read_text("utf-8", "replace")
    assert not failures, failures[:5]
    assert answered >= 30
    assert set(statuses) == {400}
    assert 9 < slow_seconds < 15  # closed at the body timeout (10 s), not after 60 s
    assert 9 < late_seconds < 15  # closed at the header timeout (10 s), not evicted
    assert bot.log.stat().st_size < 1_000_000
    assert "Too many open files" not in log and "Traceback" not in log
    assert log.count("not an update with an integer id") <= 3  # one a minute, with a count
    assert log.count("the oldest one closed") <= 3


async def test_a_string_update_id_is_refused_and_an_integer_one_answered_once(
    db_path: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    async with bot_process(db_path, corpus_dir, tmp_path) as bot:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        since = bot.api.mark()
        async with httpx.AsyncClient(timeout=10) as client:
            url = f"{bot.root}/speechbot/hook"
            first = await client.post(url, json=_update(100, "党风廉政建设"), headers=headers)
            again = _update(100, "党风廉政建设") | {"update_id": "100"}
            second = await client.post(url, content=json.dumps(again), headers=headers)
            listed = await client.post(url, content=b'{"update_id":[1]}', headers=headers)
            huge = await client.post(url, content=b'{"update_id":%d}' % 2**70, headers=headers)
        assert first.status_code == 200
        assert (second.status_code, listed.status_code, huge.status_code) == (400, 400, 400)
        await bot.api.wait_for("sendMessage", since=since, timeout=20)
        await bot.api.settle(quiet=1.0)
        assert len(bot.api.calls_of("sendMessage", since=since)) == 1
    assert "Traceback" not in bot.log.read_text("utf-8", "replace")


def test_the_unit_and_compose_file_give_the_server_the_files_it_expects() -> None:
    assert unit_entries()["LimitNOFILE"] == [str(EXPECTED_NOFILE)]
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    nofile = compose["services"]["speechbot"]["ulimits"]["nofile"]
    assert nofile == {"soft": EXPECTED_NOFILE, "hard": EXPECTED_NOFILE}
    assert MAX_CONNECTIONS + FD_RESERVE <= EXPECTED_NOFILE


def test_repeated_lines_come_once_a_minute_with_a_count() -> None:
    now = [1000.0]
    throttle = Throttle(clock=lambda: now[0])
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(throttle)
    noisy = logging.getLogger("bot.net.webhook.test")
    noisy.addHandler(handler)
    noisy.propagate = False
    try:
        for i in range(10_000):
            noisy.warning("request from %s refused", f"10.0.0.{i % 250}")
            now[0] += 0.005  # 10,000 lines in 50 s
        now[0] += 11
        noisy.warning("request from %s refused", "10.0.0.1")
        logging.getLogger("bot.other").addHandler(handler)  # other loggers are not throttled
        for _ in range(3):
            logging.getLogger("bot.other").warning("reindex failed")
    finally:
        noisy.removeHandler(handler)
        logging.getLogger("bot.other").removeHandler(handler)
    lines = out.getvalue().splitlines()
    assert lines[:2] == [
        "request from 10.0.0.0 refused",
        "request from 10.0.0.1 refused (and 9999 more like it since the last one)",
    ]
    assert lines[2:] == ["reindex failed"] * 3
