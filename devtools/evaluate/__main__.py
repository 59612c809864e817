"""``python -m devtools.evaluate``: dev and blind figures side by side, speechbot and baseline."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from corpus import bundled_corpus_dir
from index import BM25Params, BuildOptions, IndexConfig, Variant

from . import __doc__ as ABOUT
from .questions import blind_set, dev_set, load
from .report import as_json, by_file, check_targets, misses, summary, table
from .systems import Baseline, run_speechbot


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="speechbot eval", description=(ABOUT or "").splitlines()[0]
    )
    parser.add_argument("--devset", type=Path, help="evaluate this JSONL file as the dev set")
    parser.add_argument("--corpus", type=Path, help="corpus folder (default: bundled speeches)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    parser.add_argument(
        "--misses",
        action="store_true",
        help="list the development questions speechbot misses (never the blind ones)",
    )
    parser.add_argument("--no-check", action="store_true", help="exit 0 even when targets fail")
    parser.add_argument(
        "--dev-only",
        action="store_true",
        help="the development set alone, for tuning: the blind set is neither asked nor shown "
        "(and no target is checked)",
    )
    parser.add_argument("--dense", choices=["on", "off"], default="on", help="semantic part")
    parser.add_argument(
        "--pairs",
        choices=["on", "off"],
        default="on",
        help="two consecutive sentences embedded too, not only each sentence "
        "(SPEECHBOT_SENTENCE_PAIRS)",
    )
    parser.add_argument(
        "--synonyms",
        choices=["on", "off"],
        default="on",
        help="the bundled everyday-to-official word list (index/query/data/synonyms.txt)",
    )
    parser.add_argument(
        "--min-coverage", type=float, metavar="X", help="lexical relevance threshold to evaluate"
    )
    parser.add_argument(
        "--variant",
        choices=[v.value for v in Variant],
        default=Variant.PLUS.value,
        help="BM25 variant to evaluate (default: plus)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Print the evaluation; exit 1 when a blind target does not hold."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    dev = load(args.devset) if args.devset else dev_set()
    blind = [] if args.dev_only else blind_set()
    corpus_dir = args.corpus or bundled_corpus_dir()
    options = BuildOptions(BM25Params(Variant(args.variant)))
    with tempfile.TemporaryDirectory() as tmp:
        config = IndexConfig(
            db_path=Path(tmp) / "eval.db",
            corpus_dir=corpus_dir,
            options=options,
            dense=args.dense == "on",
            sentence_pairs=args.pairs == "on",
        )
        if args.synonyms == "off":
            config = dataclasses.replace(config, synonyms=None)
        if args.min_coverage is not None:
            config = dataclasses.replace(config, min_coverage=args.min_coverage)
        ours_dev, ours_blind = asyncio.run(run_speechbot([dev, blind], config))
    baseline = Baseline(corpus_dir)
    figs = {"dev": (summary(ours_dev), summary(baseline.run(dev)))}
    if blind:
        figs["blind"] = (summary(ours_blind), summary(baseline.run(blind)))
    print(
        f"speechbot (dense {args.dense}, pairs {args.pairs}, synonyms {args.synonyms}) vs the plain baseline (lines, jieba.lcut, BM25Okapi); "
        f"dev {len(dev)} questions, blind {len(blind)}\n"
    )
    rows = [(f"dev ({len(dev)})", *figs["dev"])]
    if blind:
        rows.append((f"blind ({len(blind)})", *figs["blind"]))
    print(table(rows))
    if blind:
        print("\n" + "\n".join(by_file(ours_blind)))
    if args.misses:
        print("\nmissed by speechbot (dev):\n" + "\n".join(misses(ours_dev)))
    if args.json:
        data = {
            name: {"speechbot": as_json(o), "baseline": as_json(b)} for name, (o, b) in figs.items()
        }
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    if not blind:
        return 0
    failures = check_targets(figs["blind"][0])
    print(
        "\nblind targets: "
        + ("all hold" if not failures else "NOT MET\n  " + "\n  ".join(failures))
    )
    return 1 if failures and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main())
