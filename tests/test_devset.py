"""Validate the retrieval evaluation set ``devtools/questions/devset.jsonl``.

Each line is one question.  Answers are verbatim substrings of an answering
paragraph (one line of a corpus file) and must occur exactly once in the whole
corpus, so that they identify the paragraph whatever the chunking.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "devtools" / "questions" / "devset.jsonl"
SPEECHES = ROOT / "corpus" / "speeches"
USERDICT = ROOT / "index" / "text" / "data" / "userdict.txt"

REQUIRED_KEYS = {"id", "question", "kind", "answers", "speech"}
OPTIONAL_KEYS = {"note"}
MIN_PER_KIND = {
    "keyword": 20,
    "paraphrase": 20,
    "section": 15,
    "speech": 15,
    "absent": 15,
    "variant": 10,
}
VARIANT_NOTES = {"traditional", "fullwidth", "emoji", "english"}
MIN_TOTAL = 110
ANSWER_MIN_LEN, ANSWER_MAX_LEN = 10, 30


@lru_cache(maxsize=1)
def corpus() -> dict[str, str]:
    """File stem -> raw text of every speech."""
    files = sorted(SPEECHES.glob("*.txt"))
    assert files, f"no corpus files in {SPEECHES}"
    return {p.stem: p.read_text(encoding="utf-8") for p in files}


@lru_cache(maxsize=1)
def corpus_lines() -> list[str]:
    return [line for text in corpus().values() for line in text.splitlines()]


@lru_cache(maxsize=1)
def records() -> list[dict[str, Any]]:
    out = []
    with DEVSET.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            assert line.strip(), f"line {n}: blank line"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:  # pragma: no cover - failure path
                pytest.fail(f"line {n}: invalid JSON: {exc}")
            assert isinstance(rec, dict), f"line {n}: not a JSON object"
            out.append(rec)
    return out


def occurrences(s: str) -> int:
    return sum(text.count(s) for text in corpus().values())


def answering_line(answer: str) -> str:
    hits = [line for line in corpus_lines() if answer in line]
    assert len(hits) == 1, f"{answer!r} found in {len(hits)} lines"
    return hits[0]


# ---------------------------------------------------------------- structure


def test_file_exists_and_parses() -> None:
    assert DEVSET.is_file()
    assert len(records()) >= MIN_TOTAL


def test_keys_and_types() -> None:
    for rec in records():
        keys = set(rec)
        assert keys >= REQUIRED_KEYS, f"{rec.get('id')}: missing {REQUIRED_KEYS - keys}"
        assert keys <= REQUIRED_KEYS | OPTIONAL_KEYS, f"{rec['id']}: extra {keys - REQUIRED_KEYS}"
        assert isinstance(rec["id"], str) and rec["id"]
        assert isinstance(rec["question"], str) and rec["question"].strip(), rec["id"]
        assert isinstance(rec["answers"], list), rec["id"]
        assert all(isinstance(a, str) for a in rec["answers"]), rec["id"]
        assert rec["speech"] is None or isinstance(rec["speech"], str), rec["id"]
        if "note" in rec:
            assert isinstance(rec["note"], str), rec["id"]


def test_ids_unique() -> None:
    counts = Counter(rec["id"] for rec in records())
    dupes = [i for i, c in counts.items() if c > 1]
    assert not dupes, f"duplicate ids: {dupes}"


def test_questions_unique() -> None:
    counts = Counter(rec["question"] for rec in records())
    dupes = [q for q, c in counts.items() if c > 1]
    assert not dupes, f"duplicate questions: {dupes}"


def test_kinds_allowed_and_minimum_counts() -> None:
    counts = Counter(rec["kind"] for rec in records())
    unknown = set(counts) - set(MIN_PER_KIND)
    assert not unknown, f"unknown kinds: {unknown}"
    for kind, minimum in MIN_PER_KIND.items():
        assert counts[kind] >= minimum, f"{kind}: {counts[kind]} < {minimum}"


def test_variant_notes() -> None:
    variants = [rec for rec in records() if rec["kind"] == "variant"]
    notes = Counter(rec.get("note") for rec in variants)
    assert set(notes) <= VARIANT_NOTES, f"unexpected variant notes: {set(notes) - VARIANT_NOTES}"
    for note in VARIANT_NOTES:
        assert notes[note] >= 2, f"only {notes[note]} variant(s) with note {note!r}"


# ------------------------------------------------------------------ answers


def test_absent_have_no_answers_and_others_do() -> None:
    for rec in records():
        if rec["kind"] == "absent":
            assert rec["answers"] == [], f"{rec['id']}: absent question with answers"
        else:
            assert rec["answers"], f"{rec['id']}: no answers"
            assert len(set(rec["answers"])) == len(rec["answers"]), f"{rec['id']}: repeated answer"


def test_answers_verbatim_unique_and_sized() -> None:
    problems = []
    for rec in records():
        for ans in rec["answers"]:
            n = occurrences(ans)
            if not ANSWER_MIN_LEN <= len(ans) <= ANSWER_MAX_LEN:
                problems.append(f"{rec['id']}: length {len(ans)}: {ans!r}")
            if "\n" in ans or "\r" in ans:
                problems.append(f"{rec['id']}: answer spans lines: {ans!r}")
            if n != 1:
                problems.append(f"{rec['id']}: occurs {n} times: {ans!r}")
    assert not problems, "\n".join(problems)


def test_answers_of_one_question_are_distinct_paragraphs() -> None:
    for rec in records():
        lines = [answering_line(a) for a in rec["answers"]]
        assert len(set(lines)) == len(lines), f"{rec['id']}: two answers in the same paragraph"


def test_speech_field() -> None:
    stems = set(corpus())
    for rec in records():
        if rec["kind"] in {"speech", "section"}:
            assert rec["speech"] in stems, f"{rec['id']}: unknown speech {rec['speech']!r}"
            text = corpus()[rec["speech"]]
            for ans in rec["answers"]:
                assert ans in text, f"{rec['id']}: {ans!r} not in {rec['speech']}"
        else:
            assert rec["speech"] is None, f"{rec['id']}: speech must be null for {rec['kind']}"


# ------------------------------------------------------------- paraphrases


def _is_punct(token: str) -> bool:
    return all(unicodedata.category(c)[0] in "PSZ" for c in token)


@lru_cache(maxsize=1)
def tokenizers() -> tuple[Any, ...]:
    jieba = pytest.importorskip("jieba")
    jieba.setLogLevel(logging.WARNING)
    # Fresh instances, so that dictionary changes made by other code in the
    # same process (the index loads a user dictionary) cannot affect the check.
    plain = jieba.Tokenizer()
    with_userdict = jieba.Tokenizer()
    if USERDICT.is_file():
        for raw in USERDICT.read_text(encoding="utf-8").splitlines():
            word = raw.strip()
            if word and not word.startswith("#"):
                with_userdict.add_word(word.split()[0])
    return plain, with_userdict


def shared_runs(question: str, paragraph: str, n: int = 3) -> list[list[str]]:
    """Runs of n consecutive question tokens that also appear consecutively in the paragraph.

    Checked with and without punctuation tokens, and with the plain jieba
    dictionary as well as with the project's user dictionary.
    """
    found: list[list[str]] = []
    for tok in tokenizers():
        for drop_punct in (False, True):

            def cut(s: str, tok: Any = tok, drop_punct: bool = drop_punct) -> list[str]:
                return [t for t in tok.lcut(s) if t.strip() and not (drop_punct and _is_punct(t))]

            qt, pt = cut(question), cut(paragraph)
            grams = {tuple(pt[i : i + n]) for i in range(len(pt) - n + 1)}
            found += [
                qt[i : i + n] for i in range(len(qt) - n + 1) if tuple(qt[i : i + n]) in grams
            ]
    return found


def test_paraphrase_shares_at_most_two_consecutive_tokens() -> None:
    problems = []
    for rec in records():
        if rec["kind"] != "paraphrase":
            continue
        for ans in rec["answers"]:
            runs = shared_runs(rec["question"], answering_line(ans))
            if runs:
                problems.append(f"{rec['id']} {rec['question']!r}: shares {runs[0]} with {ans!r}")
    assert not problems, "\n".join(problems)


def test_shared_runs_detects_copying() -> None:
    # Guard against the check silently passing everything.
    para = "要充分发挥基层党组织战斗堡垒作用和党员先锋模范作用"
    assert shared_runs("怎样发挥基层党组织战斗堡垒作用", para)
    assert not shared_runs("村里没钱怎么办", para)
