"""Load test: many users asking at once, against the real bot, through the fake Bot API server.

``python -m tests.loadtest --users 200 --questions 5 [--limiter on|off|both] [--json PATH]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.app import build_application, serve
from bot.settings import Settings
from corpus import bundled_corpus_dir
from index import IndexConfig, SearchIndex

try:  # tests/ on sys.path (pytest)
    from loaddriver import TOKEN, Drive, fake_side, receive
except ImportError:  # python -m tests.loadtest
    from .loaddriver import TOKEN, Drive, fake_side, receive

STALL_TARGET_MS = 50.0


@dataclass(frozen=True, slots=True)
class LoadFigures:
    """What one load run measured; times in milliseconds."""

    flood_limits: bool
    users: int
    questions_per_user: int
    asked: int
    answered_once: int
    lost: int
    extra_replies: int
    failed: int
    seconds: float
    throughput_qps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    stall_max_ms: float
    stall_p99_ms: float
    stall_cpu_max_ms: float
    load_average: float  # the machine's, over the last minute: other work skews the timings

    @property
    def exactly_once(self) -> bool:
        """Every question got one answer, nothing lost, nothing twice, no error replies."""
        return self.answered_once == self.asked and not (
            self.lost or self.extra_replies or self.failed
        )


class StallMeter:
    """The event loop's stalls: how late a ticker that sleeps ``interval`` s wakes up.

    Besides the lateness (wall clock) it keeps the loop thread's CPU time in each tick: on a
    shared machine the wall figure also counts time the OS gave to other processes, the CPU
    figure only the loop's own work.
    """

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.lateness: list[float] = []
        self.busy: list[float] = []

    async def run(self) -> None:
        """Tick until cancelled."""
        loop = asyncio.get_running_loop()
        while True:
            start, cpu = loop.time(), time.thread_time()
            await asyncio.sleep(self.interval)
            self.lateness.append(loop.time() - start - self.interval)
            self.busy.append(time.thread_time() - cpu)

    def worst_ms(self) -> float:
        """The longest stall seen."""
        return 1000 * max(self.lateness, default=0.0)

    def p99_ms(self) -> float:
        """The 99th percentile of the ticker's lateness."""
        return _percentile(self.lateness, 0.99) * 1000

    def busiest_ms(self) -> float:
        """The most CPU time the loop thread spent between two ticks."""
        return 1000 * max(self.busy, default=0.0)


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def build_index(db_path: Path) -> None:
    """An index of the bundled corpus at ``db_path`` (what ``speechbot reindex`` builds)."""
    index = SearchIndex(IndexConfig(db_path=db_path, corpus_dir=bundled_corpus_dir()))
    await index.initialize()
    await index.shutdown()


async def run_load(
    db_path: Path,
    users: int,
    per_user: int,
    *,
    flood_limits: bool = True,
    user_rate: int = Settings().user_rate,
    show_progress: bool = False,
) -> LoadFigures:
    """Serve the bot (as ``speechbot run`` does, polling) while ``users`` users ask questions.

    The fake server and its users run in another process, so that the stalls measured here are
    the bot's own and not the fake's.
    """
    if per_user > user_rate > 0:
        raise ValueError(f"{per_user} questions a user would be throttled by user_rate={user_rate}")
    context = multiprocessing.get_context("spawn")  # no fork of a running event loop
    conn, child_conn = context.Pipe()
    fake = context.Process(
        target=fake_side, args=(child_conn, users, per_user, show_progress), daemon=True
    )
    fake.start()
    meter = StallMeter()
    try:
        url = str(await receive(conn, 120, fake))
        settings = Settings(
            token=TOKEN,
            db_path=db_path,
            corpus_dir=bundled_corpus_dir(),
            api_url=url,
            user_rate=user_rate,
        )
        stop = asyncio.Event()
        app = build_application(settings, flood_limits=flood_limits)
        server = asyncio.create_task(serve(app, settings, stop, poll_timeout=1))
        try:
            await receive(conn, 120, fake)  # "polling": start-up is over
            ticker = asyncio.create_task(meter.run())
            result = await receive(conn, 120 * per_user + 120, fake)
            ticker.cancel()
        finally:
            stop.set()
            await asyncio.wait_for(server, 60)
        conn.send("stop")
    finally:
        await asyncio.to_thread(fake.join, 30)
        if fake.is_alive():
            fake.kill()
    if not isinstance(result, Drive):
        raise RuntimeError(f"the load process answered {result!r}")
    return _figures(result, meter, users, per_user, flood_limits)


def _figures(
    drive: Drive, meter: StallMeter, users: int, per_user: int, flood_limits: bool
) -> LoadFigures:
    lat = drive.latencies
    return LoadFigures(
        flood_limits=flood_limits,
        users=users,
        questions_per_user=per_user,
        asked=drive.asked,
        answered_once=len(lat),
        lost=drive.lost,
        extra_replies=drive.extra,
        failed=drive.failed,
        seconds=round(drive.seconds, 3),
        throughput_qps=round(len(lat) / drive.seconds, 1) if drive.seconds else 0.0,
        p50_ms=round(1000 * _percentile(lat, 0.50), 1),
        p95_ms=round(1000 * _percentile(lat, 0.95), 1),
        p99_ms=round(1000 * _percentile(lat, 0.99), 1),
        max_ms=round(1000 * max(lat, default=0.0), 1),
        stall_max_ms=round(meter.worst_ms(), 1),
        stall_p99_ms=round(meter.p99_ms(), 1),
        stall_cpu_max_ms=round(meter.busiest_ms(), 1),
        load_average=round(os.getloadavg()[0], 2),
    )


def table(runs: Sequence[LoadFigures]) -> str:
    """The figures as a plain-text table."""
    head = (
        f"{'flood limits':<13}{'asked':>7}{'once':>7}{'lost':>6}{'extra':>6}{'failed':>7}"
        f"{'q/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'stall ms':>10}{'(cpu)':>7}{'load':>6}"
    )
    rows = [
        f"{'on' if r.flood_limits else 'off':<13}{r.asked:>7}{r.answered_once:>7}{r.lost:>6}"
        f"{r.extra_replies:>6}{r.failed:>7}{r.throughput_qps:>8.1f}{r.p50_ms:>9.1f}"
        f"{r.p95_ms:>9.1f}{r.p99_ms:>9.1f}{r.stall_max_ms:>10.1f}{r.stall_cpu_max_ms:>7.1f}{r.load_average:>6.1f}"
        for r in runs
    ]
    return "\n".join([head, *rows])


def misses(runs: Sequence[LoadFigures]) -> list[str]:
    """The targets a run missed."""
    out = []
    for r in runs:
        mode = f"flood limits {'on' if r.flood_limits else 'off'}"
        if not r.exactly_once:
            out.append(f"{mode}: not every question answered exactly once")
        if r.stall_max_ms >= STALL_TARGET_MS:
            out.append(f"{mode}: event loop stalled {r.stall_max_ms:.1f} ms (target < 50 ms)")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.loadtest",
        description="Load-test the bot: users ask questions through a fake Bot API server; "
        "prints throughput, time from update to reply, and the longest event-loop stall.",
    )
    parser.add_argument("--users", type=int, default=200, help="concurrent users (default 200)")
    parser.add_argument("--questions", type=int, default=5, help="questions each (default 5)")
    parser.add_argument(
        "--limiter",
        choices=("on", "off", "both"),
        default="both",
        help="Telegram's flood limiter (30 messages/s): on as in production, off to measure the "
        "bot's own capacity, or both (default)",
    )
    parser.add_argument(
        "--user-rate",
        type=int,
        default=int(os.environ.get("SPEECHBOT_USER_RATE") or Settings().user_rate),
        help="questions a user may ask per minute (default: SPEECHBOT_USER_RATE or 20); "
        "must be at least --questions",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    args = parser.parse_args(argv)
    if args.users < 1 or args.questions < 1:
        parser.error("--users and --questions must be at least 1")
    if 0 < args.user_rate < args.questions:
        parser.error("--user-rate below --questions would throttle the users; raise it")
    modes = {"on": [True], "off": [False], "both": [True, False]}[args.limiter]
    runs = asyncio.run(_bench(args.users, args.questions, modes, args.user_rate))
    print(f"{args.users} users x {args.questions} questions, {os.cpu_count()} CPUs")
    print(table(runs))
    if args.json:
        record = {
            "command": " ".join(["python -m tests.loadtest", *(argv or sys.argv[1:])]),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "stall_target_ms": STALL_TARGET_MS,
            "runs": [asdict(r) for r in runs],
        }
        args.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    problems = misses(runs)
    for problem in problems:
        print(f"MISSED: {problem}")
    return 1 if problems else 0


async def _bench(users: int, per_user: int, modes: Sequence[bool], rate: int) -> list[LoadFigures]:
    with tempfile.TemporaryDirectory(prefix="speechbot-load-") as tmp:
        template = Path(tmp) / "template.db"
        await build_index(template)
        runs = []
        for flood_limits in modes:
            db = Path(tmp) / f"run-{len(runs)}.db"
            shutil.copy(template, db)  # a fresh question log per run
            runs.append(
                await run_load(
                    db,
                    users,
                    per_user,
                    flood_limits=flood_limits,
                    user_rate=rate,
                    show_progress=sys.stderr.isatty(),
                )
            )
        return runs


if __name__ == "__main__":
    sys.exit(main())
