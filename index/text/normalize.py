"""Text normalisation shared by the corpus and the queries, so both sides meet in one form."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import opencc

#: Bump when normalisation changes: stored tokens are then rebuilt.
NORMALIZER_VERSION = "1"

_SPACE = re.compile(r"\s+")
# Characters that are not text at all: controls, unpaired surrogates, private use, noncharacters.
_JUNK = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff]"
)


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    # One converter per process: OpenCC loads its dictionaries on construction.
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def t2s_triggers() -> frozenset[str]:
    """Characters without which OpenCC's t2s leaves a text as it is.

    ``index/text/data/t2s_triggers.txt``, made from OpenCC's own dictionaries by
    ``python -m devtools.normalize_check --write``: every key of its character tables whose
    conversion differs, and a character of every phrase whose conversion differs.
    """
    data = resources.files("index.text").joinpath("data").joinpath("t2s_triggers.txt")
    return frozenset("".join(data.read_text(encoding="utf-8").split()))


class _Folding:
    """NFKC of one character at a time, remembered: most texts use a few hundred characters."""

    def __init__(self) -> None:
        self.stable: set[str] = set()
        self.mapped: dict[str, str] = {}

    def changing(self, chars: set[str]) -> list[str]:
        """The characters of ``chars`` that NFKC changes on their own."""
        unknown = chars.difference(self.stable)
        for char in unknown.difference(self.mapped):
            folded = unicodedata.normalize("NFKC", char)
            if folded == char:
                self.stable.add(char)
            else:
                self.mapped[char] = folded
        return [c for c in unknown if c in self.mapped]


@lru_cache(maxsize=1)
def _folding() -> _Folding:
    return _Folding()


def _nfkc(text: str, chars: set[str]) -> tuple[str, set[str]]:
    """NFKC of ``text`` (whose characters are ``chars``) and the characters of the result.

    Replacing each character by its own NFKC gives a text with the same NFKC (NFKD of a
    character's NFKC is its NFKD); when that text is already in NFKC, it is the NFKC.
    """
    folding = _folding()
    changing = folding.changing(chars)
    if not changing:
        folded = text  # only the order of combining marks can be at fault
    else:
        folded = text
        for char in changing:
            folded = folded.replace(char, folding.mapped[char])
        chars = chars.difference(changing).union(*(folding.mapped[c] for c in changing))
    if not unicodedata.is_normalized("NFKC", folded):
        folded = unicodedata.normalize("NFKC", text)
        chars = set(folded)
    return folded, chars


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), traditional → simplified, lower case, one space.

    Each step runs only where it can change something: NFKC where the text is not in NFKC
    already, OpenCC where the text holds a character that its t2s tables convert
    (devtools/normalize_check.py checks the result against doing every step).
    """
    if _JUNK.search(text) is not None:
        text = _JUNK.sub(" ", text)
    chars: set[str] | None = None
    if not unicodedata.is_normalized("NFKC", text):
        text, chars = _nfkc(text, set(text))
    if not text.isascii():
        if chars is None:
            chars = set(text)
        if not t2s_triggers().isdisjoint(chars):
            text = _converter().convert(text)
    return " ".join(text.split()).lower()


def clean_display(text: str) -> str:
    """Remove control characters and surrogates from text that is shown back to people."""
    return _SPACE.sub(" ", _JUNK.sub(" ", text)).strip()
