"""Faults: damaged databases (zeroed pages, random bytes) and other programs' SQLite files.

Every command on a damaged file ends with one line and exit 1, or answers; never a traceback.
Another program's database is refused before anything is written to it, byte for byte.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import NEW_SPEECH
from index import IndexConfig, SearchIndex
from index.store.identity import APPLICATION_ID

QUESTION = "村级集体经济"
DAMAGED = "is damaged: run `speechbot check`, restore a backup or move it away and reindex"
PAGE = 4096
DRIVER = Path(__file__).with_name("dbfault_driver.py")


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, Path]:
    """A database of one short speech (15 pages of 4 KB), checkpointed, and its corpus."""
    corpus = tmp_path / "small-corpus"
    corpus.mkdir()
    (corpus / "speech.txt").write_text(NEW_SPEECH, "utf-8")
    db = tmp_path / "small.db"

    async def build() -> None:
        index = SearchIndex(IndexConfig(db_path=db, corpus_dir=corpus))
        await index.initialize()
        await index.shutdown()

    asyncio.run(build())
    return db, corpus


def _cwd(tmp_path: Path) -> Path:
    # Not tmp_path itself: ``python`` puts the script's folder first on sys.path, and a folder
    # named ``corpus`` in the working directory would shadow the package.
    cwd = tmp_path / "cwd"
    cwd.mkdir(exist_ok=True)
    return cwd


def _drive(jobs: list[dict[str, object]], tmp_path: Path) -> list[dict[str, object]]:
    """Run the jobs in one real process (tests/dbfault_driver.py)."""
    spec = tmp_path / "jobs.json"
    spec.write_text(json.dumps(jobs), "utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(DRIVER.parent.parent), *sys.path])}
    done = subprocess.run(
        [sys.executable, str(DRIVER), str(spec)],
        env=env,
        cwd=_cwd(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results: list[dict[str, object]] = json.loads(done.stdout)
    return results


def _assert_clean(results: list[dict[str, object]]) -> None:
    """No traceback, exit 0 or 1, and a failure is one line (the damaged one when it is damage)."""
    for r in results:
        err = str(r["stderr"])
        where = f"{r['args']} on {Path(str(r['db'])).name}: {err[-1500:]}"
        assert "Traceback" not in err, where
        assert r["code"] in (0, 1), where
        if r["code"] == 1 and r["args"][0] != "check":  # type: ignore[index]
            assert len(err.splitlines()) == 1 and err.startswith("speechbot: "), where


def _variant(source: Path, target: Path, damage: Callable[[bytearray], None]) -> Path:
    data = bytearray(source.read_bytes())
    damage(data)
    target.write_bytes(bytes(data))
    return target


def _zero_page(page: int) -> Callable[[bytearray], None]:
    def damage(data: bytearray) -> None:
        data[page * PAGE : (page + 1) * PAGE] = bytes(PAGE)

    return damage


def test_a_zeroed_page_anywhere_in_the_database_never_gives_a_traceback(
    small: tuple[Path, Path], tmp_path: Path
) -> None:
    db, corpus = small
    pages = db.stat().st_size // PAGE
    assert pages >= 10
    jobs: list[dict[str, object]] = []
    for page in range(pages):
        copy = _variant(db, tmp_path / f"zeroed-{page:02d}.db", _zero_page(page))
        for args in (["check", "--offline"], ["ask", QUESTION], ["outline", "1"], ["reindex"]):
            jobs.append({"db": str(copy), "corpus": str(corpus), "args": args})
    results = _drive(jobs, tmp_path)
    _assert_clean(results)
    checks = [r for r in results if r["args"][0] == "check"]  # type: ignore[index]
    # Every zeroed page of this file is in use: check names the damage on each.
    assert all("FAIL database" in str(r["stdout"]) for r in checks), checks
    assert all(DAMAGED in str(r["stdout"]) for r in checks)
    first = [r for r in results if str(r["db"]).endswith("zeroed-00.db") and r["code"] == 1]
    assert len(first) == 4 and all(DAMAGED in str(r["stderr"] or r["stdout"]) for r in first)


def _check_agrees(results: list[dict[str, object]]) -> None:
    """Whenever a command met damage, check on the same file fails its database line."""
    by_file: dict[object, list[dict[str, object]]] = {}
    for r in results:
        by_file.setdefault(r["db"], []).append(r)
    for runs in by_file.values():
        check = next(r for r in runs if r["args"][0] == "check")  # type: ignore[index]
        if any(DAMAGED in str(r["stderr"]) for r in runs):
            assert "FAIL database" in str(check["stdout"]), (runs, check)


def test_random_bytes_at_random_places_never_give_a_traceback(
    small: tuple[Path, Path], tmp_path: Path
) -> None:
    db, corpus = small
    size = db.stat().st_size
    rng = random.Random(13)
    jobs: list[dict[str, object]] = []
    for n in range(30):
        at, length = rng.randrange(size), rng.randint(1, 2 * PAGE)
        noise = bytes(rng.randrange(256) for _ in range(length))

        def damage(data: bytearray, at: int = at, noise: bytes = noise) -> None:
            data[at : at + len(noise)] = noise
            del data[size:]

        copy = _variant(db, tmp_path / f"random-{n:02d}.db", damage)
        for args in (["check", "--offline"], ["ask", QUESTION], ["reindex"]):
            jobs.append({"db": str(copy), "corpus": str(corpus), "args": args})
    results = _drive(jobs, tmp_path)
    _assert_clean(results)
    _check_agrees(results)


def test_check_runs_quick_check_and_integrity_check_on_demand(
    small: tuple[Path, Path], tmp_path: Path
) -> None:
    db, corpus = small
    env = {"TELEGRAM_BOT_TOKEN": "123456:TEST-token"}
    jobs: list[dict[str, object]] = [
        {"db": str(db), "corpus": str(corpus), "args": args, "env": env}
        for args in (["check", "--offline"], ["check", "--offline", "--full"])
    ]
    quick, full = _drive(jobs, tmp_path)
    assert quick["code"] == 0 and full["code"] == 0, (quick, full)
    assert "quick_check ok" in str(quick["stdout"]), quick
    assert "integrity_check ok" in str(full["stdout"]), full
    assert "complete" in str(quick["stdout"])


def test_check_fails_when_the_live_generation_lacks_rows(
    small: tuple[Path, Path], tmp_path: Path
) -> None:
    db, corpus = small
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM paragraphs WHERE id = (SELECT max(id) FROM paragraphs)")
    conn.commit()
    conn.close()
    env = {"TELEGRAM_BOT_TOKEN": "123456:TEST-token"}
    job = {"db": str(db), "corpus": str(corpus), "args": ["check", "--offline"], "env": env}
    (result,) = _drive([job], tmp_path)
    assert result["code"] == 1
    assert "is incomplete: 4 of 5 paragraphs" in str(result["stdout"]), result


def _browser_history(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT, title TEXT);"
        "CREATE TABLE moz_historyvisits (id INTEGER PRIMARY KEY, place_id INTEGER, at REAL);"
        "INSERT INTO moz_places (url, title) VALUES ('https://example.org/', 'Example');"
        "INSERT INTO moz_historyvisits (place_id, at) VALUES (1, 1700000000.5);"
    )
    conn.commit()
    conn.close()


def _app_with_its_own_id(path: Path) -> None:
    """A WAL-mode file of a program with its own application_id and a ``meta`` table like ours."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(
        "PRAGMA application_id = 1196444237;"  # 'GPKG'
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES ('schema_version', '1');"
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);"
        "INSERT INTO items (name) VALUES ('one'), ('two');"
    )
    conn.commit()
    conn.close()


def _other_speech_app(path: Path) -> None:
    """Another program's speeches and paragraphs tables, a user_version, no application_id."""
    conn = sqlite3.connect(path)
    conn.executescript(
        "PRAGMA user_version = 7;"
        "CREATE TABLE speeches (id INTEGER PRIMARY KEY, title TEXT);"
        "CREATE TABLE paragraphs (id INTEGER PRIMARY KEY, speech_id INTEGER, text TEXT);"
        "INSERT INTO speeches (title) VALUES ('讲话');"
        "INSERT INTO paragraphs (speech_id, text) VALUES (1, '一段话。');"
    )
    conn.commit()
    conn.close()


@pytest.mark.parametrize("make", [_browser_history, _app_with_its_own_id, _other_speech_app])
def test_another_programs_database_is_refused_and_left_unchanged_byte_for_byte(
    make: Callable[[Path], None], tmp_path: Path, corpus_dir: Path
) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir()
    foreign = folder / "their.sqlite"
    make(foreign)
    before, files = foreign.read_bytes(), sorted(p.name for p in folder.iterdir())
    commands = (["ask", QUESTION], ["outline"], ["reindex"], ["check", "--offline"])
    jobs = [{"db": str(foreign), "corpus": str(corpus_dir), "args": a} for a in commands]
    results = _drive(jobs, tmp_path)
    _assert_clean(results)
    for r in results:
        assert r["code"] == 1, r
        assert "is not a speechbot database" in str(r["stderr"]) or r["args"][0] == "check", r  # type: ignore[index]
        assert "their.sqlite" in str(r["stderr"]) or r["args"][0] == "check", r  # type: ignore[index]
    assert foreign.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == files


def test_an_older_speechbot_database_is_accepted_and_given_its_identity(
    db_path: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    conn = sqlite3.connect(db_path)
    conn.executescript("PRAGMA application_id = 0; PRAGMA user_version = 0;")
    conn.close()
    jobs = [{"db": str(db_path), "corpus": str(corpus_dir), "args": ["ask", "战斗堡垒"]}]
    (result,) = _drive(jobs, tmp_path)
    assert result["code"] == 0, result
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    assert conn.execute("PRAGMA user_version").fetchone() == (1,)
    conn.close()


def test_a_new_database_carries_speechbots_identity(small: tuple[Path, Path]) -> None:
    db, _ = small
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    assert conn.execute("PRAGMA user_version").fetchone() == (1,)
    conn.close()


def test_a_speechbot_database_of_a_newer_schema_is_refused_unchanged(
    db_path: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 2")
    conn.close()
    before = db_path.read_bytes()
    jobs = [{"db": str(db_path), "corpus": str(corpus_dir), "args": ["ask", "战斗堡垒"]}]
    (result,) = _drive(jobs, tmp_path)
    assert result["code"] == 1
    assert result["stderr"] == (
        "speechbot: database schema version 2 is not 1; move the file away or run "
        "'speechbot reindex' with a new SPEECHBOT_DB\n"
    )
    assert db_path.read_bytes() == before
