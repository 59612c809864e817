"""What goes in bold for one question: its words worth marking, and the word boundaries."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from index import Cut, Tokenizer, display_terms


@dataclass(frozen=True, slots=True)
class Marker:
    """The question, the tokenizer's cut (word boundaries) and its stopwords."""

    query: str = ""
    cut: Cut | None = None
    stopwords: frozenset[str] = frozenset()

    def terms(self, matched: Iterable[str]) -> tuple[str, ...]:
        """Of a hit's matched terms, those worth bold (``index.display_terms``)."""
        return display_terms(matched, self.query, self.stopwords)


@functools.cache
def plain_chars() -> frozenset[str]:
    """Single characters never bold on their own (``data/plain_chars.txt``)."""
    text = resources.files("bot.ui").joinpath("data/plain_chars.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def marker(query: str, tokenizer: Tokenizer | None) -> Marker:
    """A Marker for ``query`` with the live index's tokenizer (None: substrings, no filter)."""
    if tokenizer is None:
        return Marker(query, stopwords=plain_chars())
    return Marker(query, tokenizer.cut, frozenset(tokenizer.stopwords) | plain_chars())


def query_terms(query: str, tokenizer: Tokenizer) -> tuple[str, ...]:
    """The question's own words, for views reached from an answer (full text, neighbours)."""
    return tuple(dict.fromkeys(tokenizer.tokens(query)))
