"""What each speech says it is about: its opening paragraphs and top-level headings."""

from __future__ import annotations

import aiosqlite

from .schema import VISIBLE

#: Characters of opening text kept per speech (the first paragraphs say what a speech reviews,
#: plans and under which circumstances; later ones are its body).
OPENING_CHARS = 600


async def speech_openings(db: aiosqlite.Connection, gen: int) -> dict[int, str]:
    """Speech number → its preamble's first paragraphs and its top-level headings, as one text."""
    rows = await (
        await db.execute(
            f"""SELECT s.number, sec.kind, sec.level, sec.title, p.text
                FROM sections sec JOIN speeches s ON s.id = sec.speech_id
                LEFT JOIN paragraphs p ON p.section_id = sec.id AND sec.kind = 'preamble'
                WHERE {VISIBLE} AND (sec.kind = 'preamble' OR sec.level = 1)
                ORDER BY s.number, sec.ordinal, p.ordinal""",
            {"gen": gen},
        )
    ).fetchall()
    opening: dict[int, str] = {}
    headings: dict[int, list[str]] = {}
    for number, kind, _level, title, text in rows:
        if kind == "preamble":
            so_far = opening.get(int(number), "")
            if text and len(so_far) < OPENING_CHARS:
                opening[int(number)] = (so_far + "\n" + str(text))[:OPENING_CHARS]
        elif kind == "numbered":
            headings.setdefault(int(number), []).append(str(title))
    numbers = set(opening) | set(headings)
    return {n: "\n".join([opening.get(n, ""), *headings.get(n, [])]) for n in numbers}
