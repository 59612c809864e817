"""A speech's rows (speech, sections, paragraphs) written in three statements.

Section and paragraph ids are given explicitly, counting up from the tables' largest id: the
ids SQLite would pick itself (an ``INTEGER PRIMARY KEY`` without AUTOINCREMENT takes the largest
id plus one), without a round trip to the database thread per section to learn them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from corpus import LoadedSpeech, Section

from .parallel import Tokens


@dataclass(slots=True)
class NextIds:
    """The next section and paragraph ids of a build (the only writer while it holds the lock)."""

    section: int
    paragraph: int
    committed: int = 0  # the next paragraph id at the last commit

    @classmethod
    async def read(cls, db: aiosqlite.Connection) -> NextIds:
        """The ids following the largest ones in the database."""
        ids = []
        for table in ("sections", "paragraphs"):
            row = await (
                await db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
            ).fetchone()
            assert row is not None
            ids.append(int(row[0]))
        return cls(ids[0], ids[1], ids[1])


#: Paragraph rows written between commits of a build (a commit per speech cost ~5 % of a 1M
#: build); a killed build leaves at most this many rows for the next build to purge.
COMMIT_ROWS = 1 << 14

_SPEECH = (
    "INSERT INTO speeches (number, source, sha256, token_sig, title, year, encoding, salutation,"
    " closing, n_paragraphs, file_mtime, added_at, gen_from)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SECTION = (
    "INSERT INTO sections (id, speech_id, parent_id, ordinal, level, marker_level, kind, number,"
    " title, path, tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_PARAGRAPH = (
    "INSERT INTO paragraphs (id, speech_id, section_id, ordinal, text, tokens)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


async def insert_speech(
    db: aiosqlite.Connection,
    gen: int,
    number: int,
    item: LoadedSpeech,
    sig: str,
    tokens: Tokens,
    next_ids: NextIds,
) -> tuple[int, list[int]]:
    """Insert one speech's rows (committing every ``COMMIT_ROWS`` paragraphs); its row id and its
    paragraphs' ids in ordinal order."""
    speech = item.speech
    paragraphs = speech.paragraphs
    section_tokens, para_tokens = tokens
    cur = await db.execute(
        _SPEECH,
        (
            number,
            item.path.name,
            item.sha256,
            sig,
            speech.title,
            speech.year,
            speech.encoding,
            speech.salutation,
            json.dumps(list(speech.closing), ensure_ascii=False),
            len(paragraphs),
            _mtime(item.path),
            time.time(),
            gen,
        ),
    )
    speech_id = int(cur.lastrowid or 0)
    rows: list[tuple[object, ...]] = []
    path_of: dict[tuple[str, ...], int] = {}
    _section_rows(speech_id, speech.sections, None, (), section_tokens, next_ids, rows, path_of)
    await db.executemany(_SECTION, rows)
    first = next_ids.paragraph
    next_ids.paragraph += len(paragraphs)
    ids = list(range(first, next_ids.paragraph))
    await db.executemany(
        _PARAGRAPH,
        [
            (pid, speech_id, path_of[p.section_path], p.ordinal, p.text, t)
            for pid, p, t in zip(ids, paragraphs, para_tokens, strict=True)
        ],
    )
    if next_ids.paragraph - next_ids.committed >= COMMIT_ROWS:
        await db.commit()
        next_ids.committed = next_ids.paragraph
    return speech_id, ids


def _section_rows(
    speech_id: int,
    sections: Sequence[Section],
    parent: int | None,
    parent_path: tuple[str, ...],
    tokens: list[str],
    next_ids: NextIds,
    rows: list[tuple[object, ...]],
    path_of: dict[tuple[str, ...], int],
) -> None:
    """The rows of ``sections`` and their children, each before its children (pre-order)."""
    for section in sections:
        ordinal = len(rows)
        path = (*parent_path, section.title)
        section_id = next_ids.section
        next_ids.section += 1
        rows.append(
            (
                section_id,
                speech_id,
                parent,
                ordinal,
                section.level,
                section.marker_level,
                str(section.kind),
                section.number,
                section.title,
                json.dumps(list(path), ensure_ascii=False),
                tokens[ordinal],
            )
        )
        path_of.setdefault(path, section_id)
        _section_rows(
            speech_id, section.children, section_id, path, tokens, next_ids, rows, path_of
        )


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None
