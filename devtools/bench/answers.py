"""What the user waits for: ``SearchIndex.search`` end to end (understanding, expansion, BM25,
relevance, paragraphs, hits, highlighting), with the semantic part off, and understanding's share.

Understanding is timed by wrapping the function ``index.search`` calls for it, so the figure
follows whatever that function becomes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import index.search as pipeline
from index import IndexConfig, SearchIndex

#: Passes over the questions; each question's median counts.
ROUNDS = 3


def summary(millis: Sequence[float]) -> dict[str, float]:
    """p50, p95, max and mean of latencies in milliseconds."""
    a = np.asarray(millis, dtype=np.float64)
    if not len(a):
        return {"p50": 0.0, "p95": 0.0, "max": 0.0, "mean": 0.0}
    p50, p95 = np.percentile(a, [50, 95])
    return {"p50": float(p50), "p95": float(p95), "max": float(a.max()), "mean": float(a.mean())}


def _timer(spent: list[float]) -> Callable[..., Any]:
    inner: Callable[..., Any] = getattr(pipeline, "understand")  # noqa: B009

    def understand(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent.append((time.perf_counter() - started) * 1000)

    return understand


async def answer_path(
    db: Path, corpus: Path, questions: Sequence[str], named: Sequence[str]
) -> dict[str, Any]:
    """Latency of ``search()`` over ``questions`` and ``named`` (those naming a speech)."""
    index = SearchIndex(IndexConfig(db_path=db, corpus_dir=corpus, auto_build=False, dense=False))
    await index.initialize()
    spent: list[float] = []
    original = getattr(pipeline, "understand")  # noqa: B009
    setattr(pipeline, "understand", _timer(spent))  # noqa: B010
    try:
        asked = [*questions, *named]
        for question in asked[:10]:
            await index.search(question, k=3)
        totals = np.zeros((ROUNDS, len(asked)))
        understood = np.zeros((ROUNDS, len(asked)))
        relevant = 0
        for r in range(ROUNDS):
            for i, question in enumerate(asked):
                spent.clear()
                started = time.perf_counter()
                result = await index.search(question, k=3)
                totals[r, i] = (time.perf_counter() - started) * 1000
                understood[r, i] = sum(spent)
                relevant += bool(result.hits) and r == 0
    finally:
        setattr(pipeline, "understand", original)  # noqa: B010
        await index.shutdown()
    total, under = np.median(totals, axis=0), np.median(understood, axis=0)
    n = len(questions)
    return {
        "questions": len(questions),
        "named": len(named),
        "answered": relevant,
        "all": summary(list(total)),
        "plain": summary(list(total[:n])),
        "naming": summary(list(total[n:])),
        "understanding": summary(list(under)),
        "understanding_share": float(under.sum() / total.sum()) if total.sum() else 0.0,
        "without_understanding": summary(list(total - under)),
    }
