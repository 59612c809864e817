"""The BM25 arrays of a generation: each paragraph's tokens with its section titles', stored."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiosqlite
import numpy as np
import numpy.typing as npt

from ..config import BuildOptions
from ..rank.bm25 import BM25
from ..rank.postings import Postings, PostingsBuilder
from ..store.snapshot import Snapshot, save_arrays
from ..text.tokenize import Tokenizer
from ..types import Progress
from .memory import release_memory
from .stream import StreamedPostings

#: Paragraph rows read and turned into postings at a time: a million paragraphs' token strings
#: at once would take gigabytes.
BLOCK = 1 << 13


async def index_generation(
    db: aiosqlite.Connection,
    gen: int,
    speech_ids: list[int],
    tokenizer: Tokenizer,
    options: BuildOptions,
    finger: str,
    corpus_dir: str,
    report: Progress,
    stream: StreamedPostings | None = None,
) -> Snapshot:
    """Compose each paragraph's tokens with its section titles and build the BM25 arrays.

    ``stream``: the postings already made while tokenising (a full build); else the rows are
    read back a block at a time and the blocks' postings wait in a file beside the database,
    so memory holds the final arrays and one block, whatever the corpus size.
    """
    report("index", 0, 1)
    if stream is not None:
        paragraph_ids = _joined(stream.paragraph_ids, np.int64)
        row_speech = _joined(stream.numbers, np.int32)
        stream.paragraph_ids, stream.numbers = [], []
        release_memory()  # before the final arrays are allocated
        postings = await asyncio.to_thread(stream.builder.finish)
    else:
        postings, paragraph_ids, row_speech = await _read_back(db, speech_ids, options)
    bm25 = await asyncio.to_thread(BM25, postings, options.params)
    await save_arrays(db, gen, postings, paragraph_ids, row_speech, tokenizer, bm25)
    await db.commit()
    report("index", 1, 1)
    return await Snapshot.load_metadata(
        db, gen, bm25, tokenizer, options, finger, corpus_dir, paragraph_ids, row_speech, speech_ids
    )


def _joined(parts: list[npt.NDArray[Any]], dtype: type[np.generic]) -> npt.NDArray[Any]:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)


async def _read_back(
    db: aiosqlite.Connection, speech_ids: list[int], options: BuildOptions
) -> tuple[Postings, npt.NDArray[np.int64], npt.NDArray[np.int32]]:
    """Postings, paragraph ids and speech numbers of the rows as stored, in row order."""
    heading = await _heading_tokens(db, speech_ids)
    weight = options.heading_weight
    builder = PostingsBuilder(await database_folder(db))

    def add(rows: list[Any]) -> None:
        builder.add([r[2].split() + heading.get(r[3], []) * weight for r in rows])

    marks = ",".join("?" * len(speech_ids))
    cursor = await db.execute(
        f"SELECT p.id, s.number, p.tokens, p.section_id FROM paragraphs p JOIN speeches s"
        f" ON s.id = p.speech_id WHERE p.speech_id IN ({marks}) ORDER BY s.number, p.ordinal",
        speech_ids,
    )
    ids: list[npt.NDArray[np.int64]] = []
    numbers: list[npt.NDArray[np.int32]] = []
    try:
        while rows := list(await cursor.fetchmany(BLOCK)):
            ids.append(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
            numbers.append(np.fromiter((r[1] for r in rows), dtype=np.int32, count=len(rows)))
            await asyncio.to_thread(add, rows)
            del rows
    finally:
        await cursor.close()
    release_memory()
    postings = await asyncio.to_thread(builder.finish)
    return postings, _joined(ids, np.int64), _joined(numbers, np.int32)


async def database_folder(db: aiosqlite.Connection) -> Path | None:
    """The folder of the database file (where a build may spill), None for a memory database."""
    for row in await (await db.execute("PRAGMA database_list")).fetchall():
        if row[1] == "main" and row[2]:
            return Path(str(row[2])).parent
    return None


async def _heading_tokens(db: aiosqlite.Connection, speech_ids: list[int]) -> dict[int, list[str]]:
    """Tokens of every section's path (its own title and its ancestors'), by section id."""
    marks = ",".join("?" * len(speech_ids))
    rows = await (
        await db.execute(
            f"SELECT id, parent_id, tokens, kind FROM sections WHERE speech_id IN ({marks}) ORDER BY id",
            speech_ids,
        )
    ).fetchall()
    own = {r[0]: ([] if r[3] != "numbered" else r[2].split()) for r in rows}
    parent = {r[0]: r[1] for r in rows}
    result: dict[int, list[str]] = {}
    for section_id in own:
        tokens: list[str] = []
        node: int | None = section_id
        while node is not None:
            tokens = own[node] + tokens
            node = parent[node]
        result[section_id] = tokens
    return result
