"""Bench child processes: a build from text, a cold start (process start → first answer), and
the full answer path (``SearchIndex.search``) over a file of questions.

Run by ``devtools.bench`` as ``python -m devtools.bench.child build|coldstart|search DB CORPUS
[QUESTION | QUESTIONS.json]``; each prints one JSON line. A fresh process is the only honest way to
see start-up and peak memory.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from pathlib import Path

from tqdm import tqdm

from index import IndexConfig, SearchIndex

from .answers import answer_path


def _rss_mb() -> float:
    with open("/proc/self/statm") as stream:
        return int(stream.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _build(db: Path, corpus: Path) -> dict[str, float]:
    bars: dict[str, tqdm[None]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if total <= 1:
            return
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=f"build {stage}", file=sys.stderr)
        bar.update(done - bar.n)

    started = time.perf_counter()
    index = SearchIndex(IndexConfig(db_path=db, corpus_dir=corpus))
    await index.initialize(progress)
    seconds = time.perf_counter() - started
    for bar in bars.values():
        bar.close()
    info = await index.info()
    await index.shutdown()
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "paragraphs": info.paragraphs,
        "db_bytes": info.db_bytes,
    }


async def _cold(db: Path, corpus: Path, question: str) -> dict[str, float]:
    index = SearchIndex(IndexConfig(db_path=db, corpus_dir=corpus, auto_build=False))
    await index.initialize()
    loaded = time.perf_counter()
    result = await index.search(question, k=3)
    answered = time.perf_counter()
    rss = _rss_mb()
    await index.shutdown()
    return {
        "hits": len(result.hits),
        "search_ms": (answered - loaded) * 1000,
        "rss_mb": rss,
        "peak_mb": _peak_mb(),
    }


def main(argv: list[str]) -> int:
    """Entry point: ``build DB CORPUS``, ``coldstart DB CORPUS QUESTION`` or
    ``search DB CORPUS QUESTIONS.json``."""
    if len(argv) < 3 or argv[0] not in ("build", "coldstart", "search"):
        sys.stderr.write(
            "usage: python -m devtools.bench.child build|coldstart|search DB CORPUS [QUESTION]\n"
        )
        return 2
    db, corpus = Path(argv[1]), Path(argv[2])
    if argv[0] == "build":
        out = asyncio.run(_build(db, corpus))
    elif argv[0] == "search":
        asked = json.loads(Path(argv[3]).read_text(encoding="utf-8"))
        out = asyncio.run(answer_path(db, corpus, asked["questions"], asked["named"]))
    else:
        out = asyncio.run(_cold(db, corpus, argv[3] if len(argv) > 3 else "基层党组织"))
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
