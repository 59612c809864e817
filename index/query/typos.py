"""Homophone typos: a character typed for another of the same sound ("党校陪训" for 培训).

Chinese is typed by sound (pinyin), so the usual typo is a wrong candidate of the right syllable:
a word that is in no dictionary, one character away from a word of the speeches that sounds the
same, tone included. Only stretches of the question that the speeches' vocabulary lacks are
looked at, and only spans that are not words of general Chinese (jieba's dictionary): a real
word the speeches do not use ("老板") is never "corrected" into one they do.

The readings come from ``pypinyin``'s character table (read as data, without importing the
package, which loads a phrase dictionary we do not need).
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: Lengths of the spans looked at: the words people mistype are two to four characters.
SPANS = (2, 3, 4)
#: Characters never replaced nor put in: numerals (一 reads yī, yí and yì and would stand for 议,
#: 亿, 衣…) change what is asked, not how it is spelt.
NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两")
_HAN = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True, slots=True)
class Correction:
    """One span of the question read as the word of the speeches it sounds like."""

    typed: str
    meant: str


@lru_cache(maxsize=1)
def _sounds() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Each character's readings (with tone), and each reading's characters; empty without
    ``pypinyin``."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        return {}, {}
    path = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
    try:
        table: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}
    readings: dict[str, tuple[str, ...]] = {}
    chars: dict[str, list[str]] = {}
    for code, value in table.items():
        char = chr(int(code))
        if not _HAN.fullmatch(char):
            continue
        readings[char] = tuple(value.split(","))
        for reading in readings[char]:
            chars.setdefault(reading, []).append(char)
    return readings, {r: tuple(c) for r, c in chars.items()}


def available() -> bool:
    """Whether the character readings could be read."""
    return bool(_sounds()[0])


def homophones(char: str) -> set[str]:
    """Characters sharing a reading (tone included) with ``char``, itself excluded."""
    readings, chars = _sounds()
    out = {c for r in readings.get(char, ()) for c in chars.get(r, ())}
    out.discard(char)
    return out


def corrections(
    text: str,
    cut: Sequence[str],
    known: Callable[[str], int],
    is_word: Callable[[str], bool],
    stopwords: frozenset[str] = frozenset(),
) -> list[Correction]:
    """Spans of normalised ``text`` (``cut``: its tokens, in order) that are no word, overlap a
    token the vocabulary lacks, and sound like a vocabulary word one character away;
    ``known(word)`` is a word's document frequency (0: not in the vocabulary).

    A span never ends inside a token that is a word (of general Chinese, of the speeches, or a
    stopword): "先审一遍" is 先 审 一遍, not 审一 (审议). Single-character stopwords and numerals
    are never replaced nor put in. Longer spans first, then the likelier word; no overlaps."""
    bounds, unknown = _bounds(text, cut, known, is_word, stopwords)
    fixed = NUMERALS | {w for w in stopwords if len(w) == 1}
    found: list[tuple[int, int, int, str]] = []  # (start, end, frequency, meant)
    for start, end in unknown:
        for size in SPANS:
            for i in range(max(0, start - size + 1), min(len(text) - size, end - 1) + 1):
                span = text[i : i + size]
                if i not in bounds or i + size not in bounds or not _HAN.fullmatch(span):
                    continue
                if known(span) or is_word(span):
                    continue
                best = _best(span, known, fixed)
                if best is not None:
                    found.append((i, i + size, *best))
    found.sort(key=lambda f: (-(f[1] - f[0]), -f[2], f[0]))
    taken: list[tuple[int, int]] = []
    out: list[tuple[int, Correction]] = []
    for i, j, _, meant in found:
        if all(j <= a or i >= b for a, b in taken):
            taken.append((i, j))
            out.append((i, Correction(text[i:j], meant)))
    return [c for _, c in sorted(out, key=lambda x: x[0])]


def _bounds(
    text: str,
    cut: Sequence[str],
    known: Callable[[str], int],
    is_word: Callable[[str], bool],
    stopwords: frozenset[str],
) -> tuple[set[int], list[tuple[int, int]]]:
    """Where a span may start or end (not inside a word), and the unknown tokens' spans.

    A word of general Chinese that the speeches lack, next to an unknown token, does not guard
    its inside: the typo itself may have made it ("有人造遥" is cut 有 人造 遥, the 造 of 造谣)."""
    placed: list[tuple[int, int, str]] = []  # (start, end, kind): kind "unknown", "word", "open"
    cursor = 0
    for token in cut:
        at = text.find(token, cursor)
        if at < 0:
            continue
        cursor = at + len(token)
        if not _HAN.fullmatch(token):
            continue
        if token in stopwords or known(token):
            placed.append((at, cursor, "word"))
        elif len(token) > 1 and is_word(token):
            placed.append((at, cursor, "open"))
        else:
            placed.append((at, cursor, "unknown"))
    unknown = [(a, b) for a, b, kind in placed if kind == "unknown"]
    edges = {a for a, _ in unknown} | {b for _, b in unknown}
    inside: set[int] = set()
    for a, b, kind in placed:
        if kind == "word" or (kind == "open" and a not in edges and b not in edges):
            inside.update(range(a + 1, b))
    return set(range(len(text) + 1)) - inside, unknown


def corrected(text: str, fixes: Sequence[Correction]) -> str:
    """``text`` with each correction's span replaced (first occurrences, in order)."""
    for fix in fixes:
        text = text.replace(fix.typed, fix.meant, 1)
    return text


def _best(span: str, known: Callable[[str], int], fixed: frozenset[str]) -> tuple[int, str] | None:
    """The vocabulary word one homophone away from ``span`` with the highest frequency."""
    best: tuple[int, str] | None = None
    for k, char in enumerate(span):
        if char in fixed:
            continue
        for other in homophones(char) - fixed:
            word = span[:k] + other + span[k + 1 :]
            df = known(word)
            if df and (best is None or df > best[0]):
                best = (df, word)
    return best
