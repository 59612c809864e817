"""Tokenising many speeches on every core: a process pool, one tokenizer per worker."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, compress, islice

import numpy as np
import numpy.typing as npt

from ..text.normalize import normalize
from ..text.tokenize import Tokenizer

#: Below this many paragraphs a pool's start-up (a second or so) costs more than it saves.
POOL_MIN_PARAGRAPHS = 20_000

#: A speech's title, section titles and paragraph texts.
Texts = tuple[str, Sequence[str], Sequence[str]]
#: Space-joined tokens of the section titles and of the paragraphs.
Tokens = tuple[list[str], list[str]]
#: The paragraphs' tokens as ids of the vocabulary of the process that cut them (``LocalVocab``):
#: that process's key, how many terms it had sent before, the terms new since, every paragraph's
#: ids one after another, and each paragraph's count.
Encoded = tuple[int, int, list[str], npt.NDArray[np.int32], npt.NDArray[np.int32]]
#: What tokenising a speech gives: its tokenizer signature, tokens, and encoded paragraph tokens.
Result = tuple[str, Tokens, Encoded]


class _Ids(dict[str, int]):
    """Token → id, or -1 for a token that is no index token; a missing index token gets the
    next id (and is recorded in ``terms``)."""

    def __init__(self, keep: Callable[[str], bool] | None = None) -> None:
        super().__init__()
        self.terms: list[str] = []
        self._keep = keep

    def __missing__(self, token: str) -> int:
        if self._keep is not None and not self._keep(token):
            self[token] = -1
            return -1
        self[token] = number = len(self.terms)
        self.terms.append(token)
        return number


class LocalVocab:
    """The ids of one process's tokens; each ``encode`` also sends the terms new since the last.

    The parent learns a process's terms in the order that process sent them: a pool's worker
    takes its jobs in submission order, one at a time, and the parent reads results in that
    order (``base`` lets the parent check it).
    """

    def __init__(self, key: int, keep: Callable[[str], bool] | None = None) -> None:
        """``keep``: which tokens of a cut are index tokens (for ``encode_cuts``)."""
        self.key = key
        self._ids = _Ids(keep)
        self._sent = 0

    def encode(self, paragraphs: Sequence[Sequence[str]]) -> Encoded:
        """The ids of each paragraph's tokens, with the terms this vocabulary learnt since."""
        lengths = np.fromiter(map(len, paragraphs), dtype=np.int32, count=len(paragraphs))
        ids = np.fromiter(
            map(self._ids.__getitem__, chain.from_iterable(paragraphs)),
            dtype=np.int32,
            count=int(lengths.sum()),
        )
        return self._encoded(ids, lengths)

    def encode_cuts(self, cuts: Sequence[Sequence[str]]) -> tuple[list[str], Encoded]:
        """Each paragraph's index tokens space-joined, and encoded, from its whole cut.

        One dictionary look-up per token both tells an index token (``keep``, remembered) and
        gives its id.
        """
        flat = list(chain.from_iterable(cuts))
        every = np.fromiter(map(self._ids.__getitem__, flat), dtype=np.int32, count=len(flat))
        kept = every >= 0
        ends = np.fromiter(map(len, cuts), dtype=np.int64, count=len(cuts)).cumsum()
        counted = np.concatenate(([0], kept.cumsum()))
        lengths = np.diff(counted[np.concatenate(([0], ends))]).astype(np.int32)
        tokens = iter(compress(flat, kept.tolist()))
        joined = [" ".join(islice(tokens, n)) for n in lengths.tolist()]
        return joined, self._encoded(every[kept], lengths)

    def _encoded(self, ids: npt.NDArray[np.int32], lengths: npt.NDArray[np.int32]) -> Encoded:
        base, new = self._sent, self._ids.terms[self._sent :]
        self._sent = len(self._ids.terms)
        return self.key, base, new, ids, lengths


_worker: tuple[Tokenizer, LocalVocab] | None = None


def _init(
    user_words: tuple[str, ...],
    stopwords: frozenset[str],
    engine_words: tuple[tuple[str, int, int], ...],
) -> None:
    global _worker
    tokenizer = Tokenizer(user_words, stopwords, engine_words=engine_words)
    tokenizer.initialize()
    _worker = (tokenizer, LocalVocab(os.getpid(), tokenizer.is_index_token))


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
    sig, titles, paragraphs = _signed_lists(tokenizer, texts)
    return sig, ([" ".join(t) for t in titles], [" ".join(t) for t in paragraphs])


def _signed_lists(
    tokenizer: Tokenizer, texts: Texts
) -> tuple[str, list[list[str]], list[list[str]]]:
    title, titles, paragraphs = texts
    norm_titles = [normalize(t) for t in titles]
    norm_paragraphs = [normalize(t) for t in paragraphs]
    # Normalising is local to characters and user words hold no spaces, so the signature of the
    # joined normalised parts equals that of the normalised whole (``signature_for(joined)``).
    whole = "\n".join([normalize(title), *norm_titles, *norm_paragraphs])
    return (
        tokenizer.signature_of_normalized(whole),
        [tokenizer.tokens_of_normalized(t) for t in norm_titles],
        [tokenizer.tokens_of_normalized(t) for t in norm_paragraphs],
    )


def encode_result(vocab: LocalVocab, result: tuple[str, Tokens]) -> Result:
    """``signed_tokens``'s result with its paragraphs' tokens encoded (in this process)."""
    sig, tokens = result
    return sig, tokens, vocab.encode([t.split() for t in tokens[1]])


def _task(texts: Texts) -> Result:
    assert _worker is not None
    tokenizer, vocab = _worker
    title, titles, paragraphs = texts
    norm_titles = [normalize(t) for t in titles]
    norm_paragraphs = [normalize(t) for t in paragraphs]
    whole = "\n".join([normalize(title), *norm_titles, *norm_paragraphs])  # as _signed_lists
    sig = tokenizer.signature_of_normalized(whole)
    joined, encoded = vocab.encode_cuts([tokenizer.cut(t) for t in norm_paragraphs])
    titles_joined = [" ".join(tokenizer.tokens_of_normalized(t)) for t in norm_titles]
    return sig, (titles_joined, joined), encoded


def workers() -> int:
    """Worker processes to use by default: one per core."""
    return max(1, os.cpu_count() or 1)


def tokenize_all(tokenizer: Tokenizer, jobs: Iterable[Texts], n_workers: int) -> Iterator[Result]:
    """Tokenizer signature, tokens and encoded tokens of each job, in order, cut by
    ``n_workers`` processes.

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
        pending: list[Future[Result]] = []
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
