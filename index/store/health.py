"""Read-only inspection of an index database, for ``speechbot check`` and ``/healthz``."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..errors import DatabaseDamaged, ForeignDatabase
from .counts import COUNTS, shortfall
from .damage import is_damage
from .fingerprint import STATS_NAME, Scan, parse_stats, scan
from .identity import identify_file
from .lookups import lookups_problem
from .schema import SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class DatabaseHealth:
    """What a look at the database found; ``problem`` is None when it can serve."""

    problem: str | None
    schema_version: int | None = None
    generation: int | None = None
    fingerprint: str | None = None  # of the corpus folder the live generation was built from
    vectors: int = 0  # sentence vectors stored (the semantic part), any model
    checked: str = "quick_check"  # the PRAGMA that judged the file's structure
    stats: Scan | None = None  # the corpus files' stats the live generation was built from


def inspect_database(path: Path, *, full: bool = False, structure: bool = True) -> DatabaseHealth:
    """Structure (``PRAGMA quick_check``, or ``integrity_check`` with ``full``), identity, schema
    version and the live generation's rows against its report, without writing to ``path``.

    ``structure=False`` leaves the PRAGMA out (``/healthz``: it reads every page, 47 s for a
    million paragraphs; the bot runs it once at start and marks damage met while serving)."""
    if not path.is_file():
        return DatabaseHealth(f"{path} does not exist (the bot builds it on first start)")
    pragma = ("integrity_check" if full else "quick_check") if structure else ""
    # mode=ro: a check must never create, migrate or repair the file it judges.
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        identify_file(path, uri)  # first: another program's file is not even opened by SQLite
        conn = sqlite3.connect(uri, uri=True, timeout=10)
    except ForeignDatabase as exc:
        return DatabaseHealth(str(exc))
    except sqlite3.Error as exc:
        if is_damage(exc):
            return DatabaseHealth(f"{DatabaseDamaged(path)} ({exc})")
        return DatabaseHealth(f"cannot open {path}: {exc}")
    try:
        verdict = (
            [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}").fetchall()] if pragma else ["ok"]
        )
        if verdict != ["ok"]:
            return DatabaseHealth(f"{DatabaseDamaged(path)} ({pragma}: {'; '.join(verdict[:3])})")
        return _live_generation(conn, path, pragma)
    except sqlite3.Error as exc:
        if is_damage(exc):
            return DatabaseHealth(f"{DatabaseDamaged(path)} ({exc})")
        return DatabaseHealth(f"cannot read {path}: {exc}")
    except (ValueError, KeyError, TypeError) as exc:
        return DatabaseHealth(f"{DatabaseDamaged(path)} ({type(exc).__name__}: {exc})")
    finally:
        conn.close()


def _live_generation(conn: sqlite3.Connection, path: Path, pragma: str) -> DatabaseHealth:
    """The schema version, the live generation and whether its rows match its report."""
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    version = int(meta["schema_version"]) if "schema_version" in meta else None
    if version != SCHEMA_VERSION:
        return DatabaseHealth(
            f"schema version {version} is not {SCHEMA_VERSION}; run 'speechbot reindex' "
            "with a new SPEECHBOT_DB",
            schema_version=version,
        )
    active = meta.get("active_generation")
    if active is None:
        return DatabaseHealth("no index generation is live yet", schema_version=version)
    gen = int(active)
    row = conn.execute(
        "SELECT fingerprint, stats FROM generations WHERE id = ? AND status = 'ready'", (gen,)
    ).fetchone()
    if row is None:
        return DatabaseHealth(f"live generation {gen} is missing or not ready", version, gen)
    counted = {
        name: int(conn.execute(sql, {"gen": gen}).fetchone()[0]) for name, sql in COUNTS.items()
    }
    missing = shortfall(gen, counted, json.loads(row[1] or "{}"))
    missing = missing or lookups_problem(conn, gen, counted["speeches"])
    if missing is not None:
        return DatabaseHealth(f"{missing}: run 'speechbot reindex'", version, gen)
    has_vectors = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sentence_vectors'"
    ).fetchone()
    vectors = (
        int(conn.execute("SELECT count(*) FROM sentence_vectors").fetchone()[0])
        if has_vectors
        else 0
    )
    stats = conn.execute(
        "SELECT data FROM index_arrays WHERE gen = ? AND name = ?", (gen, STATS_NAME)
    ).fetchone()
    checked = pragma or "structure checked at start"
    found = parse_stats(stats[0] if stats else None)
    return DatabaseHealth(None, version, gen, str(row[0]), vectors, checked, found)


def quick_check(path: Path) -> str | None:
    """``PRAGMA quick_check`` of ``path`` read-only: None when it holds, else what it found."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            verdict = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc) if is_damage(exc) else None  # busy or unreadable: not a verdict
    return None if verdict == ["ok"] else "; ".join(verdict[:3])


def corpus_fingerprint(corpus_dir: Path, known: Scan | None = None) -> str:
    """The fingerprint a build records for ``corpus_dir``, hashing only the files whose stat
    differs from ``known`` (the live generation's, as the bot's own change check does);
    OSError when it cannot be read."""
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    return scan(corpus_dir, known).value
