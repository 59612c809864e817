"""Text normalisation shared by the corpus and the queries, so both sides meet in one form."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import opencc

log = logging.getLogger(__name__)

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


def _data(name: str) -> str:
    return resources.files("index.text").joinpath("data").joinpath(name).read_text("utf-8")


@lru_cache(maxsize=1)
def t2s_triggers() -> frozenset[str]:
    """Characters without which OpenCC's t2s leaves a text as it is.

    ``index/text/data/t2s_triggers.txt``, made from OpenCC's own dictionaries by
    ``python -m devtools.normalize_check --write``: every key of its character tables whose
    conversion differs, and a character of every phrase whose conversion differs.
    """
    return frozenset("".join(_data("t2s_triggers.txt").split()))


def nfkc_changing_ranges() -> list[tuple[int, int]]:
    """Code point ranges of the characters NFKC changes on their own (for this Python's
    Unicode version: ``index/text/data/nfkc_changing.txt``, else worked out, ~1 s)."""
    lines = _data("nfkc_changing.txt").split()
    if lines and lines[0] == unicodedata.unidata_version:
        return [(int(a, 16), int(b, 16)) for a, b in (r.split("-") for r in lines[1:])]
    log.warning("Unicode %s: working out NFKC's table", unicodedata.unidata_version)
    return nfkc_ranges()


def nfkc_ranges() -> list[tuple[int, int]]:
    """Code point ranges of the characters that NFKC changes on their own, worked out."""
    return _ranges(
        c
        for c in range(0x110000)
        if not 0xD800 <= c <= 0xDFFF and unicodedata.normalize("NFKC", chr(c)) != chr(c)
    )


def _ranges(points: Iterable[int]) -> list[tuple[int, int]]:
    """Ascending code points as ranges of consecutive ones."""
    out: list[tuple[int, int]] = []
    for c in points:
        if out and out[-1][1] == c - 1:
            out[-1] = (out[-1][0], c)
        else:
            out.append((c, c))
    return out


def _char_class(ranges: Iterable[tuple[int, int]]) -> re.Pattern[str]:
    """A character class of the ranges' BMP part (``re`` makes it one bitmap; with characters
    beyond the BMP it would test the ranges one by one)."""
    bmp = [(a, min(b, 0xFFFF)) for a, b in ranges if a <= 0xFFFF]
    return re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in bmp) + "]")


#: Characters beyond the BMP: text holding one takes every step (they are rare).
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class _Shortcuts:
    """What ``normalize`` looks for: characters NFKC changes (with their NFKC, remembered)
    and characters OpenCC's t2s converts."""

    def __init__(self) -> None:
        self.nfkc = _char_class(nfkc_changing_ranges())
        self.t2s = _char_class(_ranges(sorted(map(ord, t2s_triggers()))))
        self.folded: dict[str, str] = {}

    def fold(self, text: str) -> str:
        """NFKC of ``text``, which is not in NFKC.

        Replacing each character by its own NFKC gives a text with the same NFKC (NFKD of a
        character's NFKC is its NFKD); when that text is already in NFKC, it is the NFKC.
        """
        folded = text
        for char in set(self.nfkc.findall(text)):
            to = self.folded.get(char)
            if to is None:
                to = self.folded[char] = unicodedata.normalize("NFKC", char)
            folded = folded.replace(char, to)
        if unicodedata.is_normalized("NFKC", folded):
            return folded
        return unicodedata.normalize("NFKC", text)  # combining marks to compose or reorder


@lru_cache(maxsize=1)
def _shortcuts() -> _Shortcuts:
    return _Shortcuts()


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), traditional → simplified, lower case, one space.

    Each step runs only where it can change something: NFKC where the text is not in NFKC
    already, OpenCC where the text holds a character that its t2s tables convert
    (devtools/normalize_check.py checks the result against doing every step).
    """
    if _JUNK.search(text) is not None:
        text = _JUNK.sub(" ", text)
    if not text.isascii():
        shortcuts, astral = _shortcuts(), _ASTRAL.search(text) is not None
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text) if astral else shortcuts.fold(text)
        if astral or shortcuts.t2s.search(text) is not None:
            text = _converter().convert(text)
    return " ".join(text.split()).lower()


def clean_display(text: str) -> str:
    """Remove control characters and surrogates from text that is shown back to people."""
    return _SPACE.sub(" ", _JUNK.sub(" ", text)).strip()
