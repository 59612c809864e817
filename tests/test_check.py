"""``speechbot check``: the real command in a subprocess, against the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from bot.check import check_semantic
from bot.settings import Settings
from conftest import change_a_speech
from fakebotapi import FakeBotAPI
from index import DatabaseHealth, DenseStatus

TOKEN = "123456:TEST-token"


async def speechbot_check(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``python -m bot check ARGS`` with only ``env`` set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SPEECHBOT_", "TELEGRAM_"))}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "check",
        *args,
        env={**clean, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def statuses(stdout: str) -> dict[str, str]:
    """{check name: OK/FAIL/SKIP} from the text output."""
    return {line.split()[1]: line.split()[0] for line in stdout.splitlines() if line.strip()}


def base_env(db_path: Path, corpus_dir: Path, api: FakeBotAPI) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.root_url,
        "SPEECHBOT_DB": str(db_path),
        "SPEECHBOT_CORPUS": str(corpus_dir),
    }


async def test_check_passes_with_valid_token_intact_database_and_fresh_index(
    db_path: Path, corpus_dir: Path
) -> None:
    async with FakeBotAPI(token=TOKEN, bot_username="speech_test_bot") as api:
        code, out, err = await speechbot_check(base_env(db_path, corpus_dir, api))
        assert api.calls_of("getMe")
    assert code == 0, out + err
    assert statuses(out) == {
        "config": "OK",
        "database": "OK",
        "index": "OK",
        "semantic": "OK",
        "token": "OK",
    }
    assert "@speech_test_bot" in out
    assert TOKEN not in out + err and "TEST-token" not in out + err


async def test_check_fails_when_the_api_rejects_the_token_without_printing_it(
    db_path: Path, corpus_dir: Path
) -> None:
    async with FakeBotAPI(token="999:other-token") as api:
        code, out, err = await speechbot_check(base_env(db_path, corpus_dir, api))
    assert code == 1
    assert statuses(out)["token"] == "FAIL" and "401" in out
    assert statuses(out)["database"] == "OK"
    assert TOKEN not in out + err and "TEST-token" not in out + err


def corrupt(path: Path) -> None:
    """Two pages of garbage in the middle of the file; the header stays intact."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = b"\xa5" * 8192
    path.write_bytes(bytes(data))


async def test_check_fails_on_a_corrupted_database_file(db_path: Path, corpus_dir: Path) -> None:
    corrupt(db_path)
    async with FakeBotAPI(token=TOKEN) as api:
        code, out, _ = await speechbot_check(base_env(db_path, corpus_dir, api))
    assert code == 1
    assert statuses(out)["database"] == "FAIL"
    assert statuses(out)["config"] == "OK" and statuses(out)["token"] == "OK"


@pytest.fixture
def bogus_db(tmp_path: Path) -> Path:
    """A text file where the database should be."""
    path = tmp_path / "bogus.db"
    path.write_text("not a database at all\n" * 100)
    return path


async def test_check_fails_on_a_file_that_is_not_a_database(
    bogus_db: Path, corpus_dir: Path
) -> None:
    before = await asyncio.to_thread(bogus_db.read_bytes)
    async with FakeBotAPI(token=TOKEN) as api:
        code, out, _ = await speechbot_check(base_env(bogus_db, corpus_dir, api))
    assert code == 1 and statuses(out)["database"] == "FAIL"
    assert await asyncio.to_thread(bogus_db.read_bytes) == before  # checked, never rewritten


async def test_check_reports_a_stale_index_when_a_corpus_file_changed(
    db_path: Path, corpus_dir: Path
) -> None:
    change_a_speech(corpus_dir)
    async with FakeBotAPI(token=TOKEN) as api:
        code, out, _ = await speechbot_check(base_env(db_path, corpus_dir, api))
    assert code == 1
    assert statuses(out) == {
        "config": "OK",
        "database": "OK",
        "index": "FAIL",
        "semantic": "OK",
        "token": "OK",
    }
    assert "reindex" in out


async def test_check_fails_config_and_token_when_the_token_is_missing(
    db_path: Path, corpus_dir: Path
) -> None:
    async with FakeBotAPI(token=TOKEN) as api:
        env = base_env(db_path, corpus_dir, api)
        del env["TELEGRAM_BOT_TOKEN"]
        code, out, _ = await speechbot_check(env)
        assert not api.calls_of("getMe")
    assert code == 1
    assert statuses(out)["config"] == "FAIL" and statuses(out)["token"] == "FAIL"
    assert "TELEGRAM_BOT_TOKEN is not set" in out


async def test_check_names_every_malformed_variable(db_path: Path, corpus_dir: Path) -> None:
    async with FakeBotAPI(token=TOKEN) as api:
        env = base_env(db_path, corpus_dir, api) | {
            "SPEECHBOT_ADMINS": "alice",
            "SPEECHBOT_LISTEN": "nowhere",
            "SPEECHBOT_BM25": "bm99",
            "SPEECHBOT_WEBHOOK_URL": "https://bot.example.org/hook",
        }
        code, out, _ = await speechbot_check(env)
    assert code == 1 and statuses(out)["config"] == "FAIL"
    for name in ("SPEECHBOT_ADMINS", "SPEECHBOT_LISTEN", "SPEECHBOT_BM25", "WEBHOOK_SECRET"):
        assert name in out
    # The other checks still ran with the variables that were valid.
    assert statuses(out)["database"] == "OK" and statuses(out)["token"] == "OK"


async def test_check_offline_skips_the_token_and_json_reports_every_check(
    db_path: Path, corpus_dir: Path
) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": "http://127.0.0.1:9",  # nothing listens: --offline must not ask
        "SPEECHBOT_DB": str(db_path),
        "SPEECHBOT_CORPUS": str(corpus_dir),
    }
    code, out, _ = await speechbot_check(env, "--offline", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] is True
    assert list(report["checks"]) == ["config", "database", "index", "semantic", "token"]
    assert report["checks"]["token"]["status"] == "SKIP"
    code, out, _ = await speechbot_check(env, "--json")
    assert code == 1 and json.loads(out)["checks"]["token"]["status"] == "FAIL"


async def test_check_says_the_semantic_part_is_off_when_switched_off(
    db_path: Path, corpus_dir: Path
) -> None:
    async with FakeBotAPI(token=TOKEN, bot_username="speech_test_bot") as api:
        env = {**base_env(db_path, corpus_dir, api), "SPEECHBOT_DENSE": "off"}
        code, out, _ = await speechbot_check(env)
    assert code == 0
    assert statuses(out)["semantic"] == "SKIP"
    assert "SPEECHBOT_DENSE=off" in out


async def test_check_offline_without_a_token_reports_it_not_configured_and_passes(
    db_path: Path, corpus_dir: Path
) -> None:
    env = {"SPEECHBOT_DB": str(db_path), "SPEECHBOT_CORPUS": str(corpus_dir)}
    code, out, _ = await speechbot_check(env, "--offline")
    assert code == 0, out
    assert statuses(out)["config"] == "OK" and statuses(out)["token"] == "SKIP"
    assert "not configured" in next(line for line in out.splitlines() if " token " in line)
    code, out, _ = await speechbot_check(env)  # without --offline it is needed: run needs it
    assert code == 1 and statuses(out)["token"] == "FAIL"


def test_a_running_bots_semantic_part_is_reported_from_its_own_status_not_a_new_model(
    db_path: Path,
) -> None:
    settings, health = Settings(db_path=db_path), DatabaseHealth(None, vectors=378)
    filling = DenseStatus(True, True, "", "e5", rows=900, rows_embedded=300)
    assert check_semantic(settings, health, filling).detail == (
        "model loaded; 300 of 900 paragraphs have vectors"
    )
    missing = DenseStatus(True, False, "the embedding model cannot load (ImportError: x)", "", 9, 0)
    found = check_semantic(settings, health, missing)
    assert found.status == "SKIP" and "ImportError" in found.detail
