"""The storable form of an index: vocabulary, CSR postings (rows, one-byte term frequencies
with an overflow table) and document lengths, built block by block with numpy."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .arrays import radix_order as _radix_order

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: Term frequencies are stored in one byte (a million paragraphs hold ~117M postings); a posting
#: at the cap finds its true frequency in the overflow table.
TF_CAP = 255


def _no_overflow() -> I64:
    return np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Postings:
    """The raw, storable form of an index: vocabulary, CSR postings and document lengths."""

    terms: tuple[str, ...]
    indptr: I64  # postings of term i are rows[indptr[i]:indptr[i+1]]
    rows: npt.NDArray[np.int32]  # paragraph rows, ascending within each term
    tfs: npt.NDArray[np.uint8]  # term frequency of each posting, capped at TF_CAP
    doc_len: npt.NDArray[np.int32]
    big_at: I64 = field(default_factory=_no_overflow)  # postings whose tf ≥ TF_CAP, ascending
    big_tf: I64 = field(default_factory=_no_overflow)  # their true term frequencies

    @classmethod
    def with_tfs(
        cls,
        terms: tuple[str, ...],
        indptr: I64,
        rows: npt.NDArray[np.int32],
        tfs: npt.NDArray[np.integer[Any]],
        doc_len: npt.NDArray[np.int32],
    ) -> Postings:
        """Postings from uncapped term frequencies (an older database's uint16 array)."""
        big_at = np.flatnonzero(tfs >= TF_CAP).astype(np.int64)
        capped = np.minimum(tfs, TF_CAP).astype(np.uint8)
        return cls(terms, indptr, rows, capped, doc_len, big_at, tfs[big_at].astype(np.int64))

    def tf_at(self, at: I64) -> F64:
        """The exact term frequencies of the postings at positions ``at``."""
        tf = self.tfs[at].astype(np.float64)
        if len(self.big_at):
            capped = np.flatnonzero(tf == TF_CAP)
            if len(capped):
                tf[capped] = self.big_tf[np.searchsorted(self.big_at, at[capped])]
        return tf

    def tf_range(self, lo: int, hi: int) -> F64:
        """The exact term frequencies of postings ``lo`` to ``hi``."""
        tf = self.tfs[lo:hi].astype(np.float64)
        if len(self.big_at):
            a, b = np.searchsorted(self.big_at, [lo, hi])
            tf[self.big_at[a:b] - lo] = self.big_tf[a:b]
        return tf

    @classmethod
    def from_documents(cls, documents: Sequence[Sequence[str]], chunk: int = 1 << 14) -> Postings:
        """Build postings from token lists (one list per paragraph row), vectorised by chunks."""
        return cls.from_chunks(
            documents[start : start + chunk] for start in range(0, len(documents), chunk)
        )

    @classmethod
    def from_chunks(
        cls, chunks: Iterable[Sequence[Sequence[str]]], spill: Path | None = None
    ) -> Postings:
        """Build postings from consecutive blocks of token lists (only one block in memory);
        with ``spill`` (a folder), the blocks' postings wait in a temporary file there."""
        builder = PostingsBuilder(spill)
        for block in chunks:
            builder.add(block)
        return builder.finish()


class PostingsBuilder:
    """Postings built block by block: ``add`` each block of token lists, then ``finish``.

    A block's postings take 9 bytes each until the merge (term id, row, capped tf); with a
    spill folder they wait on disk, so memory holds only the final arrays (5 bytes a posting)
    and one block.
    """

    def __init__(self, spill: Path | None = None) -> None:
        # A missing term gets the next id as it is looked up: one pass over the tokens per block.
        self.vocab: defaultdict[str, int] = defaultdict()
        self.vocab.default_factory = self.vocab.__len__
        self._lengths: list[npt.NDArray[np.int32]] = []
        self._spool = _Spool(spill)
        self._rows = 0

    @property
    def rows(self) -> int:
        """Rows added so far."""
        return self._rows

    def add(self, block: Sequence[Sequence[str]]) -> None:
        """Add the next rows' token lists."""
        block_len = np.fromiter(map(len, block), dtype=np.int64, count=len(block))
        self._lengths.append(block_len.astype(np.int32))
        self._spool.put(*_block_postings(block, block_len, self._rows, self.vocab))
        self._rows += len(block)

    def add_ids(self, ids: npt.NDArray[np.int32], lengths: npt.NDArray[np.int32]) -> None:
        """Add the next rows as ids of ``vocab`` (every row's, one after another) and counts."""
        block_len = lengths.astype(np.int64)
        self._lengths.append(lengths.astype(np.int32))
        self._spool.put(*_id_postings(ids, block_len, self._rows, len(self.vocab)))
        self._rows += len(lengths)

    def finish(self) -> Postings:
        """The postings of every row added (the spill file is removed)."""
        vocab = self.vocab
        doc_len = np.concatenate(self._lengths) if self._lengths else np.zeros(0, dtype=np.int32)
        self._lengths = []
        terms = tuple(sorted(vocab))
        rank = np.empty(len(terms), dtype=np.int64)
        rank[np.fromiter(map(vocab.__getitem__, terms), dtype=np.int64, count=len(terms))] = (
            np.arange(len(terms), dtype=np.int64)
        )
        try:
            indptr, all_rows, tfs, big_at, big_tf = _merge(self._spool, rank)
        finally:
            self._spool.close()
        return Postings(terms, indptr, all_rows, tfs, doc_len.astype(np.int32), big_at, big_tf)


#: One block's postings: term id (in look-up order), row, tf capped at TF_CAP, and the block
#: positions and true tfs of the capped ones; ordered by (term id, row).
_Block = tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.uint8], I64, I64]


class _Spool:
    """The blocks' postings until the merge: in memory, or in a temporary file in ``folder``."""

    def __init__(self, folder: Path | None) -> None:
        self._kept: list[_Block] = []
        self._file = None
        if folder is not None:
            self._file = tempfile.TemporaryFile(dir=folder, prefix="speechbot-postings-")  # noqa: SIM115
        self._sizes: list[tuple[int, I64, I64]] = []
        self.df_parts: list[npt.NDArray[np.int32]] = []

    def put(self, ids: npt.NDArray[np.int32], rows: npt.NDArray[np.int32], tf: I64) -> None:
        """Keep one block's postings."""
        over = np.flatnonzero(tf >= TF_CAP)
        capped = np.minimum(tf, TF_CAP).astype(np.uint8)
        if self._file is None:
            self._kept.append((ids, rows, capped, over, tf[over].astype(np.int64)))
            return
        for part in (ids, rows, capped):
            np.ascontiguousarray(part).tofile(self._file)
        self._sizes.append((len(ids), over, tf[over].astype(np.int64)))

    def blocks(self) -> Iterator[_Block]:
        """The blocks in the order they were put."""
        if self._file is None:
            yield from self._kept
            return
        self._file.seek(0)
        for n, over, big in self._sizes:
            ids = np.fromfile(self._file, dtype=np.int32, count=n)
            rows = np.fromfile(self._file, dtype=np.int32, count=n)
            tf = np.fromfile(self._file, dtype=np.uint8, count=n)
            yield ids, rows, tf, over, big

    def close(self) -> None:
        """Drop the blocks (and the file)."""
        self._kept = []
        if self._file is not None:
            self._file.close()


def _block_postings(
    block: Sequence[Sequence[str]], block_len: I64, start: int, vocab: defaultdict[str, int]
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], I64]:
    """The postings of one block of token lists, its first row being ``start``."""
    count = int(block_len.sum())
    ids = np.fromiter(
        map(vocab.__getitem__, chain.from_iterable(block)), dtype=np.int32, count=count
    )
    return _id_postings(ids, block_len, start, len(vocab))


def _id_postings(
    ids: npt.NDArray[np.int32], block_len: I64, start: int, n_terms: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], I64]:
    """The postings of one block given as term ids (``block_len`` of them per row)."""
    rows = np.repeat(np.arange(start, start + len(block_len), dtype=np.int32), block_len)
    order = _radix_order(ids, n_terms)
    ids, rows = ids[order], rows[order]
    # Within a term the rows are ascending (the sort is stable): runs are postings.
    first = np.flatnonzero(
        np.concatenate(([True], (ids[1:] != ids[:-1]) | (rows[1:] != rows[:-1])))
    )
    tf = np.diff(np.append(first, len(ids)))
    return ids[first], rows[first], tf


def _merge(
    spool: _Spool, rank: I64
) -> tuple[I64, npt.NDArray[np.int32], npt.NDArray[np.uint8], I64, I64]:
    """The blocks' postings in CSR form over the sorted vocabulary (``rank``: look-up id →
    sorted id): indptr, rows, capped tfs, and the overflow table."""
    n_terms = len(rank)
    df = np.zeros(n_terms, dtype=np.int64)
    for term_ids, *_ in spool.blocks():
        df += np.bincount(rank[term_ids], minlength=n_terms)
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    all_rows = np.empty(int(indptr[-1]), dtype=np.int32)
    tfs = np.empty(int(indptr[-1]), dtype=np.uint8)
    big: list[tuple[I64, I64]] = []
    cursor = indptr[:-1].copy()
    for term_ids, part_rows, tf, over, over_tf in spool.blocks():
        # A block holds each term's postings once, contiguous and in row order: place each
        # group after what earlier blocks wrote for that term.
        sorted_terms = rank[term_ids]
        starts = np.flatnonzero(np.diff(term_ids, prepend=-1))
        sizes = np.diff(np.append(starts, len(term_ids)))
        dest = np.repeat(cursor[sorted_terms[starts]] - starts, sizes)
        dest += np.arange(len(term_ids), dtype=np.int64)
        all_rows[dest] = part_rows
        tfs[dest] = tf
        if len(over):
            big.append((dest[over], over_tf))
        cursor[sorted_terms[starts]] += sizes
    big_at, big_tf = _no_overflow(), _no_overflow()
    if big:
        big_at, big_tf = (
            np.concatenate([a for a, _ in big]),
            np.concatenate([t for _, t in big]),
        )
        order = np.argsort(big_at)
        big_at, big_tf = big_at[order], big_tf[order].astype(np.int64)
    return indptr, all_rows, tfs, big_at, big_tf
