"""Fault: `kill -9` in the middle of a reindex; the next start serves the old or the new index."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import grow_corpus
from corpus import bundled_corpus_dir
from index import IndexConfig, SearchIndex

COPIES = 60
OLD_SPEECHES = 5


def _building(db: Path) -> tuple[int, int]:
    """(speeches the running build wrote, its index arrays): (0, 0) when none runs."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        row = conn.execute("SELECT max(id) FROM generations WHERE status = 'building'").fetchone()
        if row is None or row[0] is None:
            return 0, 0
        gen = int(row[0])
        speeches = conn.execute("SELECT count(*) FROM speeches WHERE gen_from = ?", (gen,))
        arrays = conn.execute("SELECT count(*) FROM index_arrays WHERE gen = ?", (gen,))
        return int(speeches.fetchone()[0]), int(arrays.fetchone()[0])


def _reindex_and_kill(db: Path, corpus: Path, when: Callable[[int, int], bool]) -> None:
    """Run ``speechbot reindex`` as its own process and SIGKILL it once ``when`` holds."""
    env = {**os.environ, "SPEECHBOT_DB": str(db), "SPEECHBOT_CORPUS": str(corpus)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "reindex", "--corpus", str(corpus)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                out, err = proc.communicate()
                pytest.fail(f"reindex ended before the kill point: {out!r} {err[-2000:]!r}")
            try:
                progress = _building(db)
            except sqlite3.OperationalError:  # locked for a moment by the writer
                progress = (0, 0)
            if when(*progress):
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(10)
                assert proc.returncode == -signal.SIGKILL
                return
            time.sleep(0.005)
        pytest.fail("the reindex never reached the kill point")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


async def _assert_serves_old_or_new(db: Path, corpus: Path) -> int:
    """Integrity holds and a restarted index answers from one whole generation."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    index = SearchIndex(IndexConfig(db_path=db, corpus_dir=corpus, auto_build=False))
    await index.initialize()
    try:
        speeches = len(await index.speeches())
        assert speeches in (OLD_SPEECHES, OLD_SPEECHES + COPIES)
        result = await index.search("如何发挥基层党组织战斗堡垒作用")
        assert result.relevant and len(result.hits) == 3
        assert any("战斗堡垒" in hit.text for hit in result.hits)
        for hit in result.hits:  # every hit's paragraph, context and outline are readable
            assert await index.paragraph(hit.paragraph_id) is not None
            assert await index.context(hit.paragraph_id)
            assert await index.outline(hit.speech_id) is not None
        # Recovery: the next reindex clears what the killed one left and completes.
        report = await index.reindex()
        assert report.speeches == OLD_SPEECHES + COPIES
    finally:
        await index.shutdown()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        left = conn.execute("SELECT count(*) FROM generations WHERE status <> 'ready'").fetchone()
        assert left == (0,)
    return speeches


@pytest.fixture
def big_corpus(tmp_path: Path) -> Path:
    """The bundled speeches and COPIES variants of them."""
    folder = tmp_path / "big"
    shutil.copytree(bundled_corpus_dir(), folder)
    grow_corpus(folder, COPIES)
    return folder


async def test_kill_while_speeches_are_written_leaves_the_old_index_serving(
    db_path: Path, big_corpus: Path
) -> None:
    _reindex_and_kill(db_path, big_corpus, lambda speeches, arrays: speeches >= 10)
    assert await _assert_serves_old_or_new(db_path, big_corpus) == OLD_SPEECHES


async def test_kill_while_the_index_is_assembled_leaves_one_whole_generation(
    db_path: Path, big_corpus: Path
) -> None:
    _reindex_and_kill(
        db_path, big_corpus, lambda speeches, arrays: speeches >= COPIES or arrays > 0
    )
    await _assert_serves_old_or_new(db_path, big_corpus)
