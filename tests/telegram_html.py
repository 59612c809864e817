"""A strict parser for Telegram's HTML parse mode, used by tests and by the fake Bot API.

``parse_telegram_html`` turns HTML-formatted message text into the plain text and the
``MessageEntity`` dicts Telegram would produce (offsets in UTF-16 code units), raising
``TelegramHTMLError`` for anything Telegram would refuse -- plus two things it merely
tolerates but a well-behaved bot must never send: a bare ``&`` and unknown named entities.

``assert_valid_telegram_html`` is the assertion helper for tests.
See https://core.telegram.org/bots/api#html-style
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_MESSAGE_LENGTH = 4096

# tag name -> MessageEntity type ("a", "span", "code", "pre", "blockquote", "tg-emoji"
# are special-cased below).
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_SPECIAL_TAGS = {"a", "span", "code", "pre", "blockquote", "tg-emoji"}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_START_TAG = re.compile(
    r"<([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)"
    r"\s*>"
)
_END_TAG = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")
_ATTRIBUTE = re.compile(
    r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?"
)
_ENTITY = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]*));")


class TelegramHTMLError(ValueError):
    """The text is not valid Telegram HTML (message similar to Telegram's own)."""


@dataclass
class ParsedHTML:
    text: str
    entities: list[dict[str, Any]]


@dataclass
class _Open:
    tag: str
    entity: dict[str, Any]
    start: int  # UTF-16 offset
    children: list[str] = field(default_factory=list)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(match: re.Match[str], where: str) -> str:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        if name not in _NAMED_ENTITIES:
            raise TelegramHTMLError(f'Unsupported HTML entity "&{name};" {where}')
        return _NAMED_ENTITIES[name]
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise TelegramHTMLError(f"Invalid numeric HTML entity {match.group(0)} {where}")
    return chr(code)


def _unescape(value: str, where: str) -> str:
    out: list[str] = []
    pos = 0
    for match in [*_ENTITY.finditer(value), None]:
        raw = value[pos : match.start() if match else len(value)]
        if "&" in raw:
            raise TelegramHTMLError(f'Bare "&" {where}; escape it as "&amp;"')
        if "<" in raw:
            raise TelegramHTMLError(f'Bare "<" {where}')
        out.append(raw)
        if match:
            out.append(_decode_entity(match, where))
            pos = match.end()
    return "".join(out)


def _attributes(raw: str, where: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(raw):
        name, dq, sq, bare = match.groups()
        value = next((v for v in (dq, sq, bare) if v is not None), "")
        attrs[name.lower()] = _unescape(value, where)
    return attrs


def _entity_for(tag: str, attrs: dict[str, str], stack: list[_Open], where: str) -> dict[str, Any]:
    open_tags = [o.tag for o in stack]
    if open_tags and open_tags[-1] == "pre" and tag == "code" and not stack[-1].children:
        entity: dict[str, Any] = {"type": "code"}
    elif any(t in ("pre", "code") for t in open_tags):
        raise TelegramHTMLError(f'Can\'t nest "{tag}" inside "{open_tags[-1]}" {where}')
    elif tag in _SIMPLE_TAGS:
        entity = {"type": _SIMPLE_TAGS[tag]}
    elif tag == "span":
        if attrs.get("class") != "tg-spoiler":
            raise TelegramHTMLError(f'Tag "span" must have class "tg-spoiler" {where}')
        entity = {"type": "spoiler"}
    elif tag == "a":
        if "a" in open_tags:
            raise TelegramHTMLError(f'Can\'t nest "a" inside "a" {where}')
        if not attrs.get("href"):
            raise TelegramHTMLError(f'Tag "a" must have attribute "href" {where}')
        entity = {"type": "text_link", "url": attrs["href"]}
    elif tag == "code":
        entity = {"type": "code"}
    elif tag == "pre":
        entity = {"type": "pre"}
    elif tag == "blockquote":
        if "blockquote" in open_tags:
            raise TelegramHTMLError(f'Can\'t nest "blockquote" inside "blockquote" {where}')
        entity = {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
    else:  # tg-emoji
        if not attrs.get("emoji-id"):
            raise TelegramHTMLError(f'Tag "tg-emoji" must have attribute "emoji-id" {where}')
        entity = {"type": "custom_emoji", "custom_emoji_id": attrs["emoji-id"]}
    if stack:
        stack[-1].children.append(tag)
    return entity


def parse_telegram_html(html: str) -> ParsedHTML:
    """Parse Telegram HTML into ``ParsedHTML(text, entities)`` or raise TelegramHTMLError."""
    out: list[str] = []
    offset = 0  # UTF-16 offset of the next output character
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    pos = 0

    def where(at: int) -> str:
        return f"at byte offset {len(html[:at].encode())}"

    def emit(chunk: str) -> None:
        nonlocal offset
        out.append(chunk)
        offset += _utf16_len(chunk)

    while pos < len(html):
        char = html[pos]
        if char == "<" and html.startswith("</", pos):
            match = _END_TAG.match(html, pos)
            if match is None:
                raise TelegramHTMLError(f"Malformed end tag {where(pos)}")
            tag = match.group(1).lower()
            if not stack:
                raise TelegramHTMLError(f'Unexpected end tag "</{tag}>" {where(pos)}')
            top = stack.pop()
            if top.tag != tag:
                raise TelegramHTMLError(
                    f'Unmatched end tag {where(pos)}, expected "</{top.tag}>", found "</{tag}>"'
                )
            if tag == "code" and stack and stack[-1].tag == "pre":
                language = top.entity.get("language_class", "")
                if language.startswith("language-"):
                    stack[-1].entity["language"] = language.removeprefix("language-")
            elif offset > top.start:
                top.entity.pop("language_class", None)
                entities.append({**top.entity, "offset": top.start, "length": offset - top.start})
            pos = match.end()
        elif char == "<":
            match = _START_TAG.match(html, pos)
            if match is None:
                raise TelegramHTMLError(f'Bare "<" or malformed tag {where(pos)}; use "&lt;"')
            tag = match.group(1).lower()
            if tag not in _SIMPLE_TAGS and tag not in _SPECIAL_TAGS:
                raise TelegramHTMLError(f'Unsupported start tag "{tag}" {where(pos)}')
            attrs = _attributes(match.group(2), where(pos))
            entity = _entity_for(tag, attrs, stack, where(pos))
            if tag == "code" and "class" in attrs:
                entity["language_class"] = attrs["class"]
            stack.append(_Open(tag, entity, offset))
            pos = match.end()
        elif char == "&":
            match = _ENTITY.match(html, pos)
            if match is None:
                raise TelegramHTMLError(f'Bare "&" {where(pos)}; escape it as "&amp;"')
            emit(_decode_entity(match, where(pos)))
            pos = match.end()
        else:
            end = pos + 1
            while end < len(html) and html[end] not in "<&":
                end += 1
            emit(html[pos:end])
            pos = end
    if stack:
        raise TelegramHTMLError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedHTML("".join(out), entities)


def assert_valid_telegram_html(
    text: str, *, max_length: int = MAX_MESSAGE_LENGTH, allow_empty: bool = False
) -> str:
    """Assert ``text`` is valid Telegram HTML that fits in one message; return the plain text.

    The length limit is checked on the decoded text (``len`` in code points), which is how
    Telegram's 4096-character message limit is applied.
    """
    try:
        parsed = parse_telegram_html(text)
    except TelegramHTMLError as exc:
        raise AssertionError(f"invalid Telegram HTML: {exc}\n--- text ---\n{text}") from None
    if len(parsed.text) > max_length:
        raise AssertionError(
            f"Telegram HTML too long: {len(parsed.text)} > {max_length} characters after parsing"
        )
    if not allow_empty and not parsed.text.strip():
        raise AssertionError("Telegram HTML is empty after parsing (Telegram rejects this)")
    return parsed.text
