"""Where matched query terms occur in a paragraph's original text, for highlighting."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from .normalize import _converter


def _normalized_with_map(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index of the original character."""
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


def highlight_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ``(start, end)`` spans of ``text`` where any term occurs."""
    wanted = sorted({t for t in terms if t}, key=len, reverse=True)
    if not wanted or not text:
        return []
    norm, origin = _normalized_with_map(text)
    spans: list[tuple[int, int]] = []
    for term in wanted:
        start = norm.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((origin[start], origin[end - 1] + 1))
            start = norm.find(term, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
