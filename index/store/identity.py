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
    tables = sorted(n for n in names if not n.startswith("sqlite_"))
    shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
    owner = f"application_id {app_id:#x}" if app_id else "no application_id"
    raise ForeignDatabase(
        f"{path} is not a speechbot database ({owner}; tables: {shown or 'none'}); "
        "nothing was written to it: point SPEECHBOT_DB at another file"
    )


def identify_file(path: Path, uri: str) -> Kind:
    """``identify`` for a file, opened read-only through ``uri`` (NEW when it does not exist)."""
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return Kind.NEW
    conn = sqlite3.connect(uri, uri=True, timeout=30)
    try:
        return identify(conn, path)
    finally:
        conn.close()
