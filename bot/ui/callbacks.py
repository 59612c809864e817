"""Compact ``callback_data`` for inline buttons (Telegram allows at most 64 bytes).

Buttons that lead back to an answer carry its stored question (``query_id``, 0 for none) and
the page it was on (``offset``). Trailing fields have defaults, so data written by an older
version (``o:5``, ``s:12:0``) still decodes.
"""

from __future__ import annotations

from typing import NamedTuple

from index import parse_number

MAX_CALLBACK_BYTES = 64

#: Names of the admin actions (``Admin.action``); bot/app.py maps each to its function.
CANCEL = "cancel"  # 取消 under any admin prompt
UPLOAD_CONFIRM = "upok"  # 确认/替换 under an upload preview
UPLOAD_CANCEL = "upno"  # 取消 under an upload preview
REMOVE_CONFIRM = "rmok"  # 确认 under /remove N


class More(NamedTuple):
    """Next/previous page of a stored question's results."""

    query_id: int
    offset: int


class Passage(NamedTuple):
    """A paragraph in full with its neighbours, reached from an answer (or from another one)."""

    query_id: int
    offset: int
    paragraph_id: int


class Full(NamedTuple):
    """The whole paragraph (buttons of older answers; shown as a Passage)."""

    paragraph_id: int


class Context(NamedTuple):
    """A paragraph with its neighbours (buttons of older answers; shown as a Passage)."""

    paragraph_id: int


class OutlineOf(NamedTuple):
    """A speech's outline (0: the list of speeches)."""

    speech: int
    query_id: int = 0
    offset: int = 0


class SpeechesPage(NamedTuple):
    """One page of the list of speeches."""

    page: int


class SectionPage(NamedTuple):
    """One page of a section's paragraphs."""

    section_id: int
    page: int
    query_id: int = 0
    offset: int = 0


class Example(NamedTuple):
    """One of /start's example questions, by its place in the catalogue."""

    number: int


class Everywhere(NamedTuple):
    """A stored question searched in all speeches, whatever speech or part it names."""

    query_id: int


class Pick(NamedTuple):
    """ "哪篇讲话？": a stored question searched in the speech chosen."""

    query_id: int
    speech: int


class Admin(NamedTuple):
    """An admin action with its argument (checked against SPEECHBOT_ADMINS on every press)."""

    action: str
    arg: str


Action = (
    More
    | Passage
    | Full
    | Context
    | OutlineOf
    | SpeechesPage
    | SectionPage
    | Example
    | Everywhere
    | Pick
    | Admin
)

_PREFIX: dict[type, str] = {
    More: "m",
    Passage: "p",
    Full: "f",
    Context: "c",
    OutlineOf: "o",
    SpeechesPage: "l",
    SectionPage: "s",
    Example: "x",
    Everywhere: "e",
    Pick: "w",  # which speech
    Admin: "a",
}
_TYPES = {prefix: kind for kind, prefix in _PREFIX.items()}


def encode(action: Action) -> str:
    """``callback_data`` for an action; raises ValueError beyond Telegram's 64 bytes."""
    data = ":".join([_PREFIX[type(action)], *(str(v) for v in action)])
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback_data too long: {data!r}")
    return data


def decode(data: str | None) -> Action | None:
    """The action in ``callback_data``, or None for anything malformed: empty, too long, an
    unknown prefix, a wrong number of fields, or a field that is not a number SQLite can hold
    (``index.parse_number``, i.e. ``index.text.numbers``: no sign, at most 2^63 - 1)."""
    if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        return None
    prefix, *parts = data.split(":")
    kind = _TYPES.get(prefix)
    if kind is None:
        return None
    if kind is Admin:
        return Admin(parts[0], ":".join(parts[1:])) if parts and parts[0].isalpha() else None
    fields: tuple[str, ...] = kind._fields  # type: ignore[attr-defined]
    required = len(fields) - len(kind._field_defaults)  # type: ignore[attr-defined]
    if not required <= len(parts) <= len(fields):
        return None
    values = [parse_number(p) for p in parts]
    if any(v is None for v in values):
        return None
    return kind(*values)  # type: ignore[no-any-return]
