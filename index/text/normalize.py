"""Text normalisation shared by the corpus and the queries, so both sides meet in one form."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), traditional → simplified, lower case, one space."""
    text = _JUNK.sub(" ", text)
    # Most text is already in NFKC; the check is several times cheaper than normalising.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = _converter().convert(text)
    return _SPACE.sub(" ", text).strip().lower()


def clean_display(text: str) -> str:
    """Remove control characters and surrogates from text that is shown back to people."""
    return _SPACE.sub(" ", _JUNK.sub(" ", text)).strip()
