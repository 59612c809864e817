"""Read-only inspection of an index database, for ``speechbot check`` and ``/healthz``."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .fingerprint import fingerprint
from .schema import SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class DatabaseHealth:
    """What a look at the database found; ``problem`` is None when it can serve."""

    problem: str | None
    schema_version: int | None = None
    generation: int | None = None
    fingerprint: str | None = None  # of the corpus folder the live generation was built from
    vectors: int = 0  # sentence vectors stored (the semantic part), any model


def inspect_database(path: Path) -> DatabaseHealth:
    """Integrity, schema version and live generation of ``path``, without writing to it."""
    if not path.is_file():
        return DatabaseHealth(f"{path} does not exist (the bot builds it on first start)")
    try:
        # mode=ro: a check must never create, migrate or repair the file it judges.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as exc:
        return DatabaseHealth(f"cannot open {path}: {exc}")
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        verdict = [str(r[0]) for r in rows]
        if verdict != ["ok"]:
            return DatabaseHealth(f"integrity_check failed: {'; '.join(verdict[:3])}")
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
        row = conn.execute(
            "SELECT fingerprint FROM generations WHERE id = ? AND status = 'ready'", (int(active),)
        ).fetchone()
        if row is None:
            return DatabaseHealth(
                f"live generation {active} is missing or not ready", version, int(active)
            )
        has_vectors = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sentence_vectors'"
        ).fetchone()
        vectors = (
            int(conn.execute("SELECT count(*) FROM sentence_vectors").fetchone()[0])
            if has_vectors
            else 0
        )
        return DatabaseHealth(None, version, int(active), str(row[0]), vectors)
    except (sqlite3.Error, ValueError) as exc:
        # A file that is not a database, or a foreign one, lands here ("file is not a database").
        return DatabaseHealth(f"cannot read {path}: {exc}")
    finally:
        conn.close()


def corpus_fingerprint(corpus_dir: Path) -> str:
    """The fingerprint a build records for ``corpus_dir``; OSError when it cannot be read."""
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    return fingerprint(corpus_dir)
