"""Inline keyboards under answers, outlines and admin prompts (labels from the catalogue)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from index import Outline, OutlineNode, SearchResult, SpeechInfo, clean_display

from . import callbacks as cb
from . import texts
from .pages import PAGE_SIZE, SPEECHES_PER_PAGE, speech_pages

_LABEL = 18  # characters of a section title on a button


def _button(text: str, action: cb.Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=cb.encode(action))


def answer(result: SearchResult, query_id: int | None) -> InlineKeyboardMarkup | None:
    """全文 / 上下文 / 大纲 per passage, and paging (not without a stored question)."""
    rows = [
        [
            _button(texts.BUTTON_FULL.format(rank=hit.rank), cb.Full(hit.paragraph_id)),
            _button(texts.BUTTON_CONTEXT.format(rank=hit.rank), cb.Context(hit.paragraph_id)),
            _button(texts.BUTTON_OUTLINE.format(rank=hit.rank), cb.OutlineOf(hit.speech_id)),
        ]
        for hit in result.hits
    ]
    paging = []
    if query_id is not None and result.offset > 0:
        previous = cb.More(query_id, max(0, result.offset - PAGE_SIZE))
        paging.append(_button(texts.BUTTON_PREVIOUS, previous))
    if query_id is not None and result.offset + len(result.hits) < result.total:
        paging.append(_button(texts.BUTTON_MORE, cb.More(query_id, result.offset + PAGE_SIZE)))
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
        nav.append(_button(texts.BUTTON_PREVIOUS, cb.SpeechesPage(page - 1)))
    if page + 1 < speech_pages(len(items)):
        nav.append(_button(texts.BUTTON_NEXT, cb.SpeechesPage(page + 1)))
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
    rows.append([_button(texts.BUTTON_SPEECHES, cb.OutlineOf(0))])
    return InlineKeyboardMarkup(rows)


def section_pages(section_id: int, page: int, pages: int) -> InlineKeyboardMarkup | None:
    """Previous/next page buttons for a long section."""
    row = []
    if page > 0:
        row.append(_button(texts.BUTTON_PREVIOUS, cb.SectionPage(section_id, page - 1)))
    if page + 1 < pages:
        row.append(_button(texts.BUTTON_NEXT, cb.SectionPage(section_id, page + 1)))
    return InlineKeyboardMarkup([row]) if row else None


def confirm(
    action: str,
    arg: str,
    yes: str = texts.BUTTON_CONFIRM,
    no: str = texts.BUTTON_CANCEL,
    cancel: str = cb.CANCEL,
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
