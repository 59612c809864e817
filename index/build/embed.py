"""Sentence vectors for the live generation: stored ones first, shipped ones next, then the model.

:func:`plan` lists every sentence of a generation with its key; :func:`load` assembles the
vectors already known (the database's, then the package's for the bundled corpus) into a
:class:`DenseIndex` and says which sentences are missing; :func:`fill` embeds those in batches,
committing each, so an interrupted fill resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite
import numpy as np
import numpy.typing as npt

from ..rank.dense import DIM, DenseIndex, Embedder, sentence_texts, text_key
from ..store.queries import fetch_paragraphs
from ..store.snapshot import Snapshot
from ..store.vectors import Vector, bundled_vectors, read_vectors, write_vectors
from ..types import Progress

log = logging.getLogger(__name__)

#: Sentences embedded (and committed) per step: small enough to report progress often.
BATCH = 16
#: Paragraphs fetched per query.
_FETCH = 900


@dataclass(frozen=True, slots=True)
class Plan:
    """Every sentence of one generation: its text, key and BM25 row (rows ascending)."""

    model: str
    texts: tuple[str, ...]
    keys: tuple[bytes, ...]
    owner: npt.NDArray[np.int64]
    n_rows: int


async def plan(db: aiosqlite.Connection, snapshot: Snapshot, model: str) -> Plan:
    """The sentences to embed for ``snapshot``."""
    ids = [int(i) for i in snapshot.paragraph_ids]
    texts: list[str] = []
    owner: list[int] = []
    for start in range(0, len(ids), _FETCH):
        chunk = ids[start : start + _FETCH]
        views = await fetch_paragraphs(db, chunk)
        for row, pid in enumerate(chunk, start):
            view = views.get(pid)
            if view is None:
                continue
            sentences = sentence_texts(view.speech_title, view.section_path, view.text)
            texts.extend(sentences)
            owner.extend([row] * len(sentences))
    keys = tuple(text_key(model, t) for t in texts)
    return Plan(model, tuple(texts), keys, np.asarray(owner, dtype=np.int64), len(ids))


def assemble(plan_: Plan, known: dict[bytes, Vector]) -> tuple[DenseIndex, list[int]]:
    """The dense index of the known vectors, and the sentences still missing."""
    have = [i for i, k in enumerate(plan_.keys) if k in known]
    missing = [i for i, k in enumerate(plan_.keys) if k not in known]
    vectors = (
        np.stack([known[plan_.keys[i]] for i in have]).astype(np.float32)
        if have
        else np.zeros((0, DIM), dtype=np.float32)
    )
    owner = plan_.owner[have] if have else np.zeros(0, dtype=np.int64)
    rows_missing = len(set(plan_.owner[missing].tolist())) if missing else 0
    return DenseIndex(vectors, owner, plan_.n_rows, rows_missing), missing


async def load(
    read: aiosqlite.Connection, write: aiosqlite.Connection | None, plan_: Plan
) -> tuple[dict[bytes, Vector], list[int]]:
    """Vectors known for ``plan_`` (copying shipped ones into the database) and what is missing."""
    known = await read_vectors(read, plan_.model, plan_.keys)
    if len(known) < len(set(plan_.keys)):
        shipped = bundled_vectors(plan_.model)
        new = {k: shipped[k] for k in plan_.keys if k not in known and k in shipped}
        if new and write is not None:
            await write_vectors(write, plan_.model, new.items())
        known.update(new)
    missing = [i for i, k in enumerate(plan_.keys) if k not in known]
    return known, missing


async def fill(
    write: aiosqlite.Connection | None,
    plan_: Plan,
    known: dict[bytes, Vector],
    missing: Sequence[int],
    embedder: Embedder,
    progress: Progress | None = None,
) -> None:
    """Embed the ``missing`` sentences into ``known`` (and the database), batch by batch."""
    todo = list(dict.fromkeys(plan_.keys[i] for i in missing if plan_.keys[i] not in known))
    text_of = {plan_.keys[i]: plan_.texts[i] for i in missing}
    started = time.monotonic()
    for start in range(0, len(todo), BATCH):
        keys = todo[start : start + BATCH]
        vectors = await asyncio.to_thread(embedder.passages, [text_of[k] for k in keys])
        batch = dict(zip(keys, vectors, strict=True))
        if write is not None:
            await write_vectors(write, plan_.model, batch.items())
        known.update(batch)
        if progress is not None:
            progress("embedding sentences", start + len(keys), len(todo))
    if todo:
        log.info("embedded %d sentences in %.1f s", len(todo), time.monotonic() - started)
