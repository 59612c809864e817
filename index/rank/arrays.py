"""numpy helpers of the BM25 index: a stable radix order and top-k candidate selection."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


def radix_order(ids: npt.NDArray[np.int32], n_terms: int) -> I64:
    """A stable order of ``ids``: numpy's stable sort is a linear radix sort on 16-bit keys."""
    order = np.argsort(ids.astype(np.uint16), kind="stable")
    if n_terms > 1 << 16:
        high = (ids >> 16).astype(np.uint16)[order]
        order = order[np.argsort(high, kind="stable")]
    return order


_TINY = float(np.nextafter(np.float32(0), np.float32(1)))


def candidates(
    approx: npt.NDArray[np.float32], k: int, bound: float, hit: npt.NDArray[np.bool_] | None
) -> I64:
    """Rows whose approximate score may be among the ``k`` best (all ties at the k-th kept).

    A full partition of a million scores costs ~10 ms; the k-th best of a strided sample is a
    lower bound of the true k-th best, so only the rows above it need partitioning.
    """
    present = np.flatnonzero(hit) if hit is not None else None
    if present is not None:
        scores, rows = approx[present], present
    else:
        scores, rows = approx, None
    if len(scores) > 64 * k:
        sample = scores[:: max(1, len(scores) // (16 * k))]
        if np.count_nonzero(sample) >= k:
            floor = -np.partition(-sample, k - 1)[k - 1]
            # Without a hit mask, a row holds a query term exactly when its score is positive.
            threshold = floor - bound if hit is not None else max(floor - bound, _TINY)
            picked = np.flatnonzero(scores >= threshold)
            scores = scores[picked]
            rows = picked if rows is None else rows[picked]
    if rows is None:
        rows = np.flatnonzero(scores)
        scores = scores[rows]
    if len(scores) > k:
        kth = -np.partition(-scores, k - 1)[k - 1]
        keep = scores >= (kth - bound if hit is not None else max(kth - bound, _TINY))
        rows, scores = rows[keep], scores[keep]
    return rows.astype(np.int64)


def pruned_candidates(
    scores: npt.NDArray[np.float32], k: int, theta: float, err: float, rest: float
) -> tuple[I64, float]:
    """Rows whose partial ``scores`` (error ``err``) plus ``rest`` may reach the k-th best, and
    the raised lower bound of the k-th best (``theta`` at least). Rows scoring 0 hold none of
    the terms summed, so ``theta`` (above ``rest``) already rules them out."""
    if len(scores) > 64 * k:
        sample = scores[:: max(1, len(scores) // (16 * k))]
        if np.count_nonzero(sample) >= k:
            theta = max(theta, float(-np.partition(-sample, k - 1)[k - 1]) - err)
    picked = np.flatnonzero(scores >= max(theta - err - rest, _TINY))
    if len(picked) > k:
        kth = float(-np.partition(-scores[picked], k - 1)[k - 1])
        theta = max(theta, kth - err)
        picked = picked[scores[picked] >= max(theta - err - rest, _TINY)]
    return picked.astype(np.int64), theta
