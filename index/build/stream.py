"""A full build's BM25 postings, made while its speeches are tokenised (not read back after).

Each paragraph's row holds its own tokens and, ``heading_weight`` times, the tokens of its
section's numbered titles (its own and its ancestors'): what ``compose`` reads back from the
database for an incremental build, here from the tokeniser's encoded ids, in the same row order
(speech number, then paragraph ordinal).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from corpus import Section, SectionKind, Speech

from ..rank.postings import PostingsBuilder
from .parallel import Encoded

I32 = npt.NDArray[np.int32]
#: Rows gathered before they are turned into postings (as ``compose.BLOCK``).
BLOCK = 1 << 13


class StreamedPostings:
    """Postings of speeches added in row order; ``builder.finish()`` once all are in."""

    def __init__(self, spill: Path | None, heading_weight: int) -> None:
        self.builder = PostingsBuilder(spill)
        self._weight = heading_weight
        self._maps: dict[int, I32] = {}  # a process's key → its local id → the builder's id
        self._ids: list[I32] = []
        self._lengths: list[I32] = []
        self._pending = 0
        self.paragraph_ids: list[npt.NDArray[np.int64]] = []
        self.numbers: list[I32] = []
        self.last_number = 0

    def add(
        self,
        speech: Speech,
        number: int,
        paragraph_ids: Sequence[int],
        section_tokens: Sequence[str],
        encoded: Encoded,
    ) -> None:
        """Add one speech's paragraphs (``paragraph_ids`` in ordinal order)."""
        if number <= self.last_number:
            raise ValueError("speeches must come in ascending number")
        self.last_number = number
        own = self._global(encoded)
        lengths = encoded[4]
        heading = self._headings(speech, section_tokens)
        extra = [heading.get(p.section_path, _NONE) for p in speech.paragraphs]
        if all(len(e) == 0 for e in extra):
            self._ids.append(own)
            self._lengths.append(lengths)
        else:
            pieces = np.split(own, np.cumsum(lengths[:-1]))
            self._ids.append(
                np.concatenate([x for pair in zip(pieces, extra, strict=True) for x in pair])
            )
            self._lengths.append(lengths + np.fromiter(map(len, extra), np.int32, len(extra)))
        self.paragraph_ids.append(np.asarray(paragraph_ids, dtype=np.int64))
        self.numbers.append(np.full(len(lengths), number, dtype=np.int32))
        self._pending += len(lengths)
        if self._pending >= BLOCK:
            self.flush()

    def flush(self) -> None:
        """Turn the rows gathered so far into postings."""
        if self._pending:
            self.builder.add_ids(np.concatenate(self._ids), np.concatenate(self._lengths))
        self._ids, self._lengths, self._pending = [], [], 0

    def _global(self, encoded: Encoded) -> I32:
        key, base, new, ids, _ = encoded
        known = self._maps.get(key, _NONE)
        if len(known) != base:
            raise RuntimeError(f"tokens of process {key} arrived out of order")
        vocab = self.builder.vocab
        added = np.fromiter(map(vocab.__getitem__, new), dtype=np.int32, count=len(new))
        self._maps[key] = mapping = np.concatenate((known, added)) if len(new) else known
        return mapping[ids]

    def _headings(
        self, speech: Speech, section_tokens: Sequence[str]
    ) -> dict[tuple[str, ...], I32]:
        """The weighted heading ids of each section path (the first section of a path)."""
        out: dict[tuple[str, ...], I32] = {}
        vocab = self.builder.vocab

        def walk(sections: Sequence[Section], path: tuple[str, ...], above: list[str]) -> None:
            for section in sections:
                ordinal = len(seen)
                seen.append(ordinal)
                own = (*path, section.title)
                tokens = above + (
                    section_tokens[ordinal].split() if section.kind is SectionKind.NUMBERED else []
                )
                if own not in out:
                    ids = np.fromiter(map(vocab.__getitem__, tokens), np.int32, len(tokens))
                    out[own] = np.tile(ids, self._weight)
                walk(section.children, own, tokens)

        seen: list[int] = []
        walk(speech.sections, (), [])
        return out


_NONE: I32 = np.zeros(0, dtype=np.int32)
