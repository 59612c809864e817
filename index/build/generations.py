"""The ``generations`` table's life cycle: purge, start, fail, and swap in with one transaction."""

from __future__ import annotations

import contextlib
import json
import logging
import time
from pathlib import Path

import aiosqlite

from ..config import BuildOptions
from ..errors import BuildError
from ..store.counts import COUNTS, shortfall
from ..types import BuildReport

log = logging.getLogger(__name__)


async def purge_invisible(db: aiosqlite.Connection) -> None:
    """Drop what no reader can see: failed builds, builds whose owner is gone, and rows retired
    before the generation that the live one replaced.

    Called only under the reindex lock (``lock.py``), which a build holds for its whole run: a
    generation still 'building' then belongs to a process that ended. Rows the live generation
    retired stay one more build, for a process still serving the previous generation until it
    notices the swap (``SearchIndex.follow``).
    """
    row = await (
        await db.execute("SELECT value FROM meta WHERE key = 'active_generation'")
    ).fetchone()
    active = int(row[0]) if row else 0
    await db.execute("DELETE FROM speeches WHERE gen_from > ?", (active,))
    await db.execute("DELETE FROM speeches WHERE gen_to IS NOT NULL AND gen_to < ?", (active,))
    await db.execute("DELETE FROM index_arrays WHERE gen <> ?", (active,))
    await db.execute("DELETE FROM generations WHERE status <> 'ready' OR id < ?", (active,))
    await db.commit()


async def start_generation(
    db: aiosqlite.Connection,
    corpus_dir: Path,
    finger: str,
    user_words: list[str],
    options: BuildOptions,
) -> int:
    """Drop what no reader can see, then record a new generation as building; return its id."""
    await purge_invisible(db)
    cur = await db.execute(
        "INSERT INTO generations (status, started_at, corpus_dir, fingerprint, user_words, params)"
        " VALUES ('building', ?, ?, ?, ?, ?)",
        (
            time.time(),
            str(corpus_dir),
            finger,
            json.dumps(user_words, ensure_ascii=False),
            json.dumps(_options_json(options)),
        ),
    )
    gen = int(cur.lastrowid or 0)
    await db.commit()
    return gen


async def record_failure(db: aiosqlite.Connection, gen: int, exc: BaseException) -> None:
    """Mark ``gen`` failed; if even that cannot be written (a full disk), the next build purges
    it, and the original error is the one reported."""
    try:
        await db.rollback()
        await db.execute(
            "UPDATE generations SET status = 'failed', error = ? WHERE id = ?", (repr(exc), gen)
        )
        await db.commit()
    except aiosqlite.Error as err:
        log.warning("could not mark generation %d failed: %s", gen, err)
        with contextlib.suppress(aiosqlite.Error):
            await db.rollback()


async def swap(db: aiosqlite.Connection, gen: int, kept: list[int], stats: BuildReport) -> float:
    """Make ``gen`` the live generation in one transaction; return when it became live.

    Before it goes live, its rows are counted against its report: a generation missing any
    (another writer deleted them, say) is refused with BuildError and the old one stays.
    """
    finished = time.time()
    marks = ",".join("?" * len(kept))
    await db.execute("BEGIN IMMEDIATE")
    await db.execute(
        f"UPDATE speeches SET gen_to = ? WHERE gen_to IS NULL AND gen_from < ? AND id NOT IN ({marks})",
        (gen, gen, *kept),
    )
    report = _stats_json(stats)
    missing = await _shortfall(db, gen, report)
    if missing is not None:
        await db.rollback()
        raise BuildError(f"{missing}; the previous index stays live")
    await db.execute(
        "UPDATE generations SET status = 'ready', finished_at = ?, stats = ? WHERE id = ?",
        (finished, json.dumps(report, ensure_ascii=False), gen),
    )
    await db.execute(
        "INSERT INTO meta (key, value) VALUES ('active_generation', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(gen),),
    )
    await db.commit()
    return finished


async def _shortfall(db: aiosqlite.Connection, gen: int, report: dict[str, object]) -> str | None:
    """What generation ``gen`` lacks against its own report, as it would go live."""
    counted = {}
    for name, sql in COUNTS.items():
        row = await (await db.execute(sql, {"gen": gen})).fetchone()
        counted[name] = int(row[0]) if row else 0
    return shortfall(gen, counted, report)


def _options_json(options: BuildOptions) -> dict[str, object]:
    p = options.params
    return {
        "variant": str(p.variant),
        "k1": p.k1,
        "b": p.b,
        "delta": p.delta,
        "epsilon": p.epsilon,
        "heading_weight": options.heading_weight,
    }


def _stats_json(stats: BuildReport) -> dict[str, object]:
    return {
        "files_read": stats.files_read,
        "skipped": [list(s) for s in stats.skipped],
        "speeches": stats.speeches,
        "sections": stats.sections,
        "paragraphs": stats.paragraphs,
        "terms": stats.terms,
        "retokenized": list(stats.retokenized),
        "seconds": round(stats.seconds, 3),
    }
