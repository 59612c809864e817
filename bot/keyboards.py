"""Inline keyboards under answers, outlines and admin prompts."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from index import Outline, OutlineNode, SearchResult, SpeechInfo, clean_display

from . import callbacks as cb
from .render import SPEECHES_PER_PAGE, speech_pages

PAGE_SIZE = 3
_LABEL = 18  # characters of a section title on a button


def _button(text: str, action: cb.Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=cb.encode(action))


def answer(result: SearchResult, query_id: int | None) -> InlineKeyboardMarkup | None:
    """全文 / 上下文 / 大纲 per passage, and paging (not without a stored question)."""
    rows = [
        [
            _button(f"{hit.rank} 全文", cb.Full(hit.paragraph_id)),
            _button(f"{hit.rank} 上下文", cb.Context(hit.paragraph_id)),
            _button(f"{hit.rank} 大纲", cb.OutlineOf(hit.speech_id)),
        ]
        for hit in result.hits
    ]
    paging = []
    if query_id is not None and result.offset > 0:
        paging.append(_button("◀ 上一页", cb.More(query_id, max(0, result.offset - PAGE_SIZE))))
    if query_id is not None and result.offset + len(result.hits) < result.total:
        paging.append(_button("更多结果 ▶", cb.More(query_id, result.offset + PAGE_SIZE)))
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup(rows) if rows else None


def speeches(items: Sequence[SpeechInfo], page: int = 0) -> InlineKeyboardMarkup:
    """One button per speech on ``page``, opening its outline; previous/next page buttons."""
    start = page * SPEECHES_PER_PAGE
    rows = [
        [_button(f"{s.number}. {_short(s.title, 28)}", cb.OutlineOf(s.number))]
        for s in items[start : start + SPEECHES_PER_PAGE]
    ]
    nav = []
    if page > 0:
        nav.append(_button("◀ 上一页", cb.SpeechesPage(page - 1)))
    if page + 1 < speech_pages(len(items)):
        nav.append(_button("下一页 ▶", cb.SpeechesPage(page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def outline(tree: Outline) -> InlineKeyboardMarkup:
    """One button per section (sub-sections indented), opening its paragraphs."""
    rows: list[list[InlineKeyboardButton]] = []

    def walk(node: OutlineNode, depth: int) -> None:
        if node.n_paragraphs:
            label = ("· " * depth) + _short(node.title, _LABEL)
            rows.append([_button(label, cb.SectionPage(node.section_id, 0))])
        for child in node.children:
            walk(child, depth + 1)

    for node in tree.sections:
        walk(node, 0)
    rows.append([_button("◀ 讲话目录", cb.OutlineOf(0))])
    return InlineKeyboardMarkup(rows)


def section_pages(section_id: int, page: int, pages: int) -> InlineKeyboardMarkup | None:
    """Previous/next page buttons for a long section."""
    row = []
    if page > 0:
        row.append(_button("◀ 上一页", cb.SectionPage(section_id, page - 1)))
    if page + 1 < pages:
        row.append(_button("下一页 ▶", cb.SectionPage(section_id, page + 1)))
    return InlineKeyboardMarkup([row]) if row else None


def confirm(
    action: str, arg: str, yes: str = "确认", no: str = "取消", cancel: str = "cancel"
) -> InlineKeyboardMarkup:
    """A confirm/cancel pair for an admin action (``cancel``: the admin action of 取消)."""
    return InlineKeyboardMarkup(
        [
            [
                _button(yes, cb.Admin(action, arg)),
                _button(no, cb.Admin(cancel, arg)),
            ]
        ]
    )


def _short(text: str, limit: int) -> str:
    text = clean_display(text)  # a label is one line, without controls or lone surrogates
    return text if len(text) <= limit else text[: limit - 1] + "…"
