"""normalize's shortcuts (NFKC, OpenCC only where they can change something) change nothing."""

from __future__ import annotations

from devtools.normalize_check import (
    corpus_lines,
    differences,
    reference,
    synthetic,
    triggers_from_dictionaries,
)
from index.text.normalize import nfkc_changing_ranges, nfkc_ranges, normalize, t2s_triggers


def test_normalize_equals_every_step_on_the_bundled_corpus() -> None:
    lines = list(corpus_lines([]))
    assert len(lines) > 100
    assert differences(lines) == []


def test_normalize_equals_every_step_on_synthetic_text() -> None:
    assert differences(synthetic(count=5000)) == []


def test_normalize_equals_every_step_on_each_character_alone_and_in_text() -> None:
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    assert [c for c in chars if normalize(c) != reference(c)] == []
    wrapped = ["党" + c + "\u0301建" for c in chars[::7]]
    assert differences(wrapped) == []


def test_t2s_triggers_file_matches_opencc_dictionaries() -> None:
    assert t2s_triggers() == triggers_from_dictionaries()


def test_nfkc_table_file_matches_this_pythons_nfkc() -> None:
    assert nfkc_changing_ranges() == nfkc_ranges()
