"""The users' side of the load test: a fake Bot API server and users asking questions.

Runs in its own process under ``tests/loadtest.py`` (or in the test's event loop, see
tests/test_load.py); answers are matched to questions and timed here.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from tqdm import tqdm

from bot.ui import texts
from devtools.evaluate.questions import dev_set

try:  # tests/ on sys.path (pytest)
    from fakebotapi import Call, FakeBotAPI, User
except ImportError:  # python -m tests.loadtest
    from .fakebotapi import Call, FakeBotAPI, User

TOKEN = "123456:LOAD-test-token"
FIRST_USER = 500_000
#: Replies that mean a question was not answered.
NOT_ANSWERS = frozenset({texts.ERROR.zh, texts.ERROR.en})
#: How the slow-down reply (texts.SLOW_DOWN_UNTIL, which names the seconds to wait) begins.
SLOW_DOWN = (texts.SLOW_DOWN_UNTIL.zh.split("：")[0], texts.SLOW_DOWN_UNTIL.en.split(":")[0])


def questions_for(users: int, per_user: int) -> list[list[str]]:
    """Realistic questions (the development set), spread so neighbours ask different ones."""
    pool = [q.question for q in dev_set()]
    return [[pool[(u * per_user + j) % len(pool)] for j in range(per_user)] for u in range(users)]


@dataclass(frozen=True, slots=True)
class Drive:
    """What the users saw: latencies (s) of answered questions, and what went wrong."""

    asked: int
    latencies: list[float]
    lost: int
    failed: int
    extra: int
    seconds: float


async def _collect(api: FakeBotAPI, inboxes: dict[int, asyncio.Queue[Call]]) -> None:
    """Hand every sendMessage the bot makes to its chat's inbox, in order."""
    position = 0
    while True:
        call = await api.wait_for("sendMessage", since=position, timeout=86400, ok=None)
        position = call.index + 1
        inboxes[int(call["chat_id"])].put_nowait(call)


async def _user(
    api: FakeBotAPI,
    number: int,
    questions: Sequence[str],
    inbox: asyncio.Queue[Call],
    timeout: float,  # noqa: ASYNC109
    progress: tqdm,  # type: ignore[type-arg]
) -> list[float | None]:
    """Ask one question after another, each after the previous answer.

    Private chats get no quoted reply, so an answer is matched to its question by chat and
    order: with one question open per chat, the chat's next message is its answer. Returns
    latencies, None for a lost question, NaN for an error or slow-down reply.
    """
    user = User(FIRST_USER + number, f"用户{number}")
    outcomes: list[float | None] = []
    for question in questions:
        sent = time.time()  # the fake stamps calls with time.time() too
        api.send_message(question, user=user)
        try:
            call = await asyncio.wait_for(inbox.get(), timeout)
        except TimeoutError:
            outcomes.append(None)  # lost; a late reply would show up as an extra one
            continue
        text = call["text"]
        answered = call.ok and text not in NOT_ANSWERS and not text.startswith(SLOW_DOWN)
        outcomes.append(call.time - sent if answered else float("nan"))
        progress.update()
    return outcomes


async def drive(
    api: FakeBotAPI,
    users: int,
    per_user: int,
    *,
    timeout: float = 120.0,  # noqa: ASYNC109
    show_progress: bool = False,
) -> Drive:
    """Let ``users`` users ask ``per_user`` questions each of the bot serving ``api``."""
    plan = questions_for(users, per_user)
    inboxes: dict[int, asyncio.Queue[Call]] = defaultdict(asyncio.Queue)
    collector = asyncio.create_task(_collect(api, inboxes))
    bar = tqdm(total=users * per_user, unit="q", disable=not show_progress)
    try:
        started = time.perf_counter()
        outcomes = await asyncio.gather(
            *(_user(api, n, plan[n], inboxes[FIRST_USER + n], timeout, bar) for n in range(users))
        )
        seconds = time.perf_counter() - started
        await api.settle(quiet=0.5, timeout=60)  # late or duplicate replies arrive meanwhile
    finally:
        bar.close()
        collector.cancel()
    flat = [o for user in outcomes for o in user]
    latencies = [o for o in flat if o is not None and o == o]  # NaN != NaN: an error reply
    lost = sum(o is None for o in flat)
    return Drive(
        asked=len(flat),
        latencies=latencies,
        lost=lost,
        failed=len(flat) - len(latencies) - lost,
        extra=sum(q.qsize() for q in inboxes.values()),
        seconds=seconds,
    )


def fake_side(conn: Connection, users: int, per_user: int, show_progress: bool) -> None:
    """The other process: the fake Bot API server and its users."""

    async def main() -> None:
        async with FakeBotAPI(token=TOKEN, bot_username="speech_load_bot") as api:
            conn.send(api.root_url)
            await api.wait_for("getUpdates", timeout=120, ok=None)
            conn.send("polling")
            conn.send(await drive(api, users, per_user, show_progress=show_progress))
            await receive(conn, 300)  # serve until the bot has shut down

    asyncio.run(main())


async def receive(conn: Connection, timeout: float, peer: BaseProcess | None = None) -> object:  # noqa: ASYNC109
    """The next message from the other process (no thread waits: the bot's threads stay free)."""
    loop = asyncio.get_running_loop()
    readable = asyncio.Event()
    loop.add_reader(conn.fileno(), readable.set)
    deadline = loop.time() + timeout
    try:
        while not conn.poll():
            readable.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(readable.wait(), 0.5)
            if peer is not None and not peer.is_alive() and not conn.poll():
                raise RuntimeError(f"the load process died (exit code {peer.exitcode})")
            if loop.time() > deadline:
                raise TimeoutError(f"nothing from the load process within {timeout} s")
        return conn.recv()
    finally:
        loop.remove_reader(conn.fileno())
