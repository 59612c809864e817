"""MaxScore pruning for ``BM25.top``: per-term bounds stored with the index, not computed per query.

Every term keeps the largest stored contribution of its postings (``top``) and the 16th, 64th and
256th largest (``kth``). A question's k-th best score is at least the best of its terms' k-th
contributions (``theta``): terms whose bounds add up to less than that cannot lift a paragraph
holding none of the other terms into the top k, so only the others' postings ("essential"
terms, usually the rare ones) are added up; the common terms are then looked up for the few
candidates left (a binary search per candidate), pruning as the bound tightens. The final rows
are scored exactly as before, so results equal the unpruned search's.

The count of paragraphs holding any query term still covers every term: common terms keep a
bitmap of their rows (built on first use), which costs a few microseconds to merge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: Ranks whose per-term contribution is stored: a search for k ≤ K uses the K-th.
KTHS = (16, 64, 256)
#: Terms in at least this share of the rows keep a bitmap for counting matches.
BITMAP_SHARE = 1 / 16
#: Relative slack on bounds compared across float sums.
_SLACK = 1e-9


@dataclass(frozen=True, slots=True, eq=False)
class TermBounds:
    """Per-term bounds of the stored (rounded) contributions."""

    top: F32  # the largest stored contribution of each term
    kth: F32  # (terms, len(KTHS)): the K-th largest, 0 where a term has fewer postings


def term_bounds(
    approx: npt.NDArray[np.floating[Any]], indptr: I64, block: int = 1 << 22
) -> TermBounds:
    """Bounds of every term, a block of terms at a time (float32 copies stay small)."""
    n_terms = len(indptr) - 1
    top = np.zeros(n_terms, dtype=np.float32)
    kth = np.zeros((n_terms, len(KTHS)), dtype=np.float32)
    df = np.diff(indptr)
    first = 0
    while first < n_terms:
        # Terms first..last whose postings fit in a block (at least one term).
        limit = int(indptr[first]) + block
        last = max(first + 1, int(np.searchsorted(indptr, limit, side="right")) - 1)
        last = min(last, n_terms)
        lo, hi = int(indptr[first]), int(indptr[last])
        values = np.asarray(approx[lo:hi], dtype=np.float32)
        starts = indptr[first:last] - lo
        filled = df[first:last] > 0
        if hi > lo:
            maxima = np.maximum.reduceat(values, np.minimum(starts, hi - lo - 1))
            top[first:last] = np.where(filled, maxima, 0)
        for term in np.flatnonzero(df[first:last] > KTHS[0]) + first:
            seg = values[int(indptr[term]) - lo : int(indptr[term + 1]) - lo]
            ranks = [len(seg) - k for k in KTHS if k <= len(seg)]
            part = np.partition(seg, ranks)
            kth[term, : len(ranks)] = part[ranks]
        first = last
    return TermBounds(top, kth)


@dataclass(frozen=True, slots=True)
class Query:
    """One question's terms (vocabulary ids) with their counts."""

    terms: list[int]
    counts: list[int]


#: term, candidate rows → the term's exact contribution to each (0 where absent), float64.
Exact = Callable[[int, I64], F64]


class Pruner:
    """MaxScore over one index's postings; ``None`` from ``top`` means "search unpruned"."""

    def __init__(
        self,
        indptr: I64,
        rows: npt.NDArray[np.int32],
        approx: npt.NDArray[np.floating[Any]],
        bounds: TermBounds,
        n_docs: int,
        rounding: float,
        subnormal: float,
    ) -> None:
        self.indptr, self.rows, self.approx, self.bounds = indptr, rows, approx, bounds
        self.n_docs = n_docs
        # Stored contribution a ↔ exact e: |a - e| ≤ rounding·|e| + subnormal.
        self._up = 1 / (1 - rounding)
        self._down = 1 / (1 + rounding)
        self._sub = subnormal
        self._bitmaps: dict[int, npt.NDArray[np.uint8]] = {}

    def theta(self, query: Query, k: int) -> float:
        """A lower bound of the k-th best exact score (0: none known)."""
        slot = next((i for i, K in enumerate(KTHS) if k <= K), None)
        if slot is None:
            return 0.0
        kth = self.bounds.kth[query.terms, slot].astype(np.float64)
        lows = (kth - self._sub) * self._down * np.asarray(query.counts, dtype=np.float64)
        return max(0.0, float(lows.max()))

    def upper(self, query: Query) -> F64:
        """Each term's largest possible exact contribution (times its count)."""
        top = self.bounds.top[query.terms].astype(np.float64)
        return (top + self._sub) * self._up * np.asarray(query.counts, dtype=np.float64)

    def split(self, query: Query, k: int) -> tuple[list[int], list[int], F64, float] | None:
        """Essential and non-essential positions in ``query``, the upper bounds, and theta."""
        theta = self.theta(query, k)
        if theta <= 0:
            return None
        ub = self.upper(query)
        order = np.argsort(ub, kind="stable")
        sums = np.cumsum(ub[order])
        cut = int(np.searchsorted(sums, theta * (1 - _SLACK), side="left"))
        if cut == 0:
            return None
        return [int(i) for i in order[cut:]], [int(i) for i in order[:cut]], ub, theta

    def bitmap(self, term: int) -> npt.NDArray[np.uint8] | None:
        """The packed rows of a common term (cached), or None for a rarer one."""
        found = self._bitmaps.get(term)
        if found is not None:
            return found
        lo, hi = int(self.indptr[term]), int(self.indptr[term + 1])
        if hi - lo < self.n_docs * BITMAP_SHARE:
            return None
        mask = np.zeros(_padded(self.n_docs), dtype=bool)
        mask[self.rows[lo:hi]] = True
        packed = np.packbits(mask)
        self._bitmaps[term] = packed
        return packed

    def count(self, scores: F32, query: Query, others: list[int]) -> int:
        """Rows holding any query term: non-zero ``scores`` plus the rows of terms ``others``."""
        hit = np.zeros(_padded(self.n_docs), dtype=bool)
        np.not_equal(scores, 0, out=hit[: self.n_docs])
        maps = []
        for i in others:
            term = query.terms[i]
            packed = self.bitmap(term)
            if packed is None:
                hit[self.rows[int(self.indptr[term]) : int(self.indptr[term + 1])]] = True
            else:
                maps.append(packed)
        union = np.packbits(hit)
        for packed in maps:
            np.bitwise_or(union, packed, out=union)
        return int(np.bitwise_count(union.view(np.uint64)).sum())


def _padded(n: int) -> int:
    """``n`` rounded up to whole 64-bit words."""
    return (n + 63) // 64 * 64


def refine(
    query: Query,
    rest: list[int],
    ub: F64,
    candidates: I64,
    low: F64,
    high: F64,
    theta: float,
    k: int,
    exact: Exact,
) -> I64:
    """Add the non-essential terms' exact contributions to the candidates, largest bound first,
    dropping candidates whose upper bound falls below the k-th best lower bound.

    ``low``/``high`` bound each candidate's exact score; ``high`` already counts every term of
    ``rest`` at its upper bound ``ub``.
    """
    for i in sorted(rest, key=lambda i: -ub[i]):
        if not len(candidates):
            break
        add = exact(query.terms[i], candidates) * query.counts[i]
        low = low + add
        high = high + (add - ub[i])
        theta = _kth_floor(low, k, theta)
        keep = high >= theta * (1 - _SLACK)
        candidates, low, high = candidates[keep], low[keep], high[keep]
    return candidates


def _kth_floor(low: F64, k: int, theta: float) -> float:
    if len(low) < k:
        return theta
    return max(theta, float(-np.partition(-low, k - 1)[k - 1]))
