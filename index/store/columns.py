"""A generation's large arrays read on demand (the CLI): a question reads only its own terms'
postings instead of the whole 0.8 GB that loading reads at a million paragraphs.

SQLite stores a blob in a chain of pages, so it cannot be memory-mapped; incremental blob I/O
reads any byte range of it, walking the chain from the blob's start, which is why these arrays
are stored in chunks (``store/blobs``). :class:`ColumnReader` holds one read-only connection in one read
transaction for as long as the index is open (WAL: a reindex in another process may swap in and
purge a newer generation meanwhile, this one stays readable). :class:`BlobColumn` answers the
indexing the scorer does — a slice (one term's postings) or an index array within one — and
anything else through ``__array__``, which reads it whole. The bot, which runs for days and
follows swaps, reads its arrays whole (``IndexConfig.read_on_demand`` off).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import aiosqlite
import numpy as np
import numpy.typing as npt

from ..config import IndexConfig
from .blobs import CHUNKED, base_name, chunk_whole_arrays

log = logging.getLogger(__name__)

#: The arrays read on demand (name → stored dtype): postings and their contributions.
ON_DEMAND = CHUNKED
#: Slices kept per column: a question reads a term's postings a few times (sum, exact scores).
_KEPT = 16


class ColumnReader:
    """One read-only connection, in one read transaction, for a generation's columns."""

    def __init__(self, path: Path) -> None:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._blobs: dict[int, sqlite3.Blob] = {}
        self._conn.execute("BEGIN")
        self._conn.execute("SELECT count(*) FROM index_arrays").fetchone()  # the snapshot starts

    def columns(self, gen: int) -> dict[str, BlobColumn]:
        """``gen``'s on-demand arrays as this transaction sees them (empty when it does not)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT rowid, name, length(data) FROM index_arrays WHERE gen = ?", (gen,)
            ).fetchall()
        chunks: dict[str, list[tuple[int, int, int]]] = {}
        for rowid, name, size in rows:
            base, at = base_name(str(name))
            if base in ON_DEMAND:
                chunks.setdefault(base, []).append((at, int(rowid), int(size or 0)))
        out = {}
        for name, parts in chunks.items():
            spans, start = [], 0
            for _, rowid, size in sorted(parts):
                spans.append((start, start + size, rowid))
                start += size
            dtype = np.dtype(ON_DEMAND[name])
            out[name] = BlobColumn(self, tuple(spans), dtype, start // dtype.itemsize)
        return out

    def read(self, chunks: tuple[tuple[int, int, int], ...], start: int, stop: int) -> bytes:
        """Bytes ``start`` to ``stop`` of an array stored as ``chunks`` ((first byte, end
        byte, rowid) each, in order)."""
        parts = []
        with self._lock:
            for lo, hi, rowid in chunks:
                if hi <= start or lo >= stop:
                    continue
                blob = self._blobs.get(rowid)
                if blob is None:
                    blob = self._conn.blobopen("index_arrays", "data", rowid, readonly=True)
                    self._blobs[rowid] = blob
                blob.seek(max(start, lo) - lo)
                parts.append(blob.read(min(stop, hi) - max(start, lo)))
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def close(self) -> None:
        """End the transaction and close the connection."""
        with self._lock:
            for blob in self._blobs.values():
                blob.close()
            self._blobs.clear()
            self._conn.close()


async def on_demand(
    config: IndexConfig, write: aiosqlite.Connection | None, gen: int
) -> ColumnReader | None:
    """A reader of the database's columns when ``config.read_on_demand`` asks for one, or None
    (also where it cannot open: the arrays are then read whole, as before). Arrays an earlier version stored whole are stored in chunks first, once
    (with ``write``; read-only, they are read on demand all the same, walking them whole)."""
    if not config.read_on_demand:
        return None
    if write is not None:
        try:
            if names := await chunk_whole_arrays(write, gen):
                log.warning(  # the one slow start: say why
                    "index generation %d: %s stored in chunks, once (an earlier version stored "
                    "them whole); later commands read only their question's postings",
                    gen,
                    ", ".join(names),
                )
                await write.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # not read through the WAL
        except (sqlite3.Error, aiosqlite.Error) as exc:  # busy (a reindex), read-only after all
            log.info("arrays of generation %d left whole: %s", gen, exc)
    try:
        return await asyncio.to_thread(ColumnReader, config.db_path)
    except sqlite3.Error as exc:
        log.debug("arrays read whole: %s", exc)
        return None


class BlobColumn:
    """A one-dimensional stored array read by ranges (see the module's docstring)."""

    ndim = 1

    def __init__(
        self,
        reader: ColumnReader,
        chunks: tuple[tuple[int, int, int], ...],
        dtype: np.dtype[Any],
        n: int,
    ) -> None:
        self._reader, self._chunks, self.dtype, self._n = reader, chunks, dtype, n
        self.shape = (n,)
        self._kept: OrderedDict[tuple[int, int], npt.NDArray[Any]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._n

    def _range(self, start: int, stop: int) -> npt.NDArray[Any]:
        if stop <= start:
            return np.zeros(0, dtype=self.dtype)
        with self._lock:
            found = self._kept.get((start, stop))
            if found is not None:
                self._kept.move_to_end((start, stop))
                return found
        size = self.dtype.itemsize
        data = self._reader.read(self._chunks, start * size, stop * size)
        array = np.frombuffer(data, dtype=self.dtype)
        with self._lock:
            self._kept[(start, stop)] = array
            while len(self._kept) > _KEPT:
                self._kept.popitem(last=False)
        return array

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            start, stop, step = key.indices(self._n)
            part = self._range(start, max(start, stop)) if step == 1 else np.asarray(self)[key]
            return part
        if isinstance(key, int | np.integer):
            one = int(key) + (self._n if key < 0 else 0)
            return self._range(one, one + 1)[0]
        at = np.asarray(key)
        if at.dtype == bool or at.size == 0 or int(at.min()) < 0:
            return np.asarray(self)[at]
        lo, hi = int(at.min()), int(at.max()) + 1
        return self._range(lo, hi)[at - lo]

    def __array__(self, dtype: Any = None, copy: Any = None) -> npt.NDArray[Any]:
        whole = self._range(0, self._n)
        return whole if dtype is None else whole.astype(dtype)
