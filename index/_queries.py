"""SQL reads for paragraphs, sections and outlines (always with bound parameters)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import aiosqlite

from ._rank import SectionSpan
from ._schema import VISIBLE
from ._snapshot import Snapshot
from ._types import Outline, OutlineNode, ParagraphView, SpeechInfo

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
    rows = await (await db.execute(f"{_PARAGRAPH} WHERE p.id IN ({marks})", wanted)).fetchall()
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
    rows = await (
        await db.execute(
            f"""SELECT s.number, sec.id, sec.parent_id, sec.number, sec.kind, sec.title,
                       (SELECT min(p.ordinal) FROM paragraphs p WHERE p.section_id = sec.id),
                       (SELECT max(p.ordinal) FROM paragraphs p WHERE p.section_id = sec.id)
                FROM sections sec JOIN speeches s ON s.id = sec.speech_id
                WHERE {VISIBLE} ORDER BY s.number, sec.ordinal""",
            {"gen": snap.generation},
        )
    ).fetchall()
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
