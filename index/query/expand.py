"""Query expansion: domain synonyms from a data file, and a fallback for words jieba cut otherwise.

A question becomes *units*: a synonym phrase found in it (with the terms it expands to), or one
of its tokens. Each unit is worth its idf; the best passage must cover enough of that worth to
count as an answer (see ``relevance.coverage``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import IndexUnavailable
from ..rank.bm25 import BM25
from ..text.normalize import normalize
from ..text.tokenize import Tokenizer
from . import typos

#: Times a question's own term counts in BM25 relative to a term it was expanded to.
OWN_WEIGHT = 2
#: At most this many vocabulary words stand in for one unknown query word.
MAX_FALLBACK = 6


@dataclass(frozen=True, slots=True)
class Unit:
    """One part of a question: its own term (if the corpus knows it) and the terms it expands to."""

    text: str
    own: str | None  # the token itself when it is in the vocabulary
    expansions: tuple[str, ...] = ()
    partial: float = 1.0  # how much of the unit an expansion covers (fallback by substring)


#: (phrase, expansions) pairs, longest phrase first.
Rules = tuple[tuple[str, tuple[str, ...]], ...]


def load_synonyms(path: Path | None) -> Rules:
    """The rules of a synonyms file (``index/query/data/synonyms.txt`` by default); none for None."""
    try:
        return parse_synonyms(path.read_text(encoding="utf-8")) if path is not None else ()
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexUnavailable(f"cannot read the synonyms file {path}: {exc}") from exc


def parse_synonyms(text: str) -> Rules:
    """``a = b c`` (a expands to b and c) and ``a ~ b ~ c`` (each to the others) lines."""
    rules: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if "=" in line:
            left, right = line.split("=", 1)
            rules.setdefault(normalize(left), []).extend(normalize(w) for w in right.split())
        elif "~" in line:
            group = [normalize(w) for w in line.split("~") if w.strip()]
            for word in group:
                rules.setdefault(word, []).extend(w for w in group if w != word)
    ordered = sorted(rules.items(), key=lambda kv: -len(kv[0]))
    return tuple((phrase, tuple(dict.fromkeys(words))) for phrase, words in ordered)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A synonym rule as the tokenizer reads it: the phrase's own words, and the corpus terms
    it expands to."""

    text: str
    words: tuple[str, ...]
    expansions: tuple[str, ...]


def _phrase_index(rules: Rules, tokenizer: Tokenizer, bm25: BM25) -> dict[str, list[Phrase]]:
    """Rules by the first word of their phrase: a phrase matches whole words of a question only
    ("查" is not found inside "督查"), and a question looks up only its own words' rules."""
    index: dict[str, list[Phrase]] = {}
    for phrase, targets in rules:
        words = tuple(tokenizer.tokens(phrase))
        if not words:
            continue
        cut = (tokenizer.tokens(w) for w in targets)
        expansions = tuple(dict.fromkeys(t for ts in cut for t in ts if t in bm25.vocab))
        index.setdefault(words[0], []).append(Phrase(phrase, words, expansions))
    for phrases in index.values():
        phrases.sort(key=lambda p: -len(p.words))
    return index


class Vocabulary:
    """The index's vocabulary with substring look-ups (the unknown-word fallback) and the synonyms."""

    def __init__(self, bm25: BM25, synonyms: Rules, tokenizer: Tokenizer) -> None:
        self.bm25 = bm25
        self._phrases = _phrase_index(synonyms, tokenizer, bm25)
        terms = bm25.postings.terms
        self._blob = "\n" + "\n".join(terms) + "\n"
        self._starts = [0] * len(terms)
        pos = 1
        for i, term in enumerate(terms):
            self._starts[i] = pos
            pos += len(term) + 1
        self._terms = terms
        self._tokenizer = tokenizer

    def frequency(self, word: str) -> int:
        """How many paragraphs hold ``word`` (0: not in the vocabulary)."""
        at = self.bm25.vocab.get(word)
        return 0 if at is None else int(self.bm25.df[at])

    def spelled(
        self, text: str, tokens: list[str]
    ) -> tuple[str, list[str], list[typos.Correction]]:
        """``text`` and its tokens with homophone typos corrected (``query/typos``), and the
        corrections."""
        unknown = [t for t in tokens if t not in self.bm25.vocab]
        if not unknown:
            return text, tokens, []
        norm = normalize(text)
        tok = self._tokenizer
        fixes = typos.corrections(norm, tok.cut(norm), self.frequency, tok.is_word, tok.stopwords)
        if not fixes:
            return text, tokens, []
        fixed = typos.corrected(norm, fixes)
        return fixed, self._tokenizer.tokens(fixed), fixes

    def phrases_at(self, token: str) -> list[Phrase]:
        """The synonym phrases whose words start with ``token``, longest first."""
        return self._phrases.get(token, [])

    def containing(self, fragment: str) -> list[str]:
        """Vocabulary words that contain ``fragment``."""
        found: dict[str, None] = {}
        for match in re.finditer(re.escape(fragment), self._blob):
            i = bisect.bisect_right(self._starts, match.start()) - 1
            found[self._terms[i]] = None
        return list(found)


def fallback(token: str, vocab: Vocabulary, text: str = "") -> tuple[tuple[str, ...], float]:
    """Vocabulary words for a token the corpus lacks, as character n-grams find them: words
    inside it, words across its edges (jieba may cut the question differently from the corpus:
    "宣传部提" → 宣传/部提), or words containing it."""
    bm25 = vocab.bm25
    at = text.find(token)
    window, offset = (
        (text[max(0, at - 3) : at + len(token) + 3], max(0, at - 3)) if at >= 0 else (token, 0)
    )
    start = (at - offset) if at >= 0 else 0
    end = start + len(token)
    covered: dict[str, int] = {}
    for i in range(len(window)):
        for j in range(i + 2, min(len(window), i + 8) + 1):
            word = window[i:j]
            overlap = min(j, end) - max(i, start)
            if overlap > 0 and word != token and word in bm25.vocab and " " not in word:
                covered[word] = overlap
    if covered:
        best = max(covered.values())
        parts = sorted(covered, key=lambda w: (-covered[w], -len(w), w))[:MAX_FALLBACK]
        return tuple(parts), best / len(token)
    if len(token) < 2 and not re.fullmatch(r"[\u4e00-\u9fff]", token):
        return (), 0.0
    holders = vocab.containing(token)
    holders.sort(key=lambda w: -int(bm25.df[bm25.vocab[w]]))
    return tuple(holders[:MAX_FALLBACK]), 1.0 if holders else 0.0


def units(text: str, tokenizer: Tokenizer, vocab: Vocabulary) -> list[Unit]:
    """The question's units: synonym phrases first (whole words of it), then its other tokens
    (``text`` as ``Vocabulary.spelled`` corrected it)."""
    tokens = tokenizer.tokens(text)
    found: list[Unit] = []
    used = [False] * len(tokens)
    for i, token in enumerate(tokens):
        for phrase in vocab.phrases_at(token) if not used[i] else ():
            span = range(i, i + len(phrase.words))
            if tuple(tokens[i : span.stop]) == phrase.words and not any(used[j] for j in span):
                own = phrase.text if phrase.text in vocab.bm25.vocab else None
                found.append(Unit(phrase.text, own, phrase.expansions))
                for j in span:
                    used[j] = True
                break
    rest = list(dict.fromkeys(t for t, taken in zip(tokens, used, strict=True) if not taken))
    for token in rest:
        if token in vocab.bm25.vocab:
            found.append(Unit(token, token))
        elif re.fullmatch(r"[a-z]+", token):
            continue  # English left untranslated by the glossary cannot match Chinese speeches
        elif len(token) > 1 or len(rest) == 1:
            expansions, partial = fallback(token, vocab, text)
            found.append(Unit(token, None, expansions, partial))
    return found


def query_tokens(parts: Sequence[Unit]) -> list[str]:
    """BM25 query tokens: own terms ``OWN_WEIGHT`` times, expansions once (BM25 is linear in them)."""
    tokens: list[str] = []
    own = {u.own for u in parts if u.own}
    for unit in parts:
        if unit.own:
            tokens += [unit.own] * OWN_WEIGHT
        extra = [t for t in unit.expansions if t not in own]
        if unit.own is None and extra:
            tokens.append(extra[0])  # the stand-in for a word the corpus lacks counts in full
        tokens += extra
    return tokens
