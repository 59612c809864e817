"""Shared fixtures: the real corpus, real SQLite files, a real jieba, a fake Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import shutil
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.app import build_application, serve
from bot.services import App, EditThrottle
from bot.settings import Settings
from corpus import bundled_corpus_dir, corpus_files
from fakebotapi import Call, Chat, FakeBotAPI, User
from index import IndexConfig, SearchIndex
from index.rank.dense import Vectors
from index.text.tokenize import Tokenizer

ADMIN = User(1001, "Admin", username="admin_user")
ALICE = User(2002, "Alice", username="alice")
BOB_EN = User(3003, "Bob", language_code="en", username="bob")


def assert_acyclic(graph: dict[str, set[str]]) -> None:
    """Fail with the cycle's path if ``graph`` (module → modules it imports) has one."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> None:
        assert node not in path, f"import cycle: {' -> '.join([*path, node])}"
        if node in done:
            return
        path.append(node)
        for target in sorted(graph[node]):
            visit(target)
        path.pop()
        done.add(node)

    for node in graph:
        visit(node)


#: For the fake Bot API's own tests (tests/test_fakebotapi_*.py).
FAKE_TOKEN = "123:ABC"
FAKE_USER = User(42, "Alice", username="alice")
SAMPLE_KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("More", callback_data="more"),
            InlineKeyboardButton("Web", url="https://example.org"),
        ]
    ]
)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    """A fake Bot API server alone, for the tests of the fake itself."""
    async with FakeBotAPI(token=FAKE_TOKEN, bot_username="speech_test_bot") as fake:
        yield fake


@pytest.fixture(scope="session", autouse=True)
def bm25_alone_by_default() -> Iterator[None]:
    """CLI runs in tests (and their subprocesses) use BM25 alone unless a test turns the
    semantic part on: embedding every grown or changed test corpus would take minutes."""
    before = os.environ.get("SPEECHBOT_DENSE")
    os.environ["SPEECHBOT_DENSE"] = "off"
    yield
    if before is None:
        del os.environ["SPEECHBOT_DENSE"]
    else:
        os.environ["SPEECHBOT_DENSE"] = before


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled speeches."""
    target = tmp_path / "corpus"
    shutil.copytree(bundled_corpus_dir(), target)
    return target


def corpus_snapshot(folder: Path) -> dict[str, bytes]:
    """Every speech file in ``folder`` by name, with its bytes (to prove nothing changed)."""
    return {p.name: p.read_bytes() for p in corpus_files(folder)}


def change_a_speech(corpus_dir: Path) -> None:
    """Append a paragraph to the first speech file, so the index no longer matches the folder."""
    speech = sorted(corpus_dir.iterdir())[0]
    speech.write_text(speech.read_text("utf-8") + "\n新增的一段话。\n", "utf-8")


NEW_SPEECH = """在全区乡村振兴党建引领推进会上的讲话

同志们：
今天我们召开乡村振兴党建引领推进会，研究部署村级组织建设和集体经济发展工作。
一、抓好村级组织换届。换届是基层政权建设的大事，要选优配强村党组织书记。
村干部队伍要年轻化、专业化，注重从返乡创业青年中发现和培养后备力量。
二、壮大村级集体经济。要盘活闲置土地和房屋，发展特色种养和乡村旅游。
三、健全乡村治理体系。推行积分制和清单制，让群众参与村务监督。
谢谢大家！
"""


@pytest.fixture
def new_speech() -> str:
    """A short speech that is not in the bundled corpus (title, three parts, five paragraphs)."""
    return NEW_SPEECH


def grow_corpus(folder: Path, copies: int) -> list[Path]:
    """Add ``copies`` variants of the bundled speeches to ``folder`` (new titles, same text),
    so that a reindex has real work to do for a few seconds."""
    sources = sorted(bundled_corpus_dir().glob("*.txt"))
    made = []
    for i in range(copies):
        source = sources[i % len(sources)]
        lines = source.read_text(encoding="utf-8").split("\n")
        title = next(n for n, line in enumerate(lines) if "讲话" in line or "会议" in line)
        lines[title] = f"{lines[title]}（第{i + 1}次会议）"
        path = folder / f"copy-{i:03d}-{source.name}"
        path.write_text("\n".join(lines), encoding="utf-8")
        made.append(path)
    return made


@pytest.fixture(scope="session")
def tokenizer() -> Tokenizer:
    """The index's tokenizer (jieba with the corpus dictionary), started once per session."""
    tok = Tokenizer()
    tok.initialize()
    return tok


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus, built once per session and copied per test."""
    path = tmp_path_factory.mktemp("template") / "speechbot.db"

    async def build() -> None:
        index = SearchIndex(IndexConfig(db_path=path, corpus_dir=bundled_corpus_dir()))
        await index.initialize()
        await index.shutdown()

    asyncio.run(build())
    return path


@pytest.fixture
def db_path(tmp_path: Path, template_db: Path) -> Path:
    """A fresh copy of the built template database."""
    target = tmp_path / "speechbot.db"
    shutil.copy(template_db, target)
    return target


@pytest.fixture
async def index(db_path: Path, corpus_dir: Path) -> AsyncIterator[SearchIndex]:
    """An open index over the bundled corpus."""
    idx = SearchIndex(IndexConfig(db_path=db_path, corpus_dir=corpus_dir))
    await idx.initialize()
    try:
        yield idx
    finally:
        await idx.shutdown()


@pytest.fixture
async def plain_index(db_path: Path, corpus_dir: Path) -> AsyncIterator[SearchIndex]:
    """An open index over the bundled corpus without synonyms: BM25 on the question's own words."""
    idx = SearchIndex(IndexConfig(db_path=db_path, corpus_dir=corpus_dir, synonyms=None))
    await idx.initialize()
    try:
        yield idx
    finally:
        await idx.shutdown()


class HashingModel:
    """A fast stand-in embedding model: unit vectors seeded by the text's hash, counting what it
    embeds (its own model id: no shipped vector applies)."""

    model_id = "fake-model"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def passages(self, texts: Sequence[str]) -> Vectors:
        self.embedded.extend(texts)
        return np.stack([self.query(t) for t in texts])

    def query(self, text: str) -> Vectors:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8])
        v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
        return v / np.linalg.norm(v)


@dataclass
class RunningBot:
    """A real Application serving against the fake Bot API."""

    api: FakeBotAPI
    app: App
    settings: Settings

    def private(self, user: User) -> Chat:
        """The user's private chat with the bot."""
        return Chat.private(user)


async def reindex_by_admin(bot: RunningBot, timeout: float = 120) -> Call:  # noqa: ASYNC109
    """Send /reindex as ADMIN and wait for the message's final ✅ or ❌ edit."""
    since = bot.api.mark()
    bot.api.send_message("/reindex", user=ADMIN)
    return await bot.api.wait_for(
        "editMessageText",
        lambda c: "✅" in c["text"] or "❌" in c["text"],
        since=since,
        timeout=timeout,
    )


@contextlib.asynccontextmanager
async def running_bot(settings: Settings, api: FakeBotAPI) -> AsyncIterator[RunningBot]:
    """Serve the bot until the block ends (the same code path as ``speechbot run``)."""
    app = build_application(settings)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, settings, stop, poll_timeout=1))
    try:
        await api.wait_for("getUpdates", timeout=30, ok=None)
        yield RunningBot(api, app, settings)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


@pytest.fixture
def bot_settings(db_path: Path, corpus_dir: Path) -> Iterator[Settings]:
    """Settings for a bot with ADMIN as its only admin (API URL filled in by ``bot``)."""
    yield Settings(
        token="123456:TEST-token",
        admins=frozenset({ADMIN.id}),
        db_path=db_path,
        corpus_dir=corpus_dir,
        user_rate=1000,
        dense=False,  # BM25 alone; the semantic part has its own tests (test_dense*.py)
    )


@pytest.fixture
async def bot(bot_settings: Settings) -> AsyncIterator[RunningBot]:
    """The bot, running in polling mode against a fresh fake Bot API server."""
    async with FakeBotAPI(token=bot_settings.token or "", bot_username="speech_test_bot") as api:
        settings = replace(bot_settings, api_url=api.root_url)
        async with running_bot(settings, api) as running:
            yield running


@pytest.fixture
async def browsing_bot(bot: RunningBot) -> AsyncIterator[RunningBot]:
    """The bot with edits of one message not spaced out, so a test can press one button after
    another on the same message without waiting (the spacing has its own test)."""
    bot.app.bot_data.edits = EditThrottle(min_interval=0)
    yield bot


async def ask(bot: RunningBot, text: str, user: User = ALICE) -> Call:
    """Send ``text`` as ``user`` and return the bot's reply."""
    since = bot.api.mark()
    bot.api.send_message(text, user=user)
    return await bot.api.wait_for("sendMessage", since=since, timeout=20)


async def press(bot: RunningBot, message: Call, label: str, user: User = ALICE) -> Call:
    """Press the button labelled ``label`` on ``message`` (as it is now) and return the edit."""
    since = bot.api.mark()
    current = bot.api.message(message.result["chat"]["id"], message.result["message_id"])
    bot.api.press_button(message, bot.api.button_data(current, label), user=user)
    return await bot.api.wait_for("editMessageText", since=since, timeout=20)


@contextlib.asynccontextmanager
async def running_bot_webhook(settings: Settings, api: FakeBotAPI) -> AsyncIterator[RunningBot]:
    """Serve the bot in webhook mode until the block ends."""
    app = build_application(settings)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, settings, stop))
    try:
        await api.wait_for("setWebhook", timeout=30)
        yield RunningBot(api, app, settings)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
