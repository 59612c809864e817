"""The relevance gate: does the best passage cover enough of the question to count as an answer?

Each of the question's units (see ``expand.units``) is worth its idf; a unit the corpus lacks is
worth as much as the corpus's rarest word, or ``UNKNOWN_WEIGHT`` times that when nothing in the
corpus resembles it. The best of the top passages must cover ``min_coverage`` of that worth
(``IndexConfig.min_coverage``), or the answer is "nothing relevant".
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from ..rank.bm25 import BM25, Scored
from .expand import Unit

#: Weight, in units of the rarest word's idf, of a query word with nothing like it in the corpus.
UNKNOWN_WEIGHT = 2.0
#: A passage covering this many of the question's units answers it even below ``min_coverage``
#: (as long as it covers half of it).
MANY_UNITS = 4
#: How many of the best-ranked passages are judged; the best of their coverages decides.
JUDGED_PASSAGES = 3


def _weight(unit: Unit, bm25: BM25) -> float:
    rarest = math.log(bm25.n_docs + 1)
    if unit.own is None:
        # A word the corpus lacks is as telling as its rarest word; one with nothing resembling it
        # in the corpus (个人所得税, 天气) is strong evidence the question is about something else.
        return rarest if unit.expansions else UNKNOWN_WEIGHT * rarest
    return math.log((bm25.n_docs + 1) / max(1, int(bm25.df[bm25.vocab[unit.own]])))


def matched_units(parts: Sequence[Unit], present: set[str]) -> int:
    """How many units a passage with tokens ``present`` covers, fully or through an expansion."""
    return sum(
        1 for u in parts if (u.own and u.own in present) or any(t in present for t in u.expansions)
    )


def coverage(parts: Sequence[Unit], present: set[str], bm25: BM25) -> float:
    """Share of the question's worth that a passage with tokens ``present`` covers."""
    total = covered = 0.0
    for unit in parts:
        weight = _weight(unit, bm25)
        total += weight
        if unit.own and unit.own in present:
            covered += weight
        elif any(t in present for t in unit.expansions):
            covered += weight * unit.partial
    return covered / total if total else 0.0


def best_coverage(
    parts: Sequence[Unit],
    tokens: Sequence[str],
    scored: Sequence[Scored],
    bm25: BM25,
    min_coverage: float,
) -> float:
    """The best coverage among the top ``JUDGED_PASSAGES`` passages of ``scored``."""
    best = 0.0
    for r in scored[:JUDGED_PASSAGES]:
        present = set(bm25.matched(tokens, r.row))
        score = coverage(parts, present, bm25)
        # Several of the question's ideas in one passage is evidence too, even with unknown words.
        if matched_units(parts, present) >= MANY_UNITS and score >= min_coverage / 2:
            score = max(score, min_coverage)
        best = max(best, score)
    return best


class Verdict(enum.Enum):
    """What the evidence says of the best passages."""

    ANSWER = "answer"  # they answer the question
    POSSIBLE = "possible"  # they may be related: shown under a plain caption, not refused
    NONE = "none"  # nothing in the corpus is relevant


#: Semantic evidence (``rank/dense.DenseIndex.evidence``: the best sentence's cosine similarity
#: with the question, plus ``Z_WEIGHT`` per standard deviation it stands out) from which a
#: passage answers even when the question's words are not the speech's, and below which, with
#: too little lexical coverage too, nothing is relevant. Calibrated on the development sets
#: (devtools/questions, never the blind set), with the bundled synonyms, the fact-question rule
#: and homophone typos read as words: at 0.885, 3.6 % of their 475 answerable questions are turned
#: away and 24 % of their 111 unanswerable ones shown passages (0.882: 2.3 % and 29 %); with dev6
#: (asked once before it joined them: 3 % and 18 %), 3.3 % of 575 and 22 % of 161; with dev7
#: (6 % and 36 % before it joined them), the second synonym batch and fact list, 2.5 % of 675
#: and 23 % of 211 (0.882: 2.1 % and 26 %; 0.888: 3.3 % and 22 %).
SEMANTIC_SURE = 0.905
SEMANTIC_MAYBE = 0.885


@lru_cache(maxsize=1)
def _fact_words() -> tuple[str, ...]:
    text = resources.files("index.query").joinpath("data", "fact_questions.txt").read_text("utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(line for line in lines if line)


def asks_for_fact(question: str, words: Sequence[str]) -> bool:
    """Does the question ask for a quantity, a date, a place to go, a procedure or a fee?

    Speeches rarely state such facts, and a passage on the same topic does not answer them, so for
    these questions closeness in meaning is no evidence (``data/fact_questions.txt``). ``words``
    is jieba's cut of ``question``: an entry counts where one of them starts, so that "何时" is
    not read in "任何时候" nor "多长" in "许多长期"."""
    starts, at = set(), 0
    for word in words:
        starts.add(at)
        at += len(word)
    if at != len(question):  # not the cut of this text: plain substrings
        return any(entry in question for entry in _fact_words())
    for entry in _fact_words():
        found = question.find(entry)
        while found >= 0:
            if found in starts:
                return True
            found = question.find(entry, found + 1)
    return False


def judge(
    coverage_: float, min_coverage: float, evidence: float | None, fact: bool = False
) -> Verdict:
    """Lexical coverage alone without the semantic part or for a ``fact`` question; either
    signal otherwise."""
    if coverage_ >= min_coverage:
        return Verdict.ANSWER
    if evidence is None or fact:
        return Verdict.NONE
    if evidence >= SEMANTIC_SURE:
        return Verdict.ANSWER
    return Verdict.POSSIBLE if evidence >= SEMANTIC_MAYBE else Verdict.NONE
