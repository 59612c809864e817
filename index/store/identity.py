"""Whose database a file is: speechbot's own (its ``application_id``), an older one of ours, a new
empty one, or another program's, which is refused before a byte of it is written."""

from __future__ import annotations

import enum
import sqlite3
from pathlib import Path

from ..errors import ForeignDatabase

#: ``PRAGMA application_id`` of every speechbot database: "SPCH" in ASCII.
APPLICATION_ID = 0x53504348
#: Tables every speechbot database has had since the first schema; an older file of ours (before
#: the application_id) is recognised by them.
CORE_TABLES = frozenset({"meta", "generations", "speeches", "sections", "paragraphs"})


class Kind(enum.Enum):
    """What ``identify`` found."""

    NEW = "new"  # no file, an empty one, or a SQLite file without any table: ours to set up
    OURS = "ours"  # carries speechbot's application_id
    OLDER = "older"  # our tables without the application_id: written before it existed


def identify(conn: sqlite3.Connection, path: Path) -> Kind:
    """The kind of database ``conn`` (opened on ``path``) is; ForeignDatabase when not ours.

    Only reads: the header's application_id and the names in ``sqlite_master``.
    """
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id == APPLICATION_ID:
        return Kind.OURS
    names = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
    if app_id == 0 and not names:
        return Kind.NEW
    if app_id == 0 and names >= CORE_TABLES:
        return Kind.OLDER
    raise _foreign(path, app_id, names)


def identify_file(path: Path, uri: str) -> Kind:
    """``identify`` for a file, through ``uri`` (read-only), creating no file beside it.

    The header is read first: another program's application_id is refused without SQLite
    opening the file, and a WAL-mode file without a ``-wal`` beside it is opened immutable
    (else SQLite would create ``-wal`` and ``-shm`` files next to a stranger's database).
    """
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return Kind.NEW
    with path.open("rb") as file:
        header = file.read(100)
    if header.startswith(_MAGIC) and len(header) == 100:
        app_id = int.from_bytes(header[68:72], "big")
        if app_id == APPLICATION_ID:
            return Kind.OURS
        if app_id != 0:
            raise _foreign(path, app_id, None)
        wal = path.with_name(path.name + "-wal")
        if header[18] == 2 and not wal.exists() and "immutable=1" not in uri:
            uri += "&immutable=1"  # nothing can be in a write-ahead log that does not exist
    conn = sqlite3.connect(uri, uri=True, timeout=30)
    try:
        return identify(conn, path)
    finally:
        conn.close()


_MAGIC = b"SQLite format 3\x00"


def _foreign(path: Path, app_id: int, names: set[str] | None) -> ForeignDatabase:
    owner = f"application_id {app_id:#x}" if app_id else "no application_id"
    if names is not None:
        tables = sorted(n for n in names if not n.startswith("sqlite_"))
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        owner += f"; tables: {shown or 'none'}"
    return ForeignDatabase(
        f"{path} is not a speechbot database ({owner}); nothing was written to it: "
        "point SPEECHBOT_DB at another file"
    )
