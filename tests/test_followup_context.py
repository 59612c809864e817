"""The follow-up context of the bot's state: per chat (per user in groups), expiring, cleared;
and the evaluation asking a follow-up after the question it follows, with its context."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from bot.state import CONTEXT_TTL, FollowUps, context_key
from devtools.evaluate.questions import Question
from devtools.evaluate.systems import run_speechbot
from index import Focus, IndexConfig


async def test_context_is_kept_per_chat_and_per_group_member(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "state.db") as db:
        store = FollowUps(db)
        await store.initialize()
        assert context_key(7, 1, private=True) == context_key(7, 2, private=True)
        assert context_key(-9, 1, private=False) != context_key(-9, 2, private=False)
        await store.put((-9, 1), Focus(5, 12))
        assert await store.get((-9, 1)) == Focus(5, 12)
        assert await store.get((-9, 2)) is None
        await store.clear((-9, 1))
        assert await store.get((-9, 1)) is None


async def test_context_expires(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "state.db") as db:
        await FollowUps(db).initialize()
        await FollowUps(db).put((1, 0), Focus(3, None))
        assert await FollowUps(db, ttl=CONTEXT_TTL).get((1, 0)) == Focus(3, None)
        assert await FollowUps(db, ttl=-1).get((1, 0)) is None  # older than the time to live


async def test_evaluation_asks_a_follow_up_with_the_context_of_the_one_it_follows(
    db_path: Path, corpus_dir: Path
) -> None:
    first = Question("a", "2020年党建领导小组会议主持讲话的第三点", "part", ("三要把加强组织建设",))
    then = Question("b", "那第4点呢？", "followup", ("四要把严守纪律规矩挺在前面",), "a")
    config = IndexConfig(db_path=db_path, corpus_dir=corpus_dir, dense=False)
    # The follow-up comes first in the file: it is still asked after the one it follows.
    [[later, earlier]] = await run_speechbot([[then, first]], config)
    assert earlier.rank == 1 and later.rank == 1
