"""Where matched query words occur in a paragraph's original text, for highlighting.

A match counts only where it is a whole word of the text: it must start and end on the
tokenizer's word boundaries (``cut``), so ``干部`` is never bold inside ``党员干部`` and a
single character never inside a longer word. Which terms are worth bold at all is
``display_terms``: words of two or more characters, and a single character only when it is the
whole term the user typed and not a stopword.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable

from .normalize import _converter, normalize

#: Tokens of normalised text (``Tokenizer.cut``); their lengths give the word boundaries.
Cut = Callable[[str], list[str]]

# What separates the terms a user typed: anything but letters, digits and CJK ideographs.
_SEPARATORS = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


class _CharMap(dict[int, str]):
    """Each character's NFKC lower-case form, worked out once (for ``str.translate``)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if "\ud800" <= ch <= "\udfff":  # a lone surrogate has no UTF-8 form for OpenCC
            ch = "\ufffd"
        out = unicodedata.normalize("NFKC", ch).lower()
        if len(self) < 65_536:  # the characters of real text; stray ones are not kept
            self[code] = out
        return out


_CHARS = _CharMap()


@functools.lru_cache(maxsize=512)
def _normalized_with_map(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index of the original character
    (cached: one answer marks the same paragraphs several times)."""
    joined = text.translate(_CHARS)
    if len(joined) == len(text):  # character for character (nearly always): no loop
        simplified = _converter().convert(joined)
        return (simplified if len(simplified) == len(joined) else joined), list(range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if "\ud800" <= ch <= "\udfff":  # a lone surrogate has no UTF-8 form for OpenCC
            ch = "\ufffd"
        for out in unicodedata.normalize("NFKC", ch).lower():
            chars.append(out)
            origin.append(i)
    joined = "".join(chars)
    simplified = _converter().convert(joined)
    # Traditional → simplified is character for character almost always; if not, skip it.
    return (simplified if len(simplified) == len(joined) else joined), origin


def display_terms(
    terms: Iterable[str], query: str, stopwords: Collection[str] = ()
) -> tuple[str, ...]:
    """The terms worth bold: two or more characters, or a single character the user typed as a
    whole term (``党`` alone, or ``党 团`` with a separator) that is not a stopword."""
    typed = {piece for piece in _SEPARATORS.split(normalize(query)) if piece}
    kept = [
        t
        for t in dict.fromkeys(terms)
        if len(t) >= 2 or (len(t) == 1 and t in typed and t not in stopwords)
    ]
    return tuple(kept)


@functools.lru_cache(maxsize=512)
def _boundaries(norm: str, cut: Cut) -> frozenset[int]:
    """Offsets in ``norm`` where a word starts or ends (cut per line: jieba keeps lengths)."""
    edges = {0, len(norm)}
    position = 0
    for token in cut(norm):
        position += len(token)
        edges.add(position)
    if position != len(norm):  # a cut that does not add up gives no boundaries to trust
        return frozenset(range(len(norm) + 1))
    return frozenset(edges)


def highlight_spans(
    text: str, terms: Iterable[str], cut: Cut | None = None
) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ``(start, end)`` spans of ``text`` where any term occurs as
    whole words (with ``cut``; without it, anywhere)."""
    wanted = sorted({t for t in terms if t}, key=len, reverse=True)
    if not wanted or not text:
        return []
    norm, origin = _normalized_with_map(text)
    edges = _boundaries(norm, cut) if cut is not None else None
    spans: list[tuple[int, int]] = []
    for term in wanted:
        start = norm.find(term)
        while start != -1:
            end = start + len(term)
            if edges is None or (start in edges and end in edges):
                spans.append((origin[start], origin[end - 1] + 1))
                start = norm.find(term, end)
            else:
                start = norm.find(term, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
