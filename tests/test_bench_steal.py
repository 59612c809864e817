"""The bench's reading of stolen CPU time from /proc/stat."""

from __future__ import annotations

from pathlib import Path

from devtools.bench.steal import cpu_ticks, percent, share, stolen

_LINE = "cpu  {user} 0 {system} {idle} 0 0 0 {steal} 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n"


def _stat(tmp_path: Path, **ticks: int) -> Path:
    path = tmp_path / "stat"
    path.write_text(_LINE.format(**ticks), encoding="ascii")
    return path


def test_cpu_ticks_reads_steal_and_the_total_of_the_first_line(tmp_path: Path) -> None:
    path = _stat(tmp_path, user=100, system=50, idle=800, steal=50)
    assert cpu_ticks(path) == (50, 1000)


def test_share_is_the_stolen_part_of_the_ticks_between_readings() -> None:
    assert share((50, 1000), (150, 1400)) == 0.25
    assert share(None, (1, 2)) is None
    assert share((5, 10), (5, 10)) is None  # no time passed


def test_cpu_ticks_is_none_without_a_readable_cpu_line(tmp_path: Path) -> None:
    assert cpu_ticks(tmp_path / "missing") is None
    odd = tmp_path / "odd"
    odd.write_text("intr 1 2 3\n", encoding="ascii")
    assert cpu_ticks(odd) is None
    short = tmp_path / "short"
    short.write_text("cpu 1 2 3\n", encoding="ascii")
    assert cpu_ticks(short) is None


def test_stolen_records_a_share_or_none_for_the_block() -> None:
    into: dict[str, object] = {}
    with stolen(into):
        sum(range(100_000))
    value = into["steal"]
    assert value is None or (isinstance(value, float) and 0 <= value <= 1)


def test_percent_prints_a_share_or_a_dash() -> None:
    assert percent(0.123) == "12%"
    assert percent(None) == "—"
