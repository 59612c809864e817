"""The strict Telegram HTML validator the fake Bot API parses every HTML message with."""

from __future__ import annotations

import pytest

from telegram_html import TelegramHTMLError, assert_valid_telegram_html, parse_telegram_html


@pytest.mark.parametrize(
    ("html", "plain"),
    [
        ("plain text", "plain text"),
        (
            "<b>bold <i>both</i></b> &lt;tag&gt; &amp; &quot;q&quot; &#169; &#x1F600;",
            'bold both <tag> & "q" © 😀',
        ),
        ('<a href="https://x.org/?a=1&amp;b=2">link</a>', "link"),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st"),
        (
            '<pre><code class="language-python">x = 1 < 2</code></pre>'.replace("< 2", "&lt; 2"),
            "x = 1 < 2",
        ),
        ("<blockquote expandable>quote</blockquote> a > b", "quote a > b"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
    ],
)
def test_html_validator_accepts(html: str, plain: str) -> None:
    assert assert_valid_telegram_html(html) == plain


@pytest.mark.parametrize(
    "html",
    [
        "<b>bad <i>nesting</b></i>",
        "<b>unclosed",
        "closed</b>",
        "<div>unknown tag</div>",
        "<br/>",
        "1 < 2",
        "Tom & Jerry",
        "&nbsp;",
        "<span>no spoiler class</span>",
        "<a>no href</a>",
        "<code><b>nested in code</b></code>",
        "<blockquote><blockquote>twice</blockquote></blockquote>",
        "<b></b>",  # empty after parsing
        "x" * 4097,
    ],
)
def test_html_validator_rejects(html: str) -> None:
    with pytest.raises(AssertionError):
        assert_valid_telegram_html(html)


def test_html_entities_use_utf16_offsets() -> None:
    parsed = parse_telegram_html('😀 <b>bold</b> <pre><code class="language-py">x</code></pre>')
    assert parsed.text == "😀 bold x"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "pre", "language": "py", "offset": 8, "length": 1},
    ]
    with pytest.raises(TelegramHTMLError, match="Unmatched end tag"):
        parse_telegram_html("<b><i>x</b>")
