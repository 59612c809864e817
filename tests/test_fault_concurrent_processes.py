"""Faults: reindexes in several processes at once, with a bot serving from the same database.

One reindex holds the lock (``index/build/lock.py``) for its whole run; another says who holds
it and exits 1. A generation goes live only when its rows match its report, and a running bot
serves whatever generation another process swapped in. The staggered pairs below run
``SPEECHBOT_REINDEX_PAIRS`` times (3 in CI; the README quotes a run of 50).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from conftest import ADMIN, ALICE, NEW_SPEECH, RunningBot, change_a_speech, grow_corpus
from fakebotapi import User
from index import BuildError, IndexConfig, SearchIndex, inspect_database

BUSY = re.compile(r"speechbot: a reindex is running \(pid (\d+), since [0-9: -]+ UTC\)\n")
HOLD_LOCK = (
    "import sys; from pathlib import Path; from index.build.lock import ReindexLock; "
    "lock = ReindexLock(Path(sys.argv[1])); lock.acquire(); print('held', flush=True); "
    "sys.stdin.read()"
)
GENERAL = "如何发挥基层党组织战斗堡垒作用"
ONLY_IN_B = "选优配强村党组织书记"


def _env(db: Path, corpus: Path) -> dict[str, str]:
    return {**os.environ, "SPEECHBOT_DB": str(db), "SPEECHBOT_CORPUS": str(corpus)}


def _cwd(tmp_path: Path) -> Path:
    # Not tmp_path: a ``corpus`` folder in the working directory would shadow the package.
    cwd = tmp_path / "cwd"
    cwd.mkdir(exist_ok=True)
    return cwd


@pytest.fixture
def lock_holder(db_path: Path, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the database's reindex lock until the test ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=_cwd(tmp_path),
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    yield holder
    holder.kill()
    holder.wait()


def _reindex_now(db: Path, corpus: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``speechbot reindex`` in its own process, waited for."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "reindex"],
        env=_env(db, corpus),
        cwd=_cwd(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_reindex_while_another_process_holds_the_lock_names_it_and_exits_1(
    lock_holder: subprocess.Popen[str], db_path: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    change_a_speech(corpus_dir)
    done = _reindex_now(db_path, corpus_dir, tmp_path)
    assert done.returncode == 1, done.stderr
    found = BUSY.fullmatch(done.stderr)
    assert found is not None, done.stderr
    assert int(found.group(1)) == lock_holder.pid
    assert inspect_database(db_path).generation == 1  # nothing was built


def test_a_killed_lock_holder_leaves_no_lock_and_the_next_reindex_runs(
    lock_holder: subprocess.Popen[str], db_path: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    lock_holder.kill()
    lock_holder.wait()
    change_a_speech(corpus_dir)
    done = _reindex_now(db_path, corpus_dir, tmp_path)
    assert done.returncode == 0, done.stderr
    health = inspect_database(db_path)
    assert health.problem is None and health.generation == 2


async def test_a_generation_missing_rows_is_not_swapped_in(db_path: Path, corpus_dir: Path) -> None:
    # Another writer deleting one of the new generation's paragraphs while it is assembled.
    conn = sqlite3.connect(db_path)
    conn.execute(
        "CREATE TRIGGER lose_a_row AFTER INSERT ON index_arrays WHEN NEW.name = 'paragraph_ids'"
        " BEGIN DELETE FROM paragraphs WHERE id = (SELECT max(id) FROM paragraphs); END"
    )
    conn.commit()
    conn.close()
    change_a_speech(corpus_dir)
    index = SearchIndex(IndexConfig(db_path=db_path, corpus_dir=corpus_dir))
    await index.initialize()
    try:
        with pytest.raises(BuildError, match=r"generation \d+ is incomplete: .*paragraphs"):
            await index.reindex()
        assert index.snapshot.generation == 1
        assert (await index.search(GENERAL)).hits
    finally:
        await index.shutdown()
    health = inspect_database(db_path)
    assert health.problem is None and health.generation == 1


#: Askers taking turns, each well under SPEECHBOT_USER_RATE (50 pairs ask thousands of questions).
ASKERS = [ALICE, *(User(7000 + i, f"Asker {i}") for i in range(7))]


async def _ask(bot: RunningBot, text: str, user: User = ALICE) -> str:
    since = bot.api.mark()
    bot.api.send_message(text, user=user)
    call = await bot.api.wait_for("sendMessage", since=since, timeout=30)
    return str(call["text"])


async def _ask_afresh(bot: RunningBot, text: str, user: User = ALICE) -> str:
    """``text`` asked with no previous answer to follow on from (/start clears it), so that the
    answer depends on the generation only."""
    await _ask(bot, "/start", user)
    return await _ask(bot, text, user)


async def _reindex(tmp_path: Path, db: Path, corpus: Path) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "reindex",
        env=_env(db, corpus),
        cwd=_cwd(tmp_path),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate()
    return int(proc.returncode or 0), err.decode()


async def test_a_running_bot_serves_the_generation_a_cli_reindex_swapped_in(
    bot: RunningBot, tmp_path: Path
) -> None:
    before = await _ask(bot, ONLY_IN_B)
    assert "乡村振兴" not in before
    (bot.settings.corpus_dir / "乡村振兴.txt").write_text(NEW_SPEECH, "utf-8")
    code, err = await _reindex(tmp_path, bot.settings.db_path, bot.settings.corpus_dir)
    assert code == 0, err
    after = await _ask(bot, ONLY_IN_B)
    assert "乡村振兴党建引领推进会" in after, after
    assert not re.search(r"第 \d+–0 条", after)
    assert bot.app.bot_data.index.snapshot.generation == 2


async def test_reindex_from_telegram_while_another_process_reindexes_names_it(
    lock_holder: subprocess.Popen[str], bot: RunningBot
) -> None:
    change_a_speech(bot.settings.corpus_dir)
    since = bot.api.mark()
    bot.api.send_message("/reindex", user=ADMIN)
    final = await bot.api.wait_for(
        "editMessageText", lambda c: "另一个进程" in c["text"], since=since, timeout=60
    )
    assert f"进程号 {lock_holder.pid}" in final["text"]
    assert bot.app.bot_data.index.snapshot.generation == 1


@pytest.fixture
async def two_corpora(bot: RunningBot, tmp_path: Path) -> AsyncIterator[tuple[Path, Path]]:
    """The bot's corpus grown to 65 speeches (A), and a copy with every file changed and one
    more speech (B): switching between them retokenises everything (about 0.5 s of build, so
    that staggered pairs overlap)."""
    a = bot.settings.corpus_dir
    grow_corpus(a, 60)
    b = tmp_path / "corpus-b"
    shutil.copytree(a, b)
    for path in b.glob("*.txt"):
        path.write_text(path.read_text("utf-8") + "\n补充的一段话。\n", "utf-8")
    (b / "乡村振兴.txt").write_text(NEW_SPEECH, "utf-8")
    yield a, b


async def test_staggered_reindex_pairs_never_put_a_partial_generation_live(
    bot: RunningBot, two_corpora: tuple[Path, Path], tmp_path: Path
) -> None:
    pairs = int(os.environ.get("SPEECHBOT_REINDEX_PAIRS", "3"))
    db, (a, b) = bot.settings.db_path, two_corpora
    questions = (GENERAL, ONLY_IN_B)
    valid: dict[str, set[str]] = {q: set() for q in questions}
    for corpus in (b, a):  # each corpus once alone: the answers each generation gives
        assert (await _reindex(tmp_path, db, corpus))[0] == 0
        for q in questions:
            valid[q].add(await _ask_afresh(bot, q))
    assert len(valid[ONLY_IN_B]) == 2, valid
    sizes = {bot.app.bot_data.index.snapshot.bm25.n_docs}
    rng, outcomes, answers = random.Random(13), {"built": 0, "busy": 0}, 0
    for pair in range(pairs):
        first, second = (a, b) if pair % 2 else (b, a)
        one = asyncio.create_task(_reindex(tmp_path, db, first))
        await asyncio.sleep(rng.uniform(0.0, 1.1))  # the stagger under test, not a wait
        two = asyncio.create_task(_reindex(tmp_path, db, second))
        while not (one.done() and two.done()):
            for q in questions:
                reply = await _ask_afresh(bot, q, ASKERS[answers % len(ASKERS)])
                assert reply in valid[q], (pair, q, reply)
                answers += 1
            health = await asyncio.to_thread(inspect_database, db)
            assert health.problem is None, (pair, health)
        for code, err in (one.result(), two.result()):
            assert code == 0 or BUSY.fullmatch(err), (pair, code, err)
            outcomes["built" if code == 0 else "busy"] += 1
        sizes.add(bot.app.bot_data.index.snapshot.bm25.n_docs)
    print(f"{pairs} pairs: {outcomes}, {answers} answers checked, live sizes {sorted(sizes)}")
    assert (await asyncio.to_thread(inspect_database, db)).problem is None
    assert len(sizes) <= 2


def test_the_lock_file_records_its_holder(db_path: Path, tmp_path: Path) -> None:
    from index.build.lock import ReindexLock, lock_path

    lock = ReindexLock(db_path)
    lock.acquire()
    try:
        assert f'"pid": {os.getpid()}' in lock_path(db_path).read_text()
        assert time.time() - 60 < float(lock_path(db_path).read_text().split()[-1][:-1])
    finally:
        lock.release()
    assert lock_path(db_path).read_text() == ""
