"""Query understanding: which speech a question points at, which part of it, whether it follows
the previous answer, and English questions.

The speech comes from ``speeches`` (a fuzzy match built once per generation), the part from
``parts``. Words that point say where to look, not what to look for, so they are taken out of
the search terms; a speech named only vaguely is asked about, never applied silently.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..text.normalize import normalize
from ..types import Focus, SectionSpan
from .parts import PartRef, read_part, resolve
from .speeches import MAX_CANDIDATES, SpeechFinder
from .wordlists import word_lists

#: A question with at most this many Chinese characters, and no speech of its own, is read as a
#: follow-up of the previous answer when there is one (as a preference, never a filter).
FOLLOWUP_CHARS = 10


@dataclass(frozen=True, slots=True)
class Understood:
    """A question split into where to look and what to look for."""

    text: str  # the rest of the question, to be searched
    speech: int | None = None  # the speech the search is narrowed to
    # why: "named" (by the question), "given" (by the caller), "followup" (the previous answer),
    # "closest" (named vaguely: the closest of ``candidates``, which the reply offers)
    how: str = ""
    part: PartRef | None = None  # the part of that speech the question points at
    candidates: tuple[int, ...] = ()  # "哪篇讲话？": the question points at one of these
    prefer: Focus | None = None  # a follow-up: rank the previous answer's speech first


def understand(
    query: str,
    finder: SpeechFinder,
    speech: int | None = None,
    focus: Focus | None = None,
    everywhere: bool = False,
) -> Understood:
    """Normalise and translate the question, then find the speech and part it points at.

    ``speech`` is the caller's choice; ``focus`` the previous answer (a follow-up is read in its
    context, as a preference); ``everywhere`` searches all speeches whatever the question names.
    """
    text = translate_english(normalize(query))
    how = "given" if speech is not None else ""
    found = None
    if speech is None and not everywhere:
        found = finder.match(text)
        if found.speech is not None:
            speech, text, how = found.speech, found.text, "named"
    ref, rest = read_part(text)
    if speech is None and not everywhere and focus is not None and leans_on(rest, ref):
        if ref is not None:
            return Understood(rest, focus.speech, "followup", ref, prefer=focus)
        return Understood(_without_followup_words(text), None, "followup", None, prefer=focus)
    if speech is None and ref is not None and not everywhere:
        if found is not None and found.candidates:
            # Named vaguely: answered from the closest speech, the others offered beside it.
            rest = read_part(found.text)[1]
            return Understood(rest, found.candidates[0], "closest", ref, found.candidates)
        return Understood(rest, None, "", ref, finder.numbers[:MAX_CANDIDATES])
    if speech is None and found is not None and found.referenced and found.candidates:
        # Named vaguely, no part: all speeches are searched, the closest first (a preference),
        # and the candidates offered.
        closest = Focus(found.candidates[0])
        return Understood(found.text, None, "closest", None, found.candidates, prefer=closest)
    if speech is None:
        return Understood(text)
    return Understood(rest if ref is not None else text, speech, how, ref)


def closest_with_part(
    understood: Understood, sections: Mapping[int, Sequence[SectionSpan]]
) -> Understood:
    """Of the speeches a vague name may mean, the closest that has the part as a heading
    ("第二部分第三要" is not in a speech whose outline is one flat list)."""
    if understood.part is None:
        return understood
    for number in understood.candidates:
        found = resolve(sections.get(number, []), understood.part)
        if found.section is not None and found.enumerated is None:
            return dataclasses.replace(understood, speech=number)
    return understood


def with_years(text: str, year: int | None) -> str:
    """A speech says "过去一年"/"今年" where a question about it says "2022年"/"2023年"."""
    if year is None:
        return text
    return text.replace(f"{year - 1}年", " 过去一年 去年 ").replace(f"{year}年", " 今年 ")


def _without_followup_words(text: str) -> str:
    """A follow-up without the words that only say it follows ("网络这块呢" → "网络")."""
    for word in word_lists("speech_words.txt")["followup"]:
        if len(word) > 1 or word in "呢那":
            text = text.replace(word, " ")
    return text


def leans_on(text: str, ref: PartRef | None) -> bool:
    """Whether a question without a speech of its own reads as a follow-up: a part alone
    ("第二部分呢"), a follow-up word ("那…", "具体…", "…呢"), or only a few words."""
    if ref is not None:
        return True
    words = word_lists("speech_words.txt")["followup"]
    plain = "".join(c for c in text if "\u4e00" <= c <= "\u9fff")
    if len(plain) <= FOLLOWUP_CHARS:
        return True
    return any(plain.startswith(w) or plain.endswith(w) for w in words) or any(
        w in plain for w in words if len(w) > 1
    )


@lru_cache(maxsize=1)
def _glossary() -> tuple[tuple[re.Pattern[str], str], ...]:
    text = (
        resources.files("index.query")
        .joinpath("data")
        .joinpath("glossary_en.txt")
        .read_text(encoding="utf-8")
    )
    entries = []
    for line in text.splitlines():
        if "=" not in line or line.lstrip().startswith("#"):
            continue
        english, chinese = (part.strip() for part in line.split("=", 1))
        words = r"\s+".join(re.escape(w) for w in english.lower().split())
        entries.append((re.compile(rf"\b{words}(?:s|es)?\b"), f" {chinese} "))
    # Longest phrases first, so "party committee" wins over "party".
    return tuple(sorted(entries, key=lambda e: -len(e[0].pattern)))


def translate_english(text: str) -> str:
    """Replace English words and phrases from the bundled glossary by their Chinese terms."""
    if not re.search(r"[a-z]{3,}", text):
        return text
    for pattern, chinese in _glossary():
        text = pattern.sub(chinese, text)
    return text
