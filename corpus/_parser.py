"""Plain speech text to a :class:`Speech`: title, salutation, sections, paragraphs, closing.

The text is one paragraph per line. Parsing goes in three steps:

1. The head: the lines before the salutation (``同志们：``), or, without one, before the first
   line that reads as body text. Boilerplate is dropped there (rules a and b, see
   ``_rules``); the first remaining block gives the title, joined over several short lines
   ("在2020年…会议上的" + "主持讲话"). Other head lines become preamble paragraphs.
2. The end: closing words (``谢谢大家！``) are taken off the last lines.
3. The body: each line is a paragraph, a heading on its own line, or a paragraph whose first
   sentence is a heading (see ``_headings``). Headings nest by marker level relative to
   what is open; paragraphs before the first heading form the preamble (引言), and a
   ``同志们，…`` paragraph after the last heading opens the conclusion (结语).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from ._errors import CorpusFileError
from ._headings import Heading, HeadingSequence, find_heading
from ._rules import BoilerplateRules
from .model import Paragraph, Section, SectionKind, Speech

PREAMBLE_TITLE = "引言"
CONCLUSION_TITLE = "结语"
NO_SPEECH = "no speech text found"

#: Title lines are at most this long; a longer line is body text.
TITLE_MAX_LENGTH = 60
# Without a salutation to end the head, a title continues on the next line only when it
# ends in a connective ("…会议上的") or the next line is a short tail ("主持讲话").
_CONNECTIVE = re.compile(r"(的|在|暨|和|及|与|、|，)$")
_SHORT_CONTINUATION = 6
_SENTENCE_MARKS = re.compile(r"[。！？!?；;]")
_SPACES = " \t\u3000\ufeff\u200b\u00a0"
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_HAS_FULLWIDTH_DIGIT = re.compile("[０-９]")


@cache
def default_rules() -> BoilerplateRules:
    """The bundled boilerplate rules, read once."""
    return BoilerplateRules.load()


def parse_text(
    text: str, source: str, *, rules: BoilerplateRules | None = None, encoding: str = "utf-8"
) -> Speech:
    """Parse a speech's text (one paragraph per line); raise CorpusFileError if it has none."""
    rules = rules or default_rules()
    lines = [line.strip(_SPACES) for line in text.split("\n")]
    dropped: list[str] = []
    head_end, salutation = _find_head(lines, rules)
    title_lines, extra = _split_head(lines[:head_end], rules, dropped, salutation is not None)
    body = extra + _keep(lines[head_end + (salutation is not None) :], rules, dropped)
    closing: list[str] = []
    while body and rules.is_closing(body[-1]):
        closing.insert(0, body.pop())
    if not body:
        raise CorpusFileError(NO_SPEECH)
    title = "".join(title_lines) or source.rsplit(".", 1)[0]
    sections = _Builder(rules).build(body)
    return Speech(
        title=title,
        source=source,
        year=_year(title, body),
        sections=sections,
        salutation=salutation,
        closing=tuple(closing),
        encoding=encoding,
        dropped_lines=tuple(dropped),
    )


def _is_body(line: str) -> bool:
    """Whether a non-boilerplate line reads as speech text rather than a title line."""
    return (
        len(line) > TITLE_MAX_LENGTH
        or _SENTENCE_MARKS.search(line) is not None
        or find_heading(line) is not None
    )


def _find_head(lines: list[str], rules: BoilerplateRules) -> tuple[int, str | None]:
    """Where the head ends, and the salutation line that ends it (if any)."""
    for i, line in enumerate(lines):
        if not line or rules.is_boilerplate(line):
            continue
        if rules.is_salutation(line):
            return i, line
        if _is_body(line):
            return i, None
    return len(lines), None


def _split_head(
    head: list[str], rules: BoilerplateRules, dropped: list[str], has_salutation: bool
) -> tuple[list[str], list[str]]:
    """Drop the head's boilerplate; return (title lines, other head lines)."""
    blocks: list[list[str]] = [[]]
    for line in head:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    blocks = [block for block in blocks if block]
    useful = [any(not rules.is_boilerplate(line) for line in block) for block in blocks]
    kept: list[list[str]] = []
    for i, block in enumerate(blocks):
        tainted = any(rules.is_boilerplate(line) for line in block)
        # Rule (b): an advert block before the block that holds the title goes entirely.
        if rules.header_blocks and tainted and any(useful[i + 1 :]):
            dropped.extend(block)
            continue
        kept_block = _keep(block, rules, dropped)
        if kept_block:
            kept.append(kept_block)
    if not kept:
        return [], []
    first, later = kept[0], [line for block in kept[1:] for line in block]
    if has_salutation:
        count = 0
        while count < len(first) and _is_title_line(first[count]):
            count += 1
    else:
        count = 1
        if (
            len(first) > 1
            and _is_title_line(first[1])
            and (_CONNECTIVE.search(first[0]) or len(first[1]) <= _SHORT_CONTINUATION)
        ):
            count = 2
    return first[:count], first[count:] + later


def _is_title_line(line: str) -> bool:
    return len(line) <= TITLE_MAX_LENGTH and _SENTENCE_MARKS.search(line) is None


def _keep(lines: list[str], rules: BoilerplateRules, dropped: list[str]) -> list[str]:
    """The non-empty lines that are not boilerplate (rule a); the others go to ``dropped``."""
    kept: list[str] = []
    for line in lines:
        if line and rules.is_boilerplate(line):
            dropped.append(line)
        elif line:
            kept.append(line)
    return kept


def _half_width(line: str) -> str:
    """``line`` with full-width digits as ASCII ones (translated only when it has some)."""
    return line.translate(_FULLWIDTH_DIGITS) if _HAS_FULLWIDTH_DIGIT.search(line) else line


def _year(title: str, body: list[str]) -> int | None:
    """The title's year, else the year the text names most often (the later one on ties)."""
    found = _YEAR.search(_half_width(title))
    if found:
        return int(found.group(1))
    counts = Counter(int(year) for line in body for year in _YEAR.findall(_half_width(line)))
    if not counts:
        return None
    return max(counts, key=lambda year: (counts[year], year))


@dataclass
class _Node:
    """A section while it is being built."""

    title: str
    kind: SectionKind
    marker_level: int
    number: int | None
    path: tuple[str, ...]
    paragraphs: list[Paragraph] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    def freeze(self) -> Section:
        return Section(
            title=self.title,
            kind=self.kind,
            level=len(self.path),
            marker_level=self.marker_level,
            number=self.number,
            paragraphs=tuple(self.paragraphs),
            children=tuple(child.freeze() for child in self.children),
        )


class _Builder:
    """Turns body lines into the section tree."""

    def __init__(self, rules: BoilerplateRules) -> None:
        self._rules = rules
        self._top: list[_Node] = []
        self._open: list[_Node] = []  # the open sections, outermost first
        self._ordinal = 0

    def build(self, body: list[str]) -> tuple[Section, ...]:
        sequence = HeadingSequence()
        items: list[tuple[Heading | None, str | None]] = []
        for line in body:
            heading = find_heading(line)
            if heading is not None and sequence.accept(heading):
                items.append((heading, None if heading.own_line else line))
            else:
                items.append((None, line))
        conclusion = self._conclusion_start(items)
        for i, (heading, text) in enumerate(items):
            if i == conclusion:
                self._open_section(CONCLUSION_TITLE, SectionKind.CONCLUSION, 0, None)
            if heading is not None:
                self._open_section(
                    heading.title, SectionKind.NUMBERED, heading.marker_level, heading.number
                )
            if text is not None:
                self._add(text)
        if self._ordinal == 0:
            raise CorpusFileError(NO_SPEECH)
        return tuple(node.freeze() for node in self._top)

    def _conclusion_start(self, items: list[tuple[Heading | None, str | None]]) -> int | None:
        """The item opening the 结语: a ``同志们，`` paragraph after the last heading."""
        last = max((i for i, (heading, _) in enumerate(items) if heading), default=-1)
        # The last section (or the preamble) keeps at least one paragraph of its own; an
        # own-line heading (or no heading, last == -1) needs the next item for that.
        opens_paragraph = last >= 0 and items[last][1] is not None
        first_allowed = last + 1 if opens_paragraph else last + 2
        for i in range(first_allowed, len(items)):
            text = items[i][1]
            if items[i][0] is None and text is not None and self._rules.opens_conclusion(text):
                return i
        return None

    def _open_section(
        self, title: str, kind: SectionKind, marker_level: int, number: int | None
    ) -> None:
        if kind is SectionKind.NUMBERED:
            # A marker closes every open section with the same or a finer marker.
            # The preamble is never a parent.
            while self._open and (
                self._open[-1].kind is not SectionKind.NUMBERED
                or self._open[-1].marker_level >= marker_level
            ):
                self._open.pop()
        else:
            self._open.clear()
        parent = self._open[-1] if self._open else None
        path = (*parent.path, title) if parent else (title,)
        node = _Node(title, kind, marker_level, number, path)
        (parent.children if parent else self._top).append(node)
        self._open.append(node)

    def _add(self, text: str) -> None:
        if not self._open:
            self._open_section(PREAMBLE_TITLE, SectionKind.PREAMBLE, 0, None)
        node = self._open[-1]
        node.paragraphs.append(Paragraph(text, self._ordinal, node.path))
        self._ordinal += 1
