"""The domain of a parsed speech: ``Speech → Section → Paragraph``, all frozen values."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

#: Separator used when a section path is shown as one string.
PATH_SEPARATOR = " › "


class SectionKind(StrEnum):
    """What a section is: an opening, a numbered part, or the concluding words."""

    PREAMBLE = "preamble"
    NUMBERED = "numbered"
    CONCLUSION = "conclusion"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of speech text, the unit that is indexed and returned."""

    text: str
    ordinal: int  # position in the speech, 0-based, over all paragraphs
    section_path: tuple[str, ...]  # section titles from the top level down

    @property
    def section_label(self) -> str:
        """The section path as one string, e.g. ``二、… › 四要…``."""
        return PATH_SEPARATOR.join(self.section_path)


@dataclass(frozen=True, slots=True)
class Section:
    """A part of a speech: its heading, its own paragraphs and its sub-sections."""

    title: str  # the heading as written, marker included ("二、…", "（一）…", "四要…")
    kind: SectionKind
    level: int  # nesting depth in this speech, 1 for top level
    marker_level: int  # 1 for "一、", 2 for "（一）", 3 for "一要/一是"; 0 for preamble/conclusion
    number: int | None  # the heading's number (二 → 2), None for preamble/conclusion
    paragraphs: tuple[Paragraph, ...] = ()
    children: tuple[Section, ...] = ()

    def walk(self) -> Iterator[Section]:
        """This section and all its descendants, depth first, in speech order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def all_paragraphs(self) -> tuple[Paragraph, ...]:
        """The paragraphs of this section and its descendants, in speech order."""
        return tuple(
            sorted((p for s in self.walk() for p in s.paragraphs), key=lambda p: p.ordinal)
        )


@dataclass(frozen=True, slots=True)
class Speech:
    """A parsed speech: title, provenance, section tree and closing words."""

    title: str
    source: str  # file name the speech was read from
    year: int | None
    sections: tuple[Section, ...]  # top-level sections in order (preamble and conclusion included)
    salutation: str | None = None  # e.g. "同志们："
    closing: tuple[str, ...] = ()  # e.g. ("谢谢大家！",)
    encoding: str = "utf-8"
    dropped_lines: tuple[str, ...] = field(default=(), repr=False)  # boilerplate removed

    def walk(self) -> Iterator[Section]:
        """Every section of the speech, depth first, in speech order."""
        for section in self.sections:
            yield from section.walk()

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        """All paragraphs of the speech in order."""
        return tuple(
            sorted((p for s in self.walk() for p in s.paragraphs), key=lambda p: p.ordinal)
        )

    @property
    def headings(self) -> tuple[str, ...]:
        """Titles of the top-level numbered sections."""
        return tuple(s.title for s in self.sections if s.kind is SectionKind.NUMBERED)
