"""Telegram HTML primitives: escaping, matched terms in bold, trimming, fitting a message."""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Sequence

from index import Cut, highlight_spans

#: Telegram's limit on a message's text after entity parsing.
MAX_MESSAGE = 4096
#: Characters of passage text shown per hit in an answer before trimming with "…".
PASSAGE_BUDGET = 320
#: Characters of passage text per hit in an answer-first reply (bot/ui/answer.py).
SHORT_PASSAGE = 150
ELLIPSIS = "…"

# What cannot be sent at all: C0 controls other than tab and line breaks (NUL among them), and
# lone surrogates, which have no UTF-8 form (PTB's JSON encoding would raise).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")

_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]?")


def esc(text: str) -> str:
    """Escape text for Telegram's HTML parse mode (unsendable characters dropped or replaced)."""
    return html.escape(_SURROGATES.sub("\ufffd", _CONTROLS.sub("", text)), quote=True)


def emphasize(text: str, terms: Sequence[str], cut: Cut | None = None) -> str:
    """Escaped ``text`` with matched terms in ``<b>`` (whole words where ``cut`` tells them);
    tags never split a character or an entity."""
    out, last = [], 0
    for start, end in highlight_spans(text, terms, cut):
        out += [esc(text[last:start]), "<b>", esc(text[start:end]), "</b>"]
        last = end
    out.append(esc(text[last:]))
    return "".join(out)


def short(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (ending at 。！？； or the end)."""
    return _sentences(text)


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.end() > m.start()]


def trim(
    text: str, terms: Sequence[str], budget: int = PASSAGE_BUDGET, cut: Cut | None = None
) -> str:
    """Cut ``text`` to about ``budget`` characters around its best-matching sentences."""
    if len(text) <= budget:
        return text
    spans = highlight_spans(text, terms, cut)
    sentences = _sentences(text) or [(0, len(text))]
    counts = _matches_per_sentence(sentences, spans)
    lo, hi = _grow(sentences, counts, budget)
    start, end = sentences[lo][0], sentences[hi][1]
    if end - start > budget:  # one very long sentence: cut around its first match
        first = next((s for s, _ in spans if start <= s < end), start)
        start = max(start, min(first - budget // 3, end - budget))
        end = start + budget
    return (ELLIPSIS if start > 0 else "") + text[start:end] + (ELLIPSIS if end < len(text) else "")


def _matches_per_sentence(
    sentences: list[tuple[int, int]], spans: Sequence[tuple[int, int]]
) -> list[int]:
    """Matches per sentence in one pass: counting per sentence was quadratic, and a
    100k-character paragraph of short sentences took minutes, blocking the event loop."""
    starts = [start for start, _ in sentences]
    counts = [0] * len(sentences)
    for s, _ in spans:
        i = bisect.bisect_right(starts, s) - 1
        if i >= 0 and s < sentences[i][1]:
            counts[i] += 1
    return counts


def _grow(sentences: list[tuple[int, int]], counts: list[int], budget: int) -> tuple[int, int]:
    """The best sentence, grown with neighbours (the one with more matches first) to ``budget``."""
    best = max(range(len(sentences)), key=lambda i: (counts[i], -i))
    lo, hi = best, best
    length = sentences[best][1] - sentences[best][0]
    while True:
        options = []
        if lo > 0:
            options.append((counts[lo - 1], 1, lo - 1))
        if hi < len(sentences) - 1:
            options.append((counts[hi + 1], 0, hi + 1))
        options.sort(reverse=True)
        grown = False
        for _, _, i in options:
            extra = sentences[i][1] - sentences[i][0]
            if length + extra <= budget:
                lo, hi, length, grown = min(lo, i), max(hi, i), length + extra, True
                break
        if not grown:
            return lo, hi


def visible_length(text: str) -> int:
    """Length Telegram counts: text after removing tags and decoding entities."""
    return len(html.unescape(re.sub(r"<[^>]*>", "", text)))


def fit(text: str, suffix: str = "") -> str:
    """Cut HTML ``text`` so that with ``suffix`` it fits a message, never inside a tag or entity."""
    if visible_length(text + suffix) <= MAX_MESSAGE:
        return text + suffix
    out: list[str] = []
    open_tags: list[str] = []
    count = 0
    limit = MAX_MESSAGE - visible_length(suffix) - 2
    for token in re.findall(r"<[^>]*>|&[#a-zA-Z0-9]+;|[^<&]", text):
        if token.startswith("<"):
            if token.startswith("</"):
                if open_tags:
                    open_tags.pop()
            else:
                open_tags.append(re.match(r"<(\w+)", token).group(1))  # type: ignore[union-attr]
            out.append(token)
            continue
        if count + 1 > limit:
            break
        out.append(token)
        count += 1
    closing = "".join(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out) + ELLIPSIS + closing + suffix
