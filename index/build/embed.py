"""Sentence vectors for the live generation: stored ones first, shipped ones next, then the model.

:func:`plan` lists every sentence of a generation by key and row, streaming its paragraphs in
blocks and keeping no text (16 bytes and a row per sentence: 5.4 million sentences take 130 MB);
``build/assemble.load`` reads the known vectors block by block into the search backend and says
which sentences are missing; :func:`fill` re-reads only the paragraphs of those, embeds them in
batches and commits each, so an interrupted fill resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import aiosqlite
import numpy as np
import numpy.typing as npt

from ..rank.dense import Embedder, Vectors, sentence_texts, text_key
from ..store.queries import fetch_paragraphs
from ..store.snapshot import Snapshot
from ..store.vectors import write_vectors
from ..types import Progress

log = logging.getLogger(__name__)

#: Sentences embedded (and committed) per step: small enough to report progress often.
BATCH = 16
#: Paragraphs fetched per query.
_FETCH = 900
KEY = "V16"  # raw bytes (S16 would drop trailing NULs)


@dataclass(frozen=True, slots=True, eq=False)
class Plan:
    """Every sentence of one generation: its key and BM25 row (rows ascending)."""

    model: str
    keys: npt.NDArray[np.void]  # (sentences,) 16-byte keys
    owner: npt.NDArray[np.int64]
    n_rows: int
    paragraph_ids: npt.NDArray[np.int64]  # row → paragraph id, to re-read a missing one's text
    pairs: bool = True  # two consecutive sentences embedded too (``IndexConfig.sentence_pairs``)


async def plan(
    db: aiosqlite.Connection, snapshot: Snapshot, model: str, pairs: bool = True
) -> Plan:
    """The sentences (and ``pairs`` of them) to embed for ``snapshot``, a block of paragraphs
    at a time."""
    ids = np.asarray(snapshot.paragraph_ids, dtype=np.int64)
    keys: list[npt.NDArray[np.void]] = []
    owners: list[npt.NDArray[np.int64]] = []
    for start in range(0, len(ids), _FETCH):
        chunk = ids[start : start + _FETCH].tolist()
        views = await fetch_paragraphs(db, chunk)
        block: list[bytes] = []
        rows: list[int] = []
        for row, pid in enumerate(chunk, start):
            view = views.get(pid)
            if view is None:
                continue
            sentences = sentence_texts(view.speech_title, view.section_path, view.text, pairs)
            block.extend(text_key(model, t) for t in sentences)
            rows.extend([row] * len(sentences))
        keys.append(np.frombuffer(b"".join(block), dtype=KEY))
        owners.append(np.asarray(rows, dtype=np.int64))
    key_array = np.concatenate(keys) if keys else np.zeros(0, dtype=KEY)
    owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
    return Plan(model, key_array, owner, len(ids), ids, pairs)


async def texts_of(
    db: aiosqlite.Connection, plan_: Plan, sentences: npt.NDArray[np.int64]
) -> dict[bytes, str]:
    """The texts of ``sentences`` (indices into the plan) by key, reading only their rows."""
    rows = np.unique(plan_.owner[sentences])
    wanted = set(sentences.tolist())
    out: dict[bytes, str] = {}
    for start in range(0, len(rows), _FETCH):
        chunk = rows[start : start + _FETCH]
        views = await fetch_paragraphs(db, plan_.paragraph_ids[chunk].tolist())
        for row in chunk.tolist():
            view = views.get(int(plan_.paragraph_ids[row]))
            if view is None:
                continue
            first = int(np.searchsorted(plan_.owner, row, side="left"))
            texts = sentence_texts(view.speech_title, view.section_path, view.text, plan_.pairs)
            for i, text in enumerate(texts, first):
                if i in wanted:
                    out[bytes(plan_.keys[i])] = text
    return out


async def fill(
    read: aiosqlite.Connection,
    write: aiosqlite.Connection | None,
    plan_: Plan,
    missing: npt.NDArray[np.int64],
    embedder: Embedder,
    extra: dict[bytes, Vectors],
    progress: Progress | None = None,
) -> int:
    """Embed the ``missing`` sentences into the database (or ``extra`` where it is read-only),
    batch by batch; returns how many distinct texts were embedded."""
    text_of = await texts_of(read, plan_, missing)
    todo = [k for k in text_of if k not in extra]
    started = time.monotonic()
    for start in range(0, len(todo), BATCH):
        keys = todo[start : start + BATCH]
        vectors = await asyncio.to_thread(embedder.passages, [text_of[k] for k in keys])
        batch = dict(zip(keys, vectors, strict=True))
        if write is not None:
            await write_vectors(write, plan_.model, batch.items())
        else:
            extra.update(batch)
        if progress is not None:
            progress("embedding sentences", start + len(keys), len(todo))
    if todo:
        log.info("embedded %d sentences in %.1f s", len(todo), time.monotonic() - started)
    return len(todo)
