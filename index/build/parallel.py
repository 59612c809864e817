"""Tokenising many speeches on every core: a process pool, one tokenizer per worker."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from ..text.normalize import normalize
from ..text.tokenize import Tokenizer

#: Below this many paragraphs a pool's start-up (a second or so) costs more than it saves.
POOL_MIN_PARAGRAPHS = 20_000

#: A speech's title, section titles and paragraph texts.
Texts = tuple[str, Sequence[str], Sequence[str]]
#: Space-joined tokens of the section titles and of the paragraphs.
Tokens = tuple[list[str], list[str]]

_worker: Tokenizer | None = None


def _init(
    user_words: tuple[str, ...],
    stopwords: frozenset[str],
    engine_words: tuple[tuple[str, int, int], ...],
) -> None:
    global _worker
    _worker = Tokenizer(user_words, stopwords, engine_words=engine_words)
    _worker.initialize()


def joined(texts: Texts) -> str:
    """All of a speech's text in one string (what its tokenizer signature is taken of)."""
    title, titles, paragraphs = texts
    return "\n".join([title, *titles, *paragraphs])


def tokenize_texts(tokenizer: Tokenizer, texts: Texts) -> Tokens:
    """Space-joined tokens of a speech's section titles and paragraphs."""
    _, titles, paragraphs = texts
    return (
        [" ".join(tokenizer.tokens(t)) for t in titles],
        [" ".join(tokenizer.tokens(t)) for t in paragraphs],
    )


def signed_tokens(tokenizer: Tokenizer, texts: Texts) -> tuple[str, Tokens]:
    """A speech's tokenizer signature and tokens, normalising each text once."""
    title, titles, paragraphs = texts
    norm_titles = [normalize(t) for t in titles]
    norm_paragraphs = [normalize(t) for t in paragraphs]
    # Normalising is local to characters and user words hold no spaces, so the signature of the
    # joined normalised parts equals that of the normalised whole (``signature_for(joined)``).
    whole = "\n".join([normalize(title), *norm_titles, *norm_paragraphs])
    return tokenizer.signature_of_normalized(whole), (
        [" ".join(tokenizer.tokens_of_normalized(t)) for t in norm_titles],
        [" ".join(tokenizer.tokens_of_normalized(t)) for t in norm_paragraphs],
    )


def _task(texts: Texts) -> tuple[str, Tokens]:
    assert _worker is not None
    return signed_tokens(_worker, texts)


def workers() -> int:
    """Worker processes to use by default: one per core."""
    return max(1, os.cpu_count() or 1)


def tokenize_all(
    tokenizer: Tokenizer, jobs: Iterable[Texts], n_workers: int
) -> Iterator[tuple[str, Tokens]]:
    """Tokenizer signature and tokens of each job, in order, cut by ``n_workers`` processes.

    A bounded window of jobs is in flight. Closing the generator early (a cancelled reindex)
    drops the jobs not started yet rather than waiting for all of them.
    """
    # spawn, not fork: the parent runs aiosqlite's and asyncio's threads.
    context = multiprocessing.get_context("spawn")
    window = 4 * n_workers
    with ProcessPoolExecutor(
        n_workers,
        mp_context=context,
        initializer=_init,
        initargs=(tokenizer.user_words, tokenizer.stopwords, tokenizer.engine_words),
    ) as pool:
        pending: list[Future[tuple[str, Tokens]]] = []
        try:
            for job in jobs:
                pending.append(pool.submit(_task, job))
                if len(pending) >= window:
                    yield pending.pop(0).result()
            while pending:
                yield pending.pop(0).result()
        finally:
            for future in pending:
                future.cancel()
