"""Inline keyboards under answers, paragraphs, outlines and admin prompts (labels from the
catalogue, in the reader's language)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from index import Outline, OutlineNode, ParagraphView, SearchResult, SpeechInfo, clean_display

from . import callbacks as cb
from . import texts
from .answer import rank_mark
from .pages import PAGE_SIZE, SPEECHES_PER_PAGE, speech_pages

_LABEL = 18  # characters of a section title on a button

Row = list[InlineKeyboardButton]


def _button(text: str, action: cb.Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=cb.encode(action))


def answer(
    result: SearchResult,
    query_id: int | None,
    english: bool = False,
    extra_rows: Sequence[Row] = (),
) -> InlineKeyboardMarkup | None:
    """One row choosing a passage (① ② ③, opening it in full), one paging row (not without a
    stored question), then ``extra_rows`` (e.g. understanding's "search all speeches")."""
    qid = query_id or 0
    rows: list[Row] = []
    if result.hits:
        rows.append(
            [
                _button(rank_mark(h.rank), cb.Passage(qid, result.offset, h.paragraph_id))
                for h in result.hits
            ]
        )
    paging = []
    if query_id is not None and result.offset > 0:
        previous = cb.More(query_id, max(0, result.offset - PAGE_SIZE))
        paging.append(_button(texts.BUTTON_PREVIOUS_PAGE(english), previous))
    if query_id is not None and result.offset + len(result.hits) < result.total:
        more = cb.More(query_id, result.offset + PAGE_SIZE)
        paging.append(_button(texts.BUTTON_MORE(english), more))
    if paging:
        rows.append(paging)
    rows += [list(r) for r in extra_rows]
    return InlineKeyboardMarkup(rows) if rows else None


def paragraph(
    view: ParagraphView, query_id: int, offset: int, english: bool = False
) -> InlineKeyboardMarkup:
    """◀ 上一段 · 下一段 ▶ · 大纲 · 返回结果 (the last only when reached from an answer)."""
    row: Row = []
    if view.prev_id is not None:
        row.append(
            _button(
                texts.BUTTON_PREV_PARAGRAPH(english), cb.Passage(query_id, offset, view.prev_id)
            )
        )
    if view.next_id is not None:
        row.append(
            _button(
                texts.BUTTON_NEXT_PARAGRAPH(english), cb.Passage(query_id, offset, view.next_id)
            )
        )
    row.append(
        _button(texts.BUTTON_OUTLINE(english), cb.OutlineOf(view.speech_id, query_id, offset))
    )
    if query_id:
        row.append(_button(texts.BUTTON_RESULTS(english), cb.More(query_id, offset)))
    return InlineKeyboardMarkup([row])


def speeches(
    items: Sequence[SpeechInfo], page: int = 0, english: bool = False
) -> InlineKeyboardMarkup:
    """One button per speech on ``page``, opening its outline; previous/next page buttons."""
    start = page * SPEECHES_PER_PAGE
    rows = [
        [_button(f"{s.number}. {_short(s.title, 28)}", cb.OutlineOf(s.number))]
        for s in items[start : start + SPEECHES_PER_PAGE]
    ]
    nav = []
    if page > 0:
        nav.append(_button(texts.BUTTON_PREVIOUS_PAGE(english), cb.SpeechesPage(page - 1)))
    if page + 1 < speech_pages(len(items)):
        nav.append(_button(texts.BUTTON_NEXT_PAGE(english), cb.SpeechesPage(page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def _back(english: bool, query_id: int, offset: int, first: Row) -> Row:
    """A closing row: ``first``, then 返回结果 when the browsing started from an answer."""
    if query_id:
        return [*first, _button(texts.BUTTON_RESULTS(english), cb.More(query_id, offset))]
    return first


def outline(
    tree: Outline, english: bool = False, query_id: int = 0, offset: int = 0
) -> InlineKeyboardMarkup:
    """One button per section (sub-sections indented), opening its paragraphs; then back to
    the list of speeches (and to the results)."""
    rows: list[Row] = []

    def walk(node: OutlineNode, depth: int) -> None:
        if node.n_paragraphs:
            label = ("· " * depth) + _short(node.title, _LABEL)
            rows.append([_button(label, cb.SectionPage(node.section_id, 0, query_id, offset))])
        for child in node.children:
            walk(child, depth + 1)

    for node in tree.sections:
        walk(node, 0)
    speeches_button = _button(texts.BUTTON_SPEECHES(english), cb.OutlineOf(0))
    rows.append(_back(english, query_id, offset, [speeches_button]))
    return InlineKeyboardMarkup(rows)


def section(
    where: tuple[int, int, int],
    neighbours: tuple[int | None, int | None],
    speech: int,
    english: bool = False,
    back: tuple[int, int] = (0, 0),
) -> InlineKeyboardMarkup:
    """A section page's buttons. ``where``: (section id, page, pages); ``neighbours``: the
    previous and next sections with paragraphs; ``back``: (query id, offset) of the answer."""
    section_id, page, pages = where
    query_id, offset = back
    rows: list[Row] = []
    paging = []
    if page > 0:
        paging.append(
            _button(
                texts.BUTTON_PREVIOUS_PAGE(english),
                cb.SectionPage(section_id, page - 1, query_id, offset),
            )
        )
    if page + 1 < pages:
        paging.append(
            _button(
                texts.BUTTON_NEXT_PAGE(english),
                cb.SectionPage(section_id, page + 1, query_id, offset),
            )
        )
    if paging:
        rows.append(paging)
    previous, following = neighbours
    nav = []
    if previous is not None:
        nav.append(
            _button(
                texts.BUTTON_PREV_SECTION(english), cb.SectionPage(previous, 0, query_id, offset)
            )
        )
    if following is not None:
        nav.append(
            _button(
                texts.BUTTON_NEXT_SECTION(english), cb.SectionPage(following, 0, query_id, offset)
            )
        )
    if nav:
        rows.append(nav)
    outline_button = _button(texts.BUTTON_OUTLINE(english), cb.OutlineOf(speech, query_id, offset))
    rows.append(_back(english, query_id, offset, [outline_button]))
    return InlineKeyboardMarkup(rows)


def start(english: bool = False) -> InlineKeyboardMarkup:
    """/start's example questions, one a row, and the list of speeches."""
    rows = [
        [_button(question, cb.Example(i))] for i, question in enumerate(texts.EXAMPLE_QUESTIONS)
    ]
    rows.append([_button(texts.BUTTON_BROWSE(english), cb.OutlineOf(0))])
    return InlineKeyboardMarkup(rows)


def search_again(query_id: int, english: bool = False) -> InlineKeyboardMarkup:
    """Under a button that outlived its content: the question asked again of today's index."""
    return InlineKeyboardMarkup(
        [[_button(texts.BUTTON_SEARCH_AGAIN(english), cb.More(query_id, 0))]]
    )


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
