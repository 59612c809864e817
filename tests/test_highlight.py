"""Highlighting marks whole words on the tokenizer's boundaries, and only words worth bold."""

from __future__ import annotations

import pytest

from index import Tokenizer, display_terms, highlight_spans, normalize


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    t = Tokenizer()
    t.initialize()
    return t


def _marked(text: str, terms: list[str], tokenizer: Tokenizer) -> list[str]:
    return [text[s:e] for s, e in highlight_spans(text, terms, tokenizer.cut)]


def test_a_term_inside_a_longer_word_is_not_marked(tokenizer: Tokenizer) -> None:
    text = "激励引导全区各级党员干部以自身出彩带动发展，要关心爱护干部。"
    assert _marked(text, ["干部"], tokenizer) == ["干部"]  # the last one, not 党员干部's
    assert _marked(text, ["干部", "党员干部"], tokenizer) == ["党员干部", "干部"]
    assert _marked("党员干部", ["党员干"], tokenizer) == []
    assert "干部群众" in tokenizer.cut(normalize("凝聚干部群众"))  # one word here: not 干部
    assert _marked("凝聚干部群众", ["干部"], tokenizer) == []


def test_without_word_boundaries_substrings_are_marked_as_before() -> None:
    assert highlight_spans("党员干部", ["干"]) == [(2, 3)]


def test_traditional_and_full_width_text_is_marked_at_the_original_characters(
    tokenizer: Tokenizer,
) -> None:
    text = "發揮基層黨組織戰鬥堡壘作用"
    assert _marked(text, ["基层"], tokenizer) == ["基層"]


@pytest.mark.parametrize(
    ("terms", "query", "kept"),
    [
        (["干部", "干", "不"], "干部不干", ("干部",)),  # single characters inside a longer query
        (["党"], "党", ("党",)),  # the whole term the user typed
        (["党", "团"], "党 团", ("党", "团")),  # separate terms typed with a space
        (["不"], "不", ()),  # a stopword, even typed alone
    ],
)
def test_display_terms_keep_words_and_lone_terms_the_user_typed(
    terms: list[str], query: str, kept: tuple[str, ...]
) -> None:
    assert display_terms(terms, query, stopwords={"不"}) == kept
