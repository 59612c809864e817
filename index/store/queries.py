"""SQL reads for paragraphs, sections and outlines (always with bound parameters)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite
import numpy as np

from ..types import Outline, OutlineNode, ParagraphView, SectionSpan, SpeechInfo
from .schema import VISIBLE
from .snapshot import Snapshot

_PARAGRAPH = """
SELECT p.id, s.number, s.title, p.section_id, sec.path, p.ordinal, p.text,
       (SELECT q.id FROM paragraphs q WHERE q.speech_id = p.speech_id AND q.ordinal = p.ordinal - 1),
       (SELECT q.id FROM paragraphs q WHERE q.speech_id = p.speech_id AND q.ordinal = p.ordinal + 1)
FROM paragraphs p
JOIN speeches s ON s.id = p.speech_id
JOIN sections sec ON sec.id = p.section_id
"""


def _view(row: Sequence[object]) -> ParagraphView:
    return ParagraphView(
        paragraph_id=int(row[0]),  # type: ignore[call-overload]
        speech_id=int(row[1]),  # type: ignore[call-overload]
        speech_title=str(row[2]),
        section_id=int(row[3]),  # type: ignore[call-overload]
        section_path=tuple(json.loads(str(row[4]))),
        ordinal=int(row[5]),  # type: ignore[call-overload]
        text=str(row[6]),
        prev_id=None if row[7] is None else int(row[7]),  # type: ignore[call-overload]
        next_id=None if row[8] is None else int(row[8]),  # type: ignore[call-overload]
    )


async def fetch_paragraphs(
    db: aiosqlite.Connection, ids: Sequence[int]
) -> dict[int, ParagraphView]:
    """Paragraphs by id (missing ids are simply absent)."""
    wanted = [int(i) for i in ids]
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    # One trip to the connection's thread (execute, then fetchall, would be two): the answer
    # path's only query.
    rows = await db.execute_fetchall(f"{_PARAGRAPH} WHERE p.id IN ({marks})", wanted)
    return {int(r[0]): _view(r) for r in rows}


async def fetch_section_paragraphs(
    db: aiosqlite.Connection, section_id: int
) -> list[ParagraphView]:
    """Paragraphs of a section and its descendants, in speech order."""
    rows = await (
        await db.execute(
            f"""WITH RECURSIVE tree(id) AS (
                SELECT id FROM sections WHERE id = ?
                UNION ALL SELECT c.id FROM sections c JOIN tree t ON c.parent_id = t.id)
            {_PARAGRAPH} WHERE p.section_id IN (SELECT id FROM tree) ORDER BY p.ordinal""",
            (section_id,),
        )
    ).fetchall()
    return [_view(r) for r in rows]


async def fetch_context(
    db: aiosqlite.Connection, paragraph_id: int, radius: int
) -> list[ParagraphView]:
    """A paragraph with up to ``radius`` paragraphs of its speech before and after it, in order."""
    if not await fetch_paragraphs(db, [paragraph_id]):
        return []
    rows = await (
        await db.execute(
            "SELECT p.id FROM paragraphs p JOIN paragraphs c ON c.speech_id = p.speech_id"
            " WHERE c.id = ? AND p.ordinal BETWEEN c.ordinal - ? AND c.ordinal + ? ORDER BY p.ordinal",
            (paragraph_id, radius, radius),
        )
    ).fetchall()
    views = await fetch_paragraphs(db, [r[0] for r in rows])
    return [views[r[0]] for r in rows if r[0] in views]


async def meta_value(db: aiosqlite.Connection, key: str) -> str | None:
    """A value of the ``meta`` table (schema version, active generation), or None."""
    row = await (await db.execute("SELECT value FROM meta WHERE key = ?", (key,))).fetchone()
    return None if row is None else str(row[0])


async def section_title(db: aiosqlite.Connection, section_id: int) -> tuple[int, str] | None:
    """(speech number, title) of a section."""
    row = await (
        await db.execute(
            "SELECT s.number, sec.title FROM sections sec JOIN speeches s ON s.id = sec.speech_id"
            " WHERE sec.id = ?",
            (section_id,),
        )
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


async def outline_of(db: aiosqlite.Connection, gen: int, info: SpeechInfo) -> Outline:
    """The section tree of the speech numbered ``info.number`` in generation ``gen``."""
    rows = await (
        await db.execute(
            f"""SELECT sec.id, sec.parent_id, sec.title, sec.level, sec.kind, sec.number,
                   (SELECT count(*) FROM paragraphs p WHERE p.section_id = sec.id)
            FROM sections sec JOIN speeches s ON s.id = sec.speech_id
            WHERE s.number = :number AND {VISIBLE} ORDER BY sec.ordinal""",
            {"number": info.number, "gen": gen},
        )
    ).fetchall()
    children: dict[int | None, list[Sequence[object]]] = {}
    for row in rows:
        children.setdefault(row[1], []).append(row)

    def node(row: Sequence[object]) -> OutlineNode:
        kids = tuple(node(c) for c in children.get(int(row[0]), []))  # type: ignore[call-overload]
        own = int(row[6])  # type: ignore[call-overload]
        return OutlineNode(
            section_id=int(row[0]),  # type: ignore[call-overload]
            title=str(row[2]),
            level=int(row[3]),  # type: ignore[call-overload]
            kind=str(row[4]),
            number=None if row[5] is None else int(row[5]),  # type: ignore[call-overload]
            n_paragraphs=own + sum(k.n_paragraphs for k in kids),
            children=kids,
        )

    return Outline(speech=info, sections=tuple(node(r) for r in children.get(None, [])))


async def section_spans(db: aiosqlite.Connection, snap: Snapshot) -> dict[int, list[SectionSpan]]:
    """Every visible speech's section tree with each section's rows in ``snap``."""
    sections = await (
        await db.execute(
            f"""SELECT s.number, sec.id, sec.parent_id, sec.number, sec.kind, sec.title
                FROM sections sec JOIN speeches s ON s.id = sec.speech_id
                WHERE {VISIBLE} ORDER BY s.number, sec.ordinal""",
            {"gen": snap.generation},
        )
    ).fetchall()
    own = await _own_ordinals(db, snap, [(int(r[1]), int(r[0])) for r in sections])
    rows: Iterable[Any]
    if own is None:
        rows = await (  # the first and last own ordinal of each section, asked per section
            await db.execute(
                f"""SELECT s.number, sec.id, sec.parent_id, sec.number, sec.kind, sec.title,
                       (SELECT min(p.ordinal) FROM paragraphs p WHERE p.section_id = sec.id),
                       (SELECT max(p.ordinal) FROM paragraphs p WHERE p.section_id = sec.id)
                    FROM sections sec JOIN speeches s ON s.id = sec.speech_id
                    WHERE {VISIBLE} ORDER BY s.number, sec.ordinal""",
                {"gen": snap.generation},
            )
        ).fetchall()
    else:
        rows = [(*r, *own.get((int(r[0]), int(r[1])), (None, None))) for r in sections]
    children: dict[int | None, list[Any]] = {}
    for row in rows:
        children.setdefault(row[2], []).append(row)

    def span(row: Any) -> SectionSpan | None:
        kids = [k for k in (span(c) for c in children.get(row[1], [])) if k is not None]
        bounds = [(row[6], row[7])] if row[6] is not None else []
        bounds += [(k.lo, k.hi - 1) for k in kids]  # kids already in rows: convert below
        if not bounds:
            return None
        base = snap.speech_rows.get(int(row[0]), (0, 0))[0]
        own = [(base + a, base + b) for a, b in bounds[:1]] if row[6] is not None else []
        lo = min([a for a, _ in own] + [k.lo for k in kids])
        hi = max([b for _, b in own] + [k.hi - 1 for k in kids]) + 1
        return SectionSpan(int(row[1]), row[3], str(row[4]), str(row[5]), lo, hi, tuple(kids))

    result: dict[int, list[SectionSpan]] = {}
    for row in children.get(None, []):
        found = span(row)
        if found is not None:
            result.setdefault(int(row[0]), []).append(found)
    return result


async def _own_ordinals(
    db: aiosqlite.Connection, snap: Snapshot, sections: list[tuple[int, int]]
) -> dict[tuple[int, int], tuple[int, int]] | None:
    """Each visible (speech number, section)'s first and last own paragraph ordinal.

    Read from the (section_id, id) index alone: asking SQLite for min/max ordinals reads every
    paragraph row (~1.3 s at a million). Paragraphs are inserted in ordinal order, so ids rise
    with ordinals within a speech; when the live rows show otherwise, None (ask SQLite).
    """
    ids = snap.paragraph_ids
    if len(ids) > 1:
        rising = np.diff(ids) > 0
        starts = [lo - 1 for lo, _ in snap.speech_rows.values() if 0 < lo < len(ids)]
        rising[np.asarray(starts, dtype=np.int64)] = True
        if not rising.all():
            return None
    found = await (
        await db.execute(
            "SELECT section_id, min(id), max(id) FROM paragraphs INDEXED BY paragraphs_section"
            " GROUP BY section_id"
        )
    ).fetchall()
    by_id = {int(r[0]): (int(r[1]), int(r[2])) for r in found}
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for section, number in sections:  # (section id, speech number)
        first_last = by_id.get(section)
        if first_last is None:
            continue
        lo, hi = snap.speech_rows.get(number, (0, 0))
        rows = ids[lo:hi]
        at = np.searchsorted(rows, first_last)
        if int(at[1]) >= len(rows) or tuple(int(rows[i]) for i in at) != first_last:
            return None  # a paragraph of a visible section outside its speech's rows
        out[(number, section)] = (int(at[0]), int(at[1]))
    return out
