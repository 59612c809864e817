"""``python -m devtools.bench.dense``: the full ``SearchIndex.search()`` with the semantic part at
100k and 1M paragraphs, over stand-in sentence vectors written into a real built database.

Per size: a database (100k: built here from synthetic speeches; 1M: a copy of ``--base-db``,
never the original), every sentence of its generation given a stand-in vector
(``standins``), then, each in a fresh process (``dense_child``): ``search()`` with the semantic
part off, with it as shipped (faiss IVF-SQ8 above 100k sentences: load time, memory, recall of
the exact top 50 at several nprobe), and by numpy brute force; and the question's embedding by
the real model on its own row. p50/p95/max per question (median of 3 passes; brute force at 1M
one pass over ``--brute-questions``), CPU time and the load average beside each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from index import IndexConfig, SearchIndex

from ..synth import questions, source, write_corpus
from . import standins

#: The source checkout holding ``devtools``.
CHECKOUT = Path(__file__).resolve().parents[2]

SIZES = {"100k": 100_000, "1m": 1_000_000}


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(prog="python -m devtools.bench.dense", description=__doc__)
    p.add_argument("--paragraphs", default="100k,1m", help="sizes among 100k,1m (default both)")
    p.add_argument(
        "--base-db",
        type=Path,
        default=Path("/work/shared1m/base.db"),
        help="built 1M database (copied)",
    )
    p.add_argument(
        "--base-corpus", type=Path, default=Path("/work/shared1m/corpus"), help="its speech files"
    )
    p.add_argument("--queries", type=int, default=200, help="questions per size (default 200)")
    p.add_argument(
        "--brute-questions", type=int, default=30, help="questions for brute force at 1M"
    )
    p.add_argument(
        "--workdir", type=Path, help="where the databases go (default: a temporary folder)"
    )
    p.add_argument("--json", type=Path, help="write every figure here")
    return p


def _child(mode: str, db: Path, corpus: Path, work: Path, n: int) -> dict[str, Any]:
    # devtools is not installed: the child finds it in this checkout, whatever the directory.
    path = os.pathsep.join(p for p in (str(CHECKOUT), os.environ.get("PYTHONPATH")) if p)
    command = [
        sys.executable,
        "-m",
        "devtools.bench.dense_child",
        mode,
        str(db),
        str(corpus),
        str(work),
        str(n),
    ]
    print(f"  {mode} …", file=sys.stderr)
    done = subprocess.run(
        command, check=True, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": path}
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {mode}: {json.dumps(result)}", file=sys.stderr)
    return result


def _database(size: str, work: Path, args: argparse.Namespace) -> tuple[Path, Path, float]:
    db = work / f"{size}.db"
    started = time.perf_counter()
    if size == "1m":
        shutil.copyfile(args.base_db, db)
        return db, args.base_corpus, time.perf_counter() - started
    corpus = work / f"{size}-corpus"
    write_corpus(source(), SIZES[size], corpus)
    index = SearchIndex(IndexConfig(db_path=db, corpus_dir=corpus))
    asyncio.run(_build(index))
    return db, corpus, time.perf_counter() - started


async def _build(index: SearchIndex) -> None:
    await index.initialize()
    await index.shutdown()


def semantic_rows(
    db: Path, corpus: Path, work: Path, asked: list[str], brute_questions: int
) -> dict[str, Any]:
    """The semantic part's figures on the built database ``db`` (of ``corpus``): stand-in
    vectors written into it, then search() off, by brute force (over the first
    ``brute_questions``; none for 0), as shipped (twice: the first start builds the index, the
    second, a restart, reads it back when it was saved) and the real model's query embedding,
    each in a fresh process. ``work`` receives the questions and the stand-ins' queries and truth."""
    (work / "questions.json").write_text(json.dumps(asked, ensure_ascii=False), encoding="utf-8")
    run: dict[str, Any] = {"standins": asyncio.run(standins.write(db, corpus, work))}
    print(f"  stand-ins: {run['standins']}", file=sys.stderr)
    n = len(asked)
    run["off"] = _child("off", db, corpus, work, n)
    if brute_questions > 0:
        run["brute"] = _child("brute", db, corpus, work, min(n, brute_questions))
    run["ivf"] = _child("ivf", db, corpus, work, n)  # builds the index, and saves it above 100k
    run["restart"] = _child("ivf", db, corpus, work, n)  # a restart: the saved index read back
    run["embed"] = _child("embed", db, corpus, work, n)
    return run


def measure(size: str, work: Path, asked: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """Every figure of one size."""
    db, corpus, prepared = _database(size, work, args)
    brute = len(asked) if size != "1m" else args.brute_questions
    run: dict[str, Any] = {"paragraphs": SIZES[size], "prepare_s": prepared}
    run.update(semantic_rows(db, corpus, work, asked, brute))
    db.unlink()
    for extra in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        extra.unlink(missing_ok=True)
    return run


#: The columns of ``row``.
HEADER = (
    "| paragraphs | sentences | search() ms p50/p95/max, shipped | brute force | dense off "
    "| query embedding | nlist/nprobe | load, RSS | restart load, RSS | brute RSS | off RSS "
    "| load avg |\n|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def row(paragraphs: int, run: dict[str, Any]) -> str:
    """One size's figures as a Markdown row under ``HEADER``."""

    def t(f: dict[str, Any]) -> str:
        return f"{f['p50']:.1f} / {f['p95']:.1f} / {f['max']:.1f}"

    ivf, brute, off = run["ivf"], run.get("brute"), run["off"]
    again = run.get("restart", ivf)
    rec = ivf.get("recall", {})
    shipped = rec.get(f"nprobe_{rec.get('nprobe')}", {}).get("recall", float("nan"))
    brute_rss = f"{brute['rss_mb']:.0f} MB" if brute else "—"
    return (
        f"| {paragraphs:,} | {run['standins']['sentences']:,} | {ivf['backend']} {t(ivf['search'])} "
        f"| {t(brute['search']) if brute else '—'} | {t(off['search'])} "
        f"| {t(run['embed']['query_embedding'])} "
        f"| {rec.get('nlist', '-')}/{rec.get('nprobe', '-')} recall {shipped:.3f} "
        f"| {ivf['load_s']:.0f} s, {ivf['rss_mb']:.0f} MB "
        f"| {again['load_s']:.1f} s, {again['rss_mb']:.0f} MB "
        f"| {brute_rss} "
        f"| {off['rss_mb']:.0f} MB "
        f"| {ivf['load_average'][0][0]:.1f}–{ivf['load_average'][1][0]:.1f} |"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    args = parser().parse_args(argv)
    sizes = [s.strip().lower() for s in args.paragraphs.split(",") if s.strip()]
    if not sizes or any(s not in SIZES for s in sizes):
        parser().error("--paragraphs takes 100k and/or 1m")
    asked = questions(source(), args.queries)
    runs = []
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        for size in sizes:
            work = Path(tmp) / size
            work.mkdir()
            print(f"measuring {size} …", file=sys.stderr)
            runs.append(measure(size, work, asked, args))
    print(HEADER)
    for run in runs:
        print(row(run["paragraphs"], run))
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpus": os.cpu_count(),
        "runs": runs,
    }
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
