"""Short speech names for source lines: "县委党建工作领导小组会议 2020" instead of the whole title.

The rules (words to drop, usual abbreviations, length) are in ``data/titles.json``. Names that
would still look alike (the same characters in another order, say) get the speech's number
from /outline, so two near-identical titles never share a source line.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from index import SpeechInfo, clean_display


@dataclass(frozen=True, slots=True)
class _Rules:
    drop_prefix: tuple[str, ...]
    drop_suffix: tuple[str, ...]
    abbreviations: tuple[tuple[str, str], ...]
    year: re.Pattern[str]
    max_chars: int
    similar: float


@functools.cache
def _rules() -> _Rules:
    raw: dict[str, Any] = json.loads(
        resources.files("bot.ui").joinpath("data/titles.json").read_text("utf-8")
    )
    return _Rules(
        drop_prefix=tuple(raw["drop_prefix"]),
        drop_suffix=tuple(sorted(raw["drop_suffix"], key=len, reverse=True)),
        abbreviations=tuple(raw["abbreviations"].items()),
        year=re.compile(raw["year"]),
        max_chars=int(raw["max_chars"]),
        similar=float(raw["similar"]),
    )


def core(title: str) -> str:
    """The title without its opening and closing words, its year, and with usual abbreviations."""
    rules = _rules()
    text = rules.year.sub("", "".join(clean_display(title).split()))
    for prefix in rules.drop_prefix:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix) :]
    for suffix in rules.drop_suffix:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    for long, abbreviation in rules.abbreviations:
        text = text.replace(long, abbreviation)
    text = text or clean_display(title)
    return text if len(text) <= rules.max_chars else text[: rules.max_chars - 1] + "…"


def _alike(a: str, b: str, share: float) -> bool:
    left, right = set(a), set(b)
    return bool(left | right) and len(left & right) / len(left | right) >= share


def short_names(speeches: Iterable[SpeechInfo]) -> dict[int, str]:
    """Speech number → short name with its year; alike names also get "#number" (/outline's)."""
    items = list(speeches)
    cores = {s.number: core(s.title) for s in items}
    share = _rules().similar
    names = {}
    for s in items:
        name = f"{cores[s.number]} {s.year}" if s.year else cores[s.number]
        if any(n != s.number and _alike(cores[s.number], c, share) for n, c in cores.items()):
            name += f" #{s.number}"
        names[s.number] = name
    return names
