"""`speechbot ask` answers a large index at once (issue 14): a generation's look-up structures
are stored with it and read back equal to computed ones, the CLI reads only the postings a
question needs with the same answers, and a large set of missing vectors is never embedded in
the foreground: the CLI answers with what is stored and says how the rest gets filled."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import aiosqlite
import numpy as np
import pytest
from test_speech_finder import QUESTIONS, archive

from bot.cli import main
from bot.terminal import dense_note
from conftest import HashingModel
from index import IndexConfig, SearchIndex
from index.query.speech_tables import FORMAT, dump_tables, load_tables
from index.query.speeches import SpeechFinder
from index.rank.dense import MODEL_ID, Vectors
from index.speeches import speech_finder
from index.store.blobs import CHUNK_BYTES, load_blobs, write_blobs
from index.store.columns import ColumnReader
from index.store.lookups import LOOKUPS
from index.store.queries import section_spans
from index.text.normalize import normalize

ASKED = [
    "如何发挥基层党组织战斗堡垒作用",
    "干部考核结果怎么用",
    "2023年县委工作会议讲话第二部分讲了什么",
    "总结2019年党建那篇的结尾",
    "统战工作怎么做",
    "第三篇讲话的开头",
]


def _stored(db_path: Path) -> set[str]:
    with sqlite3.connect(db_path) as db:
        names = db.execute(
            "SELECT name FROM index_arrays WHERE gen = (SELECT CAST(value AS INTEGER) FROM meta"
            " WHERE key = 'active_generation')"
        ).fetchall()
    return {str(n) for (n,) in names}


def test_stored_finder_tables_match_every_question_as_the_computed_ones() -> None:
    computed = SpeechFinder(archive(5000))
    tables = load_tables(dump_tables(computed.tables))
    assert tables is not None
    stored = SpeechFinder(tables=tables)
    for question in [*QUESTIONS, *ASKED, "在2003年青山县委经济工作会议上的讲话", "第124次会议"]:
        assert stored.match(normalize(question)) == computed.match(normalize(question))
    assert stored.titles_with("青山") == computed.titles_with("青山")


def test_finder_tables_of_another_format_are_recomputed_not_misread() -> None:
    raw = dump_tables(SpeechFinder(archive(10)).tables)
    assert load_tables(raw) is not None
    assert load_tables(raw.replace(f'"format":{FORMAT}'.encode(), b'"format":0')) is None


async def test_a_generation_stores_its_look_ups_and_reads_back_the_computed_ones(
    db_path: Path, corpus_dir: Path
) -> None:
    with sqlite3.connect(db_path) as db:  # an index written before they were stored
        db.execute(f"DELETE FROM index_arrays WHERE name IN {LOOKUPS}")
    first = SearchIndex(IndexConfig(db_path=db_path, corpus_dir=corpus_dir))
    await first.initialize()
    try:
        assert set(LOOKUPS) <= _stored(db_path)
        before = [await first.search(q, k=3) for q in ASKED]
        snap = first.snapshot
        computed = await section_spans(first._db(), snap)
        finder = await speech_finder(first._db(), snap)
    finally:
        await first.shutdown()
    again = SearchIndex(IndexConfig(db_path=db_path, corpus_dir=corpus_dir))
    await again.initialize()
    try:
        live = again._live_view()
        assert dict(live.sections) == computed
        for question in ASKED:
            assert live.finder.match(normalize(question)) == finder.match(normalize(question))
        assert [await again.search(q, k=3) for q in ASKED] == before
    finally:
        await again.shutdown()


async def test_a_reindex_stores_the_look_ups_of_its_new_generation(
    index: SearchIndex, corpus_dir: Path, new_speech: str
) -> None:
    (corpus_dir / "06-new.txt").write_text(new_speech, encoding="utf-8")
    await index.reindex()
    assert set(LOOKUPS) <= _stored(index.config.db_path)
    speeches = set(index.snapshot.speeches)
    assert set(index._live_view().sections) <= speeches
    assert set(index._live_view().finder.numbers) == speeches


async def test_postings_read_on_demand_give_the_same_answers_as_arrays_read_whole(
    db_path: Path, corpus_dir: Path
) -> None:
    results = []
    for on_demand in (False, True):
        config = IndexConfig(db_path=db_path, corpus_dir=corpus_dir, read_on_demand=on_demand)
        idx = SearchIndex(config)
        await idx.initialize()
        try:
            pages = [await idx.search(q, k=5) for q in ASKED]
            pages.append(await idx.search(ASKED[0], k=3, offset=3))
            pages.append(await idx.search(ASKED[1], k=3, speech=2))
            results.append(pages)
        finally:
            await idx.shutdown()
    assert results[0] == results[1]


async def test_chunked_arrays_read_back_whole_and_by_any_range(tmp_path: Path) -> None:
    path = tmp_path / "arrays.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE index_arrays (gen INTEGER, name TEXT, data BLOB, UNIQUE (gen, name))"
        )
    whole = np.arange(3 * CHUNK_BYTES // 4 + 123, dtype="<i4")
    async with aiosqlite.connect(path) as db:
        await write_blobs(db, 1, {"rows": whole, "doc_len": whole[:10]})
        await db.commit()
        assert np.array_equal(np.frombuffer((await load_blobs(db, 1))["rows"], "<i4"), whole)
    with sqlite3.connect(path) as db:
        names = {str(n) for (n,) in db.execute("SELECT name FROM index_arrays")}
    assert names == {"doc_len", "rows#0", "rows#1", "rows#2", "rows#3"}
    reader = ColumnReader(path)
    try:
        column = reader.columns(1)["rows"]
        assert len(column) == len(whole)
        edge = CHUNK_BYTES // 4
        for key in (slice(0, 0), slice(3, 17), slice(edge - 5, edge + 5), slice(10, 5),
                    slice(len(whole) - 5, None), slice(edge - 1, 2 * edge + 1)):  # fmt: skip
            assert np.array_equal(column[key], whole[key])
        at = np.array([7, 3, 3, edge + 40], dtype=np.int64)
        assert np.array_equal(column[at], whole[at]) and column[edge] == whole[edge]
        assert np.array_equal(np.asarray(column), whole)
    finally:
        reader.close()


async def test_arrays_an_earlier_version_stored_whole_are_chunked_once_with_equal_answers(
    db_path: Path, corpus_dir: Path
) -> None:
    config = IndexConfig(db_path=db_path, corpus_dir=corpus_dir, read_on_demand=True)
    idx = SearchIndex(config)
    await idx.initialize()
    before = [await idx.search(q, k=3) for q in ASKED]
    await idx.shutdown()
    with sqlite3.connect(db_path) as db:  # as main's code stored them
        for name in ("rows", "tfs8", "approx_f16"):
            parts = db.execute(
                "SELECT gen, data FROM index_arrays WHERE name LIKE ? ORDER BY name", (name + "#%",)
            ).fetchall()
            db.execute("DELETE FROM index_arrays WHERE name LIKE ?", (name + "#%",))
            joined = b"".join(bytes(d) for _, d in parts)
            db.execute("INSERT INTO index_arrays VALUES (?, ?, ?)", (parts[0][0], name, joined))
    assert "rows" in _stored(db_path)
    idx = SearchIndex(config)
    await idx.initialize()
    try:
        assert "rows" not in _stored(db_path) and "rows#0" in _stored(db_path)
        assert [await idx.search(q, k=3) for q in ASKED] == before
    finally:
        await idx.shutdown()


class NeverAsked:
    """An embedder that must not be loaded or asked (a large set is deferred)."""

    model_id = MODEL_ID
    loaded = 0

    def __init__(self, threads: int) -> None:
        NeverAsked.loaded += 1

    def passages(self, texts: Sequence[str]) -> Vectors:
        raise AssertionError("embedded in the foreground")

    def query(self, text: str) -> Vectors:
        raise AssertionError("no vectors: the question needs no embedding")


async def test_a_large_missing_set_is_not_embedded_in_the_foreground_nor_the_model_loaded(
    db_path: Path, corpus_dir: Path
) -> None:
    config = IndexConfig(db_path=db_path, corpus_dir=corpus_dir, dense=True, embed_now=10)
    NeverAsked.loaded = 0
    idx = SearchIndex(config, embedder_loader=NeverAsked)
    await idx.initialize()
    try:
        status = idx.dense_status()
        assert status.deferred and status.rows_embedded == 0 < status.rows
        assert NeverAsked.loaded == 0
        assert (await idx.search(ASKED[0], k=3)).hits  # BM25 alone answers
    finally:
        await idx.shutdown()


async def test_partial_vectors_answer_and_speechbot_embed_fills_the_rest_resumably(
    db_path: Path, corpus_dir: Path
) -> None:
    config = IndexConfig(db_path=db_path, corpus_dir=corpus_dir, dense=True, embed_now=10)
    model = HashingModel()
    idx = SearchIndex(dataclasses.replace(config, embed_now=100_000), embedder=model)
    await idx.initialize()  # few missing: embedded before the first answer
    total = len(model.embedded)
    await idx.shutdown()
    with sqlite3.connect(db_path) as db:  # as if an embedding had stopped half-way
        db.execute("DELETE FROM sentence_vectors WHERE key < x'80'")
    model = HashingModel()
    idx = SearchIndex(config, embedder=model)
    await idx.initialize()
    try:
        status = idx.dense_status()
        assert status.deferred and 0 < status.rows_embedded < status.rows
        assert model.embedded == []
        assert (await idx.search(ASKED[0], k=3)).hits
        done, sentences = await idx.embed()
        assert 0 < done == len(model.embedded) < total == sentences
        status = idx.dense_status()
        assert not status.deferred and status.rows_embedded == status.rows
        assert await idx.embed() == (0, sentences)  # nothing left: resumes at the end
    finally:
        await idx.shutdown()


def test_ask_answers_at_once_and_says_on_stderr_how_vectors_get_filled(
    db_path: Path,
    corpus_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SPEECHBOT_DB", str(db_path))
    monkeypatch.setenv("SPEECHBOT_CORPUS", str(corpus_dir))
    monkeypatch.setenv("SPEECHBOT_DENSE", "on")
    monkeypatch.setenv("SPEECHBOT_EMBED_NOW", "0")  # any missing vector is "too many" here
    assert main(["ask", ASKED[0], "--color", "never", "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert "[1]" in out
    notes = [line for line in err.splitlines() if "speechbot embed" in line]
    assert len(notes) == 1 and "vectors for 0 of" in notes[0] and "BM25 alone" in notes[0]
    assert main(["ask", ASKED[0], "--color", "never", "--lang", "zh"]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "speechbot embed" in line]
    assert len(notes) == 1 and "0 / " in notes[0] and "仅用 BM25" in notes[0]
    monkeypatch.setenv("SPEECHBOT_DENSE", "off")
    assert main(["ask", ASKED[0], "--color", "never"]) == 0
    assert "speechbot embed" not in capsys.readouterr().err


def test_check_fails_on_stored_look_ups_that_are_not_the_generation_s(db_path: Path) -> None:
    from index.store.health import inspect_database

    assert inspect_database(db_path).problem is None
    with sqlite3.connect(db_path) as db:
        db.execute(
            'UPDATE index_arrays SET data = CAST(\'{"format":1,"numbers":[1]}\' AS BLOB)'
            " WHERE name = 'speech_finder'"
        )
    problem = inspect_database(db_path).problem
    assert problem is not None and "speech_finder" in problem and "1 of" in problem


async def test_a_command_does_not_load_a_very_large_sets_vectors_and_says_so_truly(
    db_path: Path, corpus_dir: Path
) -> None:
    config = IndexConfig(db_path=db_path, corpus_dir=corpus_dir, dense=True, embed_now=100_000)
    idx = SearchIndex(config, embedder=HashingModel())
    await idx.initialize()  # every vector embedded and stored
    await idx.shutdown()
    idx = SearchIndex(dataclasses.replace(config, load_vectors_max=10), embedder=HashingModel())
    await idx.initialize()
    try:
        status = idx.dense_status()
        assert status.unloaded and not status.deferred
        note = dense_note(status, english=True)
        assert "does not load" in note and "BM25 alone" in note and "vectors for" not in note
        assert (await idx.search(ASKED[0], k=3)).hits
    finally:
        await idx.shutdown()
