"""Telegram HTML for answers, outlines and paragraphs; everything from users or the corpus escaped.

Pure functions: they read what they are given and write nothing (a question is stored for its
"more results" button by the handler, which passes the id in). Wording from ``texts``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from index import (
    DenseStatus,
    IndexInfo,
    Outline,
    OutlineNode,
    ParagraphView,
    SearchResult,
    SpeechInfo,
)

from . import keyboards, scope, texts
from .answer import AnswerView, answer
from .html import esc, fit, short
from .keyboards import Row
from .pages import SPEECHES_PER_PAGE, speech_pages

#: Characters of a speech or section title shown in an answer (real ones are far shorter).
TITLE_BUDGET = 120


def nothing_found(query: str, reason: str, *, english: bool = False) -> str:
    """The plain 'nothing relevant' reply with suggestions (the question cut short, not echoed)."""
    return texts.NOTHING_FOUND(english, query=esc(short(query, 40)))


def result_reply(
    result: SearchResult,
    query_id: int | None,
    view: AnswerView | None = None,
    *,
    english: bool = False,
    extra_rows: Sequence[Row] = (),
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The reply text and buttons for a search result; paging buttons need a stored question.
    ``extra_rows``: keyboard rows added under the passages' and paging rows.

    What the question pointed at comes first (``scope``): "哪篇讲话？" with a button per
    speech, a part that does not exist, or one line saying what narrowed the search."""
    view = view or AnswerView()
    if scope.asks_which(result):
        picks = [*scope.pick_rows(result.candidates, query_id), *extra_rows]
        question = scope.which_text(result, english=english)
        if not result.relevant or not result.hits:
            return question, scope.with_rows(None, picks)
        text = answer(result, dataclasses.replace(view, scope=question), english=english)
        return text, keyboards.answer(result, query_id, english, picks)
    if result.available is not None and result.scope is not None:
        text = texts.NO_SUCH_PART(
            english,
            title=esc(short(result.scope.speech_title, TITLE_BUDGET)),
            count=result.available,
            number=result.scope.speech,
        )
        return text, None
    if not result.relevant:
        return nothing_found(result.query, result.reason, english=english), None
    line = scope.scope_line(result, english=english) or None
    text = answer(result, dataclasses.replace(view, scope=line or view.scope), english=english)
    rows = [r for r in (scope.scope_row(result, query_id, english=english), *extra_rows) if r]
    return text, keyboards.answer(result, query_id, english, rows)


def about(info: IndexInfo, semantic: DenseStatus | None = None, *, english: bool = False) -> str:
    """/about: the corpus's size, the index's generation, age, terms and size, semantic search."""
    built = dt.datetime.fromtimestamp(info.built_at, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = texts.ABOUT(
        english,
        speeches=info.speeches,
        sections=info.sections,
        paragraphs=info.paragraphs,
        generation=info.generation,
        built=built,
        terms=info.terms,
        mb=info.db_bytes / 1e6,
        variant=esc(info.variant),
    )
    return text + ("" if semantic is None else semantic_line(semantic, english=english))


def semantic_line(status: DenseStatus, *, english: bool = False) -> str:
    """One line on the semantic part: on, filling in, off, or unable to load."""
    if not status.enabled:
        return texts.SEMANTIC_OFF(english)
    if not status.available:
        return texts.SEMANTIC_UNAVAILABLE(english)
    if status.rows_embedded < status.rows:
        return texts.SEMANTIC_FILLING(english, done=status.rows_embedded, rows=status.rows)
    return texts.SEMANTIC_ON(english, rows=status.rows)


def speech_list(
    speeches: Sequence[SpeechInfo],
    page: int = 0,
    per_page: int = SPEECHES_PER_PAGE,
    *,
    english: bool = False,
) -> str:
    """The speeches on ``page``, numbered, with the page count when there is more than one."""
    if not speeches:
        return texts.NO_SPEECHES(english)
    pages = speech_pages(len(speeches), per_page)
    shown = speeches[page * per_page : (page + 1) * per_page]
    lines = [
        texts.SPEECH_LINE(
            english, number=s.number, title=esc(short(s.title, TITLE_BUDGET)), n=s.n_paragraphs
        )
        for s in shown
    ]
    head = texts.SPEECHES_HEAD(english)
    if pages > 1:
        head += texts.SPEECHES_PAGE(english, page=page + 1, pages=pages, count=len(speeches))
    return fit(head + "\n" + "\n".join(lines), suffix=texts.SPEECHES_TAIL(english))


def outline(tree: Outline, *, english: bool = False) -> str:
    """A speech's section tree."""
    lines = [f"<b>{tree.speech.number}. {esc(tree.speech.title)}</b>"]

    def walk(node: OutlineNode, depth: int) -> None:
        indent = "　" * depth
        lines.append(
            texts.SECTION_LINE(english, indent=indent, title=esc(node.title), n=node.n_paragraphs)
        )
        for child in node.children:
            walk(child, depth + 1)

    for node in tree.sections:
        walk(node, 0)
    return fit("\n".join(lines))


def section_text(
    title: str, views: Sequence[ParagraphView], page: int, pages: int, *, english: bool = False
) -> str:
    """One page of a section's paragraphs."""
    head = f"<b>{esc(views[0].speech_title) if views else ''}</b>\n<i>{esc(title)}</i>"
    body = "\n\n".join(esc(v.text) for v in views)
    tail = texts.SECTION_PAGE(english, page=page + 1, pages=pages) if pages > 1 else ""
    return fit(f"{head}\n\n{body}", suffix=tail)
