"""The share of this machine's CPU time that its hypervisor gave to others (``steal``).

On a virtual machine whose host is busy, every figure of a run slows by about that share, while
the ratios to tantivy (measured in the same process) do not; the bench prints it beside each
timing so that a slow run can be told from a slow change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAT = Path("/proc/stat")


def cpu_ticks(stat: Path = STAT) -> tuple[int, int] | None:
    """Stolen and total ticks of all CPUs since boot, or None where /proc/stat is not there."""
    try:
        first = stat.read_text(encoding="ascii").splitlines()[0].split()
    except (OSError, IndexError, UnicodeDecodeError):
        return None
    if first[:1] != ["cpu"] or len(first) < 9:
        return None
    # user nice system idle iowait irq softirq steal [guest guest_nice: already in user/nice]
    ticks = [int(x) for x in first[1:9]]
    return ticks[7], sum(ticks)


def share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """Stolen share of the ticks between two readings (None when either is missing)."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


@contextmanager
def stolen(into: dict[str, object], key: str = "steal") -> Iterator[None]:
    """Record in ``into[key]`` the stolen share of the CPU time while the block ran."""
    before = cpu_ticks()
    try:
        yield
    finally:
        into[key] = share(before, cpu_ticks())


def percent(value: object) -> str:
    """A stolen share for a table cell."""
    return f"{value:.0%}" if isinstance(value, float) else "—"
