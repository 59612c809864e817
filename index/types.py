"""Value objects returned by the index: hits, speeches, outlines and build reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from corpus import PATH_SEPARATOR

#: progress(stage, done, total) of a reindex: stages are "read", "tokenize", "index", "swap",
#: then "embedding sentences" where the semantic part has sentences to embed.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked paragraph with its speech and section."""

    rank: int  # 1-based over the whole result list
    score: float
    paragraph_id: int
    speech_id: int  # the speech's stable number
    speech_title: str
    section_path: tuple[str, ...]
    text: str
    ordinal: int  # position in the speech
    prev_id: int | None
    next_id: int | None
    matched_terms: tuple[str, ...]

    @property
    def section(self) -> str:
        """The section path as one string."""
        return PATH_SEPARATOR.join(self.section_path)


@dataclass(frozen=True, slots=True)
class Focus:
    """What a follow-up question may lean on: the speech and section of the last answer."""

    speech: int
    section_id: int | None = None


@dataclass(frozen=True, slots=True)
class Scope:
    """What narrowed a search, said in one line of the reply ("在《…》第三部分中")."""

    speech: int
    speech_title: str
    section: str | None = None  # the part's heading, when a part was asked for
    followed: bool = False  # read in the context of the previous answer ("接上文《…》")
    given: bool = False  # the caller chose the speech (a button, ``--speech``), not the question


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Hits for one query, and what the query was understood as."""

    query: str
    terms: tuple[str, ...]  # query tokens after normalisation and stopwords
    hits: tuple[Hit, ...]
    total: int  # paragraphs that contain at least one query term
    offset: int
    relevant: bool  # False: nothing in the corpus answers this
    reason: str = ""  # why nothing is relevant ("no query terms", "no term in the corpus", …)
    speech: int | None = None  # speech filter applied (explicit or understood from the query)
    section: str | None = None  # title of the section the question asked about, if any
    # The passages may be related but none answers directly (shown under a plain caption).
    tentative: bool = False
    # --- what the question pointed at (issue 12) ---
    scope: Scope | None = None  # what narrowed the search, when something did
    candidates: tuple[SpeechInfo, ...] = ()  # "哪篇讲话？": the speeches it may mean
    available: int | None = None  # the part asked for does not exist: how many there are
    focus: Focus | None = None  # what a follow-up to this answer may lean on
    # Homophone typos the question was read with: (typed, meant) pairs ("陪训", "培训").
    spelled: tuple[tuple[str, str], ...] = ()

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)


@dataclass(frozen=True, slots=True)
class SpeechInfo:
    """A speech as listed to users."""

    number: int
    title: str
    source: str
    year: int | None
    n_paragraphs: int
    added_at: float
    sha256: str


@dataclass(frozen=True, slots=True)
class OutlineNode:
    """A section in an outline, with its paragraph count and children."""

    section_id: int
    title: str
    level: int
    kind: str
    number: int | None
    n_paragraphs: int
    children: tuple[OutlineNode, ...] = ()


@dataclass(frozen=True, slots=True)
class Outline:
    """A speech's section tree."""

    speech: SpeechInfo
    sections: tuple[OutlineNode, ...]


@dataclass(frozen=True, slots=True)
class ParagraphView:
    """A paragraph fetched by id, with its place in the speech."""

    paragraph_id: int
    speech_id: int
    speech_title: str
    section_id: int
    section_path: tuple[str, ...]
    ordinal: int
    text: str
    prev_id: int | None
    next_id: int | None

    @property
    def section(self) -> str:
        """The section path as one string."""
        return PATH_SEPARATOR.join(self.section_path)


@dataclass(frozen=True, slots=True)
class SectionSpan:
    """A section's rows in the live generation (its paragraphs and its sub-sections').

    Internal: what question understanding resolves "第二部分第三点" against.
    """

    section_id: int
    number: int | None
    kind: str
    title: str
    lo: int
    hi: int
    children: tuple[SectionSpan, ...] = ()


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a (re)index did."""

    generation: int
    files_read: int
    skipped: tuple[tuple[str, str], ...]  # (file name, reason)
    speeches: int
    sections: int
    paragraphs: int
    terms: int
    retokenized: tuple[str, ...]  # sources whose text was tokenised in this build
    seconds: float
    unchanged: bool = False  # the corpus matched the live index; nothing was swapped


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """What ``/about`` and ``speechbot check`` show."""

    generation: int
    built_at: float
    corpus_dir: str
    fingerprint: str
    speeches: int
    sections: int
    paragraphs: int
    terms: int
    db_bytes: int
    variant: str
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DenseStatus:
    """What ``/about`` and ``speechbot check`` say of the semantic part."""

    enabled: bool  # asked for (SPEECHBOT_DENSE)
    available: bool  # the model loaded
    reason: str  # why it is off, if it is
    model: str
    rows: int  # paragraphs in the live generation
    rows_embedded: int  # of which have their vectors
    deferred: bool = False  # vectors are missing and this process does not embed them
    #: Set when the generation is too large for a one-off process to load its vectors (minutes):
    #: BM25 alone answered, whether or not the vectors are stored (the bot loads them).
    unloaded: bool = False
