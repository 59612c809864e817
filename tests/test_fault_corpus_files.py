"""Fault: corrupt, binary, empty, 50 MB and wrongly-encoded files among the speeches."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from conftest import ALICE, RunningBot, reindex_by_admin
from corpus import bundled_corpus_dir, load_corpus
from telegram_html import assert_valid_telegram_html

MB = 1024 * 1024
SPEECH = (bundled_corpus_dir() / "01-party-building-group-work-meeting.txt").read_text("utf-8")
TOO_LARGE = "file too large (50 MB > 20 MB)"
UNDECODABLE = "not UTF-8/GB18030/UTF-16 text"


def _bad_files(folder: Path) -> dict[str, str]:
    """Write one file of each kind of damage; return the reason each must be skipped with."""
    rng = random.Random(6)
    noise = bytes(rng.randrange(256) for _ in range(4000))
    files = {
        "07-corrupt.docx": (b"PK\x03\x04" + noise, "not a valid .docx file"),
        "08-binary.txt": (b"\x89PNG\r\n\x1a\n" + noise, "binary file"),
        "09-empty.md": (b"", "empty file"),
        "10-mixed-encodings.txt": (
            SPEECH[:1500].encode("utf-8") + SPEECH[1500:3000].encode("gbk"),
            UNDECODABLE,
        ),
        "11-shift-jis.txt": (
            ("会議の議事録です。日本語のテキスト。\n" * 80).encode("shift_jis"),
            UNDECODABLE,
        ),
        "12-utf8-read-as-latin1.txt": (
            SPEECH[:3000].encode("utf-8").decode("latin-1").encode("utf-8"),
            "wrongly encoded text",
        ),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    with (folder / "13-huge.txt").open("w", encoding="utf-8") as out:
        block = SPEECH * 8
        while out.tell() < 50 * MB:
            out.write(block)
        out.truncate(50 * MB)
    return {**{name: reason for name, (_, reason) in files.items()}, "13-huge.txt": TOO_LARGE}


def _run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_cli_reindex_skips_each_bad_file_by_name_and_reason_and_indexes_the_rest(
    corpus_dir: Path, db_path: Path
) -> None:
    expected = _bad_files(corpus_dir)
    env = {"SPEECHBOT_DB": str(db_path), "SPEECHBOT_CORPUS": str(corpus_dir)}
    done = _run_cli("reindex", "--corpus", str(corpus_dir), env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "  files skipped: 7" in lines and "  speeches:     5" in lines
    assert f"  files read:   {5 + 7}" in lines
    for name, reason in expected.items():
        assert any(line.startswith(f"    {name}: {reason}") for line in lines), (name, done.stdout)
    asked = _run_cli("ask", "--json", "如何发挥基层党组织战斗堡垒作用", env=env)
    assert asked.returncode == 0 and "战斗堡垒" in asked.stdout


def test_file_size_cap_is_configurable_and_applied_before_reading(
    corpus_dir: Path, db_path: Path
) -> None:
    env = {
        "SPEECHBOT_DB": str(db_path),
        "SPEECHBOT_CORPUS": str(corpus_dir),
        "SPEECHBOT_MAX_FILE": "18000",
    }
    done = _run_cli("reindex", env=env)
    assert done.returncode == 0, done.stderr
    big = [p.name for p in sorted(corpus_dir.iterdir()) if p.stat().st_size > 18000]
    assert len(big) == 2
    for name in big:
        assert f"    {name}: file too large (" in done.stdout
    assert "  speeches:     3" in done.stdout.splitlines()


def test_a_50_mb_file_is_skipped_without_being_read_into_memory(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "01.txt").write_text(SPEECH, encoding="utf-8")
    reasons = _bad_files(folder)
    tracemalloc.start()
    try:
        load = load_corpus(folder)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [item.path.name for item in load.speeches] == ["01.txt"]
    skipped = {s.path.name: s.reason for s in load.skipped}
    assert skipped["13-huge.txt"] == TOO_LARGE
    assert {n: r for n, r in skipped.items() if not r.startswith(reasons[n])} == {}
    assert peak < 10 * MB, f"loading peaked at {peak / MB:.1f} MB"


@pytest.mark.parametrize("html_name", ["<i>坏&文件 &amp; 1.txt"])
async def test_bot_reindex_summary_names_each_skipped_file_and_why(
    bot: RunningBot, html_name: str
) -> None:
    expected = _bad_files(bot.settings.corpus_dir)
    (bot.settings.corpus_dir / html_name).write_bytes(b"\x00\x01\x02binary\xff" * 50)
    final = await reindex_by_admin(bot)
    text = assert_valid_telegram_html(final["text"])  # file names are escaped
    assert "跳过 8 个" in text and "讲话 5 篇" in text
    for name, reason in {**expected, html_name: "binary file"}.items():
        assert f"{name}：{reason}" in text, name
    since = bot.api.mark()
    bot.api.send_message("如何发挥基层党组织战斗堡垒作用", user=ALICE)
    answer = await bot.api.wait_for("sendMessage", since=since, timeout=30)
    assert "战斗堡垒" in answer["text"]
