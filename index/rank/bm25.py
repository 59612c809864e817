"""BM25 as rank-bm25 computes it, over a sparse term → postings layout that is fast at scale.

rank-bm25 scores every paragraph in Python for every query term. Here each term's postings
(paragraph rows and term frequencies) are stored once; a query touches only the postings of its
own terms. A float32 copy of every posting's score contribution (the BM25S idea) picks the
candidates, and the candidates are then re-scored exactly in float64 with rank-bm25's formula,
so rankings and scores equal rank-bm25's (to float rounding) while memory stays small.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from .arrays import candidates as _candidates
from .arrays import pruned_candidates
from .contributions import all_contributions
from .postings import Postings
from .prune import Pruner, Query, TermBounds, refine, term_bounds

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


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


class BM25:
    """An immutable BM25 scorer equal to rank-bm25's ``BM25Okapi``/``BM25Plus``/``BM25L``."""

    def __init__(
        self,
        postings: Postings,
        params: BM25Params | None = None,
        contributions: tuple[npt.NDArray[np.floating[Any]], npt.NDArray[np.bool_]] | None = None,
        bounds: TermBounds | None = None,
    ) -> None:
        """``contributions`` and ``bounds``: ``stored_contributions()`` and ``bounds`` of an
        equal scorer, to skip computing them (seconds at a million paragraphs)."""
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
            self._approx = all_contributions(postings, self.idf, self._formula, self._zero_weight)
            bounds = None
        if bounds is None or len(bounds.top) != len(self.df):
            bounds = term_bounds(self._approx, postings.indptr)
        self.bounds = bounds
        self._rounding = _ROUNDING[self._approx.dtype.itemsize]
        self._pruner = Pruner(
            postings.indptr,
            postings.rows,
            self._approx,
            bounds,
            self.n_docs,
            self._rounding,
            _SUBNORMAL,
        )

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
        self,
        tokens: Sequence[str],
        k: int,
        row_range: tuple[int, int] | None = None,
        *,
        prune: bool = True,
    ) -> tuple[list[Scored], int]:
        """The ``k`` best rows that contain a query token, best first, with exact scores.

        Also returns how many rows contain a query token at all. ``prune=False`` adds up every
        term's postings instead of skipping what cannot reach the top (same results, slower).
        """
        ids = Counter(self.term_ids(tokens))
        if not ids or k <= 0 or self.n_docs == 0:
            return [], 0
        found = None
        if prune and row_range is None and not self._needs_hits(ids):
            found = self._pruned(ids, k)
        candidates, total = found if found is not None else self._unpruned(ids, k, row_range)
        if total == 0:
            return [], 0
        exact = self.exact_scores(ids, candidates)
        order = np.lexsort((candidates, -exact))[:k]
        constant = self.constant(tokens)
        return [Scored(int(candidates[i]), float(exact[i] + constant)) for i in order], total

    def _bound(self, ids: Counter[int], max_error: float) -> float:
        """How far a float32 sum of stored contributions may be from the exact score."""
        eps32 = float(np.finfo(np.float32).eps)
        return max_error * (2 * self._rounding + 4 * eps32 * (len(ids) + 1)) + _SUBNORMAL * sum(
            ids.values()
        )

    def _accumulate(self, approx: npt.NDArray[np.float32], term: int, count: int) -> None:
        sl = self._slice(term)
        weights = self._approx[sl].astype(np.float32)
        np.add.at(approx, self.postings.rows[sl], weights if count == 1 else weights * count)

    def _pruned(self, ids: Counter[int], k: int) -> tuple[I64, int] | None:
        """MaxScore (``prune``): candidates and the count of matching rows, or None when no
        term can be skipped."""
        query = Query(list(ids), list(ids.values()))
        split = self._pruner.split(query, k)
        if split is None:
            return None
        essential, rest, ub, theta = split
        approx = np.zeros(self.n_docs, dtype=np.float32)
        for i in essential:
            self._accumulate(approx, query.terms[i], query.counts[i])
        total = self._pruner.count(approx, query, rest)
        used = Counter({query.terms[i]: query.counts[i] for i in essential})
        err = self._bound(used, sum(float(self.bounds.top[t]) * c for t, c in used.items()))
        left = float(ub[rest].sum())
        picked, theta = pruned_candidates(approx, k, theta, err, left)
        partial = approx[picked].astype(np.float64)

        def exact(term: int, rows: I64) -> F64:
            return self.exact_scores(Counter({term: 1}), rows)

        picked = refine(
            query, rest, ub, picked, partial - err, partial + err + left, theta, k, exact
        )
        return picked, total

    def _unpruned(
        self, ids: Counter[int], k: int, row_range: tuple[int, int] | None
    ) -> tuple[I64, int]:
        """Every query term's postings added up: candidates and the count of matching rows."""
        lo, hi = row_range or (0, self.n_docs)
        approx = np.zeros(hi - lo, dtype=np.float32)
        needs_hits = self._needs_hits(ids)
        hit = np.zeros(hi - lo, dtype=bool) if needs_hits else None
        max_error = 0.0
        for term, count in ids.items():
            sl = self._slice(term)
            rows, weights = self.postings.rows[sl], self._approx[sl]
            if row_range is not None:
                a, b = np.searchsorted(rows, [lo, hi])
                rows, weights = rows[a:b], weights[a:b]
            if lo:
                rows = rows - lo
            weights32 = weights.astype(np.float32)
            np.add.at(approx, rows, weights32 if count == 1 else weights32 * np.float32(count))
            if hit is not None:
                hit[rows] = True
            if len(weights):
                # The stored bound holds for positive contributions; others are rare.
                top = np.abs(weights32).max() if needs_hits else self.bounds.top[term]
                max_error += float(top) * count
        total = int(np.count_nonzero(approx if hit is None else hit))
        if total == 0:
            return np.zeros(0, dtype=np.int64), 0
        # Rounding (of the stored contributions, and of float32 sums) can reorder near-ties: keep
        # every row within the error bound of the k-th, then score those exactly.
        candidates = _candidates(approx, k, self._bound(ids, max_error), hit)
        return candidates + lo, total

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
            # A Python int would cast every row of the term to int64 first (~3 ms at 1M).
            pos = int(np.searchsorted(rows, rows.dtype.type(row)))
            if pos < len(rows) and rows[pos] == row:
                found.append(token)
        return found

    def idf_of(self, token: str) -> float | None:
        """The idf of a token, or None when the corpus lacks it."""
        term = self.vocab.get(token)
        return None if term is None else float(self.idf[term])


#: Relative rounding error of a stored contribution, by its byte size (half a unit in the last
#: place), and float16's absolute error below its smallest normal number.
_ROUNDING = {2: 2.0**-11, 4: 2.0**-24, 8: 2.0**-53}
_SUBNORMAL = 2.0**-24
