"""The speech finder's tables: built from what identifies each speech, or read back from the
form a build stores with its generation (so that loading a generation indexes nothing).

The stored form keeps only what a look-up can walk: description and "year about" postings shared
by more than ``COMMON`` speeches are never walked (``SpeechFinder``), so they are left out, and
the title index is rebuilt from each title's bigrams (cheap: titles are short).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..text.normalize import normalize
from .speech_text import NUMBER, PLAIN, YEAR, bigrams

#: A bigram or year shared by more speeches than this tells none apart: it is not walked.
COMMON = 64
#: Version of the stored form: another one is recomputed, never misread.
FORMAT = 2  # 2: the titles' text too (abbreviations are matched against it)


@dataclass(frozen=True, slots=True)
class SpeechKey:
    """What identifies one speech (input to ``SpeechFinder``)."""

    number: int
    title: str
    year: int | None
    opening: str = ""  # the opening paragraphs and top-level headings


@dataclass(frozen=True, slots=True)
class Tables:
    """The finder's look-up tables (read-only once built)."""

    numbers: tuple[int, ...]  # in key order
    titles: dict[int, frozenset[str]]
    title_index: dict[str, list[int]]
    described: dict[int, Counter[str]]
    desc_index: dict[str, list[int]]
    year_title: dict[int, list[int]]
    year_about: dict[int, list[int]]
    title_years: dict[int, frozenset[int]]
    number_index: dict[str, list[int]]
    title_texts: dict[int, str]  # normalised, for titles abbreviated in a question


def build_tables(keys: Iterable[SpeechKey]) -> Tables:
    """Index each speech's title, years and opening as character bigrams."""
    t = Tables((), {}, defaultdict(list), {}, defaultdict(list), defaultdict(list),
               defaultdict(list), {}, defaultdict(list), {})  # fmt: skip
    numbers = []
    for key in keys:
        numbers.append(key.number)
        title = normalize(key.title)
        grams = frozenset(g for g in bigrams(YEAR.sub("|", title)) if PLAIN.fullmatch(g))
        t.titles[key.number] = grams
        t.title_texts[key.number] = title
        for g in grams:
            t.title_index[g].append(key.number)
        in_title = {int(y) for y in YEAR.findall(title)}
        t.title_years[key.number] = frozenset(in_title)
        for year in in_title:
            t.year_title[year].append(key.number)
        for digits in set(NUMBER.findall(YEAR.sub("|", title))):
            t.number_index[digits].append(key.number)
        opening = normalize(key.opening)
        about = {int(y) for y in YEAR.findall(opening)} | ({key.year} if key.year else set())
        for year in about - in_title:
            t.year_about[year].append(key.number)
        counts = Counter(g for g in bigrams(opening) if PLAIN.fullmatch(g))
        t.described[key.number] = counts
        for g in counts:
            t.desc_index[g].append(key.number)
    return _with_numbers(t, tuple(numbers))


def _with_numbers(t: Tables, numbers: tuple[int, ...]) -> Tables:
    return Tables(numbers, *(getattr(t, name) for name in Tables.__slots__[1:]))


def dump_tables(t: Tables) -> bytes:
    """The stored form of ``t`` (JSON): what a look-up can walk, nothing more."""
    desc = {
        g: [[n, t.described[n][g]] for n in posting]
        for g, posting in t.desc_index.items()
        if len(posting) <= COMMON
    }
    data = {
        "format": FORMAT,
        "numbers": list(t.numbers),
        "titles": [sorted(t.titles[n]) for n in t.numbers],
        "title_years": [sorted(t.title_years[n]) for n in t.numbers],
        "number_index": t.number_index,
        "year_about": {y: p for y, p in t.year_about.items() if len(p) <= COMMON},
        "desc": desc,
        "title_texts": [t.title_texts[n] for n in t.numbers],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def load_tables(raw: bytes) -> Tables | None:
    """Tables read back from :func:`dump_tables`'s form; None for another format."""
    data: dict[str, Any] = json.loads(raw.decode("utf-8"))
    if data.get("format") != FORMAT:
        return None
    numbers = tuple(int(n) for n in data["numbers"])
    titles = {n: frozenset(g) for n, g in zip(numbers, data["titles"], strict=True)}
    years = {n: frozenset(y) for n, y in zip(numbers, data["title_years"], strict=True)}
    title_index: dict[str, list[int]] = defaultdict(list)
    year_title: dict[int, list[int]] = defaultdict(list)
    for n in numbers:
        for g in titles[n]:
            title_index[g].append(n)
        for y in years[n]:
            year_title[y].append(n)
    described: dict[int, Counter[str]] = {n: Counter() for n in numbers}
    desc_index: dict[str, list[int]] = {}
    for g, posting in data["desc"].items():
        desc_index[g] = [int(n) for n, _ in posting]
        for n, count in posting:
            described[int(n)][g] = int(count)
    about = {int(y): [int(n) for n in p] for y, p in data["year_about"].items()}
    number_index = {str(d): [int(n) for n in p] for d, p in data["number_index"].items()}
    texts = {n: str(t) for n, t in zip(numbers, data["title_texts"], strict=True)}
    return Tables(numbers, titles, title_index, described, desc_index, year_title,
                  about, years, number_index, texts)  # fmt: skip
