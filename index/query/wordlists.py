"""Word lists in ``data/*.txt``: ``[name]`` blocks of words, '#' comments (read once)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from ..text.normalize import normalize


@lru_cache(maxsize=8)
def word_lists(name: str) -> dict[str, tuple[str, ...]]:
    """The blocks of ``data/{name}``, each word normalised as questions are, longest first."""
    text = resources.files("index.query").joinpath("data").joinpath(name).read_text("utf-8")
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = blocks.setdefault(line[1:-1].strip(), [])
            continue
        if current is None:
            raise ValueError(f"{name}: words before the first [block]: {line!r}")
        current.extend(normalize(w) for w in line.split())
    return {
        key: tuple(sorted(dict.fromkeys(words), key=lambda w: (-len(w), w)))
        for key, words in blocks.items()
    }
