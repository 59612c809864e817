"""The ``speechbot`` command line's arguments and the usage errors found before anything loads.

Kept apart from bot/cli.py so that ``speechbot --help`` and a usage error import nothing but
argparse (README, "The command line").
"""

from __future__ import annotations

import argparse
from pathlib import Path

_SPEECH = "its number, a year, part of its title, or a description"


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
    _add_embed_command(sub)
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
    ask.add_argument(
        "--offset",
        type=int,
        default=0,
        metavar="N",
        help="skip the first N passages (the next page: --offset 3)",
    )
    ask.add_argument("--speech", help=f"only search this speech: {_SPEECH}")
    ask.add_argument("--everywhere", action="store_true", help="search all, whatever it names")
    ask.add_argument("--json", action="store_true", help="print a JSON array instead of text")
    ask.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="mark matched terms with terminal bold (default: when on a terminal)",
    )
    _add_language(ask)
    ask.set_defaults(command_name="cmd_ask")

    outline = sub.add_parser(
        "outline",
        help="list the speeches, or show one speech's sections",
        description="Without SPEECH, list the speeches; with a number from that list, a year, "
        "part of a title or a description, show that speech's section tree (several matching "
        "speeches are listed, exit 2).",
    )
    outline.add_argument("speech", nargs="?", help=f"the speech: {_SPEECH}")
    _add_language(outline)
    outline.set_defaults(command_name="cmd_outline")

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
    reindex.add_argument(
        "--force",
        action="store_true",
        help="build a new generation even when the index matches the corpus",
    )
    reindex.set_defaults(command_name="cmd_reindex")


def _add_language(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--lang",
        choices=["zh", "en"],
        help="language of the labels around the speeches' text (default: SPEECHBOT_LANGUAGE or zh)",
    )


def _add_embed_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """embed: the semantic part's vectors, filled in the foreground."""
    embed = sub.add_parser(
        "embed",
        help="embed the sentences that lack vectors (the semantic part), resumably",
        description="Embed every sentence of the live index that has no vector yet, with a "
        "progress bar, committing as it goes: an interrupted run resumes where it stopped. "
        "The bot does the same in the background; 'ask' embeds in the foreground only when "
        "few sentences are missing.",
    )
    embed.set_defaults(command_name="cmd_embed")


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
        description="Check the configuration, the database (PRAGMA quick_check, integrity_check "
        "with --full; schema version; the live generation's rows against its report), the index "
        "against the corpus folder, and the token (getMe). One line per check, OK, FAIL or SKIP; "
        "exit code 0 only when none fails. The token is never printed.",
    )
    check.add_argument(
        "--offline",
        action="store_true",
        help="do not ask Telegram about the token (container health checks, no network)",
    )
    check.add_argument("--json", action="store_true", help="print the report as a JSON object")
    check.add_argument(
        "--full", action="store_true", help="PRAGMA integrity_check rather than quick_check"
    )
    check.set_defaults(command_name="cmd_check")

    run = sub.add_parser(
        "run",
        help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)",
        description="Run the Telegram bot: long polling, or a webhook server when "
        "SPEECHBOT_WEBHOOK_URL is set.",
    )
    run.set_defaults(command_name="cmd_run")


def check_ask(args: argparse.Namespace) -> None:
    """Usage errors of ``ask``, found before anything is loaded."""
    question = " ".join(args.question).strip()
    if not question:
        raise UsageError('the question is empty: speechbot ask "如何发挥基层党组织战斗堡垒作用"')
    if not any(ch.isalnum() for ch in question):
        # Only punctuation or symbols: nothing a search could match, so a usage error too.
        raise UsageError(f"the question {question!r} has no words to search for")
    if args.k < 1:
        raise UsageError("-k must be at least 1")
    if args.offset < 0:
        raise UsageError("--offset must be 0 or more")
