"""Text preparation skips work it does not need — NFKC only where the text is not in NFKC already,
full-width digits mapped only on lines that have them — with exactly the output of doing it all."""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter

import pytest

from corpus import _parser, bundled_corpus_dir, load_corpus
from devtools import synth
from index.text import normalize as prepared
from index.text.normalize import normalize

_SPACE = re.compile(r"\s+")
_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _always(text: str) -> str:
    """normalize as it was: NFKC on every text."""
    text = prepared._JUNK.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = prepared._converter().convert(text)
    return _SPACE.sub(" ", text).strip().lower()


def _year_always(title: str, body: list[str]) -> int | None:
    """The parser's year as it was: every line translated."""
    found = _parser._YEAR.search(title.translate(_parser._FULLWIDTH_DIGITS))
    if found:
        return int(found.group(1))
    counts = Counter(
        int(y)
        for line in body
        for y in _parser._YEAR.findall(line.translate(_parser._FULLWIDTH_DIGITS))
    )
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """Every line of the bundled corpus, synthetic paragraphs, and variants with full-width
    characters, traditional characters, compatibility forms and controls."""
    load = load_corpus(bundled_corpus_dir())
    lines = [
        line
        for item in load.speeches
        for line in item.path.read_text("utf-8").splitlines()
        if line.strip()
    ]
    lines += list(synth.paragraph_texts(synth.source(), 300))
    rng = random.Random(5)
    odd = [
        "ＡＢＣ",
        "２０２３年",
        "黨的建設",
        "㈠",
        "ﬁ",
        "\u3000",
        "\x07",
        "Ⅳ",
        "①",
        "e\u0301",
        "ｶﾞ",
    ]
    lines += [line[:30] + rng.choice(odd) + line[30:] for line in lines[:400]]
    lines += [line.translate(_DIGITS) for line in lines[:200]]
    return lines


def test_normalize_equals_nfkc_on_every_text(texts: list[str]) -> None:
    assert [normalize(t) for t in texts] == [_always(t) for t in texts]


def test_speech_years_equal_translating_every_line(texts: list[str]) -> None:
    load = load_corpus(bundled_corpus_dir())
    for item in load.speeches:
        lines = item.path.read_text("utf-8").splitlines()
        assert _parser._year(lines[0], lines[1:]) == _year_always(lines[0], lines[1:])
        wide = [line.translate(_DIGITS) for line in lines]
        assert _parser._year(wide[0], wide[1:]) == _year_always(wide[0], wide[1:])
    for i in range(0, len(texts) - 20, 20):
        assert _parser._year(texts[i], texts[i + 1 : i + 20]) == _year_always(
            texts[i], texts[i + 1 : i + 20]
        )
