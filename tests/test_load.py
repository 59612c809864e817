"""Under load: every question answered exactly once, nothing lost; throttling said once per user.

Wall-clock timings are printed, never asserted (a loaded CI box would make them flaky); only
the event loop's own CPU time between two ticks gets a generous bound. The figures that count
come from ``python -m tests.loadtest`` (README, "The bot under load").
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from loaddriver import FIRST_USER, drive
from loadtest import main

from bot.settings import Settings
from bot.ui import texts
from conftest import RunningBot, running_bot
from fakebotapi import FakeBotAPI, User


async def test_fifty_users_asking_three_questions_each_get_one_answer_per_question(
    bot: RunningBot,
) -> None:
    result = await drive(bot.api, users=50, per_user=3, timeout=60)
    print(
        f"\n50x3 in one event loop with the fake: {len(result.latencies) / result.seconds:.1f} q/s,"
        f" slowest {max(result.latencies, default=0) * 1000:.0f} ms"
    )
    assert result.asked == 150
    assert (result.lost, result.failed, result.extra) == (0, 0, 0)
    assert len(result.latencies) == 150
    per_chat = Counter(int(c["chat_id"]) for c in bot.api.calls_of("sendMessage"))
    assert per_chat == {FIRST_USER + n: 3 for n in range(50)}


async def test_users_over_the_rate_limit_get_the_slow_down_message_exactly_once(
    bot_settings: Settings,
) -> None:
    rate, asked, users = 3, 6, 20
    async with FakeBotAPI(token=bot_settings.token or "") as api:
        settings = replace(bot_settings, api_url=api.root_url, user_rate=rate)
        async with running_bot(settings, api):
            people = [User(FIRST_USER + n, f"用户{n}") for n in range(users)]
            for _ in range(asked):  # all at once: the limit must hold for concurrent updates
                for person in people:
                    api.send_message("如何发挥基层党组织战斗堡垒作用", user=person)
            for _ in range(users * (rate + 1)):
                await api.wait_for("sendMessage", timeout=60)
            await api.settle(quiet=0.5)
    for person in people:
        replies = [c["text"] for c in api.calls_of("sendMessage") if c["chat_id"] == person.id]
        assert sum(r.startswith("提问太频繁") for r in replies) == 1
        assert len(replies) == rate + 1
        assert texts.ERROR.zh not in replies


def test_the_load_command_answers_everything_once_and_writes_its_figures(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    main(["--users", "20", "--questions", "2", "--limiter", "both", "--json", str(out)])
    record = json.loads(out.read_text(encoding="utf-8"))
    print(json.dumps(record["runs"], indent=1))
    assert [run["flood_limits"] for run in record["runs"]] == [True, False]
    for run in record["runs"]:
        assert run["asked"] == run["answered_once"] == 40
        assert (run["lost"], run["extra_replies"], run["failed"]) == (0, 0, 0)
        assert run["throughput_qps"] > 0 and run["p95_ms"] >= run["p50_ms"] > 0
        # The stall meter ran, and its figures hang together.
        assert 0 < run["stall_p99_ms"] <= run["stall_max_ms"]
        # A tick's CPU time fits in its wall time: the 5 ms sleep plus its lateness (and rounding).
        assert run["stall_cpu_max_ms"] <= run["stall_max_ms"] + 5.5
        # The loop's own work between two ticks is tens of ms here (README, "The bot under
        # load"); CPU time leaves out other processes. Half a second means something blocked
        # the loop, such as a search or a rebuild run on its thread.
        assert run["stall_cpu_max_ms"] < 500
