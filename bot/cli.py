"""The ``speechbot`` command line: ask, outline, reindex, check, run."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from index import (
    BuildError,
    BuildReport,
    IndexUnavailable,
    SchemaError,
    SearchIndex,
    SpeechInfo,
)

from . import terminal
from .settings import ConfigError, Settings

log = logging.getLogger("speechbot")

_SPEECH = "its number, a year, part of its title, or a description"
Command = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


class UsageError(Exception):
    """Wrong input from the person at the terminal (exit code 2)."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with help on every command."""
    parser = argparse.ArgumentParser(
        prog="speechbot",
        description="Answer questions about a corpus of speeches, from the terminal or on Telegram.",
        epilog="Configuration comes from environment variables; see README.md.",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log progress details to stderr"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_index_commands(sub)
    _add_service_commands(sub)
    return parser


def _add_index_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """ask, outline and reindex: the commands that work on the index."""
    ask = sub.add_parser(
        "ask",
        help="print the passages that best answer a question",
        description="Print the passages that best answer QUESTION.",
    )
    ask.add_argument(
        "question", nargs="+", help="the question, e.g. 如何发挥基层党组织战斗堡垒作用"
    )
    ask.add_argument("-k", type=int, default=3, help="number of passages (default 3)")
    ask.add_argument("--speech", help=f"only search this speech: {_SPEECH}")
    ask.add_argument("--everywhere", action="store_true", help="search all, whatever it names")
    ask.add_argument("--json", action="store_true", help="print a JSON array instead of text")
    ask.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="mark matched terms with terminal bold (default: when on a terminal)",
    )
    ask.set_defaults(func=cmd_ask)

    outline = sub.add_parser(
        "outline",
        help="list the speeches, or show one speech's sections",
        description="Without SPEECH, list the speeches; with a number from that "
        "list or part of a title, show that speech's section tree.",
    )
    outline.add_argument("speech", nargs="?", help=f"the speech: {_SPEECH}")
    outline.set_defaults(func=cmd_outline)

    reindex = sub.add_parser(
        "reindex",
        help="rebuild the index from the corpus folder",
        description="Rebuild the index beside the live one and swap it in.",
    )
    reindex.add_argument(
        "--corpus",
        type=Path,
        metavar="DIR",
        help="corpus folder (default: SPEECHBOT_CORPUS or the bundled speeches)",
    )
    reindex.set_defaults(func=cmd_reindex)


def _add_service_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """eval, check and run."""
    # Listed for --help only: main() hands ``eval`` and its options to the evaluation.
    evaluate = sub.add_parser(
        "eval",
        help="measure retrieval quality on the development set",
        description="Recall@1/3, MRR@10 and 'nothing relevant' rates per "
        "question kind, beside the plain BM25 baseline; exit 1 below target.",
        add_help=False,
    )
    evaluate.add_argument(
        "args", nargs=argparse.REMAINDER, help="options of python -m devtools.evaluate"
    )

    check = sub.add_parser(
        "check",
        help="check configuration, database, index freshness and token; exit 0 when all hold",
        description="Check the configuration (every variable), the database (PRAGMA "
        "integrity_check, schema version), the index against the corpus folder, and the token "
        "(getMe against TELEGRAM_API_URL). One line per check, OK, FAIL or SKIP with the reason; "
        "exit code 0 only when none fails. The token is never printed.",
    )
    check.add_argument(
        "--offline",
        action="store_true",
        help="do not ask Telegram about the token (container health checks, no network)",
    )
    check.add_argument("--json", action="store_true", help="print the report as a JSON object")
    check.set_defaults(func=cmd_check)

    run = sub.add_parser(
        "run",
        help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)",
        description="Run the Telegram bot: long polling, or a webhook server when "
        "SPEECHBOT_WEBHOOK_URL is set.",
    )
    run.set_defaults(func=cmd_run)


async def _open_index(settings: Settings, *, show_progress: bool = True) -> SearchIndex:
    index = SearchIndex(settings.index_config)
    with terminal.ProgressBar(enabled=show_progress) as bar:
        await index.initialize(progress=bar.update, refresh=True)
    return index


async def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """``speechbot ask``."""
    question = " ".join(args.question).strip()
    if not question:
        raise UsageError('the question is empty: speechbot ask "如何发挥基层党组织战斗堡垒作用"')
    if not any(ch.isalnum() for ch in question):
        # Only punctuation or symbols: nothing a search could match, so a usage error too.
        raise UsageError(f"the question {question!r} has no words to search for")
    if args.k < 1:
        raise UsageError("-k must be at least 1")
    index = await _open_index(settings)
    try:
        speech = None
        if args.speech:
            speech = _one_speech(await index.match_speech(args.speech), args.speech).number
        result = await index.search(question, k=args.k, speech=speech, everywhere=args.everywhere)
    finally:
        await index.shutdown()
    if args.json:
        print(json.dumps(terminal.json_hits(result), ensure_ascii=False, indent=2))
    else:
        print(terminal.render_result(result, color=terminal.use_color(args.color)))
    return 0


async def cmd_outline(args: argparse.Namespace, settings: Settings) -> int:
    """``speechbot outline``."""
    index = await _open_index(settings)
    try:
        if not args.speech:
            print(terminal.render_speeches(await index.speeches()))
            return 0
        info = _one_speech(await index.match_speech(args.speech), args.speech)
        outline = await index.outline(info.number)
    finally:
        await index.shutdown()
    if outline is None:
        raise UsageError(f"no speech matches {args.speech!r}; run 'speechbot outline' for the list")
    print(terminal.render_outline(outline))
    return 0


def _one_speech(found: list[SpeechInfo], ref: str) -> SpeechInfo:
    """The one speech a reference means; a usage error naming the candidates otherwise."""
    if len(found) == 1:
        return found[0]
    if not found:
        raise UsageError(f"no speech matches {ref!r}; run 'speechbot outline' for the list")
    raise UsageError(f"{ref!r} may mean several speeches:\n{terminal.render_candidates(found)}")


async def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    """``speechbot reindex``."""
    index = SearchIndex(settings.index_config)
    try:
        with terminal.ProgressBar(enabled=True) as bar:
            await index.initialize(progress=bar.update)
            report: BuildReport = await index.reindex(args.corpus, progress=bar.update)
    finally:
        await index.shutdown()
    print(terminal.render_report(report))
    if args.corpus is not None and args.corpus.resolve() != settings.corpus_dir.resolve():
        # The next ask/outline/run compares the index with the configured folder and would
        # rebuild from it; say so rather than let the index silently change back.
        print(
            f"note: later commands use the configured corpus {settings.corpus_dir}; "
            f"set SPEECHBOT_CORPUS={args.corpus} to keep serving this one",
            file=sys.stderr,
        )
    return 0


async def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """``speechbot check``."""
    from .check import run_checks, settings_from_env

    # Settings are read again so that every malformed variable is named, not only the first.
    checked, problems = settings_from_env(os.environ)
    report = await run_checks(checked, problems, offline=args.offline)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.lines()))
    return 0 if report.ok else 1


async def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """``speechbot run``."""
    if not settings.token:
        print(
            "speechbot: TELEGRAM_BOT_TOKEN is not set. Set it to your bot's token from @BotFather "
            "(hint: 'speechbot ask \"问题\"' works without one).",
            file=sys.stderr,
        )
        return 2
    if settings.webhook_mode and not settings.webhook_secret:
        print(
            "speechbot: SPEECHBOT_WEBHOOK_SECRET is not set; webhook mode needs it so that only "
            "Telegram can post updates (see 'speechbot check').",
            file=sys.stderr,
        )
        return 2
    from .app import run_bot

    await run_bot(settings)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``speechbot`` console script and ``python -m bot``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["eval"]:
        # The evaluation has its own options (see ``speechbot eval --help``).
        # A dev tool, not in the wheel: it runs from a source checkout (the current directory).
        if (Path.cwd() / "devtools" / "evaluate").is_dir():
            sys.path.insert(0, str(Path.cwd()))
        try:
            from devtools.evaluate.__main__ import main as evaluate
        except ModuleNotFoundError as exc:
            if exc.name not in ("devtools", "devtools.evaluate", "devtools.evaluate.__main__"):
                raise
            print(
                "speechbot eval runs from a source checkout: run it in the speechbot repository "
                "(the folder holding devtools/)",
                file=sys.stderr,
            )
            return 2
        return evaluate(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        if args.command != "check":  # check names every bad variable itself
            print(f"speechbot: {exc}", file=sys.stderr)
            return 2
        settings = Settings()
    level = logging.DEBUG if args.verbose else getattr(logging, settings.log_level, logging.INFO)
    if args.command != "run" and not args.verbose:
        level = max(level, logging.WARNING)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))
    try:
        command: Command = args.func
        return asyncio.run(command(args, settings))
    except UsageError as exc:
        print(f"speechbot: {exc}", file=sys.stderr)
        return 2
    except (IndexUnavailable, BuildError, SchemaError, ConfigError) as exc:
        print(f"speechbot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
