"""What identifies a corpus folder's content: a generation records it, a check compares it.

Hashing a large corpus takes seconds (1.2 GB at a million paragraphs), so each generation also
stores every file's size, modification time, change time and inode with its hash: a later check
hashes only the files whose stat changed. A file modified within ``RACY_NS`` of the moment its
stat was recorded is hashed again anyway (a write in the same clock tick keeps the mtime).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from corpus import PARSER_VERSION, corpus_files

#: Name of the stored stats in ``index_arrays`` (JSON).
STATS_NAME = "file_stats"
#: Modification times this close to when the stat was taken are not trusted (file systems keep
#: times in ticks as coarse as 2 s).
RACY_NS = 2_000_000_000


@dataclass(frozen=True, slots=True)
class FileStat:
    """A corpus file as last hashed."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Scan:
    """A folder's fingerprint and the stats it was made from."""

    value: str
    files: dict[str, FileStat]
    taken_ns: int  # when the stats were taken
    hashed: int = 0  # files read and hashed for this scan (the others were known)

    def to_json(self) -> bytes:
        """The stats, for storing with a generation."""
        files = {
            n: [f.size, f.mtime_ns, f.ctime_ns, f.inode, f.sha256] for n, f in self.files.items()
        }
        return json.dumps({"taken_ns": self.taken_ns, "files": files}).encode("utf-8")


def _digest(path: Path) -> str:
    file_digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            file_digest.update(block)
    return file_digest.hexdigest()


def scan(directory: Path, known: Scan | None = None) -> Scan:
    """The fingerprint of ``directory``, hashing only files whose stat differs from ``known``."""
    taken = time.time_ns()
    digest = hashlib.sha256(f"parser {PARSER_VERSION}\n".encode())
    files: dict[str, FileStat] = {}
    hashed = 0
    old: Mapping[str, FileStat] = known.files if known is not None else {}
    trusted_before = known.taken_ns - RACY_NS if known is not None else 0
    for path in corpus_files(directory):
        st = os.stat(path)
        stat = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        was = old.get(path.name)
        same = was is not None and (was.size, was.mtime_ns, was.ctime_ns, was.inode) == stat
        if same and was is not None and st.st_mtime_ns < trusted_before:
            sha = was.sha256
        else:
            sha, hashed = _digest(path), hashed + 1
        files[path.name] = FileStat(*stat, sha)
        digest.update(f"{path.name}\0{sha}\n".encode())
    return Scan(digest.hexdigest()[:32], files, taken, hashed)


def fingerprint(directory: Path, known: Scan | None = None) -> str:
    """Identifies a corpus folder's content: its files' names and bytes, and the parser version."""
    return scan(directory, known).value


def parse_stats(data: bytes | None, value: str = "") -> Scan | None:
    """Stored stats (None when absent or unreadable: everything is hashed then)."""
    if not data:
        return None
    try:
        found = json.loads(bytes(data).decode("utf-8"))
        files = {
            str(n): FileStat(int(f[0]), int(f[1]), int(f[2]), int(f[3]), str(f[4]))
            for n, f in found["files"].items()
        }
        return Scan(value, files, int(found["taken_ns"]))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


async def load_stats(db: aiosqlite.Connection, gen: int) -> Scan | None:
    """The stats stored with generation ``gen``."""
    row = await (
        await db.execute(
            "SELECT data FROM index_arrays WHERE gen = ? AND name = ?", (gen, STATS_NAME)
        )
    ).fetchone()
    return parse_stats(row[0] if row else None)


async def save_stats(db: aiosqlite.Connection, gen: int, found: Scan) -> None:
    """Store ``found``'s stats with generation ``gen`` (committed with the generation's arrays)."""
    await db.execute(
        "INSERT OR REPLACE INTO index_arrays (gen, name, data) VALUES (?, ?, ?)",
        (gen, STATS_NAME, found.to_json()),
    )


class ChangeCheck:
    """Compares a folder with a generation's fingerprint, reading the generation's stats once."""

    def __init__(self) -> None:
        self._gen: int | None = None
        self._known: Scan | None = None

    async def stale(self, db: aiosqlite.Connection, folder: Path, gen: int, value: str) -> bool:
        """Whether ``folder`` differs from generation ``gen`` (fingerprint ``value``)."""
        if self._gen != gen:
            self._known, self._gen = await load_stats(db, gen), gen
        return await asyncio.to_thread(fingerprint, folder, self._known) != value
