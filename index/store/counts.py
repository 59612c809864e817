"""Whether a generation is whole: its rows counted against its own build report."""

from __future__ import annotations

from collections.abc import Mapping

from .schema import VISIBLE

#: What a generation ``:gen`` holds, counted from the rows it can see; ``rows`` is the length of
#: its row → paragraph array (8 bytes an id), which must equal its paragraphs.
COUNTS: dict[str, str] = {
    "speeches": f"SELECT count(*) FROM speeches s WHERE {VISIBLE}",
    "sections": f"SELECT count(*) FROM sections x JOIN speeches s ON s.id = x.speech_id"
    f" WHERE {VISIBLE}",
    "paragraphs": f"SELECT count(*) FROM paragraphs p JOIN speeches s ON s.id = p.speech_id"
    f" WHERE {VISIBLE}",
    "rows": "SELECT coalesce(sum(length(data)) / 8, 0) FROM index_arrays"
    " WHERE gen = :gen AND name = 'paragraph_ids'",
}


def shortfall(gen: int, counted: Mapping[str, int], report: Mapping[str, object]) -> str | None:
    """What ``counted`` lacks against the build ``report`` (None when the generation is whole)."""
    expected = {
        "speeches": report.get("speeches"),
        "sections": report.get("sections"),
        "paragraphs": report.get("paragraphs"),
        "rows": report.get("paragraphs"),
    }
    wrong = [
        f"{counted.get(name)} of {want} {name}"
        for name, want in expected.items()
        if counted.get(name) != want
    ]
    if not wrong:
        return None
    return f"generation {gen} is incomplete: " + ", ".join(wrong)
