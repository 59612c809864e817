"""The ``speechbot`` command line: ask, outline, reindex, check, run."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The index (numpy, SQLite, the tokenizer) and the settings that import it are loaded only by
# the commands that need them, so that --help and usage errors answer at once (README,
# "The command line").
if TYPE_CHECKING:
    from index import SearchIndex, SpeechInfo

    from .settings import Settings

from . import logs
from .cli_args import UsageError, build_parser, check_ask

log = logging.getLogger("speechbot")

Command = Callable[[argparse.Namespace, "Settings"], Coroutine[Any, Any, int]]


async def _open_index(settings: Settings, *, show_progress: bool = True) -> SearchIndex:
    import dataclasses

    from index import SearchIndex

    from . import terminal

    # One answer, then exit: read only the postings a question needs (the bot reads them all).
    index = SearchIndex(dataclasses.replace(settings.index_config, read_on_demand=True))
    with terminal.ProgressBar(enabled=show_progress) as bar:
        await index.initialize(progress=bar.update, refresh=True)
    return index


def _english(args: argparse.Namespace, settings: Settings) -> bool:
    """Whether the labels around the speeches' text are English (``--lang``, else the setting)."""
    return args.lang == "en" if args.lang else settings.english


async def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """``speechbot ask``."""
    from . import terminal
    from .ui.marks import marker

    question = " ".join(args.question).strip()
    index = await _open_index(settings)
    try:
        speech = None
        if args.speech:
            speech = _one_speech(await index.match_speech(args.speech), args.speech).number
        result = await index.search(
            question, k=args.k, speech=speech, offset=args.offset, everywhere=args.everywhere
        )
        marks = marker(question, index.snapshot.tokenizer)
        english = _english(args, settings)
        note = terminal.dense_note(index.dense_status(), english)
    finally:
        await index.shutdown()
    if note:
        print(note, file=sys.stderr)
    if args.json:
        print(json.dumps(terminal.json_hits(result), ensure_ascii=False, indent=2))
    else:
        color = terminal.use_color(args.color)
        print(terminal.render_result(result, color=color, marks=marks, english=english))
    return 0


async def cmd_outline(args: argparse.Namespace, settings: Settings) -> int:
    """``speechbot outline``."""
    from . import terminal

    index = await _open_index(settings)
    try:
        if not args.speech:
            print(terminal.render_speeches(await index.speeches(), _english(args, settings)))
            return 0
        info = _one_speech(await index.match_speech(args.speech), args.speech)
        outline = await index.outline(info.number)
    finally:
        await index.shutdown()
    if outline is None:
        raise UsageError(f"no speech matches {args.speech!r}; run 'speechbot outline' for the list")
    print(terminal.render_outline(outline, _english(args, settings)))
    return 0


def _one_speech(found: list[SpeechInfo], ref: str) -> SpeechInfo:
    """The one speech a reference means; a usage error naming the candidates otherwise."""
    from . import terminal

    if len(found) == 1:
        return found[0]
    if not found:
        raise UsageError(f"no speech matches {ref!r}; run 'speechbot outline' for the list")
    raise UsageError(f"{ref!r} may mean several speeches:\n{terminal.render_candidates(found)}")


async def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    """``speechbot reindex``."""
    from index import SearchIndex

    from . import terminal

    index = SearchIndex(settings.index_config)
    try:
        with terminal.ProgressBar(enabled=True) as bar:
            await index.initialize(progress=bar.update)
            report = await index.reindex(args.corpus, progress=bar.update, force=args.force)
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


async def cmd_embed(args: argparse.Namespace, settings: Settings) -> int:
    """``speechbot embed``."""
    from index import SearchIndex

    from . import terminal

    if not settings.dense:
        raise UsageError("the semantic part is off (SPEECHBOT_DENSE=off): nothing to embed")
    index = SearchIndex(settings.index_config)  # opening embeds only a few sentences
    try:
        with terminal.ProgressBar(enabled=True) as bar:
            await index.initialize(progress=bar.update, refresh=True)
            done, total = await index.embed(progress=bar.update)
    finally:
        await index.shutdown()
    print(f"embedded {done:,} sentences; all {total:,} sentences of the index have vectors")
    return 0


async def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """``speechbot check``."""
    from .check import run_checks, settings_from_env

    # Settings are read again so that every malformed variable is named, not only the first.
    checked, problems = settings_from_env(os.environ)
    report = await run_checks(checked, problems, offline=args.offline, full=args.full)
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


COMMANDS: dict[str, Command] = {
    "cmd_ask": cmd_ask,
    "cmd_outline": cmd_outline,
    "cmd_reindex": cmd_reindex,
    "cmd_embed": cmd_embed,
    "cmd_check": cmd_check,
    "cmd_run": cmd_run,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``speechbot`` console script and ``python -m bot``."""
    try:
        code = _main(argv)
        sys.stdout.flush()  # inside the try: a closed pipe shows here, not at exit
    except BrokenPipeError:
        from .terminal import stdout_closed

        return stdout_closed()
    return code


def _main(argv: Sequence[str] | None) -> int:
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
        if args.command == "ask":
            check_ask(args)
    except UsageError as exc:
        print(f"speechbot: {exc}", file=sys.stderr)
        return 2
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    """Load the settings (and with them the index) and run the command."""
    import asyncio
    import sqlite3

    from index import (
        BuildError,
        DatabaseDamaged,
        IndexUnavailable,
        ReindexBusy,
        SchemaError,
        is_damage,
    )

    from .settings import ConfigError, Settings

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
    logs.configure(level, settings.token, settings.webhook_secret)
    try:
        command: Command = COMMANDS[args.command_name]
        return asyncio.run(command(args, settings))
    except UsageError as exc:
        print(f"speechbot: {exc}", file=sys.stderr)
        return 2
    except (IndexUnavailable, BuildError, SchemaError, ConfigError, ReindexBusy) as exc:
        print(f"speechbot: {exc}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:  # met outside the index: the bot's own tables, say
        why = DatabaseDamaged(settings.db_path) if is_damage(exc) else exc
        print(f"speechbot: {why}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
