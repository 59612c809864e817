"""The SQLite store: what it holds, restarts without jieba, staleness, schema versions."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from corpus import corpus_files, load_corpus
from index import (
    SCHEMA_VERSION,
    BuildError,
    IndexConfig,
    IndexUnavailable,
    SchemaError,
    SearchIndex,
)
from index.store.fingerprint import fingerprint


def _database_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if "_connection_worker_thread" in t.name}


def _assert_no_thread_left(before: set[threading.Thread]) -> None:
    """A failed start closed every connection it opened (an open one keeps a CLI alive)."""
    for thread in _database_threads() - before:
        thread.join(5)
        assert not thread.is_alive()


def _rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as db:
        return db.execute(sql).fetchall()


async def test_the_database_holds_speeches_sections_paragraphs_and_tokens(
    db_path: Path, corpus_dir: Path
) -> None:
    load = load_corpus(corpus_dir)
    speeches = _rows(db_path, "SELECT source, title, n_paragraphs FROM speeches ORDER BY number")
    assert [(s[0], s[1]) for s in speeches] == [
        (item.path.name, item.speech.title) for item in load.speeches
    ]
    assert [s[2] for s in speeches] == [len(item.speech.paragraphs) for item in load.speeches]
    sections = _rows(db_path, "SELECT count(*) FROM sections")[0][0]
    assert sections == sum(len(list(item.speech.walk())) for item in load.speeches)
    paragraphs = _rows(db_path, "SELECT text, tokens FROM paragraphs ORDER BY speech_id, ordinal")
    assert [p[0] for p in paragraphs] == [
        p.text for item in load.speeches for p in item.speech.paragraphs
    ]
    assert all(str(p[1]).split() for p in paragraphs)  # every paragraph has stored tokens


async def test_metadata_records_fingerprint_build_time_and_schema_version(
    tmp_path: Path, corpus_dir: Path
) -> None:
    before = time.time()
    index = SearchIndex(IndexConfig(tmp_path / "meta.db", corpus_dir))
    await index.initialize()
    after = time.time()
    try:
        info = await index.info()
    finally:
        await index.shutdown()
    meta = dict(_rows(tmp_path / "meta.db", "SELECT key, value FROM meta"))
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert meta["active_generation"] == str(info.generation)
    assert info.fingerprint == fingerprint(corpus_dir)
    assert before <= info.built_at <= after
    assert info.corpus_dir == str(corpus_dir)
    ((status, stored_finger, finished),) = _rows(
        tmp_path / "meta.db", "SELECT status, fingerprint, finished_at FROM generations"
    )
    assert (status, stored_finger, finished) == ("ready", info.fingerprint, info.built_at)


async def test_a_restart_serves_from_the_database_without_the_corpus(
    db_path: Path, tmp_path: Path
) -> None:
    # No corpus folder at all: whatever the restart serves was tokenised before, not now.
    tables = ("generations", "speeches", "sections", "paragraphs", "index_arrays")
    before = {t: _rows(db_path, f"SELECT * FROM {t} ORDER BY rowid") for t in tables}
    index = SearchIndex(IndexConfig(db_path, tmp_path / "no-such-corpus"))
    await index.initialize()
    try:
        result = await index.search("如何发挥基层党组织战斗堡垒作用", k=3)
        assert result.relevant and len(result.hits) == 3
        assert await index.is_stale()  # and it knows the corpus is not what it was built from
    finally:
        await index.shutdown()
    after = {t: _rows(db_path, f"SELECT * FROM {t} ORDER BY rowid") for t in tables}
    assert after == before  # nothing was rebuilt or re-tokenised


async def test_a_restart_answers_exactly_as_before(db_path: Path, corpus_dir: Path) -> None:
    answers = []
    for _ in range(2):
        index = SearchIndex(IndexConfig(db_path, corpus_dir))
        await index.initialize(refresh=True)
        try:
            result = await index.search("如何加强干部队伍建设", k=5)
            answers.append([(h.paragraph_id, h.score, h.matched_terms) for h in result.hits])
            generation = index.snapshot.generation
        finally:
            await index.shutdown()
    assert answers[0] and answers[0] == answers[1]
    assert generation == 1  # the unchanged corpus was not rebuilt


async def test_a_changed_corpus_is_noticed(index: SearchIndex, corpus_dir: Path) -> None:
    assert not await index.is_stale()
    first = corpus_files(corpus_dir)[0]
    original = first.read_bytes()
    first.write_bytes(original + "\n同志们要再接再厉。\n".encode())
    assert await index.is_stale()
    first.write_bytes(original)
    assert not await index.is_stale()
    extra = corpus_dir / "06-extra.txt"
    shutil.copy(first, extra)
    assert await index.is_stale()
    extra.unlink()
    first.rename(corpus_dir / "00-renamed.txt")
    assert await index.is_stale()


async def test_start_up_with_refresh_rebuilds_a_changed_corpus(
    db_path: Path, corpus_dir: Path
) -> None:
    changed = corpus_files(corpus_dir)[1]
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n要把“星火燎原计划”落到实处。\n", encoding="utf-8"
    )
    index = SearchIndex(IndexConfig(db_path, corpus_dir))
    await index.initialize(refresh=True)
    try:
        assert index.snapshot.generation == 2 and not await index.is_stale()
        result = await index.search("星火燎原计划", k=1)
        assert result.hits and result.hits[0].speech_id == 2
    finally:
        await index.shutdown()


async def test_another_schema_version_is_refused_clearly_and_left_intact(
    db_path: Path, corpus_dir: Path
) -> None:
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    content = _rows(db_path, "SELECT count(*), sum(length(text)) FROM paragraphs")
    index = SearchIndex(IndexConfig(db_path, corpus_dir))
    threads = _database_threads()
    with pytest.raises(SchemaError, match=rf"schema version 999 is not {SCHEMA_VERSION}"):
        await index.initialize()
    assert not index.ready
    _assert_no_thread_left(threads)
    assert _rows(db_path, "SELECT value FROM meta WHERE key = 'schema_version'") == [("999",)]
    assert _rows(db_path, "SELECT count(*), sum(length(text)) FROM paragraphs") == content


async def test_a_file_that_is_not_a_database_is_reported(tmp_path: Path, corpus_dir: Path) -> None:
    path = tmp_path / "broken.db"
    junk = b"this is not SQLite at all" * 200
    path.write_bytes(junk)
    index = SearchIndex(IndexConfig(path, corpus_dir))
    threads = _database_threads()
    with pytest.raises(IndexUnavailable, match="is damaged: run `speechbot check`"):
        await index.initialize()
    assert not index.ready
    _assert_no_thread_left(threads)
    assert path.read_bytes() == junk


async def test_a_first_build_without_a_corpus_fails_clearly_and_closes_the_database(
    tmp_path: Path,
) -> None:
    index = SearchIndex(IndexConfig(tmp_path / "new.db", tmp_path / "no-such-corpus"))
    threads = _database_threads()
    with pytest.raises(BuildError, match="corpus folder not found"):
        await index.initialize()
    assert not index.ready
    _assert_no_thread_left(threads)
