"""Measurements of one corpus size for ``devtools.bench``: build, memory, queries, rank-bm25."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from tqdm import tqdm

from index import BM25, BM25Params, Postings, Tokenizer, Variant

from ..synth import Source, named_questions, token_documents, write_corpus
from .dense import semantic_rows
from .engines import tantivy_engine, timed
from .steal import stolen

#: The source checkout holding ``devtools``.
CHECKOUT = Path(__file__).resolve().parents[2]
#: Above this size rank-bm25 (seconds per query) answers only a sample of the questions.
REFERENCE_FULL_UP_TO = 100_000
REFERENCE_SAMPLE = 25


def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 and mean of latencies in milliseconds."""
    a = np.asarray(samples_ms, dtype=np.float64)
    if len(a) == 0:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "mean": 0.0}
    p50, p95, p99 = np.percentile(a, [50, 95, 99])
    return {"p50": float(p50), "p95": float(p95), "p99": float(p99), "mean": float(a.mean())}


def index_bytes(bm25: BM25) -> int:
    """Bytes of the arrays a loaded index holds in memory."""
    p = bm25.postings
    arrays: list[npt.NDArray[Any]] = [
        p.indptr,
        p.rows,
        p.tfs,
        p.big_at,
        p.big_tf,
        p.doc_len,
        bm25.df,
        bm25.idf,
        bm25._norm,
        bm25._approx,
        bm25.bounds.top,
        bm25.bounds.kth,
    ]
    return int(sum(a.nbytes for a in arrays))


def build_from_tokens(docs: list[list[str]], params: BM25Params) -> tuple[BM25, dict[str, float]]:
    """Postings and scorer from token lists: time, and peak memory by tracemalloc."""
    gc.collect()
    started = time.perf_counter()
    bm25 = BM25(Postings.from_documents(docs), params)
    seconds = time.perf_counter() - started
    del bm25
    gc.collect()
    tracemalloc.start()
    bm25 = BM25(Postings.from_documents(docs), params)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return bm25, {
        "seconds": seconds,
        "paragraphs_per_s": len(docs) / seconds if seconds else 0.0,
        "peak_mb": peak / 2**20,
        "postings": len(bm25.postings.rows),
        "terms": len(bm25.postings.terms),
        "index_mb": index_bytes(bm25) / 2**20,
    }


def query_latency(
    bm25: BM25, queries: list[list[str]], k: int = 10, rounds: int = 3
) -> dict[str, float]:
    """Latency of ``BM25.top`` (top ``k``): each question's median of ``rounds`` runs (so that a
    busy machine's hiccups do not pass for the search's own spread), then percentiles."""
    millis = timed(lambda tokens: bm25.top(tokens, k), queries, "BM25.top", rounds)
    return {**percentiles(millis), "max": max(millis, default=0.0), "rounds": rounds}


def tantivy_latency(docs: list[list[str]], queries: list[list[str]], ours: float) -> dict[str, Any]:
    """tantivy on the same token lists and questions; ``ratio_p50`` is ours / tantivy's."""
    made = tantivy_engine(docs)
    if made is None:
        return {}
    ask, info = made
    millis = timed(ask, queries, "tantivy")
    del ask
    gc.collect()
    found = {**info, **percentiles(millis), "max": max(millis, default=0.0)}
    found["ratio_p50"] = ours / found["p50"] if found["p50"] else 0.0
    return found


def reference(
    docs: list[list[str]], bm25: BM25, queries: list[list[str]], k: int = 10
) -> dict[str, Any]:
    """rank-bm25 on the same corpus and questions: build, get_scores + top-k, and agreement."""
    from rank_bm25 import BM25L, BM25Okapi, BM25Plus

    cls = {Variant.OKAPI: BM25Okapi, Variant.PLUS: BM25Plus, Variant.L: BM25L}[bm25.params.variant]
    sample = queries if len(docs) <= REFERENCE_FULL_UP_TO else queries[:REFERENCE_SAMPLE]
    started = time.perf_counter()
    ref = cls(docs)
    build_s = time.perf_counter() - started
    times, worst = [], 0.0
    for tokens in tqdm(sample, desc="rank-bm25 queries", file=sys.stderr, leave=False):
        started = time.perf_counter()
        scores = ref.get_scores(tokens)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        times.append((time.perf_counter() - started) * 1000)
        ours, _ = bm25.top(tokens, k)
        expected = scores[top][: len(ours)]
        if len(ours):
            worst = max(worst, float(np.abs(np.array([s for _, s in ours]) - expected).max()))
    del ref
    gc.collect()
    return {
        "build_s": build_s,
        "queries": len(sample),
        "max_score_diff": worst,
        **percentiles(times),
    }


def child(args: list[str]) -> tuple[dict[str, Any], float]:
    """Run ``devtools.bench.child`` with ``args``; its JSON and the wall time to its answer."""
    # devtools is not installed: the child finds it in this checkout, whatever its directory.
    path = os.pathsep.join(p for p in (str(CHECKOUT), os.environ.get("PYTHONPATH")) if p)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "devtools.bench.child", *args],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    wall = time.perf_counter() - started
    proc.wait()
    if proc.returncode != 0 or not line:
        raise RuntimeError(f"bench child {args[0]} failed with exit code {proc.returncode}")
    return json.loads(line), wall


def measure(
    src: Source,
    n: int,
    tokenizer: Tokenizer,
    questions: list[str],
    params: BM25Params,
    *,
    with_reference: bool,
    with_tantivy: bool = True,
    named: int = 40,
    workdir: Path | None = None,
    semantic: int | None = None,
) -> dict[str, Any]:
    """Every figure for one corpus size; with ``semantic`` (brute-force questions, 0 for none)
    the semantic part's too, on the same built database (``dense.semantic_rows``)."""
    out: dict[str, Any] = {"paragraphs": n}
    with tempfile.TemporaryDirectory(prefix="speechbot-bench-", dir=workdir) as tmp:
        folder, db = Path(tmp) / "corpus", Path(tmp) / "bench.db"
        files = write_corpus(src, n, folder)
        steal: dict[str, object] = {}
        with stolen(steal):
            built, wall = child(["build", str(db), str(folder)])
        out["from_text"] = {**built, "files": files, "wall_s": wall, **steal}
        out["db_mb"] = built["db_bytes"] / 2**20
        cold = [child(["coldstart", str(db), str(folder), q])[1] for q in questions[:3]]
        info, _ = child(["coldstart", str(db), str(folder), questions[0]])
        out["cold_start"] = {"seconds": float(np.median(cold)), "runs": cold, **info}
        asked = {"questions": questions, "named": named_questions(src, files, named)}
        (Path(tmp) / "questions.json").write_text(json.dumps(asked, ensure_ascii=False), "utf-8")
        with stolen(steal):
            out["search"], _ = child(
                ["search", str(db), str(folder), str(Path(tmp) / "questions.json")]
            )
        out["search"]["load"] = os.getloadavg()[0]
        out["search"]["steal"] = steal["steal"]
        if semantic is not None:
            work = Path(tmp) / "semantic"
            work.mkdir()
            out["semantic"] = semantic_rows(db, folder, work, questions, semantic)
    docs = token_documents(src, n, tokenizer)
    bm25, out["from_tokens"] = build_from_tokens(docs, params)
    queries = [t for t in (tokenizer.tokens(q) for q in questions) if t]
    out["queries"] = {"count": len(queries), "k": 10}
    with stolen(out["queries"]):
        out["queries"].update(query_latency(bm25, queries))
        if with_tantivy:
            out["tantivy"] = tantivy_latency(docs, queries, out["queries"]["p50"])
    out["queries"]["load"] = os.getloadavg()[0]
    if with_reference:
        ref = reference(docs, bm25, queries)
        ref["ratio_p50"] = ref["p50"] / out["queries"]["p50"]
        ref["ratio_mean"] = ref["mean"] / out["queries"]["mean"]
        out["rank_bm25"] = ref
    return out
