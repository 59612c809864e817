"""The change check hashes only files whose size or times changed since the last build, and
still sees every change (a rewrite of the same size, a file added, removed or renamed)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from index import IndexConfig, SearchIndex
from index.store.fingerprint import parse_stats, scan

OLD = 1_600_000_000  # a modification time well before any scan


def _corpus(tmp_path: Path, corpus_dir: Path) -> Path:
    folder = tmp_path / "speeches"
    shutil.copytree(corpus_dir, folder)
    for path in folder.iterdir():
        os.utime(path, (OLD, OLD))
    return folder


def test_an_unchanged_folder_is_not_hashed_again(tmp_path: Path, corpus_dir: Path) -> None:
    folder = _corpus(tmp_path, corpus_dir)
    first = scan(folder)
    assert first.hashed == len(first.files) == 5
    again = scan(folder, first)
    assert again.value == first.value and again.hashed == 0
    stored = parse_stats(first.to_json(), first.value)
    assert stored is not None and scan(folder, stored).hashed == 0


def test_every_change_is_seen_and_only_changed_files_hashed(
    tmp_path: Path, corpus_dir: Path
) -> None:
    folder = _corpus(tmp_path, corpus_dir)
    first = scan(folder)
    victim = sorted(folder.iterdir())[0]
    data = victim.read_bytes()
    # Same size, same modification time: only the change time tells.
    victim.write_bytes(data[:-1] + (b"X" if data[-1:] != b"X" else b"Y"))
    os.utime(victim, (OLD, OLD))
    changed = scan(folder, first)
    assert changed.value != first.value and changed.hashed == 1
    victim.write_bytes(data)
    assert scan(folder, changed).value == first.value
    (folder / "99-new.txt").write_text("在新会议上的讲话\n\n同志们：\n要抓好落实。\n", "utf-8")
    added = scan(folder, first)
    assert added.value != first.value and added.hashed == 2  # the new file, the rewritten one
    (folder / "99-new.txt").unlink()
    victim.rename(folder / "00-renamed.txt")
    assert scan(folder, first).value != first.value


def test_a_file_written_just_before_the_scan_is_hashed_again(
    tmp_path: Path, corpus_dir: Path
) -> None:
    folder = _corpus(tmp_path, corpus_dir)
    fresh = sorted(folder.iterdir())[1]
    os.utime(fresh)  # now: inside the same clock tick as the scan
    first = scan(folder)
    assert scan(folder, first).hashed == 1


async def test_a_built_index_checks_for_changes_from_its_stored_stats(
    tmp_path: Path, corpus_dir: Path
) -> None:
    folder = _corpus(tmp_path, corpus_dir)
    config = IndexConfig(db_path=tmp_path / "db.sqlite", corpus_dir=folder, dense=False)
    index = SearchIndex(config)
    await index.initialize()
    try:
        assert not await index.is_stale()
        victim = sorted(folder.iterdir())[2]
        victim.write_bytes(victim.read_bytes() + "\n要抓好落实。\n".encode())
        assert await index.is_stale()
    finally:
        await index.shutdown()
