"""The storable form of an index: vocabulary, CSR postings (rows, one-byte term frequencies
with an overflow table) and document lengths, built block by block with numpy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
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
    def from_chunks(cls, chunks: Iterable[Sequence[Sequence[str]]]) -> Postings:
        """Build postings from consecutive blocks of token lists (only one block in memory)."""
        # A missing term gets the next id as it is looked up: one pass over the tokens per block.
        vocab: defaultdict[str, int] = defaultdict()
        vocab.default_factory = vocab.__len__
        lengths: list[I64] = []
        parts: list[_Block] = []
        start = 0
        for block in chunks:
            block_len = np.fromiter(map(len, block), dtype=np.int64, count=len(block))
            lengths.append(block_len)
            parts.append(_block_postings(block, block_len, start, vocab))
            start += len(block)
        doc_len = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
        terms = tuple(sorted(vocab))
        rank = np.empty(len(terms), dtype=np.int64)
        rank[np.fromiter(map(vocab.__getitem__, terms), dtype=np.int64, count=len(terms))] = (
            np.arange(len(terms), dtype=np.int64)
        )
        indptr, all_rows, tfs, big_at, big_tf = _merge(parts, rank)
        return cls(terms, indptr, all_rows, tfs, doc_len.astype(np.int32), big_at, big_tf)


#: One block's postings: term id (in look-up order), row and tf, ordered by (term id, row).
_Block = tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], I64]


def _block_postings(
    block: Sequence[Sequence[str]], block_len: I64, start: int, vocab: defaultdict[str, int]
) -> _Block:
    """The postings of one block of token lists, its first row being ``start``."""
    count = int(block_len.sum())
    ids = np.fromiter(
        map(vocab.__getitem__, chain.from_iterable(block)), dtype=np.int32, count=count
    )
    rows = np.repeat(np.arange(start, start + len(block), dtype=np.int32), block_len)
    order = _radix_order(ids, len(vocab))
    ids, rows = ids[order], rows[order]
    # Within a term the rows are ascending (the sort is stable): runs are postings.
    first = np.flatnonzero(
        np.concatenate(([True], (ids[1:] != ids[:-1]) | (rows[1:] != rows[:-1])))
    )
    tf = np.diff(np.append(first, len(ids)))
    return ids[first], rows[first], tf


def _merge(
    parts: Sequence[_Block], rank: I64
) -> tuple[I64, npt.NDArray[np.int32], npt.NDArray[np.uint8], I64, I64]:
    """The blocks' postings in CSR form over the sorted vocabulary (``rank``: look-up id →
    sorted id): indptr, rows, capped tfs, and the overflow table."""
    n_terms = len(rank)
    df = np.zeros(n_terms, dtype=np.int64)
    for term_ids, _, _ in parts:
        df += np.bincount(rank[term_ids], minlength=n_terms)
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    all_rows = np.empty(int(indptr[-1]), dtype=np.int32)
    tfs = np.empty(int(indptr[-1]), dtype=np.uint8)
    big: list[tuple[I64, I64]] = []
    cursor = indptr[:-1].copy()
    for term_ids, part_rows, tf in parts:
        # A chunk holds each term's postings once, contiguous and in row order: place each
        # group after what earlier chunks wrote for that term.
        sorted_terms = rank[term_ids]
        starts = np.flatnonzero(np.diff(term_ids, prepend=-1))
        sizes = np.diff(np.append(starts, len(term_ids)))
        offset = np.arange(len(term_ids), dtype=np.int64) - np.repeat(starts, sizes)
        dest = cursor[sorted_terms] + offset
        all_rows[dest] = part_rows
        tfs[dest] = np.minimum(tf, TF_CAP)
        over = tf >= TF_CAP
        if over.any():
            big.append((dest[over], tf[over]))
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
