"""Reindex: built beside the live index, swapped atomically, failures harmless, incremental."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from corpus import corpus_files
from index import BuildError, IndexConfig, SearchIndex, SearchResult, Tokenizer
from index.build import insert, rows
from index.build.parallel import Texts, Tokens
from index.store.schema import VISIBLE

QUESTIONS = ("如何发挥基层党组织战斗堡垒作用", "星火燎原计划", "加强干部队伍建设")
NEW_SPEECH = (
    "在全县乡村振兴工作会议上的讲话\n\n同志们：\n\n"
    "今天召开会议，部署星火燎原计划。\n\n"
    "一、星火燎原计划要抓实抓细\n\n"
    "各乡镇要把星火燎原计划作为一号工程，加强干部队伍建设，层层压实责任。\n\n"
    "谢谢大家！\n"
)

Signature = tuple[tuple[int, str, str, float], ...]


def _signature(result: SearchResult) -> Signature:
    return tuple((h.speech_id, h.section, h.text, round(h.score, 9)) for h in result.hits)


async def _answers(index: SearchIndex) -> dict[str, Signature]:
    return {q: _signature(await index.search(q, k=5)) for q in QUESTIONS}


def _visible(db_path: Path) -> tuple[int, int, int]:
    """(generation, speeches, paragraphs) that a reader of the live generation sees right now."""
    with sqlite3.connect(db_path) as db:
        (gen,) = db.execute("SELECT value FROM meta WHERE key = 'active_generation'").fetchone()
        speeches, paragraphs = db.execute(
            f"SELECT count(DISTINCT s.id), count(p.id) FROM speeches s"
            f" JOIN paragraphs p ON p.speech_id = s.id WHERE {VISIBLE}",
            {"gen": int(gen)},
        ).fetchone()
    return int(gen), int(speeches), int(paragraphs)


def _change_corpus(corpus_dir: Path) -> Path:
    """Add a speech and edit another; return the edited file."""
    (corpus_dir / "06-rural.txt").write_text(NEW_SPEECH, encoding="utf-8")
    edited = corpus_files(corpus_dir)[2]
    edited.write_text(
        edited.read_text(encoding="utf-8").replace(
            "同志们：", "同志们：\n\n要把星火燎原计划落到实处。", 1
        ),
        encoding="utf-8",
    )
    return edited


async def test_queries_during_a_reindex_see_the_old_or_the_new_index_never_a_mix(
    index: SearchIndex, db_path: Path, corpus_dir: Path
) -> None:
    old = await _answers(index)
    old_visible = _visible(db_path)
    _change_corpus(corpus_dir)
    seen_visible: list[tuple[int, int, int]] = []
    seen: list[dict[str, Signature]] = []

    def progress(stage: str, done: int, total: int) -> None:
        # Another reader of the file, at every step of the build, sees one whole generation.
        seen_visible.append(_visible(db_path))

    task = asyncio.create_task(index.reindex(progress=progress))
    while not task.done():
        seen.append(await _answers(index))
        await asyncio.sleep(0)
    report = await task
    new = await _answers(index)
    new_visible = _visible(db_path)
    assert old != new and old_visible != new_visible  # the change is visible in the answers
    assert new_visible == (report.generation, report.speeches, report.paragraphs)
    assert len(seen) >= 2 and len(seen_visible) >= 4  # the queries really ran during the build
    # Each query is answered from one whole generation (a swap may fall between two queries).
    assert all(answers[q] in (old[q], new[q]) for answers in seen for q in QUESTIONS)
    assert set(seen_visible) <= {old_visible, new_visible}
    assert seen[0] == old  # the old index served while the new one was being built


async def test_a_second_reader_process_sees_whole_generations(
    index: SearchIndex, db_path: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    old = await _answers(index)
    _change_corpus(corpus_dir)
    await index.reindex()
    new = await _answers(index)
    # A separate index opened on the same file (as a restarted bot would) loads the new one.
    other = SearchIndex(IndexConfig(db_path, tmp_path / "absent"))
    await other.initialize()
    try:
        assert await _answers(other) == new != old
    finally:
        await other.shutdown()


async def test_the_first_question_after_another_index_swaps_is_answered_from_the_new_one(
    index: SearchIndex, db_path: Path, corpus_dir: Path
) -> None:
    old = await _answers(index)
    _change_corpus(corpus_dir)
    other = SearchIndex(IndexConfig(db_path, corpus_dir))  # as another process would
    await other.initialize()
    try:
        await other.reindex()
        new = await _answers(other)
    finally:
        await other.shutdown()
    # The swap is noticed while the question is answered, and the answer comes from the swap.
    first = await index.search(QUESTIONS[0], k=5)
    assert index.snapshot.generation == other.snapshot.generation
    assert _signature(first) == new[QUESTIONS[0]]
    assert await _answers(index) == new != old


async def test_a_vanished_corpus_fails_the_build_and_the_old_index_serves(
    index: SearchIndex, db_path: Path, corpus_dir: Path
) -> None:
    old, old_visible = await _answers(index), _visible(db_path)
    shutil.rmtree(corpus_dir)
    with pytest.raises(BuildError, match="corpus folder not found"):
        await index.reindex()
    assert await _answers(index) == old
    assert _visible(db_path) == old_visible


async def test_a_corpus_without_a_readable_speech_fails_and_the_old_index_serves(
    index: SearchIndex, db_path: Path, tmp_path: Path
) -> None:
    old, old_visible = await _answers(index), _visible(db_path)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (bad / "empty.md").write_text("   \n\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"no readable speech .*2 file\(s\) skipped"):
        await index.reindex(bad)
    assert await _answers(index) == old
    assert _visible(db_path) == old_visible


async def test_a_build_killed_halfway_leaves_the_old_index_and_the_next_build_cleans_up(
    index: SearchIndex, db_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A build commits a block of rows at a time; one speech's rows each here, so that rows of
    # the killed build are left behind for the next build to clean up.
    monkeypatch.setattr(insert, "COMMIT_ROWS", 1)
    old, old_visible = await _answers(index), _visible(db_path)
    for path in corpus_files(corpus_dir):  # every speech must be tokenised again
        path.write_text(path.read_text(encoding="utf-8") + "\n要把星火燎原计划落到实处。\n")
    halfway = asyncio.Event()

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "tokenize" and done == 2:
            halfway.set()

    task = asyncio.create_task(index.reindex(progress=progress))
    await halfway.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _answers(index) == old
    assert _visible(db_path) == old_visible
    with sqlite3.connect(db_path) as db:
        statuses = db.execute("SELECT status FROM generations ORDER BY id").fetchall()
        orphans = db.execute("SELECT count(*) FROM speeches WHERE gen_from > 1").fetchone()[0]
    assert statuses == [("ready",), ("failed",)] and orphans == 2  # written, but nobody sees them
    report = await index.reindex()
    assert report.speeches == 5 and len(report.retokenized) == 5
    with sqlite3.connect(db_path) as db:
        statuses = db.execute("SELECT id, status FROM generations ORDER BY id").fetchall()
        speeches = db.execute("SELECT count(*) FROM speeches").fetchone()[0]
    assert [s for _, s in statuses] == ["ready", "ready"]  # the failed build's rows are gone
    assert statuses[-1][0] == report.generation
    assert speeches == 10  # generation 1's five (kept until the next build) and the new five


async def test_a_reindex_cancelled_while_a_worker_tokenises_waits_for_it_and_is_cancelled(
    index: SearchIndex, db_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Shutdown cancels a background reindex wherever it is, also while a worker thread is inside
    # the tokenising generator: closing it then must wait for that thread, not raise "generator
    # already executing" over the CancelledError.
    old, old_visible = await _answers(index), _visible(db_path)
    for path in corpus_files(corpus_dir):  # every speech must be tokenised again
        path.write_text(path.read_text(encoding="utf-8") + "\n要把星火燎原计划落到实处。\n")
    inside, release = threading.Event(), threading.Event()
    threads: list[int] = []
    signed_tokens = rows.signed_tokens

    def held_on_the_second_speech(tokenizer: Tokenizer, texts: Texts) -> tuple[str, Tokens]:
        threads.append(threading.get_ident())
        if len(threads) == 2:
            inside.set()
            release.wait(60)
        return signed_tokens(tokenizer, texts)

    monkeypatch.setattr(rows, "signed_tokens", held_on_the_second_speech)
    task = asyncio.create_task(index.reindex())
    assert await asyncio.to_thread(inside.wait, 60)
    task.cancel()  # exactly while the worker is inside next()
    done, _ = await asyncio.wait({task}, timeout=0.3)
    release.set()
    assert not done  # the close waits for the step in flight
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(threads) == 2 and len(set(threads)) == 1  # one thread; no step after the cancel
    assert await _answers(index) == old
    assert _visible(db_path) == old_visible
    with sqlite3.connect(db_path) as db:
        statuses = db.execute("SELECT status FROM generations ORDER BY id").fetchall()
    assert statuses == [("ready",), ("failed",)]
    monkeypatch.undo()
    report = await index.reindex()
    assert report.speeches == 5 and len(report.retokenized) == 5


async def test_changing_one_speech_retokenises_only_that_speech(
    index: SearchIndex, db_path: Path, corpus_dir: Path
) -> None:
    edited = corpus_files(corpus_dir)[3]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n要把工作抓实抓细。\n")
    with sqlite3.connect(db_path) as db:
        before = dict(db.execute("SELECT source, id FROM speeches").fetchall())
    stages: list[str] = []
    sections = index.snapshot.n_sections
    report = await index.reindex(progress=lambda stage, done, total: stages.append(stage))
    assert report.retokenized == (edited.name,)
    assert (report.files_read, report.speeches, report.skipped) == (5, 5, ())
    assert report.sections == index.snapshot.n_sections == sections  # old rows not counted
    assert {"read", "tokenize", "index", "swap"} <= set(stages)
    with sqlite3.connect(db_path) as db:
        after = dict(db.execute("SELECT source, id FROM speeches WHERE gen_to IS NULL").fetchall())
    assert {s: i for s, i in after.items() if s != edited.name} == {
        s: i for s, i in before.items() if s != edited.name
    }  # the other speeches' rows (and tokens) are reused as they are
    assert after[edited.name] != before[edited.name]
    result = await index.search("工作抓实抓细", k=1)
    assert result.hits[0].text == "要把工作抓实抓细。"


async def test_an_unchanged_corpus_is_not_rebuilt(index: SearchIndex) -> None:
    generation = index.snapshot.generation
    report = await index.reindex()
    assert report.unchanged and report.retokenized == ()
    assert index.snapshot.generation == report.generation == generation


async def test_added_and_removed_files_are_reflected(index: SearchIndex, corpus_dir: Path) -> None:
    numbers = {s.source: s.number for s in await index.speeches()}
    (corpus_dir / "06-rural.txt").write_text(NEW_SPEECH, encoding="utf-8")
    report = await index.reindex()
    assert report.speeches == 6 and report.retokenized == ("06-rural.txt",)
    added = await index.find_speech("乡村振兴")
    assert added is not None and added.number == 6 and added.n_paragraphs == 2
    result = await index.search("星火燎原计划", k=3)
    assert result.relevant and result.hits[0].speech_id == 6
    assert all(h.speech_id == 6 for h in result.hits if "星火燎原" in h.text)

    removed = corpus_files(corpus_dir)[0]
    removed.unlink()
    report = await index.reindex()
    # Its quoted terms leave the dictionary, so speeches using them unquoted may be re-cut.
    assert report.speeches == 5 and removed.name not in report.retokenized
    after = {s.source: s.number for s in await index.speeches()}
    assert await index.find_speech(str(numbers[removed.name])) is None
    assert removed.name not in after
    assert after == {**{s: n for s, n in numbers.items() if s != removed.name}, "06-rural.txt": 6}
    result = await index.search("如何发挥基层党组织战斗堡垒作用", k=10)
    assert numbers[removed.name] not in {h.speech_id for h in result.hits}
    # The live index now says what a restart reads from the database.
    restarted = SearchIndex(IndexConfig(index.config.db_path, corpus_dir))
    await restarted.initialize()
    try:
        assert await restarted.speeches() == await index.speeches()
        assert (await restarted.info()).sections == (await index.info()).sections == report.sections
    finally:
        await restarted.shutdown()
