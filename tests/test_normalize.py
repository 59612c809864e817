"""Normalisation: NFKC, traditional → simplified, whitespace; the same on corpus and queries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import opencc
import pytest

from corpus import bundled_corpus_dir
from index import IndexConfig, SearchIndex, highlight_spans, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "abc123"),  # full-width letters and digits become ASCII (and lower case)
        ("ＸＸ先锋", "xx先锋"),
        ("２０２３年", "2023年"),
        ("黨建工作", "党建工作"),  # traditional → simplified
        ("發揮基層黨組織戰鬥堡壘作用", "发挥基层党组织战斗堡垒作用"),
        ("  党建\t\n工作\u3000 ", "党建 工作"),  # whitespace runs, ideographic too
        ("党\x00建\x07", "党 建"),  # control characters are not text
    ],
)
def test_normalize_folds_width_script_and_whitespace(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_is_idempotent() -> None:
    text = "  黨建　ＡＢＣ\t“兩個維護”  "
    assert normalize(normalize(text)) == normalize(text)


async def test_traditional_query_finds_the_simplified_corpus(plain_index: SearchIndex) -> None:
    simplified = await plain_index.search("党建", k=3)
    traditional = await plain_index.search("黨建", k=3)
    assert traditional.terms == simplified.terms == ("党建",)
    assert traditional.relevant and traditional.hits
    assert [h.paragraph_id for h in traditional.hits] == [h.paragraph_id for h in simplified.hits]
    assert all("党建" in h.text for h in traditional.hits)


async def test_full_width_and_spaced_queries_equal_their_plain_form(index: SearchIndex) -> None:
    for wide, plain in [
        ("ＸＸ先锋", "xx先锋"),
        ("１２６６", "1266"),
        ("\u3000三会一课\t ", "三会一课"),
    ]:
        got, want = await index.search(wide, k=3), await index.search(plain, k=3)
        assert got.relevant and got.hits, wide
        assert got.terms == want.terms
        assert [h.paragraph_id for h in got.hits] == [h.paragraph_id for h in want.hits]


async def test_traditional_full_width_corpus_is_found_by_simplified_queries(
    tmp_path: Path,
) -> None:
    # The corpus side goes through the same normalisation: a speech written in traditional
    # characters with full-width digits is found by a simplified, half-width question.
    source = bundled_corpus_dir() / "05-2023-county-party-committee-work-meeting.txt"
    text = opencc.OpenCC("s2t").convert(source.read_text(encoding="utf-8"))
    text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert "黨" in text and "２０２３" in text
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "traditional.txt").write_text(text, encoding="utf-8")
    index = SearchIndex(IndexConfig(db_path=tmp_path / "t.db", corpus_dir=folder))
    await index.initialize()
    try:
        result = await index.search("三会一课", k=3)
        assert result.relevant and result.hits
        hit = result.hits[0]
        assert "三會一課" in hit.text  # the passage is shown as written
        spans = highlight_spans(hit.text, hit.matched_terms)
        assert "三會一課" in [hit.text[a:b] for a, b in spans]
    finally:
        await index.shutdown()
    with sqlite3.connect(tmp_path / "t.db") as db:
        tokens = " ".join(row[0] for row in db.execute("SELECT tokens FROM paragraphs"))
    assert "2022" in tokens.split() and "２０２２" not in tokens  # stored tokens are normalised
    assert "党" in tokens and "黨" not in tokens
