"""Numbers typed by people: ASCII or full-width digits and Chinese numerals, bounded to SQLite's range."""

from __future__ import annotations

import re

#: The largest integer SQLite stores (and the largest id any table here can hold).
MAX_ID = 2**63 - 1

_DIGITS = re.compile(r"[0-9０-９]{1,19}")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_NUMERALS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "兩": 2, "贰": 2, "貳": 2,
    "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
    "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_TENS = {"十", "拾"}
_HUNDRED = {"百", "佰"}


def parse_number(text: str) -> int | None:
    """'12' or '１２' → 12; anything else (², -1, 1e3, 20 digits) → None; never raises."""
    text = text.strip()
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text.translate(_FULL_WIDTH))
    return value if value <= MAX_ID else None


def chinese_number(text: str) -> int | None:
    """'一' → 1, '十二' → 12, '二十三' → 23, '一百零五' → 105, '4' → 4; None when it is not a number."""
    text = text.strip()
    digits = parse_number(text)
    if digits is not None:
        return digits
    if (
        not text
        or len(text) > 8
        or any(c not in _NUMERALS and c not in _TENS | _HUNDRED for c in text)
    ):
        return None
    hundreds, tens, ones = 0, 0, 0
    head, sep, rest = _split(text, _HUNDRED)
    if sep:
        if head not in _NUMERALS:
            return None
        hundreds, text = _NUMERALS[head], rest.lstrip("零〇")
    head, sep, rest = _split(text, _TENS)
    if sep:
        if head and head not in _NUMERALS:
            return None
        tens, text = (_NUMERALS[head] if head else 1), rest
    if text:
        if text not in _NUMERALS:
            return None
        ones = _NUMERALS[text]
    if not (hundreds or tens or ones) and "零" not in text and "〇" not in text:
        return None
    return hundreds * 100 + tens * 10 + ones


def _split(text: str, marks: set[str]) -> tuple[str, str, str]:
    for i, c in enumerate(text):
        if c in marks:
            return text[:i], c, text[i + 1 :]
    return text, "", ""
