"""``python -m devtools.bench.vectors``: the semantic part's vector search at scale.

Sentence vectors of a million paragraphs cannot be embedded on this machine (about 20 sentences a
second), so this measures the search itself on stand-in vectors shaped like e5's: unit vectors
in 384 dimensions drawn around a few hundred topics (seeded). Per size it prints the memory of
the vectors and the latency of one question's 50 nearest sentences: numpy's brute-force product
in float32 (what ``DenseIndex`` does today), usearch's exact search over float16 and int8, and
usearch's HNSW graph (build time, latency, recall of the exact top 50).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .answers import summary

DIM = 384
TOP = 50
F32 = npt.NDArray[np.float32]


def stand_ins(n: int, seed: int = 1, topics: int = 300) -> F32:
    """``n`` unit vectors clustered around ``topics`` directions (e5's similarities are
    compressed in a narrow band, as here)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((topics, DIM)).astype(np.float32)
    # Sub-topics around each topic, sentences around those.
    subs = centres[rng.integers(0, topics, topics * 20)] + 0.7 * rng.standard_normal(
        (topics * 20, DIM)
    ).astype(np.float32)
    out = np.empty((n, DIM), dtype=np.float32)
    for lo in range(0, n, 1 << 16):
        hi = min(n, lo + (1 << 16))
        noise = rng.standard_normal((hi - lo, DIM)).astype(np.float32)
        out[lo:hi] = subs[rng.integers(0, len(subs), hi - lo)] + 0.5 * noise
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def _time(ask: Callable[[F32], Any], queries: F32) -> tuple[dict[str, float], list[Any]]:
    ask(queries[0])
    millis, found = [], []
    for q in queries:
        started = time.perf_counter()
        found.append(ask(q))
        millis.append((time.perf_counter() - started) * 1000)
    return summary(millis), found


def _brute(vectors: F32) -> Callable[[F32], npt.NDArray[np.int64]]:
    def ask(q: F32) -> npt.NDArray[np.int64]:
        sims = vectors @ q
        best = np.argpartition(-sims, TOP)[:TOP]
        return best[np.argsort(-sims[best])].astype(np.int64)

    return ask


def _int8(v: F32) -> npt.NDArray[np.int8]:
    return np.clip(np.round(v * 127), -127, 127).astype(np.int8)


def _recall(found: Sequence[Any], truth: Sequence[npt.NDArray[np.int64]]) -> float:
    hits = [
        len(set(np.asarray(f).tolist()) & set(t.tolist()))
        for f, t in zip(found, truth, strict=True)
    ]
    return float(np.mean(hits)) / TOP


def measure(n: int, queries: int, hnsw: bool) -> dict[str, Any]:
    """Every figure for ``n`` vectors."""
    vectors = stand_ins(n)
    asked = stand_ins(queries, seed=2)
    out: dict[str, Any] = {"vectors": n, "load": os.getloadavg()[0]}
    out["numpy_f32"], truth = _time(_brute(vectors), asked)
    out["numpy_f32"]["mb"] = vectors.nbytes / 2**20
    try:
        from usearch.index import Index, search
    except ImportError:
        return out
    for dtype in ("f16", "i8"):
        stored = vectors.astype(np.float16) if dtype == "f16" else _int8(vectors)

        def exact(q: F32, data: Any = stored, kind: str = dtype) -> Any:
            asked: Any = q.astype(np.float16) if kind == "f16" else _int8(q)
            return search(data, asked, TOP, "cos", exact=True, threads=1, dtype=kind).keys

        figures, found = _time(exact, asked)
        out[f"usearch_exact_{dtype}"] = {**figures, "recall": _recall(found, truth)}
    if hnsw:
        for dtype in ("i8",):
            index = Index(ndim=DIM, metric="cos", dtype=dtype, expansion_search=128)
            started = time.perf_counter()
            index.add(np.arange(n, dtype=np.uint64), vectors, threads=1)
            build = time.perf_counter() - started

            def approximate(q: F32, graph: Any = index) -> Any:
                return graph.search(q, TOP, threads=1).keys

            figures, found = _time(approximate, asked)
            out[f"usearch_hnsw_{dtype}"] = {
                **figures,
                "build_s": build,
                "recall": _recall(found, truth),
                "mb": index.memory_usage / 2**20,
            }
            del index
    del vectors
    return out


def _line(name: str, f: dict[str, float]) -> str:
    extra = "".join(f"  {key} {f[key]:.3g}" for key in ("recall", "build_s", "mb") if key in f)
    return f"  {name:<20} p50 {f['p50']:8.2f} ms  p95 {f['p95']:8.2f} ms{extra}"


def main(argv: Sequence[str] | None = None) -> int:
    """Print (and optionally write) the figures."""
    parser = argparse.ArgumentParser(prog="python -m devtools.bench.vectors", description=__doc__)
    parser.add_argument(
        "--vectors", default="100000", help="sizes, comma-separated (100000,1000000)"
    )
    parser.add_argument("--queries", type=int, default=50, help="questions per size")
    parser.add_argument("--no-hnsw", action="store_true", help="skip building HNSW graphs")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    try:
        sizes = [int(float(s)) for s in args.vectors.split(",") if s.strip()]
    except ValueError:
        parser.error(f"not a list of sizes: {args.vectors}")
    if not sizes or min(sizes) < TOP + 1 or args.queries < 1:
        parser.error(f"sizes must exceed {TOP} and --queries be at least 1")
    runs = []
    for n in sizes:
        run = measure(n, args.queries, not args.no_hnsw)
        runs.append(run)
        print(f"{n:,} vectors (load {run['load']:.1f}):")
        for name, figures in run.items():
            if isinstance(figures, dict):
                print(_line(name, figures))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
