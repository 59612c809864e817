"""A large generation's search backend saved beside the database and restored at the next start.

Building the IVF index of a million paragraphs (``assemble.load``: read 5.4 million vectors, train,
encode) takes minutes at every start; once every sentence has its vector the index is saved
(``rank/ann_file``) in ``<database>.vectors/`` and the next start reads it back in seconds, with
its plan (each sentence's key and row). It is restored only for the same generation (id,
fingerprint, build time) and model, and only when the sentences of a sample of paragraphs, cut
and keyed again from the database, match the saved keys: a change in how sentences are cut or
keyed, or a database swapped under it, makes it rebuilt, never wrong.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import aiosqlite
import numpy as np

from ..rank import ann, ann_file
from ..rank.ann import IvfDense
from ..rank.dense import DensePart, sentence_texts, text_key
from ..store.queries import fetch_paragraphs
from ..store.snapshot import Snapshot
from .embed import KEY, Plan

log = logging.getLogger(__name__)

#: Paragraphs whose sentences are cut and keyed again to check a saved index.
SAMPLE = 64


def folder(db_path: Path) -> Path:
    """Where a database's saved indexes go."""
    return db_path.with_name(db_path.name + ".vectors")


def _name(snapshot: Snapshot) -> str:
    return f"generation-{snapshot.generation}"


def _key(snapshot: Snapshot, model: str, pairs: bool) -> dict[str, Any]:
    return {
        "pairs": pairs,
        "generation": snapshot.generation,
        "fingerprint": snapshot.fingerprint,
        "built_at": snapshot.built_at,
        "model": model,
        "rows": snapshot.bm25.n_docs,
    }


async def restore(
    read: aiosqlite.Connection, db_path: Path, snapshot: Snapshot, model: str, pairs: bool = True
) -> tuple[DensePart, Plan] | None:
    """The saved backend of ``snapshot`` and its plan, when one is saved and checks out."""
    where = folder(db_path)
    await asyncio.to_thread(ann_file.prune, where, _name(snapshot))
    found = await asyncio.to_thread(
        ann_file.load, where, _name(snapshot), _key(snapshot, model, pairs), KEY
    )
    if found is None:
        return None
    dense, keys = found
    if len(keys) < ann.ANN_MIN:  # saved by a release that chose the backend otherwise
        return None
    ids = np.asarray(snapshot.paragraph_ids, dtype=np.int64)
    plan = Plan(model, keys, dense.owner, len(ids), ids, pairs)
    if not await _sample_matches(read, plan):
        log.warning(
            "saved vector index of generation %d does not match: rebuilt", snapshot.generation
        )
        return None
    log.info("vector index of generation %d read from %s", snapshot.generation, where)
    return dense, plan


async def _sample_matches(read: aiosqlite.Connection, plan: Plan) -> bool:
    if plan.n_rows == 0 or len(plan.owner) == 0:
        return False
    rows = np.unique(np.linspace(0, plan.n_rows - 1, min(SAMPLE, plan.n_rows)).astype(np.int64))
    views = await fetch_paragraphs(read, plan.paragraph_ids[rows].tolist())
    for row in rows.tolist():
        view = views.get(int(plan.paragraph_ids[row]))
        lo, hi = (int(i) for i in np.searchsorted(plan.owner, [row, row + 1], side="left"))
        if view is None:
            if hi > lo:
                return False
            continue
        texts = sentence_texts(view.speech_title, view.section_path, view.text, plan.pairs)
        if [text_key(plan.model, t) for t in texts] != [bytes(k) for k in plan.keys[lo:hi]]:
            return False
    return True


async def keep(db_path: Path, snapshot: Snapshot, plan: Plan, dense: DensePart | None) -> None:
    """Save ``dense`` for the next start when it is a complete IVF index (else nothing)."""
    if not isinstance(dense, IvfDense) or not dense.complete or len(dense.owner) != len(plan.keys):
        return
    try:
        await asyncio.to_thread(
            ann_file.save,
            folder(db_path),
            _name(snapshot),
            _key(snapshot, plan.model, plan.pairs),
            dense,
            plan.keys,
        )
    except OSError as exc:  # a read-only or full disk: the next start builds it again
        log.info("vector index not saved (%s): the next start rebuilds it", exc)
        return
    log.info("vector index of generation %d saved in %s", snapshot.generation, folder(db_path))
