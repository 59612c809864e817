"""The BM25 arrays of a generation: each paragraph's tokens with its section titles', stored."""

from __future__ import annotations

import asyncio

import aiosqlite

from ..config import BuildOptions
from ..rank.bm25 import BM25
from ..rank.postings import Postings
from ..store.snapshot import Snapshot, save_arrays
from ..text.tokenize import Tokenizer
from ..types import Progress


async def index_generation(
    db: aiosqlite.Connection,
    gen: int,
    speech_ids: list[int],
    tokenizer: Tokenizer,
    options: BuildOptions,
    finger: str,
    corpus_dir: str,
    report: Progress,
) -> Snapshot:
    """Compose each paragraph's tokens with its section titles and build the BM25 arrays."""
    report("index", 0, 1)
    marks = ",".join("?" * len(speech_ids))
    rows = list(
        await (
            await db.execute(
                f"SELECT p.id, s.number, p.tokens, p.section_id FROM paragraphs p JOIN speeches s"
                f" ON s.id = p.speech_id WHERE p.speech_id IN ({marks}) ORDER BY s.number, p.ordinal",
                speech_ids,
            )
        ).fetchall()
    )
    heading = await _heading_tokens(db, speech_ids)
    weight = options.heading_weight

    def compose() -> tuple[Postings, list[int], list[int]]:
        # Token lists of a block of rows at a time: a million paragraphs' token strings at once
        # would take gigabytes.
        chunk = 1 << 14
        blocks = (
            [r[2].split() + heading.get(r[3], []) * weight for r in rows[lo : lo + chunk]]
            for lo in range(0, len(rows), chunk)
        )
        return Postings.from_chunks(blocks), [r[0] for r in rows], [r[1] for r in rows]

    postings, paragraph_ids, numbers = await asyncio.to_thread(compose)
    bm25 = await asyncio.to_thread(BM25, postings, options.params)
    await save_arrays(db, gen, postings, paragraph_ids, numbers, tokenizer, bm25)
    await db.commit()
    report("index", 1, 1)
    return await Snapshot.load_metadata(
        db, gen, bm25, tokenizer, options, finger, corpus_dir, paragraph_ids, numbers, speech_ids
    )


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
