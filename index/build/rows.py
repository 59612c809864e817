"""Writing a generation's speeches, sections, paragraphs and tokens; unchanged speeches reused."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator, Sequence

import aiosqlite

from corpus import LoadedSpeech, Speech

from ..text.tokenize import Tokenizer
from ..types import Progress
from .insert import NextIds, insert_speech
from .parallel import (
    POOL_MIN_PARAGRAPHS,
    Encoded,
    LocalVocab,
    Result,
    Texts,
    encode_result,
    signed_tokens,
    tokenize_all,
    workers,
)
from .parallel import joined as _joined
from .stream import StreamedPostings
from .threaded import ThreadOwnedIterator

log = logging.getLogger(__name__)


def speech_texts(speech: Speech) -> str:
    return _joined(_texts(speech))


async def write_speeches(
    db: aiosqlite.Connection,
    gen: int,
    loaded: list[LoadedSpeech],
    tokenizer: Tokenizer,
    report: Progress,
    build_workers: int = 0,
    stream: StreamedPostings | None = None,
) -> tuple[list[int], list[str], StreamedPostings | None]:
    """Reuse unchanged speeches' rows, tokenise and insert the others; return live row ids.

    ``loaded`` is emptied: each speech is released as soon as its rows are written (or found
    unchanged). Sending a text to a worker or to SQLite leaves its UTF-8 form cached inside the
    str, so a speech kept to the end would cost its text twice over.

    With ``stream``, when every speech is tokenised anew in number order (a full build), the
    postings are built as the rows are written and ``stream`` is returned; else None.
    """
    total = len(loaded)
    items: list[LoadedSpeech | None] = list(loaded)
    loaded.clear()
    kept, todo = await _plan(db, [i for i in items if i is not None], tokenizer)
    numbers = [n for _, n in todo]
    if len(todo) != total or numbers != sorted(set(numbers)):
        stream = None
    for i, row in enumerate(kept):
        if row:
            items[i] = None
    done = total - len(todo)
    report("tokenize", done, total)
    jobs = (_texts(_speech(items, i)) for i, _ in todo)
    n_paragraphs = sum(len(_speech(items, i).paragraphs) for i, _ in todo)
    results = _results(tokenizer, jobs, build_workers, n_paragraphs)
    retokenized: list[str] = []
    # Tokenising is CPU work (here or in the pool): keep it off the event loop, on one thread
    # that also closes the generator when the build ends or is cancelled (see ``threaded``).
    next_ids = await NextIds.read(db)  # commits every COMMIT_ROWS paragraphs, not per speech
    async with contextlib.aclosing(ThreadOwnedIterator(results, "speechbot-tokenize")) as steps:
        overlap = _Overlap(steps, len(todo), stream)
        try:
            for i, number in todo:
                sig, tokens, encoded = await overlap.next()
                item = items[i]
                assert item is not None  # released only below, after its job was made
                kept[i], ids = await insert_speech(db, gen, number, item, sig, tokens, next_ids)
                await overlap.add(item.speech, number, ids, tokens[0], encoded)
                retokenized.append(item.path.name)
                items[i] = item = None
                done += 1
                report("tokenize", done, total)
            await overlap.drain()
        finally:
            await overlap.settle()
    await db.commit()
    if stream is not None:
        await asyncio.to_thread(stream.flush)
    return kept, retokenized, stream


def _results(
    tokenizer: Tokenizer, jobs: Iterator[Texts], build_workers: int, n_paragraphs: int
) -> Iterator[Result]:
    """Each job's tokens, in order: from a pool of processes when there is enough to cut."""
    n_workers = build_workers if build_workers > 0 else workers()
    if n_workers > 1 and n_paragraphs >= POOL_MIN_PARAGRAPHS:
        return tokenize_all(tokenizer, jobs, n_workers)
    here = LocalVocab(0)
    return (encode_result(here, signed_tokens(tokenizer, t)) for t in jobs)


class _Overlap:
    """A full build's three stages at once, each in order: the next speech's tokens are fetched
    (and unpickled) and the last one's postings added while this one's rows are written."""

    def __init__(
        self, steps: ThreadOwnedIterator[Result], count: int, stream: StreamedPostings | None
    ) -> None:
        self._steps, self._left, self._stream = steps, count, stream
        self._adding: asyncio.Future[None] | None = None
        self._ahead = self._fetch()

    def _fetch(self) -> asyncio.Future[Result] | None:
        if not self._left:
            return None
        self._left -= 1
        return asyncio.ensure_future(self._steps.step())

    async def next(self) -> Result:
        """The next speech's tokens; the one after is fetched meanwhile."""
        assert self._ahead is not None, "more steps than speeches"
        result = await self._ahead
        self._ahead = self._fetch()
        return result

    async def add(
        self, speech: Speech, number: int, ids: list[int], titles: list[str], encoded: Encoded
    ) -> None:
        """Start adding a speech's postings, once the previous speech's are in."""
        if self._stream is not None:
            await self.drain()
            add = self._stream.add
            self._adding = asyncio.ensure_future(
                asyncio.to_thread(add, speech, number, ids, titles, encoded)
            )

    async def drain(self) -> None:
        """Wait for the postings being added."""
        adding, self._adding = self._adding, None
        if adding is not None:
            await adding

    async def settle(self) -> None:
        """After a failure or a cancel: the step fetched ahead is dropped (the iterator's thread
        finishes it before the close), and the postings being added are waited for."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and not ahead.cancel() and not ahead.cancelled():
            ahead.exception()  # retrieved, so that asyncio does not log it
        adding, self._adding = self._adding, None
        if adding is not None:
            await asyncio.gather(adding, return_exceptions=True)


async def _plan(
    db: aiosqlite.Connection, loaded: Sequence[LoadedSpeech], tokenizer: Tokenizer
) -> tuple[list[int], list[tuple[int, int]]]:
    """Row ids of the live speeches to keep (0 where none), and what to tokenise: (position in
    ``loaded``, speech number), an old speech keeping its number."""
    rows = await (
        await db.execute(
            "SELECT id, number, source, sha256, token_sig FROM speeches WHERE gen_to IS NULL"
        )
    ).fetchall()
    by_source = {r[2]: r for r in rows}
    next_number = max((r[1] for r in rows), default=0) + 1
    kept: list[int] = [0] * len(loaded)
    todo: list[tuple[int, int]] = []
    for i, item in enumerate(loaded):
        old = by_source.get(item.path.name)
        # Same bytes: still valid unless a user word it contains changed its cut.
        if (
            old is not None
            and old[3] == item.sha256
            and old[4] == tokenizer.signature_for(speech_texts(item.speech))
        ):
            kept[i] = int(old[0])
            continue
        number = int(old[1]) if old is not None else next_number
        next_number += old is None
        todo.append((i, number))
    return kept, todo


def _speech(items: Sequence[LoadedSpeech | None], i: int) -> Speech:
    item = items[i]
    assert item is not None  # still held: its rows are not written yet
    return item.speech


def _texts(speech: Speech) -> Texts:
    return speech.title, [s.title for s in speech.walk()], [p.text for p in speech.paragraphs]
