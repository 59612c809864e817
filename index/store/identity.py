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

    The file is read immutable first (no locks, no ``-wal`` or ``-shm`` created next to a
    stranger's database); only when a write-ahead log lies beside it and that look fails is it
    read as SQLite normally reads it. Never with a plain ``open``: closing a descriptor of the
    file would drop the locks this process's SQLite connections hold on it.
    """
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return Kind.NEW
    has_log = path.with_name(path.name + "-wal").exists()
    try:
        return _identify_uri(uri if "immutable=1" in uri else uri + "&immutable=1", path)
    except (ForeignDatabase, sqlite3.DatabaseError):
        if not has_log:
            raise
    return _identify_uri(uri, path)


def _identify_uri(uri: str, path: Path) -> Kind:
    conn = sqlite3.connect(uri, uri=True, timeout=30)
    try:
        return identify(conn, path)
    finally:
        conn.close()


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
