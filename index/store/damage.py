"""Telling a damaged database from a busy, full or read-only one."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import DatabaseDamaged

#: SQLite errors that say something about the file's surroundings, not its contents: these keep
#: their own messages (``connection.why_failed``); every other DatabaseError is damage.
_SURROUNDINGS = (
    "SQLITE_FULL",
    "SQLITE_READONLY",
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_CANTOPEN",
    "SQLITE_PERM",
    "SQLITE_NOMEM",
    "SQLITE_INTERRUPT",
    "SQLITE_IOERR",
)

#: What reading a damaged file's rows can raise in Python once SQLite hands them over (a blob of
#: the wrong length, JSON or numbers that no longer parse).
LOAD_ERRORS = (ValueError, KeyError, LookupError, TypeError, OverflowError)


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` says the database file itself is corrupt or not a database."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    name = getattr(exc, "sqlite_errorname", "") or ""
    return not name.startswith(_SURROUNDINGS)


@contextlib.contextmanager
def guarded(
    path: Path, mark: Callable[[BaseException], None], *, loading: bool = False
) -> Iterator[None]:
    """Turn damage met inside the block into DatabaseDamaged(path), calling ``mark`` first;
    with ``loading``, also rows that no longer parse (LOAD_ERRORS)."""
    caught = (sqlite3.DatabaseError, *LOAD_ERRORS) if loading else (sqlite3.DatabaseError,)
    try:
        yield
    except caught as exc:
        if isinstance(exc, sqlite3.DatabaseError) and not is_damage(exc):
            raise
        mark(exc)
        raise DatabaseDamaged(path) from exc
