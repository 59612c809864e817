"""What a question pointed at, in the reply: the one line saying what narrowed the search (or the
follow-up it read), its "search all speeches" button, and "哪篇讲话？" with a button per speech."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from index import SearchResult, SpeechInfo, clean_display

from . import callbacks as cb
from . import texts
from .html import esc, short

_TITLE = 60  # characters of a speech title in the scope line
_BUTTON_TITLE = 28  # characters of a speech title on a button
#: Stored with a question searched in all speeches (speech numbers start at 1).
EVERYWHERE = 0


def scope_line(result: SearchResult, *, english: bool = False) -> str:
    """ "📌 在《…》“三、…”中" or "↪️ 接上文《…》"; empty when nothing narrowed the search."""
    scope = result.scope
    if scope is None or (scope.given and not scope.section):
        return ""
    title = esc(short(scope.speech_title, _TITLE))
    section = ""
    if scope.section:
        section = texts.SCOPE_SECTION(english, section=esc(short(scope.section, _TITLE)))
    if scope.followed:
        return texts.SCOPE_FOLLOWED(english, title=title, section=section)
    return texts.SCOPE_IN(english, title=title, section=section)


def scope_row(
    result: SearchResult, query_id: int | None, *, english: bool = False
) -> list[InlineKeyboardButton]:
    """The button to search all speeches instead, when the question's own words narrowed it."""
    if query_id is None or result.scope is None or result.scope.given:
        return []
    return [_button(texts.BUTTON_EVERYWHERE(english), cb.Everywhere(query_id))]


def asks_which(result: SearchResult) -> bool:
    """Whether the reply asks "哪篇讲话？"."""
    return bool(result.candidates)


def which_text(result: SearchResult, *, english: bool = False) -> str:
    """The question back, alone or above results from all speeches."""
    if result.scope is not None:
        title = esc(short(result.scope.speech_title, _TITLE))
        return texts.WHICH_SPEECH_CLOSEST(english, title=title)
    if result.relevant and result.hits:
        return texts.WHICH_SPEECH_WITH_HITS(english)
    return texts.WHICH_SPEECH(english)


def pick_rows(
    speeches: Sequence[SpeechInfo], query_id: int | None
) -> list[list[InlineKeyboardButton]]:
    """One button per candidate speech: the question again, in that speech (or its outline
    when the question could not be stored)."""
    rows = []
    for s in speeches:
        title = short(clean_display(s.title), _BUTTON_TITLE)  # one line, no lone surrogates
        label = texts.BUTTON_PICK.format(number=s.number, title=title)
        action: cb.Action = cb.Pick(query_id, s.number) if query_id else cb.OutlineOf(s.number)
        rows.append([_button(label, action)])
    return rows


def with_rows(
    markup: InlineKeyboardMarkup | None, rows: list[list[InlineKeyboardButton]]
) -> InlineKeyboardMarkup | None:
    """``markup`` with ``rows`` added below it."""
    rows = [r for r in rows if r]
    if not rows:
        return markup
    existing = [list(r) for r in markup.inline_keyboard] if markup is not None else []
    return InlineKeyboardMarkup(existing + rows)


def _button(text: str, action: cb.Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=cb.encode(action))
