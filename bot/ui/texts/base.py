"""The catalogue's building blocks: a string in both languages, and one with its values bound."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple


class Text(NamedTuple):
    """A user-facing string: Chinese (what everyone sees) and English (language_code ``en…``).

    Templates take ``str.format`` fields. Values go in as given, so escape what ends up in HTML
    first (``bot.ui.html.esc``); a value that is itself a Text or Phrase is said in the same
    language as the template.
    """

    zh: str
    en: str

    def __call__(self, english: bool = False, /, **values: object) -> str:
        """The string in the reader's language, with ``values`` filled in."""
        template = self.en if english else self.zh
        if not values:
            return template
        return template.format(**{name: say(value, english) for name, value in values.items()})

    def bind(self, **values: object) -> Phrase:
        """This text with its values, to be said once the reader's language is known."""
        return Phrase(self, values)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A Text with its values (a reason an exception carries up to the handler, say)."""

    text: Text
    values: Mapping[str, object]

    def __call__(self, english: bool = False) -> str:
        """The phrase in the reader's language."""
        return self.text(english, **self.values)


def say(value: object, english: bool) -> object:
    """``value`` in the reader's language when it is a Text or Phrase; anything else as it is."""
    return value(english) if isinstance(value, Text | Phrase) else value


def said(value: str | Text | Phrase, english: bool) -> str:
    """A reason or label that may be a plain string (from the parser, say) or a phrase."""
    return value if isinstance(value, str) else value(english)


def is_english(language_code: str | None) -> bool:
    """Whether to answer a user in English."""
    return bool(language_code) and str(language_code).lower().startswith("en")


def spelled_pairs(pairs: tuple[tuple[str, str], ...]) -> str:
    """Typos and the words they were read as: “陪训”→“培训”、“住村”→“驻村”."""
    return "、".join(f"“{typed}”→“{meant}”" for typed, meant in pairs)
