"""A complete IVF index (``ann.IvfDense``) saved as files, so that a restart reads it in seconds
instead of reading, training and encoding millions of vectors again (minutes at 1M paragraphs).

One folder per saved index, written under a temporary name and renamed into place: ``index.faiss``
(faiss's own format: centroids, 8-bit codes, direct map), ``arrays.npz`` (each sentence's row
and 16-byte key, the vectors' moments; numpy's format, never pickled) and ``key.json``, what the
index was made from. An index is read back only when its ``key.json`` equals the one asked for;
anything unreadable is reported once in the log and treated as absent.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .ann import IvfDense, faiss_module, probes_for
from .dense import DIM

log = logging.getLogger(__name__)

#: Bumped when the files' layout changes: older folders are then ignored (and pruned).
FORMAT = 1
_INDEX, _ARRAYS, _KEY = "index.faiss", "arrays.npz", "key.json"
_TEMP = ".partial-"
#: Age after which a partial folder is a dead writer's (writing 1M paragraphs' takes seconds).
PARTIAL_STALE_S = 3600.0


def save(
    folder: Path, name: str, key: dict[str, Any], dense: IvfDense, keys: npt.NDArray[Any]
) -> None:
    """Write ``dense`` (with its sentences' ``keys``) as ``folder/name``, replacing any older."""
    faiss = faiss_module()
    if faiss is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=_TEMP, dir=folder))
    try:
        faiss.write_index(dense.index, str(partial / _INDEX))
        np.savez(
            partial / _ARRAYS,
            owner=dense.owner,
            keys=np.frombuffer(keys.tobytes(), dtype=np.uint8).reshape(len(keys), -1),
            mean_vector=dense.mean_vector,
            second=dense.second,
            n_rows=np.int64(dense.n_rows),
        )
        (partial / _KEY).write_text(json.dumps({**key, "format": FORMAT}, sort_keys=True), "utf-8")
        final = folder / name
        shutil.rmtree(final, ignore_errors=True)
        os.rename(partial, final)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def load(
    folder: Path, name: str, key: dict[str, Any], key_dtype: str
) -> tuple[IvfDense, npt.NDArray[Any]] | None:
    """The index saved as ``folder/name`` for exactly ``key``, and its sentences' keys."""
    path = folder / name
    try:
        stored = json.loads((path / _KEY).read_text("utf-8"))
    except (OSError, ValueError):
        return None  # none saved (or being replaced): built from the vectors instead
    if stored != {**key, "format": FORMAT}:
        return None
    faiss = faiss_module()
    if faiss is None:
        return None
    try:
        index = faiss.read_index(str(path / _INDEX))
        with np.load(path / _ARRAYS, allow_pickle=False) as arrays:
            owner = arrays["owner"].astype(np.int64)
            keys = np.ascontiguousarray(arrays["keys"]).view(key_dtype).reshape(-1)
            mean_vector, second = arrays["mean_vector"], arrays["second"]
            n_rows = int(arrays["n_rows"])
        if index.d != DIM or index.ntotal != len(owner) or len(keys) != len(owner):
            raise ValueError(f"{index.ntotal} codes for {len(owner)} sentences")
    except Exception as exc:  # a truncated or foreign file: faiss raises RuntimeError
        log.warning(
            "saved vector index %s unreadable (%s: %s): rebuilt", path, type(exc).__name__, exc
        )
        return None
    if index.direct_map.type == faiss.DirectMap.NoMap:
        index.make_direct_map()
    index.nprobe = probes_for(index.nlist)
    return IvfDense(index, owner, mean_vector, second, n_rows, 0), keys


def prune(folder: Path, keep: str | None) -> None:
    """Remove every saved index in ``folder`` but ``keep``, and partial ones left by a process
    that stopped while writing (not one being written now)."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    stale = time.time() - PARTIAL_STALE_S
    for entry in entries:
        if entry.name == keep or not entry.is_dir():
            continue
        if entry.name.startswith(_TEMP) and entry.stat().st_mtime > stale:
            continue
        shutil.rmtree(entry, ignore_errors=True)
