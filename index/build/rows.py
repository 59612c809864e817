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
    n_workers = build_workers if build_workers > 0 else workers()
    n_paragraphs = sum(len(_speech(items, i).paragraphs) for i, _ in todo)
    here = LocalVocab(0)
    results: Iterator[Result] = (
        tokenize_all(tokenizer, jobs, n_workers)
        if n_workers > 1 and n_paragraphs >= POOL_MIN_PARAGRAPHS
        else (encode_result(here, signed_tokens(tokenizer, t)) for t in jobs)
    )
    retokenized: list[str] = []
    # Tokenising is CPU work (here or in the pool): keep it off the event loop, on one thread
    # that also closes the generator when the build ends or is cancelled (see ``threaded``).
    next_ids = await NextIds.read(db)  # commits every COMMIT_ROWS paragraphs, not per speech
    async with contextlib.aclosing(ThreadOwnedIterator(results, "speechbot-tokenize")) as steps:
        for i, number in todo:
            sig, tokens, encoded = await steps.step()
            item = items[i]
            assert item is not None  # released only below, after its job was made
            kept[i], ids = await insert_speech(db, gen, number, item, sig, tokens, next_ids)
            if stream is not None:
                await asyncio.to_thread(stream.add, item.speech, number, ids, tokens[0], encoded)
            retokenized.append(item.path.name)
            items[i] = item = None
            done += 1
            report("tokenize", done, total)
    await db.commit()
    if stream is not None:
        await asyncio.to_thread(stream.flush)
    return kept, retokenized, stream


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
