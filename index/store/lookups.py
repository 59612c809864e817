"""The look-up structures stored with a generation (``index_arrays``, beside its BM25 arrays):
its section spans and its speech finder's tables, so that loading a generation reads them
instead of computing them (~1.5 s at a million paragraphs).

They are a function of the generation's rows alone: written by the process that swaps the
generation in, right after the swap (``SearchIndex._install``), deleted with it
(``purge_invisible``), and computed (then stored) on load where a generation lacks them — a
database written before they were stored, or a crash between the swap and the write.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from typing import Any

import aiosqlite

from ..types import SectionSpan
from .blobs import write_blobs

SPANS = "section_spans"
FINDER = "speech_finder"
LOOKUPS = (SPANS, FINDER)
#: Version of the stored spans: another one is recomputed, never misread.
SPANS_FORMAT = 2


def dump_spans(spans: Mapping[int, list[SectionSpan]]) -> bytes:
    """Each speech's section tree as JSON, one string per speech (parsed when first asked)."""

    def node(s: SectionSpan) -> list[Any]:
        return [s.section_id, s.number, s.kind, s.title, s.lo, s.hi, [node(c) for c in s.children]]

    trees = {str(n): _json([node(s) for s in t]) for n, t in spans.items()}
    return _json({"format": SPANS_FORMAT, "speeches": trees}).encode("utf-8")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class StoredSpans(Mapping[int, list[SectionSpan]]):
    """Speech number → its section spans, each speech's parsed on first use (a question reads
    one or two of the 5,000 trees of a large archive)."""

    def __init__(self, trees: dict[str, str]) -> None:
        self._trees = {int(n): text for n, text in trees.items()}
        self._parsed: dict[int, list[SectionSpan]] = {}

    def __getitem__(self, number: int) -> list[SectionSpan]:
        found = self._parsed.get(number)
        if found is None:
            found = [_node(r) for r in json.loads(self._trees[number])]
            self._parsed[number] = found  # a race parses twice, to equal values
        return found

    def __iter__(self) -> Iterator[int]:
        return iter(self._trees)

    def __len__(self) -> int:
        return len(self._trees)


def _node(r: list[Any]) -> SectionSpan:
    kids = tuple(_node(c) for c in r[6])
    return SectionSpan(int(r[0]), r[1], str(r[2]), str(r[3]), int(r[4]), int(r[5]), kids)


def load_spans(raw: bytes) -> StoredSpans | None:
    """The trees :func:`dump_spans` wrote; None for another format."""
    data = json.loads(raw.decode("utf-8"))
    if data.get("format") != SPANS_FORMAT:
        return None
    return StoredSpans(data["speeches"])


async def read_lookups(db: aiosqlite.Connection, gen: int) -> dict[str, bytes]:
    """The stored look-up structures of ``gen`` by name (those it has)."""
    rows = await (
        await db.execute(
            f"SELECT name, data FROM index_arrays WHERE gen = ? AND name IN "
            f"({','.join('?' * len(LOOKUPS))})",
            (gen, *LOOKUPS),
        )
    ).fetchall()
    return {str(name): bytes(data) for name, data in rows}


async def save_lookups(db: aiosqlite.Connection, gen: int, found: dict[str, bytes]) -> None:
    """Store ``gen``'s look-up structures and commit."""
    await write_blobs(db, gen, found)
    await db.commit()


def lookups_problem(conn: sqlite3.Connection, gen: int, speeches: int) -> str | None:
    """What is wrong with ``gen``'s stored look-ups (``speechbot check``): unreadable, or not
    of its ``speeches``; None when they hold or are not stored (computed at the next start)."""
    rows = conn.execute(
        f"SELECT name, data FROM index_arrays WHERE gen = ? AND name IN "
        f"({','.join('?' * len(LOOKUPS))})",
        (gen, *LOOKUPS),
    ).fetchall()
    for name, raw in rows:
        try:
            data = json.loads(bytes(raw).decode("utf-8"))
            count = len(data["numbers"] if name == FINDER else data["speeches"])
        except (ValueError, KeyError, TypeError) as exc:
            return f"the stored {name} of generation {gen} cannot be read ({exc})"
        if count > speeches or (name == FINDER and count != speeches):
            return f"the stored {name} of generation {gen} has {count} of {speeches} speeches"
    return None
