"""Adding or changing one speech re-tokenises that speech only; loading never re-tokenises."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from devtools.synth import source, write_corpus
from index import BM25, IndexConfig, SearchIndex
from index.store.queries import _own_ordinals
from index.store.schema import VISIBLE


def _append_paragraph(corpus_dir: Path) -> Path:
    target = sorted(corpus_dir.iterdir())[1]
    target.write_text(target.read_text(encoding="utf-8") + "\n加强基层党组织建设。\n", "utf-8")
    return target


async def test_adding_a_speech_retokenises_only_that_speech(
    index: SearchIndex, corpus_dir: Path, tmp_path: Path
) -> None:
    write_corpus(source(), 30, tmp_path / "extra")
    new = corpus_dir / "99-added.txt"
    new.write_bytes((tmp_path / "extra" / "000001.txt").read_bytes())
    report = await index.reindex()
    assert report.retokenized == ("99-added.txt",)
    assert report.paragraphs > 70


async def test_changing_a_speech_retokenises_only_that_speech(
    index: SearchIndex, corpus_dir: Path
) -> None:
    target = _append_paragraph(corpus_dir)
    report = await index.reindex()
    assert report.retokenized == (target.name,)


async def test_reopening_the_index_loads_without_python_jieba(
    db_path: Path, corpus_dir: Path
) -> None:
    index = SearchIndex(IndexConfig(db_path=db_path, corpus_dir=corpus_dir, auto_build=False))
    await index.initialize()
    try:
        assert index.snapshot.tokenizer.engine == "rjieba"
        assert not index.snapshot.tokenizer.python_loaded
        result = await index.search("如何发挥基层党组织战斗堡垒作用")
        assert result.hits
    finally:
        await index.shutdown()


async def test_stored_contributions_score_like_freshly_computed_ones(index: SearchIndex) -> None:
    loaded = index.snapshot.bm25
    fresh = BM25(loaded.postings, loaded.params)
    assert loaded.stored_contributions()[0].dtype == fresh.stored_contributions()[0].dtype
    for query in (["基层", "党组织"], ["意识形态", "责任制", "落实"], ["党"]):
        assert loaded.top(query, 10) == fresh.top(query, 10)


async def test_a_database_with_two_byte_term_frequencies_still_loads_and_scores_the_same(
    db_path: Path, corpus_dir: Path
) -> None:
    config = IndexConfig(db_path=db_path, corpus_dir=corpus_dir, auto_build=False)
    queries = (["基层", "党组织"], ["意识形态", "责任制", "落实"], ["党"])
    index = SearchIndex(config)
    await index.initialize()
    try:
        expected = [index.snapshot.bm25.top(q, 10) for q in queries]
        tfs = index.snapshot.bm25.postings.tf_range(0, len(index.snapshot.bm25.postings.rows))
    finally:
        await index.shutdown()
    # Earlier versions stored every term frequency as uint16 under the name "tfs".
    with sqlite3.connect(db_path) as db:
        gone = db.execute(  # tfs8 is stored in chunks: tfs8#0, …
            "DELETE FROM index_arrays WHERE name IN ('tf_big_at', 'tf_big') OR name GLOB 'tfs8#*'"
        )
        assert gone.rowcount >= 3
        db.execute(
            "INSERT INTO index_arrays (gen, name, data) SELECT CAST(value AS INTEGER), 'tfs', ?"
            " FROM meta WHERE key = 'active_generation'",
            (tfs.astype("<u2").tobytes(),),
        )
    index = SearchIndex(config)
    await index.initialize()
    try:
        assert [index.snapshot.bm25.top(q, 10) for q in queries] == expected
    finally:
        await index.shutdown()


async def test_section_ordinals_read_from_the_id_index_equal_sqlites_after_a_change(
    index: SearchIndex, corpus_dir: Path
) -> None:
    # Changed speeches get new, higher paragraph ids: rows are no longer in id order.
    _append_paragraph(corpus_dir)
    await index.reindex()
    snap = index.snapshot
    db = index._db()
    rows = await (
        await db.execute(
            f"SELECT s.number, sec.id, (SELECT min(p.ordinal) FROM paragraphs p"
            f" WHERE p.section_id = sec.id), (SELECT max(p.ordinal) FROM paragraphs p"
            f" WHERE p.section_id = sec.id) FROM sections sec JOIN speeches s"
            f" ON s.id = sec.speech_id WHERE {VISIBLE}",
            {"gen": snap.generation},
        )
    ).fetchall()
    expected = {(r[0], r[1]): (r[2], r[3]) for r in rows if r[2] is not None}
    assert len(expected) > 10
    assert not bool((np.diff(snap.paragraph_ids) > 0).all())
    found = await _own_ordinals(db, snap, [(int(r[1]), int(r[0])) for r in rows])
    assert found == expected
