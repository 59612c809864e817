"""Synthetic corpora for benchmarks and tests: the real speeches' sentences, recombined.

Deterministic for a given seed. Jieba cuts text at punctuation, and every sentence here ends
in one, so a recombined paragraph's tokens are exactly its sentences' tokens put together:
token lists made by recombining already-tokenised sentences equal tokenising the text.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from corpus import bundled_corpus_dir, load_corpus
from index import Tokenizer

#: The question sets the benchmark's questions start with.
QUESTIONS = Path(__file__).resolve().parent / "questions"

_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]")
# A sentence that opens like a heading (一、 （一） 一是 第一) would turn a paragraph into one.
_HEADING_LIKE = re.compile(
    r"^\s*([（(]?[一二三四五六七八九十0-9]+[、）).．]|[一二三四五六七八九十]+[是要]|第)"
)
#: Paragraphs per synthetic speech file.
SPEECH_PARAGRAPHS = 200


@dataclass(frozen=True, slots=True)
class Source:
    """The real corpus cut into sentences, and how many sentences its paragraphs hold."""

    sentences: tuple[str, ...]
    lengths: tuple[int, ...]  # sentences per real paragraph
    texts: tuple[str, ...]  # the real paragraphs


def source() -> Source:
    """Sentences and paragraph shapes of the bundled speeches."""
    load = load_corpus(bundled_corpus_dir())
    sentences: dict[str, None] = {}
    lengths: list[int] = []
    texts: list[str] = []
    for item in load.speeches:
        for paragraph in item.speech.paragraphs:
            found = [s for s in _SENTENCE.findall(paragraph.text) if s.strip()]
            texts.append(paragraph.text)
            lengths.append(max(1, len(found)))
            sentences.update((s.strip(), None) for s in found if not _HEADING_LIKE.match(s))
    return Source(tuple(sentences), tuple(lengths), tuple(texts))


def paragraph_plan(src: Source, n: int, seed: int = 1) -> Iterator[list[int]]:
    """Sentence indices of ``n`` synthetic paragraphs shaped like the real ones."""
    rng = random.Random(seed)
    count = len(src.sentences)
    for _ in range(n):
        yield [rng.randrange(count) for _ in range(rng.choice(src.lengths))]


def token_documents(src: Source, n: int, tokenizer: Tokenizer, seed: int = 1) -> list[list[str]]:
    """Token lists of ``n`` synthetic paragraphs, from the sentences tokenised once each."""
    cut = [tokenizer.tokens(s) for s in src.sentences]
    return [[t for i in plan for t in cut[i]] for plan in paragraph_plan(src, n, seed)]


def paragraph_texts(src: Source, n: int, seed: int = 1) -> Iterator[str]:
    """Texts of ``n`` synthetic paragraphs (the same ones ``token_documents`` tokenises)."""
    for plan in paragraph_plan(src, n, seed):
        yield "".join(src.sentences[i] for i in plan)


def write_corpus(src: Source, n: int, folder: Path, seed: int = 1) -> int:
    """Write ``n`` synthetic paragraphs as speech files in ``folder``; return the file count."""
    folder.mkdir(parents=True, exist_ok=True)
    files = 0
    lines: list[str] = []
    for i, text in enumerate(paragraph_texts(src, n, seed)):
        lines.append(text)
        if len(lines) == SPEECH_PARAGRAPHS or i == n - 1:
            files += 1
            title = f"在第{files}次党的建设工作会议上的讲话"
            body = "\n".join([title, "", "同志们：", *lines, ""])
            (folder / f"{files:06d}.txt").write_text(body, encoding="utf-8")
            lines = []
    return files


def questions(src: Source, n: int, seed: int = 2) -> list[str]:
    """``n`` realistic questions: the development sets' questions, then sentence fragments."""
    found: list[str] = []
    for name in ("devset.jsonl", "heldout.jsonl"):
        text = (QUESTIONS / name).read_text("utf-8")
        found += [json.loads(line)["question"] for line in text.splitlines() if line.strip()]
    rng = random.Random(seed)
    while len(found) < n:
        sentence = src.sentences[rng.randrange(len(src.sentences))]
        size = rng.randint(6, 16)
        start = rng.randrange(max(1, len(sentence) - size))
        found.append(sentence[start : start + size])
    return found[:n]
