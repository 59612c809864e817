"""Which speech a question points at: a ranked, fuzzy match built once per index generation.

What identifies a speech — its title, the years in its title, the year it is about, and what its
opening and top-level headings say (what it reviews, plans, the circumstances it names) — is
indexed once, when a generation is loaded, as character bigrams. A question is then looked up
bigram by bigram: the work per question depends on the question's length, not on how many
speeches there are (a bigram shared by more than ``COMMON`` speeches names none of them and is
never walked). Word lists: ``data/speech_words.txt``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, partial

from ..text.numbers import chinese_number, parse_number
from .speech_tables import COMMON, SpeechKey, Tables, build_tables
from .speech_text import (
    NUMBER,
    ORDINAL,
    PLAIN,
    YEAR,
    abbreviations,
    bigrams,
    covered,
    naming_phrases,
    title_runs,
    without_naming,
)
from .wordlists import word_lists

__all__ = ["COMMON", "SpeechFinder", "SpeechKey", "SpeechMatch"]

YEAR_IN_TITLE = 4.0  # a year the title names
NUMBER_IN_TITLE = 2.0  # another number the title has ("第124次")
BY_NUMBER = 10.0  # "第三篇": the number in the list of speeches
YEAR_ABOUT = 2.0  # a year the speech is about (parsed year, or named in its opening)
DESCRIBED = 3.0  # the most a description (naming phrase vs the opening) adds
OTHER_RUNS = 0.25  # share of the weaker title runs added to the strongest one
MIN_SCORE = 2.0  # below this a speech is not named at all
CANDIDATE_MIN = 1.0  # below this a speech is not even a candidate of a vague reference
MARGIN = 2.0  # the best speech must lead the next by this much to be taken as named
MAX_CANDIDATES = 6


@dataclass(frozen=True, slots=True)
class SpeechMatch:
    """The outcome of matching a question against the speeches."""

    speech: int | None  # the speech clearly named
    confidence: float  # 0 (nothing named) to 1 (named with a wide lead)
    candidates: tuple[int, ...]  # closest speeches, best first, when none is clear
    referenced: bool  # the question points at a speech or meeting ("那篇", "会议上", "讲话")
    text: str  # the question without the words that named the speech (or the closest one)
    examined: int  # index entries visited: bounded by the question, not by the speeches


@dataclass(frozen=True, slots=True)
class _Words:
    generic: tuple[str, ...]
    topic: tuple[str, ...]
    meeting: tuple[str, ...]
    reference: tuple[str, ...]


def _words() -> _Words:
    lists = word_lists("speech_words.txt")
    return _Words(lists["generic"], lists["topic"], lists["meeting"], lists["reference"])


class SpeechFinder:
    """The look-up structures of one generation's speeches; immutable once built."""

    def __init__(self, keys: Iterable[SpeechKey] = (), tables: Tables | None = None) -> None:
        """Index ``keys``, or take ``tables`` already built (read back from a generation)."""
        t = tables if tables is not None else build_tables(keys)
        self.tables = t
        self.words = _words()
        self._titles = t.titles
        self._title_index = t.title_index
        self._described = t.described
        self._desc_index = t.desc_index
        self._year_title = t.year_title
        self._year_about = t.year_about
        self._title_years = t.title_years
        self._number_index = t.number_index
        self._title_texts = t.title_texts
        self.numbers: tuple[int, ...] = tuple(sorted(t.numbers))
        self._n = max(1, len(t.numbers))

    # -- per question --------------------------------------------------------------------------

    def match(self, text: str) -> SpeechMatch:
        """The speech ``text`` (normalised) names, with a confidence, or the closest candidates."""
        scores: dict[int, float] = defaultdict(float)
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        examined = self._years(text, scores, spans)
        examined += self._numbers(text, scores)
        self._ordinal(text, scores, spans)
        referenced = any(w in text for w in self.words.meeting)
        examined += self._title_runs(text, scores, spans, referenced)
        self._common_years(text, scores, spans)
        if referenced:
            examined += self._descriptions(text, scores, spans)
        return self._decide(text, scores, spans, referenced, examined)

    def _years(
        self, text: str, scores: dict[int, float], spans: dict[int, list[tuple[int, int]]]
    ) -> int:
        examined = 0
        for found in YEAR.finditer(text):
            year = parse_number(found.group(1)) or 0  # four digits: never None
            # A year the title names counts most; one the speech is about (its opening names
            # it, or most of its text) counts too, even when another title names it.
            for numbers, weight in (
                (self._year_title.get(year, []), YEAR_IN_TITLE),
                (self._year_about.get(year, []), YEAR_ABOUT),
            ):
                if len(numbers) > COMMON:
                    continue  # shared by many: counted for the candidates others find
                for number in numbers:
                    scores[number] += weight
                    if weight == YEAR_IN_TITLE:  # a year it is about stays a term ("2022年")
                        spans[number].append(found.span())
                examined += len(numbers)
        return examined

    def _numbers(self, text: str, scores: dict[int, float]) -> int:
        """Numbers of a title other than years ("第124次"), which may tell apart titles that
        share all their words."""
        examined = 0
        for digits in NUMBER.findall(YEAR.sub("|", text)):
            posting = self._number_index.get(digits)
            if posting and len(posting) <= COMMON:
                for number in posting:
                    scores[number] += NUMBER_IN_TITLE
                examined += len(posting)
        return examined

    def _ordinal(
        self, text: str, scores: dict[int, float], spans: dict[int, list[tuple[int, int]]]
    ) -> None:
        """ "第三篇": the speech numbered so in the list of speeches."""
        for found in ORDINAL.finditer(text):
            number = chinese_number(found.group(1))
            if number is not None and number in self._titles:
                scores[number] += BY_NUMBER
                spans[number].append(found.span())

    def _common_years(
        self, text: str, scores: dict[int, float], spans: dict[int, list[tuple[int, int]]]
    ) -> None:
        """A year many titles name counts for the candidates found otherwise (one set look-up
        per candidate, never a walk over the speeches)."""
        for found in YEAR.finditer(text):
            year = parse_number(found.group(1)) or 0  # four digits: never None
            if len(self._year_title.get(year, ())) <= COMMON:
                continue
            for number in list(scores):
                if year in self._title_years[number]:
                    scores[number] += YEAR_IN_TITLE
                    spans[number].append(found.span())

    def _title_runs(
        self,
        text: str,
        scores: dict[int, float],
        spans: dict[int, list[tuple[int, int]]],
        referenced: bool,
    ) -> int:
        """Runs of the question each candidate's title shares; an abbreviated title too when the
        question names a meeting or a speech (``referenced``: "党建暨组宣统会议讲话") and no run
        quotes that title well enough to name it."""
        masked = YEAR.sub(lambda m: "|" * len(m.group()), text)
        grams = bigrams(masked)
        candidates: set[int] = set(scores)
        examined = 0
        for g in grams:
            posting = self._title_index.get(g)
            if posting and len(posting) <= COMMON:
                candidates.update(posting)
                examined += len(posting)
        # A run's weight depends on the question only (its span, and how many titles share its
        # first bigram): weighed once however many titles share it.
        weigh = cache(partial(self._run_weight, text))
        for number in candidates:
            runs = [
                (a, b, weigh(a, b, len(self._title_index[grams[a]])))
                for a, b in title_runs(grams, self._titles[number])
            ]
            if referenced and max((w for _, _, w in runs), default=0.0) < MIN_SCORE:
                # The title is not quoted: perhaps abbreviated (a fallback, so cheap overall).
                runs = self._with_abbreviations(masked, number, runs, weigh)
            counted = [(a, b, w) for a, b, w in runs if w > 0]
            if not counted:
                continue
            best = max(w for _, _, w in counted)
            scores[number] += best + OTHER_RUNS * (sum(w for _, _, w in counted) - best)
            spans[number].extend((a, b) for a, b, _ in counted)
            examined += len(grams)
        return examined

    def _with_abbreviations(
        self,
        masked: str,
        number: int,
        runs: list[tuple[int, int, float]],
        weigh: Callable[[int, int, int], float],
    ) -> list[tuple[int, int, float]]:
        """``runs`` with the spans that abbreviate the title in their place (each weighed as a
        run of its characters), when longer than the exact runs inside them."""
        for a, b in abbreviations(masked, self._title_texts[number]):
            inside = [r for r in runs if a <= r[0] and r[1] <= b]
            if all(y - x < b - a for x, y, _ in inside):
                runs = [r for r in runs if r not in inside]
                runs.append((a, b, weigh(a, b, 1)))
        return runs

    def _run_weight(self, text: str, start: int, end: int, shared: int) -> float:
        """How strongly ``text[start:end]``, shared with a title, names that speech (a run of
        two characters only when no other title has it, or next to a meeting word)."""
        run = text[start:end]
        generic = covered(run, self.words.generic)
        topic = covered(run, self.words.topic)
        n_generic = sum(generic)
        n_topic = sum(t and not g for t, g in zip(topic, generic, strict=True))
        other = len(run) - n_generic - n_topic
        meeting = any(w in run or text.startswith(w, end) for w in self.words.meeting)
        if len(run) == 2 and shared > 1 and not meeting:
            return 0.0
        if other >= 2 or (other + n_topic >= 2 and meeting):
            return other + n_topic + 0.5 * n_generic
        return 0.0

    def _descriptions(
        self, text: str, scores: dict[int, float], spans: dict[int, list[tuple[int, int]]]
    ) -> int:
        """A naming phrase ("总结2019年党建那篇") against what each opening says."""
        examined = 0
        named = {i for found in spans.values() for a, b in found for i in range(a, b)}
        phrases = naming_phrases(text, self.words.reference)
        grams = {
            text[i : i + 2]
            for a, b in phrases
            for i in range(a, b - 1)
            if i not in named and i + 1 not in named and PLAIN.fullmatch(text[i : i + 2])
        }
        gained: dict[int, float] = defaultdict(float)
        if grams:
            for g in grams:
                posting = self._desc_index.get(g)
                if not posting or len(posting) > COMMON:
                    continue
                rarity = math.log((self._n + 1) / len(posting)) / math.log(self._n + 1)
                for number in posting:
                    gained[number] += rarity * min(self._described[number][g], 3) / 3
                examined += len(posting)
        for number, value in gained.items():
            scores[number] += min(DESCRIBED, value)
            spans[number].extend(phrases)
        return examined

    def _decide(
        self,
        text: str,
        scores: dict[int, float],
        spans: dict[int, list[tuple[int, int]]],
        referenced: bool,
        examined: int,
    ) -> SpeechMatch:
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        ranked = [(n, s) for n, s in ranked if s >= CANDIDATE_MIN]
        if not ranked:
            return SpeechMatch(None, 0.0, (), referenced, text, examined)
        top, second = ranked[0][1], ranked[1][1] if len(ranked) > 1 else 0.0
        if top >= MIN_SCORE and top - second >= MARGIN:
            number = ranked[0][0]
            confidence = min(1.0, (top - second) / (2 * MARGIN))
            rest = self._without(text, spans[number], number)
            return SpeechMatch(number, confidence, (), referenced, rest, examined)
        close = tuple(n for n, s in ranked if s > top - MARGIN)[:MAX_CANDIDATES]
        rest = self._without(text, spans[close[0]], close[0])
        return SpeechMatch(None, 0.0, close, referenced, rest, examined)

    def _without(self, text: str, spans: list[tuple[int, int]], number: int) -> str:
        """The question with the naming spans blanked (see ``speech_text.without_naming``)."""
        return without_naming(text, spans, self._titles[number], self.words.meeting)

    def titles_with(self, gram: str) -> Sequence[int]:
        """The speeches whose title has the bigram ``gram`` (for a reference typed alone)."""
        return self._title_index.get(gram, ())
