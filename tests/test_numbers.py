"""Numbers typed by people: only digits and Chinese numerals count, never anything that makes int() raise."""

from __future__ import annotations

import pytest

from index.text.numbers import MAX_ID, chinese_number, parse_number


@pytest.mark.parametrize(("text", "value"), [("12", 12), ("１２", 12), (" 3 ", 3), ("0", 0)])
def test_digits_are_read(text: str, value: int) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text", ["²", "-1", "1e3", "+4", "", "一", "3.5", "٣", "9" * 20, str(MAX_ID + 1)]
)
def test_anything_else_is_not_a_number(text: str) -> None:
    assert parse_number(text) is None


def test_the_largest_sqlite_integer_is_still_a_number() -> None:
    assert parse_number(str(MAX_ID)) == MAX_ID


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十三", 23),
        ("两", 2),
        ("一百零五", 105),
        ("拾", 10),
        ("4", 4),
    ],
)
def test_chinese_numerals_are_read(text: str, value: int) -> None:
    assert chinese_number(text) == value


@pytest.mark.parametrize("text", ["第一", "十十", "百", "一二三四五六七八九", "²", "三点"])
def test_malformed_numerals_are_not_numbers(text: str) -> None:
    assert chinese_number(text) is None
