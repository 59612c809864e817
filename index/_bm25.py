"""BM25 as rank-bm25 computes it, over a sparse term → postings layout that is fast at scale.

rank-bm25 scores every paragraph in Python for every query term. Here each term's postings
(paragraph rows and term frequencies) are stored once; a query touches only the postings of its
own terms. A float32 copy of every posting's score contribution (the BM25S idea) picks the
candidates, and the candidates are then re-scored exactly in float64 with rank-bm25's formula,
so rankings and scores equal rank-bm25's (to float rounding) while memory stays small.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ._arrays import candidates as _candidates
from ._arrays import radix_order as _radix_order

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: Term frequencies are stored in one byte (a million paragraphs hold ~117M postings); a posting
#: at the cap finds its true frequency in the overflow table.
TF_CAP = 255


def _no_overflow() -> I64:
    return np.zeros(0, dtype=np.int64)


class Variant(StrEnum):
    """The rank-bm25 classes this module reproduces."""

    OKAPI = "okapi"  # BM25Okapi
    PLUS = "plus"  # BM25Plus
    L = "l"  # BM25L


@dataclass(frozen=True, slots=True)
class BM25Params:
    """Parameters with rank-bm25's defaults."""

    variant: Variant = Variant.PLUS
    k1: float = 1.5
    b: float = 0.75
    delta: float | None = None  # None: rank-bm25's default for the variant (Plus 1.0, L 0.5)
    epsilon: float = 0.25  # Okapi only

    @property
    def effective_delta(self) -> float:
        """The delta in use."""
        if self.delta is not None:
            return self.delta
        return 0.5 if self.variant is Variant.L else 1.0


class Scored(NamedTuple):
    """One scored row of the matrix."""

    row: int
    score: float


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
        # Per chunk: term id, row and tf of each posting, ordered by (term id, row).
        parts: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], I64]] = []
        start = 0
        for block in chunks:
            block_len = np.fromiter(map(len, block), dtype=np.int64, count=len(block))
            lengths.append(block_len)
            count = int(block_len.sum())
            ids = np.fromiter(
                map(vocab.__getitem__, chain.from_iterable(block)), dtype=np.int32, count=count
            )
            rows = np.repeat(np.arange(start, start + len(block), dtype=np.int32), block_len)
            start += len(block)
            order = _radix_order(ids, len(vocab))
            ids, rows = ids[order], rows[order]
            # Within a term the rows are ascending (the sort is stable): runs are postings.
            first = np.flatnonzero(
                np.concatenate(([True], (ids[1:] != ids[:-1]) | (rows[1:] != rows[:-1])))
            )
            tf = np.diff(np.append(first, len(ids)))
            parts.append((ids[first], rows[first], tf))
        doc_len = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
        terms = tuple(sorted(vocab))
        rank = np.empty(len(terms), dtype=np.int64)
        rank[np.fromiter(map(vocab.__getitem__, terms), dtype=np.int64, count=len(terms))] = (
            np.arange(len(terms), dtype=np.int64)
        )
        df = np.zeros(len(terms), dtype=np.int64)
        for term_ids, _, _ in parts:
            df += np.bincount(rank[term_ids], minlength=len(terms))
        indptr = np.zeros(len(terms) + 1, dtype=np.int64)
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
            big_at, big_tf = np.concatenate([a for a, _ in big]), np.concatenate([t for _, t in big])
            order = np.argsort(big_at)
            big_at, big_tf = big_at[order], big_tf[order].astype(np.int64)
        return cls(terms, indptr, all_rows, tfs, doc_len.astype(np.int32), big_at, big_tf)


class BM25:
    """An immutable BM25 scorer equal to rank-bm25's ``BM25Okapi``/``BM25Plus``/``BM25L``."""

    def __init__(
        self,
        postings: Postings,
        params: BM25Params | None = None,
        contributions: tuple[npt.NDArray[np.floating[Any]], npt.NDArray[np.bool_]] | None = None,
    ) -> None:
        """``contributions``: ``stored_contributions()`` of an equal scorer, to skip computing
        them (seconds at a million paragraphs)."""
        self.params = params or BM25Params()
        self.postings = postings
        self.vocab = {term: i for i, term in enumerate(postings.terms)}
        self.n_docs = len(postings.doc_len)
        total = int(postings.doc_len.sum(dtype=np.int64))
        # rank-bm25 divides by zero on an empty corpus; an empty index simply matches nothing.
        self.avgdl = total / self.n_docs if self.n_docs else 0.0
        self.df = np.diff(postings.indptr)
        self.idf = self._idf()
        p = self.params
        if self.n_docs and self.avgdl > 0:
            self._norm = p.k1 * (1 - p.b + p.b * postings.doc_len.astype(np.float64) / self.avgdl)
        else:
            self._norm = np.zeros(self.n_docs)
        # Terms with a posting whose stored contribution is zero: for the others, a row's
        # approximate score is non-zero exactly when it holds a query term.
        self._zero_weight = np.zeros(len(self.df), dtype=bool)
        if contributions is not None and len(contributions[0]) == len(postings.rows):
            self._approx, self._zero_weight = contributions
        else:
            self._approx = self._all_contributions()

    def stored_contributions(self) -> tuple[npt.NDArray[np.floating[Any]], npt.NDArray[np.bool_]]:
        """The rounded contributions and zero flags, to store beside the postings."""
        return self._approx, self._zero_weight

    def _idf(self) -> F64:
        n, df = self.n_docs, self.df.astype(np.float64)
        if len(df) == 0:
            return np.zeros(0)
        variant = self.params.variant
        if variant is Variant.PLUS:
            return np.log((n + 1) / df)
        if variant is Variant.L:
            return np.asarray(np.log(n + 1) - np.log(df + 0.5), dtype=np.float64)
        idf = np.log(n - df + 0.5) - np.log(df + 0.5)
        # rank-bm25 floors negative idfs at epsilon × the mean idf (its issue #39).
        floor = self.params.epsilon * float(idf.sum() / len(idf))
        return np.where(idf < 0, floor, idf)

    def _all_contributions(self, block: int = 1 << 22) -> npt.NDArray[np.floating[Any]]:
        """Every posting's score contribution (without Plus's constant part), rounded.

        Only candidates are picked with these; their scores are then computed exactly. float16
        keeps a million paragraphs' index under a gigabyte (float32 where a contribution would
        not fit). Computed in blocks so that the float64 intermediates stay small.
        """
        postings = self.postings
        out = np.empty(len(postings.rows), dtype=np.float16)
        for lo in range(0, len(out), block):
            hi = min(lo + block, len(out))
            tf, term_of = postings.tf_range(lo, hi), self._term_of(lo, hi)
            exact = self._formula(self.idf[term_of], tf, postings.rows[lo:hi])
            if len(exact) and float(np.abs(exact).max()) > _FLOAT16_SAFE:
                return self._all_contributions_f32(block)
            out[lo:hi] = exact
            # float16 rounds magnitudes up to half its smallest subnormal to zero.
            self._zero_weight[term_of[np.abs(exact) <= 2.0**-25]] = True
        return out

    def _all_contributions_f32(self, block: int) -> npt.NDArray[np.float32]:
        postings = self.postings
        out = np.empty(len(postings.rows), dtype=np.float32)
        self._zero_weight[:] = False
        for lo in range(0, len(out), block):
            hi = min(lo + block, len(out))
            tf, term_of = postings.tf_range(lo, hi), self._term_of(lo, hi)
            out[lo:hi] = exact = self._formula(self.idf[term_of], tf, postings.rows[lo:hi])
            self._zero_weight[term_of[exact == 0]] = True
        return out

    def _term_of(self, lo: int, hi: int) -> I64:
        """The term of each posting from ``lo`` to ``hi`` (for the whole index at once, that
        array would take 8 bytes a posting: ~0.9 GB at a million paragraphs)."""
        indptr = self.postings.indptr
        first = int(np.searchsorted(indptr, lo, side="right")) - 1
        last = int(np.searchsorted(indptr, hi, side="left"))
        sizes: I64 = np.diff(np.clip(indptr[first : last + 1], lo, hi)).astype(np.int64)
        return np.repeat(np.arange(first, last, dtype=np.int64), sizes)

    def _formula(self, idf: F64, tf: F64, rows: npt.NDArray[np.int32] | I64) -> F64:
        p, norm = self.params, self._norm[rows]
        if p.variant is Variant.OKAPI:
            return idf * (tf * (p.k1 + 1) / (tf + norm))
        if p.variant is Variant.PLUS:
            return idf * ((tf * (p.k1 + 1)) / (norm + tf))
        # BM25L: ctd = tf / (1 - b + b·dl/avgdl); rank-bm25 also multiplies by tf.
        ctd = tf / (norm / p.k1) if p.k1 else tf
        delta = p.effective_delta
        return idf * tf * (p.k1 + 1) * (ctd + delta) / (p.k1 + ctd + delta)

    def term_ids(self, tokens: Sequence[str]) -> list[int]:
        """Vocabulary ids of the tokens found in the index (duplicates kept, as rank-bm25 does)."""
        return [self.vocab[t] for t in tokens if t in self.vocab]

    def constant(self, tokens: Sequence[str]) -> float:
        """The part of every paragraph's score that does not depend on the paragraph."""
        if self.params.variant is not Variant.PLUS:
            return 0.0
        delta = self.params.effective_delta
        return float(sum(self.idf[i] * delta for i in self.term_ids(tokens)))

    def _slice(self, term: int) -> slice:
        return slice(int(self.postings.indptr[term]), int(self.postings.indptr[term + 1]))

    def top(
        self, tokens: Sequence[str], k: int, row_range: tuple[int, int] | None = None
    ) -> tuple[list[Scored], int]:
        """The ``k`` best rows that contain a query token, best first, with exact scores.

        Also returns how many rows contain a query token at all.
        """
        ids = Counter(self.term_ids(tokens))
        if not ids or k <= 0 or self.n_docs == 0:
            return [], 0
        lo, hi = row_range or (0, self.n_docs)
        approx = np.zeros(hi - lo, dtype=np.float32)
        hit = np.zeros(hi - lo, dtype=bool) if self._needs_hits(ids) else None
        max_error = 0.0
        for term, count in ids.items():
            sl = self._slice(term)
            rows, weights = self.postings.rows[sl], self._approx[sl]
            if row_range is not None:
                a, b = np.searchsorted(rows, [lo, hi])
                rows, weights = rows[a:b], weights[a:b]
            if lo:
                rows = rows - lo
            approx[rows] += weights if count == 1 else weights * np.float32(count)
            if hit is not None:
                hit[rows] = True
            if len(weights):
                max_error += float(np.abs(weights).max()) * count
        total = int(np.count_nonzero(approx if hit is None else hit))
        if total == 0:
            return [], 0
        # Rounding (of the stored contributions, and of float32 sums) can reorder near-ties: keep
        # every row within the error bound of the k-th, then score those exactly.
        rounding = _ROUNDING[self._approx.dtype.itemsize]
        eps32 = float(np.finfo(np.float32).eps)
        bound = max_error * (2 * rounding + 4 * eps32 * (len(ids) + 1)) + _SUBNORMAL * sum(
            ids.values()
        )
        candidates = _candidates(approx, k, bound, hit)
        exact = self.exact_scores(ids, candidates + lo)
        order = np.lexsort((candidates, -exact))[:k]
        constant = self.constant(tokens)
        return [Scored(int(candidates[i] + lo), float(exact[i] + constant)) for i in order], total

    def _needs_hits(self, ids: Counter[int]) -> bool:
        """Whether some posting of these terms scores zero (only then "hit" differs from ≠ 0)."""
        terms = list(ids)
        return bool((self.idf[terms] <= 0).any() or self._zero_weight[terms].any())

    def exact_scores(self, term_counts: Counter[int], rows: I64) -> F64:
        """rank-bm25's float64 score for ``rows`` (without Plus's constant part)."""
        scores = np.zeros(len(rows))
        for term, count in term_counts.items():
            sl = self._slice(term)
            term_rows = self.postings.rows[sl]
            pos = np.searchsorted(term_rows, rows)
            pos_clipped = np.minimum(pos, len(term_rows) - 1)
            present = term_rows[pos_clipped] == rows
            tf = np.where(present, self.postings.tf_at(pos_clipped + sl.start), 0.0)
            contribution = self._formula(np.full(len(rows), self.idf[term]), tf, rows)
            for _ in range(count):
                scores += contribution
        return scores

    def matched(self, tokens: Sequence[str], row: int) -> list[str]:
        """The distinct query tokens that occur in ``row``."""
        found = []
        for token in dict.fromkeys(tokens):
            term = self.vocab.get(token)
            if term is None:
                continue
            rows = self.postings.rows[self._slice(term)]
            pos = int(np.searchsorted(rows, row))
            if pos < len(rows) and rows[pos] == row:
                found.append(token)
        return found

    def idf_of(self, token: str) -> float | None:
        """The idf of a token, or None when the corpus lacks it."""
        term = self.vocab.get(token)
        return None if term is None else float(self.idf[term])


#: Largest contribution stored as float16 (its maximum is 65504).
_FLOAT16_SAFE = 60_000.0
#: Relative rounding error of a stored contribution, by its byte size (half a unit in the last
#: place), and float16's absolute error below its smallest normal number.
_ROUNDING = {2: 2.0**-11, 4: 2.0**-24, 8: 2.0**-53}
_SUBNORMAL = 2.0**-24
