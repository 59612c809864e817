"""The SQLite schema: speeches, sections and paragraphs with their tokens, and index generations.

Rows are versioned by generation. A speech row is visible to generation ``g`` when
``gen_from <= g`` and ``gen_to`` is NULL or greater than ``g``. A reindex writes new rows with
``gen_from = g + 1`` (invisible to the live generation ``g``) and then, in one transaction, closes
the rows it replaces and makes ``g + 1`` active. A query therefore never sees a half-built index,
and a build that fails or is killed leaves rows nobody can see, which the next build removes.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS generations (
    id          INTEGER PRIMARY KEY,
    status      TEXT NOT NULL CHECK (status IN ('building', 'ready', 'failed')),
    started_at  REAL NOT NULL,
    finished_at REAL,
    corpus_dir  TEXT NOT NULL,
    fingerprint TEXT,
    user_words  TEXT,             -- JSON list: the tokenizer's corpus dictionary
    params      TEXT,             -- JSON: BM25 parameters and heading weight
    stats       TEXT,             -- JSON: the build report
    error       TEXT
);
CREATE TABLE IF NOT EXISTS speeches (
    id           INTEGER PRIMARY KEY,
    number       INTEGER NOT NULL,  -- stable number shown to users; kept per source file
    source       TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    token_sig    TEXT NOT NULL,     -- tokenizer signature the tokens were made with
    title        TEXT NOT NULL,
    year         INTEGER,
    encoding     TEXT NOT NULL,
    salutation   TEXT,
    closing      TEXT NOT NULL,     -- JSON list
    n_paragraphs INTEGER NOT NULL,
    file_mtime   REAL,
    added_at     REAL NOT NULL,
    gen_from     INTEGER NOT NULL,
    gen_to       INTEGER
);
CREATE INDEX IF NOT EXISTS speeches_gen ON speeches (gen_from, gen_to);
CREATE INDEX IF NOT EXISTS speeches_number ON speeches (number);
CREATE TABLE IF NOT EXISTS sections (
    id           INTEGER PRIMARY KEY,
    speech_id    INTEGER NOT NULL REFERENCES speeches (id) ON DELETE CASCADE,
    parent_id    INTEGER,
    ordinal      INTEGER NOT NULL,  -- pre-order position in the speech
    level        INTEGER NOT NULL,
    marker_level INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    number       INTEGER,
    title        TEXT NOT NULL,
    path         TEXT NOT NULL,     -- JSON list of titles from the top level down
    tokens       TEXT NOT NULL      -- space-separated tokens of the title
);
CREATE INDEX IF NOT EXISTS sections_speech ON sections (speech_id, ordinal);
CREATE TABLE IF NOT EXISTS paragraphs (
    id         INTEGER PRIMARY KEY,
    speech_id  INTEGER NOT NULL REFERENCES speeches (id) ON DELETE CASCADE,
    section_id INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,
    text       TEXT NOT NULL,
    tokens     TEXT NOT NULL        -- space-separated tokens of the text
);
CREATE INDEX IF NOT EXISTS paragraphs_speech ON paragraphs (speech_id, ordinal);
CREATE INDEX IF NOT EXISTS paragraphs_section ON paragraphs (section_id);
CREATE TABLE IF NOT EXISTS index_arrays (
    gen  INTEGER NOT NULL,
    name TEXT NOT NULL,
    data BLOB NOT NULL,             -- raw little-endian numpy array or UTF-8 text; never pickled
    PRIMARY KEY (gen, name)
);
-- Sentence vectors of the semantic part (index/store/vectors.py): float16 bytes, keyed by the
-- model and a hash of the exact text embedded, so they outlive generations and unchanged text
-- is never embedded twice.
CREATE TABLE IF NOT EXISTS sentence_vectors (
    model  TEXT NOT NULL,
    key    BLOB NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, key)
) WITHOUT ROWID;
"""


def setup_script(application_id: int) -> str:
    """The schema and the file's identity (``application_id``, ``user_version``) in one
    transaction, so a second process never sees half of our tables."""
    return (
        "BEGIN IMMEDIATE;\n"
        + SCHEMA
        + f"PRAGMA application_id = {int(application_id)};\n"
        + f"PRAGMA user_version = {SCHEMA_VERSION};\n"
        + "COMMIT;\n"
    )


VISIBLE = "s.gen_from <= :gen AND (s.gen_to IS NULL OR s.gen_to > :gen)"


class SchemaError(RuntimeError):
    """The database was written by an incompatible version of speechbot."""


def check_version(found: str | int | None) -> None:
    """Refuse a database of another schema version with a clear message."""
    if found is not None and int(found) != SCHEMA_VERSION:
        raise SchemaError(
            f"database schema version {found} is not {SCHEMA_VERSION}; "
            "move the file away or run 'speechbot reindex' with a new SPEECHBOT_DB"
        )


def connect_sync(path: str) -> sqlite3.Connection:
    """A plain sqlite3 connection with the project's pragmas (for tools and tests)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def is_read_only(path: Path) -> bool:
    """Whether an existing database cannot be written: read-only file, folder or file system."""
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def read_only_uri(path: Path) -> str:
    """A URI that opens ``path`` for reading only.

    In a read-only folder SQLite cannot create the WAL's ``-shm`` file, so the file is opened as
    immutable there: nothing can change it while the folder stays read-only.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    return uri if os.access(path.parent, os.W_OK) else uri + "&immutable=1"
