"""Every posting's BM25 score contribution, rounded for storage (float16, float32 if needed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from .postings import Postings

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
#: idf, tf, rows → the exact contributions (float64).
Formula = Callable[[F64, F64, I64 | npt.NDArray[np.int32]], F64]

#: Largest contribution stored as float16 (its maximum is 65504).
_FLOAT16_SAFE = 60_000.0


def all_contributions(
    postings: Postings,
    idf: F64,
    formula: Formula,
    zero_weight: npt.NDArray[np.bool_],
    block: int = 1 << 20,
) -> npt.NDArray[np.floating[Any]]:
    """Every posting's score contribution (without Plus's constant part), rounded; flags in
    ``zero_weight`` the terms with a posting stored as zero.

    Only candidates are picked with these; their scores are then computed exactly. float16
    keeps a million paragraphs' index under a gigabyte (float32 where a contribution would
    not fit). Computed in blocks so that the float64 intermediates stay small.
    """
    out = np.empty(len(postings.rows), dtype=np.float16)
    for lo in range(0, len(out), block):
        hi = min(lo + block, len(out))
        tf, term_of = postings.tf_range(lo, hi), term_range(postings.indptr, lo, hi)
        exact = formula(idf[term_of], tf, postings.rows[lo:hi])
        if len(exact) and float(np.abs(exact).max()) > _FLOAT16_SAFE:
            return _all_f32(postings, idf, formula, zero_weight, block)
        out[lo:hi] = exact
        # float16 rounds magnitudes up to half its smallest subnormal to zero.
        zero_weight[term_of[np.abs(exact) <= 2.0**-25]] = True
    return out


def _all_f32(
    postings: Postings,
    idf: F64,
    formula: Formula,
    zero_weight: npt.NDArray[np.bool_],
    block: int,
) -> npt.NDArray[np.float32]:
    out = np.empty(len(postings.rows), dtype=np.float32)
    zero_weight[:] = False
    for lo in range(0, len(out), block):
        hi = min(lo + block, len(out))
        tf, term_of = postings.tf_range(lo, hi), term_range(postings.indptr, lo, hi)
        out[lo:hi] = exact = formula(idf[term_of], tf, postings.rows[lo:hi])
        zero_weight[term_of[exact == 0]] = True
    return out


def term_range(indptr: I64, lo: int, hi: int) -> I64:
    """The term of each posting from ``lo`` to ``hi`` (for the whole index at once, that
    array would take 8 bytes a posting: ~0.9 GB at a million paragraphs)."""
    first = int(np.searchsorted(indptr, lo, side="right")) - 1
    last = int(np.searchsorted(indptr, hi, side="left"))
    sizes: I64 = np.diff(np.clip(indptr[first : last + 1], lo, hi)).astype(np.int64)
    return np.repeat(np.arange(first, last, dtype=np.int64), sizes)
