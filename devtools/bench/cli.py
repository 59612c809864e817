"""Benchmark: build, cold start, memory and query latency on synthetic corpora, beside rank-bm25.

    python -m devtools.bench --paragraphs 10000,100000 --json bench.json
    python -m devtools.bench --paragraphs 100k,1m --dense --json bench.json   # every row at once

Corpora recombine the bundled speeches' sentences (seeded, so runs compare). The figures are
printed as a table and, with ``--json``, written for later comparison.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from index import BM25Params, Tokenizer, Variant

from ..synth import questions, source
from . import dense
from .measure import measure
from .steal import percent

DEFAULT_SIZES = (10_000,)


def _sizes(values: list[str] | None) -> list[int]:
    if not values:
        return list(DEFAULT_SIZES)
    sizes = []
    for value in values:
        for part in value.split(","):
            part = part.strip().lower().replace("_", "")
            if not part:
                continue
            scale = {"k": 1_000, "m": 1_000_000}.get(part[-1], 1)
            number = int(float(part[:-1]) * scale) if scale > 1 else int(part)
            if number < 1:
                raise argparse.ArgumentTypeError(f"not a paragraph count: {value}")
            sizes.append(number)
    return sizes


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(
        prog="python -m devtools.bench",
        description="Measure build time, cold start, memory and query latency of speechbot's "
        "index on synthetic corpora recombined from the bundled speeches: the full search() "
        "and BM25.top, with tantivy and rank-bm25 beside it on the same corpus and questions.",
    )
    p.add_argument(
        "--paragraphs",
        action="append",
        metavar="N[,N...]",
        help="corpus size(s) in paragraphs; repeatable or comma-separated, 10k and 1m allowed "
        f"(default {DEFAULT_SIZES[0]})",
    )
    p.add_argument("--queries", type=int, default=200, help="questions per size (default 200)")
    p.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON")
    p.add_argument(
        "--skip-rank-bm25", action="store_true", help="do not run rank-bm25 beside speechbot"
    )
    p.add_argument(
        "--skip-tantivy", action="store_true", help="do not run tantivy beside speechbot"
    )
    p.add_argument(
        "--named",
        type=int,
        default=40,
        help="questions naming a synthetic speech (year, meeting, part) asked of search() "
        "beside --queries (default 40)",
    )
    p.add_argument(
        "--variant",
        choices=[v.value for v in Variant],
        default=os.environ.get("SPEECHBOT_BM25", Variant.PLUS.value),
        help="BM25 variant (default: SPEECHBOT_BM25 or plus)",
    )
    p.add_argument(
        "--dense",
        action="store_true",
        help="also measure search() with the semantic part on each built database (stand-in "
        "sentence vectors; faiss above 100k sentences), and the real model's query embedding",
    )
    p.add_argument(
        "--brute-questions",
        type=int,
        default=30,
        metavar="N",
        help="with --dense: questions asked of numpy brute force over every vector too "
        "(default 30; 0 skips it)",
    )
    p.add_argument("--workdir", type=Path, help="where the temporary corpora and databases go")
    return p


def _row(run: dict[str, Any]) -> list[str]:
    q, ft, tt, cold = run["queries"], run["from_text"], run["from_tokens"], run["cold_start"]
    ref = run.get("rank_bm25")
    cells = [
        f"{run['paragraphs']:,}",
        f"{ft['seconds']:.1f} ({percent(ft.get('steal'))} stolen)",
        f"{tt['seconds']:.2f} ({tt['paragraphs_per_s'] / 1000:.0f}k/s)",
        f"{ft['peak_mb']:.0f} / {tt['peak_mb']:.0f}",
        f"{tt['index_mb']:.0f} / {cold['rss_mb']:.0f}",
        f"{run['db_mb']:.0f}",
        f"{cold['seconds']:.2f}",
        f"{q['p50']:.2f} / {q['p95']:.2f} / {q['p99']:.2f}",
    ]
    if ref:
        cells += [f"{ref['p50']:.0f} / {ref['p95']:.0f}", f"{ref['ratio_p50']:.0f}×"]
    else:
        cells += ["—", "—"]
    return cells


HEADER = [
    "paragraphs",
    "build text s",
    "build tokens s",
    "peak MB text/tokens",
    "index MB / RSS",
    "DB MB",
    "cold start s",
    "query ms p50/p95/p99",
    "rank-bm25 ms p50/p95",
    "speed-up p50",
]


WAIT_HEADER = [
    "paragraphs",
    "search() ms p50/p95/max (dense off)",
    "naming a speech p50/p95",
    "understanding share",
    "search() without it p50/p95",
    "BM25.top ms p50/p95/max",
    "tantivy ms p50/p95",
    "BM25.top / tantivy p50",
    "rank-bm25 / BM25.top p50",
    "load",
    "CPU stolen",
]


def _triple(f: dict[str, float], keys: tuple[str, ...] = ("p50", "p95", "max")) -> str:
    return " / ".join(f"{f[k]:.2f}" for k in keys)


def _wait_row(run: dict[str, Any]) -> list[str]:
    s, q, t, ref = run["search"], run["queries"], run.get("tantivy"), run.get("rank_bm25")
    return [
        f"{run['paragraphs']:,}",
        _triple(s["all"]),
        _triple(s["naming"], ("p50", "p95")),
        f"{s['understanding_share']:.0%}",
        _triple(s["without_understanding"], ("p50", "p95")),
        _triple(q),
        _triple(t, ("p50", "p95")) if t else "—",
        f"{t['ratio_p50']:.2f}×" if t else "—",
        f"{ref['ratio_p50']:.0f}×" if ref else "—",
        f"{s['load']:.1f} / {q['load']:.1f}",
        f"{percent(s.get('steal'))} / {percent(q.get('steal'))}",
    ]


def _markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def table(runs: list[dict[str, Any]]) -> str:
    """The figures as Markdown tables: what users wait for, build and memory, and (measured
    with ``--dense``) the semantic part."""
    tables = [
        _markdown(WAIT_HEADER, [_wait_row(r) for r in runs]),
        _markdown(HEADER, [_row(r) for r in runs]),
    ]
    semantic = [dense.row(r["paragraphs"], r["semantic"]) for r in runs if "semantic" in r]
    if semantic:
        tables.append("\n".join([dense.HEADER, *semantic]))
    return "\n\n".join(tables)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    args = parser().parse_args(argv)
    try:
        sizes = _sizes(args.paragraphs)
    except (ValueError, argparse.ArgumentTypeError) as exc:
        parser().error(str(exc))
    if args.queries < 1 or args.named < 0 or args.brute_questions < 0:
        parser().error("--queries must be at least 1, --named and --brute-questions at least 0")
    logging.basicConfig(level=logging.WARNING)
    params = BM25Params(variant=Variant(args.variant))
    src = source()
    tokenizer = Tokenizer()
    tokenizer.initialize()
    asked = questions(src, args.queries)
    runs = []
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    for n in sizes:
        print(f"measuring {n:,} paragraphs …", file=sys.stderr)
        runs.append(
            measure(
                src,
                n,
                tokenizer,
                asked,
                params,
                with_reference=not args.skip_rank_bm25,
                with_tantivy=not args.skip_tantivy,
                named=args.named,
                workdir=args.workdir,
                semantic=args.brute_questions if args.dense else None,
            )
        )
        print(table(runs[-1:]), file=sys.stderr)
    print(table(runs))
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "variant": params.variant.value,
        "questions": len(asked),
        "named_questions": args.named,
        "load_average": os.getloadavg(),
        "sentences": len(src.sentences),
        "runs": runs,
    }
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
