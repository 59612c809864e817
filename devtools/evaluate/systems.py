"""The two systems under test: speechbot's search, and the plain BM25 baseline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jieba
import numpy as np
from rank_bm25 import BM25Okapi

from corpus import corpus_files
from index import Focus, IndexConfig, SearchIndex, SearchResult

from .questions import Question

#: Passages looked at per question: MRR@10 needs ten.
DEPTH = 10


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a system did with one question: the rank of the first answering passage, if any."""

    question: Question
    rank: int | None  # 1-based within the top DEPTH
    rejected: bool  # said "nothing relevant" (passages shown under "may be related" are not)


def rank_of(texts: Sequence[str], answers: Sequence[str]) -> int | None:
    """The 1-based rank of the first passage holding one of ``answers``."""
    for i, text in enumerate(texts[:DEPTH], 1):
        if any(a in text for a in answers):
            return i
    return None


async def run_speechbot(
    sets: Sequence[Sequence[Question]], config: IndexConfig
) -> list[list[Outcome]]:
    """Ask speechbot every question of every set, through one index.

    A follow-up (``follows``) is asked after the question it follows, with that answer's
    ``focus``, as the bot keeps it for a chat: it is measured as users meet it.
    """
    index = SearchIndex(config)
    await index.initialize(refresh=True)
    try:
        results = []
        for questions in sets:
            by_id = {q.id: q for q in questions}
            asked: dict[str, SearchResult] = {}
            for q in questions:
                await _ask(index, q, by_id, asked)
            results.append([_outcome(q, asked[q.id]) for q in questions])
        return results
    finally:
        await index.shutdown()


async def _ask(
    index: SearchIndex, q: Question, by_id: dict[str, Question], asked: dict[str, SearchResult]
) -> SearchResult:
    """The answer to ``q``, asking the question it follows first (once) for its context."""
    if q.id in asked:
        return asked[q.id]
    focus: Focus | None = None
    before = by_id.get(q.follows) if q.follows else None
    if before is not None and before.id != q.id:
        focus = (await _ask(index, before, by_id, asked)).focus
    asked[q.id] = await index.search(q.question, k=DEPTH, focus=focus)
    return asked[q.id]


def _outcome(q: Question, result: SearchResult) -> Outcome:
    # A passage is shown under its section's headings (the baseline's chunks are lines, headings
    # among them): an answer in the heading a passage is shown under counts, as the user reads it.
    texts = [f"{h.section}\n{h.text}" for h in result.hits] if result.relevant else []
    return Outcome(q, rank_of(texts, q.answers), not result.relevant)


class Baseline:
    """The plain approach: lines as chunks, jieba.lcut, BM25Okapi, no normalisation."""

    def __init__(self, corpus_dir: Path) -> None:
        self.chunks = [
            line.strip()
            for path in corpus_files(corpus_dir)
            if path.suffix == ".txt"
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        self.tokenizer = jieba.Tokenizer()
        self.bm25 = BM25Okapi([self.tokenizer.lcut(c) for c in self.chunks])

    def run(self, questions: Sequence[Question]) -> list[Outcome]:
        """Ask the baseline every question."""
        outcomes = []
        for q in questions:
            scores = self.bm25.get_scores(self.tokenizer.lcut(q.question))
            top = np.argsort(scores)[::-1][:DEPTH]
            # The baseline has no notion of relevance: it answers unless every score is zero.
            rejected = not bool((scores > 0).any())
            texts = [] if rejected else [self.chunks[i] for i in top]
            outcomes.append(Outcome(q, rank_of(texts, q.answers), rejected))
        return outcomes
