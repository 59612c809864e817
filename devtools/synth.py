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
#: Paragraphs per synthetic speech file, and top-level parts ("一、…") per speech.
SPEECH_PARAGRAPHS = 200
SPEECH_PARTS = 4
#: What synthetic titles are made of: where, which meeting, which year (so that questions can
#: name a speech by year and meeting, as users do, and understanding meets many titles).
PLACES = ("全县", "全市", "全区", "县委", "市委", "区委")
MEETINGS = (
    "党的建设工作会议",
    "党的建设工作领导小组会议",
    "组织工作会议",
    "宣传思想工作会议",
    "统战工作会议",
    "纪检监察工作会议",
    "党风廉政建设工作会议",
    "基层党建工作推进会",
    "经济工作会议",
    "农村工作会议",
    "政法工作会议",
    "人才工作会议",
)
YEARS = range(2001, 2026)
_NUMERALS = "一二三四五六七八九十"
_MARKER = re.compile(r"^[一二三四五六七八九十]+[、要是]")


@dataclass(frozen=True, slots=True)
class Source:
    """The real corpus cut into sentences, and how many sentences its paragraphs hold."""

    sentences: tuple[str, ...]
    lengths: tuple[int, ...]  # sentences per real paragraph
    texts: tuple[str, ...]  # the real paragraphs
    headings: tuple[str, ...] = ()  # the real top-level headings, without their markers


def source() -> Source:
    """Sentences and paragraph shapes of the bundled speeches."""
    load = load_corpus(bundled_corpus_dir())
    sentences: dict[str, None] = {}
    lengths: list[int] = []
    texts: list[str] = []
    headings: dict[str, None] = {}
    for item in load.speeches:
        for section in item.speech.sections:
            if section.kind == "numbered":
                headings.setdefault(_MARKER.sub("", section.title).rstrip("，。："), None)
        for paragraph in item.speech.paragraphs:
            found = [s for s in _SENTENCE.findall(paragraph.text) if s.strip()]
            texts.append(paragraph.text)
            lengths.append(max(1, len(found)))
            sentences.update((s.strip(), None) for s in found if not _HEADING_LIKE.match(s))
    return Source(tuple(sentences), tuple(lengths), tuple(texts), tuple(headings))


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


@dataclass(frozen=True, slots=True)
class SpeechName:
    """What a synthetic speech's title says: where, which meeting, which year."""

    place: str
    meeting: str
    year: int

    @property
    def title(self) -> str:
        """The speech's title line."""
        return f"在{self.year}年{self.place}{self.meeting}上的讲话"


def speech_name(number: int, seed: int = 1) -> SpeechName:
    """The title parts of synthetic speech ``number`` (1-based), the same in every run."""
    rng = random.Random(f"{seed}:{number}")
    return SpeechName(rng.choice(PLACES), rng.choice(MEETINGS), rng.choice(YEARS))


def _part_headings(src: Source, number: int) -> list[str]:
    rng = random.Random(f"parts:{number}")
    titles = rng.sample(src.headings, SPEECH_PARTS) if len(src.headings) >= SPEECH_PARTS else []
    return [f"{_NUMERALS[i]}、{t}" for i, t in enumerate(titles)]


def write_corpus(src: Source, n: int, folder: Path, seed: int = 1) -> int:
    """Write ``n`` synthetic paragraphs as speech files in ``folder``; return the file count.

    Each speech has a title naming a year, place and meeting (``speech_name``) and
    ``SPEECH_PARTS`` numbered parts with real headings, so that questions can name a speech
    and a part of it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = 0
    lines: list[str] = []
    for i, text in enumerate(paragraph_texts(src, n, seed)):
        lines.append(text)
        if len(lines) == SPEECH_PARAGRAPHS or i == n - 1:
            files += 1
            body = [speech_name(files, seed).title, "", "同志们："]
            headings = _part_headings(src, files)
            per_part = max(1, -(-len(lines) // max(1, len(headings))))
            for start in range(0, len(lines), per_part):
                if headings and start // per_part < len(headings):
                    body.append(headings[start // per_part])
                body += lines[start : start + per_part]
            (folder / f"{files:06d}.txt").write_text("\n".join([*body, ""]), encoding="utf-8")
            lines = []
    return files


def named_questions(src: Source, speeches: int, n: int, seed: int = 3) -> list[str]:
    """``n`` questions naming one of ``speeches`` synthetic speeches by year and meeting, some
    also a part of it ("第二部分讲了什么"), some a topic in it."""
    rng = random.Random(seed)
    found: list[str] = []
    for i in range(n):
        name = speech_name(rng.randint(1, max(1, speeches)))
        fragment = src.sentences[rng.randrange(len(src.sentences))][:10].rstrip("，。；")
        part = _NUMERALS[rng.randrange(SPEECH_PARTS)]
        forms = (
            f"{name.year}年{name.meeting}讲话第{part}部分讲了什么",
            f"{name.year}年{name.place}{name.meeting}上关于{fragment}是怎么说的",
            f"{name.year}年{name.meeting}的讲话中{fragment}",
            f"{name.meeting}讲话第{part}部分关于{fragment}",
        )
        found.append(forms[i % len(forms)])
    return found


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
